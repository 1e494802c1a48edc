"""Fit the answer-confidence model (faq_service/retrieval/confidence.py) on the tuning questions, and
show what it would do on questions it was not fitted on.

    PYTHONPATH=. .venv/bin/python -m bench.answer_confidence [--out data/retrieval/answer_confidence.json]

Every tuning question (bench/heldout_eval.py load_items(sealed=False), split "tune") is ranked as
/api/v1/ask ranks it; its label is whether the best entry is one the question expects (out-of-scope:
never). Before the model is written, each tuning set is scored by a model fitted on the other sets
only (leave one set out), which is what a set nobody tuned on would meet: the table gives, per set
and language and for several thresholds, the figures of tuning_questions.figures. The regression sets
(the first two visitor sets), never fitted on, are scored with the final model.
"""
from __future__ import annotations

import json
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np
import typer
import yaml
from rich.console import Console
from rich.table import Table

from bench.heldout_eval import HELDOUT, Item, build_knowledge, load_items
from bench.tuning_questions import figures, outcome_row
from faq_service.core.settings import Settings
from faq_service.core.text import detect_lang
from faq_service.retrieval.confidence import RANKED, ConfidenceModel, signals
from faq_service.retrieval.text import tokenize
from faq_service.retrieval.decision import DecisionRules, decide

app = typer.Typer(add_completion=False)
console = Console()
REGRESSION = ("visitor_sealed.yml", "visitor_sealed_2.yml")


def _set_of(item: Item) -> str:
    return item.id.rsplit("-", 1)[0]


def _row(item: Item, ranking, keys: dict[int, str], rules: DecisionRules) -> dict:
    return outcome_row(item, decide(ranking, rules), keys)


def _variants(settings: Settings, thresholds: list[float], sure: list[float]) -> dict[str, DecisionRules]:
    """The rules compared: one minimum for both languages, then the settings' minima with an answer
    below the answer threshold when the model is at least this sure."""
    shipped = DecisionRules.of(settings)
    variants = {f"min {t:.2f}": replace(shipped, min_confidence_th=t, min_confidence_en=t) for t in thresholds}
    variants |= {f"settings, sure {s:.2f}": replace(shipped, sure_confidence=s) for s in sure}
    return variants


def _table(title: str, groups: dict[str, list[tuple[Item, object]]], keys, variants) -> Table:
    table = Table(title=title)
    for column in ("set", "lang", "rules", "correct", "one click", "oos not answered", "wrong"):
        table.add_column(column)
    for name, pairs in sorted(groups.items()):
        for lang in ("th", "en"):
            mine = [(i, r) for i, r in pairs if i.lang == lang]
            if not mine:
                continue
            for label, rules in variants.items():
                f = figures([_row(i, r, keys, rules) for i, r in mine])
                shares = [f["answered_correctly"], f["answered_or_one_click"], f["oos_not_answered"]]
                table.add_row(name, lang, label, *("–" if v is None else f"{v:.3f}" for v in shares),
                              f"{100 * f['wrong_answers_over_all']:.1f} %")
    return table


def _cost(model: ConfidenceModel, knowledge, items: list[Item], rankings) -> float:
    """Microseconds per question to read the signals off a ranking and turn them into a probability."""
    cases = [(i, r, tokenize(i.q), knowledge.tokens_of(knowledge.index.doc(r.hits[0].faq_id)))
             for i, r in zip(items, rankings) if r.hits]
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for item, ranking, tokens, entry_tokens in cases:
            model.probability(signals(ranking.hits[:RANKED], ranking.decline, item.lang, tokens, entry_tokens))
        best = min(best, time.perf_counter() - started)
    return 1e6 * best / max(len(cases), 1)


@app.command()
def main(out: Path = typer.Option(None, help="where to write the model (default: the settings' path)"),
         c: float = typer.Option(1.0, help="the logistic model's inverse regularisation"),
         thresholds: str = typer.Option("0,0.25,0.35,0.45", help="minimum confidences to show"),
         sure: str = typer.Option("0", help="with the settings' minima: how sure the model must be to answer "
                                            "below the answer threshold (0: never)"),
         summary: Path = typer.Option(None, help="also write the figures as JSON here")) -> None:
    settings = Settings()
    out = out or settings.answer_confidence_model
    variants = _variants(settings, [float(x) for x in thresholds.split(",")], [float(x) for x in sure.split(",")])
    items = [i for i in load_items(sealed=False) if i.split == "tune"]
    regression = [Item(raw["id"], raw["q"], raw["lang"], tuple(raw.get("expected") or ()), "regression")
                  for name in REGRESSION for raw in yaml.safe_load((HELDOUT / name).read_text(encoding="utf-8"))]
    everything = items + regression
    with tempfile.TemporaryDirectory() as tmp:
        knowledge, keys = build_knowledge(Path(tmp), settings.encoder, confidence=False)
        questions = [i.q for i in everything]
        rankings = knowledge.rank_many(questions, knowledge.queries.encode_batch(questions),
                                       [detect_lang(q) for q in questions], [10] * len(questions))
    tuned = [(i, r) for i, r in zip(everything, rankings) if i.split == "tune" and r.signals is not None]
    rows = np.array([r.signals for _, r in tuned])
    right = np.array([bool(i.expected) and keys[r.hits[0].faq_id] in i.expected for i, r in tuned])
    sets = np.array([_set_of(i) for i, _ in tuned])

    held_out: dict[str, list] = defaultdict(list)
    for name in sorted(set(sets)):
        model = ConfidenceModel.fit(rows[sets != name], right[sets != name], c)
        for k in np.flatnonzero(sets == name):
            item, ranking = tuned[k]
            held_out[name].append((item, replace(ranking, confidence=model.probability(rows[k]))))
    console.print(_table("tuning sets, each scored by a model fitted on the others", held_out, keys, variants))

    model = ConfidenceModel.fit(rows, right, c)
    unseen: dict[str, list] = defaultdict(list)
    for item, ranking in zip(everything, rankings):
        if item.split == "regression":
            p = model.probability(ranking.signals) if ranking.signals is not None else None
            unseen[_set_of(item)].append((item, replace(ranking, confidence=p)))
    console.print(_table("regression sets, never fitted on", unseen, keys, variants))
    console.print(f"the check's cost: {_cost(model, knowledge, everything, rankings):.1f} µs a question "
                  "(signals and probability, best of 3; the entries' token sets are kept per entry version)")
    out.write_text(model.to_json(), encoding="utf-8")
    console.print(f"fitted on {len(rows)} tuning questions ({int(right.sum())} with the right entry first) → {out}")
    if summary:
        pooled = {}
        for label, groups in (("left_out", held_out), ("regression", unseen)):
            pairs = [p for group in groups.values() for p in group]
            for lang in ("th", "en"):
                pooled[f"{label}/{lang}"] = {name: figures([_row(i, r, keys, rules) for i, r in pairs
                                                           if i.lang == lang]) for name, rules in variants.items()}
        summary.write_text(json.dumps(pooled, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    app()
