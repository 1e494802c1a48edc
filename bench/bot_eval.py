"""Held-out questions asked the way visitors ask: through the bot's REST channel (real NLU, rules,
actions and FAQ service) and, for comparison, straight to /api/v1/ask.

Each bot reply that came from the FAQ service ends with a machine-readable part
(`{"custom": {"thamtob": {"outcome", "key", "log_id"}}}`), so what the visitor got is read from it, not
guessed from the text. Per set and language:
- answered correctly: in-scope questions answered with an expected entry;
- answered or resolved in one click: that, or an expected entry among the offered buttons;
- out-of-scope not answered: out-of-scope questions (and junk) that got no answer ("partial" — what
  ThamTob knows about a near-scope question, said as such — counts as not answered);
- wrong answers: answers with an entry that is not expected, and answers from a document to an
  out-of-scope question, over ALL questions of the set;
- answered from a document: in-scope questions a passage answered instead (neither counted right nor
  wrong: the set names entries only), apart.
A reply with no such part (a greeting, the complaint intake) is "handled by the bot": not an answer.
`--without-documents` starts faq_service with no documents (an empty THAMTOB_DOCUMENTS_PATH), to see
what the sample documents change.

    PYTHONPATH=. .venv/bin/python -m bench.bot_eval --out docs/results/bot-eval-tuning.json
    PYTHONPATH=. .venv/bin/python -m bench.bot_eval --set visitor_sealed.yml   # once, at the end

It starts its own stack (faq_service on a temporary SQLite database with the knowledge base imported,
the action server and Rasa with var/models/thamtob.tar.gz: `make train` first).
"""
from __future__ import annotations

import asyncio
import json
import re
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import typer
import yaml
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text

from bench.heldout_eval import TUNE_ONLY
from tests.support.stack import BotStack

HELDOUT = Path(__file__).resolve().parent / "heldout"
# Tuning sets by default; sealed sets are asked for by name, once, with the final settings.
TUNING_SETS = TUNE_ONLY
CHOICE = re.compile(r'^/ask_question\{"faq_id":\s*(\d+)\}$')
CONCURRENCY = 4
DOCUMENT = "answered_from_document"
ANSWERS = ("answered", DOCUMENT)
console = Console()


@dataclass
class Item:
    id: str
    q: str
    lang: str
    expected: tuple[str, ...]
    kind: str  # in_scope, or the out-of-scope kind the set gives (near_scope, off_topic, junk)


@dataclass
class Reply:
    """What one path gave for one question."""

    outcome: str                 # answered, partial, suggested, declined, or handled_by_bot
    key: str | None = None       # the answering entry
    offered: list[str] = field(default_factory=list)  # entries offered as one-click choices
    said: str = ""               # the reply's first words, for reading per-question details


def load_set(name: str) -> list[Item]:
    raw = yaml.safe_load((HELDOUT / name).read_text(encoding="utf-8"))
    items = []
    for r in raw:
        expected = tuple(r.get("expected") or ())
        items.append(Item(r["id"], r["q"], r["lang"], expected,
                          r.get("kind") or ("in_scope" if expected else "out_of_scope")))
    return items


def read_bot_reply(messages: list[dict], key_of: dict[int, str]) -> Reply:
    parts = [m["custom"]["thamtob"] for m in messages
             if isinstance(m.get("custom"), dict) and isinstance(m["custom"].get("thamtob"), dict)]
    offered = []
    for m in messages:
        for b in m.get("buttons") or []:
            found = CHOICE.match(str(b.get("payload") or ""))
            if found and int(found.group(1)) in key_of:
                offered.append(key_of[int(found.group(1))])
    said = " ".join(m["text"] for m in messages if m.get("text"))[:80]
    if not parts:
        return Reply("handled_by_bot", None, offered, said)
    last = parts[-1]
    outcome, key = str(last.get("outcome")), last.get("key")
    if outcome == "answered" and key is None:  # the bot marks an answer from a document so (docs/api.md)
        outcome = DOCUMENT
    return Reply(outcome, key, offered, said)


def read_ask_reply(body: dict) -> Reply:
    return Reply(body.get("outcome") or ("answered" if body.get("answered") else "declined"),
                 body.get("key") if body.get("answered") else None,
                 [s["key"] for s in body.get("suggestions") or [] if s.get("key")])


def scores(items: list[Item], replies: list[Reply]) -> dict:
    pairs = list(zip(items, replies))
    inside = [(i, r) for i, r in pairs if i.expected]
    outside = [(i, r) for i, r in pairs if not i.expected]

    def right(i: Item, r: Reply) -> bool:
        return r.outcome == "answered" and r.key in i.expected

    def share(hits: int, n: int) -> float | None:
        return round(hits / n, 4) if n else None

    wrong = sum(1 for i, r in pairs if (r.outcome == "answered" and r.key not in i.expected)
                or (r.outcome == DOCUMENT and not i.expected))
    return {
        "n": len(pairs), "n_in_scope": len(inside), "n_out_of_scope": len(outside),
        "answered_correctly": share(sum(right(i, r) for i, r in inside), len(inside)),
        "answered_or_one_click": share(sum(right(i, r) or (r.outcome != "answered" and bool(
            set(r.offered) & set(i.expected))) for i, r in inside), len(inside)),
        "oos_not_answered": share(sum(r.outcome not in ANSWERS for _, r in outside), len(outside)),
        "near_scope_not_answered": share(sum(r.outcome not in ANSWERS for i, r in outside
                                             if i.kind == "near_scope"),
                                         sum(1 for i, _ in outside if i.kind == "near_scope")),
        "wrong_answer_rate": share(wrong, len(pairs)),
        "wrong_answers": wrong,
        "partial": sum(1 for _, r in pairs if r.outcome == "partial"),
        "from_document_in_scope": sum(1 for _, r in inside if r.outcome == DOCUMENT),
        "from_document_out_of_scope": sum(1 for _, r in outside if r.outcome == DOCUMENT),
    }


