"""A held-out set of questions about the documents, asked of a real faq_service with the knowledge base
and the sample documents loaded (its own start-up import into a temporary SQLite database), under the
current settings: through /api/v1/ask and, with `bot`, through the bot's REST channel too.

The set (YAML), written by someone who did not read the passages, is a list of

    - id: dh-001
      q: "…"
      lang: th                    # th | en
      kind: in_scope              # in_scope | out_of_scope
      document: ita-report-fy2563.txt   # the file whose passages answer it, or null
      section: "หมวด 4"           # a piece of the answering passage's section, or null
      expected_keys: [governance-regulation-chapters]   # entries that fully answer it too (may be empty)

Per question, what the service gave is judged:
- answered correctly (in scope): answered from a passage of `document` (its section containing
  `section` when one is given), or answered with an entry in `expected_keys`;
- answered from the right document (in scope, with a document): a passage of `document` answered;
- wrong answer (over all questions): any answer, from an entry or a document, that is not a correct
  one (every answer to an out-of-scope question is wrong); a partial reply is not an answer;
- out-of-scope not answered: out-of-scope questions that got no answer.
Thai and English apart. Through the bot the passage's section is not shown, so there a document answer
counts as correct when it comes from the right document; the document is known by the citation link
in the reply.
"""
from __future__ import annotations

import asyncio
import json
import tempfile
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
import yaml
from sqlalchemy import create_engine, text

from bench.bot_eval import CONCURRENCY, entry_keys, read_bot_reply

DOCUMENT = "answered_from_document"
ANSWERS = ("answered", DOCUMENT)
KINDS = ("in_scope", "out_of_scope")


@dataclass
class Item:
    id: str
    q: str
    lang: str
    kind: str
    document: str | None
    section: str | None
    expected_keys: tuple[str, ...]


@dataclass
class Answer:
    """What one path gave: the outcome, the entry's key or the passage's document (file name) and section."""

    outcome: str
    key: str | None = None
    document: str | None = None
    section: str | None = None
    section_shown: bool = True  # the bot's reply does not show the passage's section


@dataclass
class Verdict:
    answered: bool
    correct: bool
    right_document: bool
    wrong: bool
    from_document: bool = field(default=False)


def load_items(path: Path) -> list[Item]:
    """The set, checked field by field (a mistake names the question)."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(rows, list):
        raise ValueError(f"{path}: a YAML list of questions is expected")
    items, seen = [], set()
    for n, row in enumerate(rows, 1):
        where = f"{path.name}, question {n} ({row.get('id') if isinstance(row, dict) else row!r})"
        if not isinstance(row, dict) or not row.get("id") or not str(row.get("q") or "").strip():
            raise ValueError(f"{where}: id and q are required")
        if row.get("lang") not in ("th", "en") or row.get("kind") not in KINDS:
            raise ValueError(f"{where}: lang must be th or en, kind one of {', '.join(KINDS)}")
        keys = row.get("expected_keys") or []
        if not isinstance(keys, list):
            raise ValueError(f"{where}: expected_keys must be a list")
        if row["kind"] == "out_of_scope" and (row.get("document") or keys):
            raise ValueError(f"{where}: an out-of-scope question names no document and no entry")
        if str(row["id"]) in seen:
            raise ValueError(f"{where}: the id is used twice")
        seen.add(str(row["id"]))
        items.append(Item(str(row["id"]), str(row["q"]), row["lang"], row["kind"], row.get("document") or None,
                          row.get("section") or None, tuple(str(k) for k in keys)))
    return items


def judge(item: Item, answer: Answer) -> Verdict:
    answered = answer.outcome in ANSWERS
    from_document = answer.outcome == DOCUMENT
    right_document = from_document and item.document is not None and answer.document == item.document
    section_fits = (item.section is None or not answer.section_shown
                    or (answer.section is not None and item.section in answer.section))
    correct = item.kind == "in_scope" and (
        (right_document and section_fits) or (answer.outcome == "answered" and answer.key in item.expected_keys))
    return Verdict(answered, correct, right_document, answered and not correct, from_document)


def scores(items: list[Item], answers: list[Answer]) -> dict:
    def share(hits: int, n: int) -> float | None:
        return round(hits / n, 4) if n else None

    verdicts = [judge(i, a) for i, a in zip(items, answers)]
    inside = [(i, v) for i, v in zip(items, verdicts) if i.kind == "in_scope"]
    outside = [v for i, v in zip(items, verdicts) if i.kind == "out_of_scope"]
    with_document = [v for i, v in inside if i.document]
    return {
        "n": len(items), "n_in_scope": len(inside), "n_out_of_scope": len(outside),
        "answered_correctly": share(sum(v.correct for _, v in inside), len(inside)),
        "answered_from_right_document": share(sum(v.right_document for v in with_document), len(with_document)),
        "n_with_document": len(with_document),
        "wrong_answer_rate": share(sum(v.wrong for v in verdicts), len(verdicts)),
        "wrong_answers": sum(v.wrong for v in verdicts),
        "oos_not_answered": share(sum(not v.answered for v in outside), len(outside)),
        "answered_from_a_document": sum(v.from_document for v in verdicts),
    }


def by_language(items: list[Item], answers: list[Answer]) -> dict:
    out = {}
    for lang in ("th", "en", "all"):
        chosen = [k for k, i in enumerate(items) if lang == "all" or i.lang == lang]
        out[lang] = scores([items[k] for k in chosen], [answers[k] for k in chosen])
    return out


def document_links(db_url: str) -> dict[str, str]:
    """Each stored document's citation link (its source URL, else its stored original's path, as
    /api/v1/ask cites it) → its file name; read from the started service's database."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, source_name, source_url FROM document")).all()
    finally:
        engine.dispose()
    return {(url or f"/documents/{doc_id}/file"): name for doc_id, name, url in rows}


