"""Rasa's own FAQ way on the XQuAD FAQ split: a ResponseSelector (retrieval intent `faq`, one response
per paragraph) trained on the first 3 Thai questions of each paragraph, asked the 479 held-out Thai
questions. Runs in .venv-bot (Rasa 3.6) with ThamTob's Thai tokenizer; slow, hence `make bench-rasa`.

    PYTHONPATH=. RASA_TELEMETRY_ENABLED=false .venv-bot/bin/python -m bench.rasa_faq [--epochs 100]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.xquad_source import REPO_ROOT, held_out, load

ALTERNATES = 3
CONFIG = """recipe: default.v1
language: th
assistant_id: xquad-faq-bench
pipeline:
  - name: bot.components.thai_tokenizer.ThaiTokenizer
    engine: newmm
  - name: CountVectorsFeaturizer
    analyzer: word
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 4
  - name: ResponseSelector
    retrieval_intent: faq
    epochs: {epochs}
    constrain_similarities: true
    random_seed: 42
policies: []
"""


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def write_data(folder: Path) -> None:
    paragraphs, questions = load()
    asked: dict[str, list[str]] = {}
    for q in questions:
        if q.rank < ALTERNATES:
            asked.setdefault(q.key, []).append(q.th)
    lines = ['version: "3.1"', "nlu:"]
    for p in paragraphs:
        lines += [f"- intent: faq/{p.key}", "  examples: |"] + [f"    - {t}" for t in asked[p.key]]
    (folder / "nlu.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    domain = ['version: "3.1"', "intents:", "  - faq", "responses:"]
    for p in paragraphs:
        domain += [f"  utter_faq/{p.key}:", f"    - text: {_q(p.context_th)}"]
    (folder / "domain.yml").write_text("\n".join(domain) + "\n", encoding="utf-8")


def cpu_model() -> str:
    for line in open("/proc/cpuinfo", encoding="utf-8"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


async def evaluate(model: str) -> dict:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    qs = held_out(ALTERNATES)
    rr = []
    for q in qs:
        parsed = await agent.parse_message(q.th)
        ranking = parsed.get("response_selector", {}).get("faq", {}).get("ranking", [])
        keys = [r.get("intent_response_key", "") for r in ranking][:10]
        want = f"faq/{q.key}"
        rr.append(1.0 / (keys.index(want) + 1) if want in keys else 0.0)
    n = len(rr)
    return {"r1": round(sum(1 for x in rr if x == 1.0) / n, 4), "mrr10": round(sum(rr) / n, 4), "n": n}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    started, load_start = time.time(), [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_data(folder)
        (folder / "config.yml").write_text(CONFIG.format(epochs=args.epochs), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "RASA_TELEMETRY_ENABLED": "false",
               "TF_CPP_MIN_LOG_LEVEL": "2"}
        t0 = time.perf_counter()
        subprocess.run([str(Path(sys.executable).parent / "rasa"), "train", "nlu", "--nlu", str(folder / "nlu.yml"),
                        "--domain", str(folder / "domain.yml"), "--config", str(folder / "config.yml"),
                        "--out", str(folder / "models"), "--fixed-model-name", "xquad-faq", "--num-threads", "2"],
                       check=True, cwd=REPO_ROOT, env=env)
        train_s = time.perf_counter() - t0
        model = str(next((folder / "models").glob("*.tar.gz")))
        t0 = time.perf_counter()
        result = asyncio.run(evaluate(model))
        eval_s = time.perf_counter() - t0
    doc = {"benchmark": "xquad-faq-rasa-response-selector",
           "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
           "machine": {"nproc": os.cpu_count(), "cpu": cpu_model(), "python": platform.python_version()},
           "load_avg_1_5_15": {"start": load_start, "end": [round(x, 2) for x in os.getloadavg()]},
           "command": " ".join(shlex.quote(a) for a in ["python", "-m", "bench.rasa_faq", *sys.argv[1:]]),
           "rasa_pipeline": "ThaiTokenizer(newmm) + CountVectors(word) + CountVectors(char_wb 1-4) + "
                            f"ResponseSelector(epochs={args.epochs})",
           "train_s": round(train_s, 1), "eval_s": round(eval_s, 1), "held_out_th": result,
           "wall_s": round(time.time() - started, 1)}
    print(json.dumps(doc, ensure_ascii=False, indent=1))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
