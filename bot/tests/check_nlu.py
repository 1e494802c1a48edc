"""Reads `rasa test nlu` intent reports per language and fails when macro-F1 is below the minimum.

Usage: check_nlu.py --results var/bot-results [--min-f1 0.90] [--markdown OUT.md]
Expects <results>/nlu-th/intent_report.json and <results>/nlu-en/intent_report.json.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def summary(report: dict) -> dict:
    macro = report.get("macro avg", {})
    per_intent = {
        k: v for k, v in report.items()
        if isinstance(v, dict) and k not in ("macro avg", "weighted avg", "micro avg")
    }
    return {
        "macro_f1": float(macro.get("f1-score", 0.0)),
        "accuracy": float(report.get("accuracy", report.get("micro avg", {}).get("f1-score", 0.0))),
        "support": int(macro.get("support", 0)),
        "per_intent": {k: (float(v.get("f1-score", 0.0)), int(v.get("support", 0)))
                       for k, v in sorted(per_intent.items())},
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", default="var/bot-results")
    parser.add_argument("--min-f1", type=float, default=0.90)
    parser.add_argument("--langs", default="th,en")
    parser.add_argument("--markdown")
    args = parser.parse_args()
    ok = True
    lines = ["| language | test examples | intent macro-F1 | accuracy |", "|---|---|---|---|"]
    details = []
    for lang in args.langs.split(","):
        path = Path(args.results) / f"nlu-{lang}" / "intent_report.json"
        if not path.exists():
            print(f"check_nlu: missing {path}")
            return 1
        s = summary(json.loads(path.read_text()))
        status = "ok" if s["macro_f1"] >= args.min_f1 else "BELOW MINIMUM"
        ok &= s["macro_f1"] >= args.min_f1
        print(f"NLU {lang}: intent macro-F1 {s['macro_f1']:.3f}, accuracy {s['accuracy']:.3f}, "
              f"{s['support']} examples — {status} (min {args.min_f1:.2f})")
        for intent, (f1, n) in s["per_intent"].items():
            flag = "" if f1 >= args.min_f1 else "  <--"
            print(f"    {intent:24s} F1 {f1:.3f} (n={n}){flag}")
        lines.append(f"| {lang} | {s['support']} | {s['macro_f1']:.3f} | {s['accuracy']:.3f} |")
        details.append((lang, s))
    if args.markdown:
        out = lines + [""]
        for lang, s in details:
            out.append(f"Per-intent F1 ({lang}): " + ", ".join(
                f"{k} {v[0]:.2f}" for k, v in s["per_intent"].items()))
            out.append("")
        Path(args.markdown).write_text("\n".join(out))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