def document_of(reply: str, links: dict[str, str]) -> str | None:
    """The document whose citation link the reply (a URL or a whole bot reply) holds."""
    found = [name for link, name in links.items() if link in reply]
    return found[0] if len(found) == 1 else None


async def ask_all(faq_url: str, items: list[Item], links: dict[str, str]) -> list[Answer]:
    limit = asyncio.Semaphore(CONCURRENCY)
    async with httpx.AsyncClient(timeout=60) as client:
        async def one(item: Item) -> Answer:
            async with limit:
                r = await client.post(f"{faq_url}/api/v1/ask", json={"question": item.q, "channel": "api"})
                r.raise_for_status()
                body = r.json()
            outcome = body.get("outcome") or ("answered" if body.get("answered") else "declined")
            if outcome == DOCUMENT:
                return Answer(outcome, None, document_of(body.get("source_url") or "", links),
                              (body.get("source") or {}).get("section"))
            return Answer(outcome, body.get("key") if outcome == "answered" else None)

        return list(await asyncio.gather(*(one(i) for i in items)))


async def bot_all(rasa_url: str, faq_url: str, items: list[Item], links: dict[str, str]) -> list[Answer]:
    limit = asyncio.Semaphore(CONCURRENCY)
    async with httpx.AsyncClient(timeout=60) as client:
        key_of = await entry_keys(client, faq_url)

        async def one(item: Item) -> Answer:
            async with limit:
                r = await client.post(f"{rasa_url}/webhooks/rest/webhook",
                                      json={"sender": f"bench-{uuid.uuid4().hex}", "message": item.q})
                r.raise_for_status()
                messages = r.json()
            reply = read_bot_reply(messages, key_of)
            if reply.outcome == DOCUMENT:
                return Answer(reply.outcome, None, document_of(json.dumps(messages, ensure_ascii=False), links),
                              section_shown=False)
            return Answer(reply.outcome, reply.key if reply.outcome == "answered" else None)

        return list(await asyncio.gather(*(one(i) for i in items)))


def run(path: Path, through_bot: bool, details: bool = False) -> dict:
    """Start the service (and with `through_bot` the whole stack), ask every question, score; with
    `details`, each question's answers too (by id)."""
    from tests.support.procs import start_faq_service
    from tests.support.stack import BotStack

    items = load_items(path)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        stack = BotStack(root, rasa_env={"WEBHOOK_RATE_SENDER": "off", "WEBHOOK_RATE_IP": "off"}) if through_bot else None
        faq = None
        try:
            if stack is not None:
                stack.start_all()
                faq, db_url = stack.faq, stack.db_url
            else:
                db_url = f"sqlite:///{root / 'faq.db'}"
                faq = start_faq_service(root / "logs", db_url, deadline=300)
            links = document_links(db_url)
            assert links, "the service started with no documents (THAMTOB_DOCUMENTS_PATH)"
            unknown = sorted({i.document for i in items if i.document} - set(links.values()))
            assert not unknown, f"documents the set names that the service does not hold: {unknown}"
            answers = {"ask": asyncio.run(ask_all(faq.url, items, links))}
            if stack is not None:
                answers["bot"] = asyncio.run(bot_all(stack.rasa.url, faq.url, items, links))
        finally:
            if stack is not None:
                stack.stop_all()
            elif faq is not None:
                faq.stop()
    result = {"set": path.name, "documents": sorted(links.values()),
              "paths": {name: by_language(items, got) for name, got in answers.items()}}
    if details:
        result["questions"] = [{"id": i.id, **{name: {**asdict(got[k]), **asdict(judge(i, got[k]))}
                                               for name, got in answers.items()}} for k, i in enumerate(items)]
    return result
