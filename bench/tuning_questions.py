"""Every tuning question's outcome under the current code and settings, as /api/v1/ask decides it
(retrieval.decision.decide on KnowledgeIndex.rank_many), written to JSON; and the comparison of two such
files: the figures of each and the questions whose outcome changed. For finding what a change does on
tuning data, one step at a time.

    PYTHONPATH=. .venv/bin/python -m bench.tuning_questions dump var/bench/after.json
    PYTHONPATH=. .venv/bin/python -m bench.tuning_questions compare var/bench/before.json var/bench/after.json

Only tuning data (bench/heldout_eval.py load_items(sealed=False), split "tune"): never a sealed set.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import typer
from rich.console import Console

from bench.heldout_eval import build_knowledge, load_items
from faq_service.core.settings import Settings
from faq_service.core.text import detect_lang
from faq_service.retrieval.decision import DecisionRules, decide

app = typer.Typer(add_completion=False)
console = Console()


@app.command()
def dump(out: Path) -> None:
    settings = Settings()
    items = [i for i in load_items(sealed=False) if i.split == "tune"]
    with tempfile.TemporaryDirectory() as tmp:
        knowledge, keys = build_knowledge(Path(tmp), settings.encoder)
        vectors = knowledge.queries.encode_batch([i.q for i in items])
        rankings = knowledge.rank_many([i.q for i in items], vectors, [detect_lang(i.q) for i in items],
                                       [10] * len(items))
    rows = []
    for item, ranking in zip(items, rankings):
        decision = decide(ranking, DecisionRules.of(settings))
        rows.append({"id": item.id, "q": item.q, **outcome_row(item, decision, keys),
                     "missing_detail": ranking.missing_detail,
                     "hits": [[keys[h.faq_id], round(h.score, 3)] for h in ranking.hits[:3]],
                     "decline": round(ranking.decline, 3)})
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    console.print(figures(rows))


def outcome_row(item, decision, keys: dict[int, str]) -> dict:
    """What `figures` reads of one question: its expected entries and what the decision gave."""
    return {"expected": list(item.expected), "outcome": decision.outcome,
            "top": keys.get(decision.top.faq_id) if decision.top else None,
            "suggested": [keys[h.faq_id] for h in decision.suggestions]}


def figures(rows: list[dict]) -> dict:
    inside = [r for r in rows if r["expected"]]
    outside = [r for r in rows if not r["expected"]]
    right = sum(r["outcome"] == "answered" and r["top"] in r["expected"] for r in inside)
    click = sum((r["outcome"] == "answered" and r["top"] in r["expected"])
                or (r["outcome"] == "suggested" and bool(set(r["suggested"]) & set(r["expected"]))) for r in inside)
    wrong = sum(r["outcome"] == "answered" and r["top"] not in r["expected"] for r in rows)

    def share(count: int, of: list, digits: int = 3) -> float | None:  # None: nothing to count in
        return round(count / len(of), digits) if of else None

    return {"in_scope": len(inside), "out_of_scope": len(outside),
            "answered_correctly": share(right, inside), "answered_or_one_click": share(click, inside),
            "oos_not_answered": share(sum(r["outcome"] != "answered" for r in outside), outside),
            "wrong_answers_over_all": share(wrong, rows, 4)}


@app.command()
def compare(before: Path, after: Path) -> None:
    old = {r["id"]: r for r in json.loads(before.read_text(encoding="utf-8"))}
    new = json.loads(after.read_text(encoding="utf-8"))
    console.print({"before": figures(list(old.values())), "after": figures(new)})
    for row in new:
        was = old.get(row["id"])
        if was and (was["outcome"], was["top"]) != (row["outcome"], row["top"]):
            console.print(f"{row['id']} {row['expected']}: {was['outcome']} {was['top']} → {row['outcome']} "
                          f"{row['top']} | {row['q']}", markup=False)


if __name__ == "__main__":
    app()