async def entry_keys(client: httpx.AsyncClient, faq_url: str) -> dict[int, str]:
    keys, offset = {}, 0
    while True:
        page = (await client.get(f"{faq_url}/api/v1/faqs", params={"limit": 100, "offset": offset})).json()
        keys.update({e["id"]: e["key"] for e in page["items"]})
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return keys


async def ask_all(stack: BotStack, items: list[Item]) -> tuple[list[Reply], list[Reply], float, float]:
    limit = asyncio.Semaphore(CONCURRENCY)
    async with httpx.AsyncClient(timeout=60) as client:
        key_of = await entry_keys(client, stack.faq.url)

        async def via_bot(item: Item) -> Reply:
            async with limit:
                r = await client.post(f"{stack.rasa.url}/webhooks/rest/webhook",
                                      json={"sender": f"bench-{uuid.uuid4().hex}", "message": item.q})
                r.raise_for_status()
                return read_bot_reply(r.json(), key_of)

        async def via_ask(item: Item) -> Reply:
            async with limit:
                r = await client.post(f"{stack.faq.url}/api/v1/ask",
                                      json={"question": item.q, "channel": "api"})
                r.raise_for_status()
                return read_ask_reply(r.json())

        t0 = time.perf_counter()
        bot = await asyncio.gather(*(via_bot(i) for i in items))
        bot_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        ask = await asyncio.gather(*(via_ask(i) for i in items))
        return list(bot), list(ask), bot_s, time.perf_counter() - t0


def report(name: str, items: list[Item], bot: list[Reply], ask: list[Reply]) -> dict:
    out = {}
    for path, replies in (("bot", bot), ("ask", ask)):
        out[path] = {}
        for lang in ("th", "en", "all"):
            sel = [k for k, i in enumerate(items) if lang == "all" or i.lang == lang]
            out[path][lang] = scores([items[k] for k in sel], [replies[k] for k in sel])
    table = Table(title=f"{name} ({len(items)} questions)")
    for col in ("path", "lang", "answered correctly", "answered or 1 click", "out-of-scope not answered",
                "wrong answers", "partial", "from a document (in / out of scope)"):
        table.add_column(col)
    for path in ("bot", "ask"):
        for lang in ("th", "en", "all"):
            s = out[path][lang]
            table.add_row(path, lang, str(s["answered_correctly"]), str(s["answered_or_one_click"]),
                          str(s["oos_not_answered"]), str(s["wrong_answer_rate"]), str(s["partial"]),
                          f'{s["from_document_in_scope"]} / {s["from_document_out_of_scope"]}')
    console.print(table)
    return out


def count_documents(db_url: str) -> int:
    """How many documents the started faq_service holds (read from its database)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM document")).scalar_one())
    finally:
        engine.dispose()


def details(items: list[Item], bot: list[Reply], ask: list[Reply]) -> list[dict]:
    """Per question, what each path gave (for studying tuning sets only)."""
    return [{"id": i.id, "q": i.q, "expected": list(i.expected), "bot": vars(b), "ask": vars(a)}
            for i, b, a in zip(items, bot, ask)]


def main(sets: list[str] = typer.Option(list(TUNING_SETS), "--set", help="file names in bench/heldout"),
         out: Path = typer.Option(None, help="also write the result as JSON here"),
         per_question: Path = typer.Option(None, help="tuning sets only: write each question's replies here"),
         without_documents: bool = typer.Option(False, "--without-documents",
                                                help="faq_service with no documents (none imported at start-up)"),
         ) -> None:
    loaded = {name: load_set(name) for name in sets}
    with tempfile.TemporaryDirectory() as tmp:
        faq_env = {}
        if without_documents:  # start-up imports the sample documents from this folder: an empty one
            (Path(tmp) / "no-documents").mkdir()
            faq_env["THAMTOB_DOCUMENTS_PATH"] = str(Path(tmp) / "no-documents")
        stack = BotStack(Path(tmp), rasa_env={"WEBHOOK_RATE_SENDER": "off", "WEBHOOK_RATE_IP": "off"},
                         faq_env=faq_env)
        try:
            stack.start_all()
            documents = count_documents(stack.db_url)
            assert (documents == 0) == without_documents, f"{documents} documents loaded"
            results = {}
            for name, items in loaded.items():
                bot, ask, bot_s, ask_s = asyncio.run(ask_all(stack, items))
                results[name] = report(name, items, bot, ask)
                results[name]["seconds"] = {"bot": round(bot_s, 1), "ask": round(ask_s, 1)}
                if per_question:
                    per_question.mkdir(parents=True, exist_ok=True)
                    (per_question / f"{name}.json").write_text(
                        json.dumps(details(items, bot, ask), indent=1, ensure_ascii=False), encoding="utf-8")
        finally:
            stack.stop_all()
    doc = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "documents": documents, "sets": results}
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    typer.run(main)
