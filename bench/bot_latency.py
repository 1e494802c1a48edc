"""End-to-end latency of the Rasa REST channel: FAQ questions (NLU → action server → faq_service) beside a
fixed-response intent (greet: NLU → a domain response) in the same run, interleaved, one request at a time.

    .venv/bin/python -m bench.bot_latency [--rounds 40] [--rasa-url URL] [--out docs/results/bot-latency.md]

Without --rasa-url it starts the real stack (faq_service on a temporary SQLite database, the action server,
`rasa run` with var/models/thamtob.tar.gz; `make train` first) and stops it at the end. Requests are bounded:
2 × --rounds measured plus 2 × --warmup not measured. Target: FAQ p50 and p95 ≤ 3 × greet's.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from bench import machine

FAQ_QUESTIONS = [
    "What does TCEB do?",
    "ขอคู่มือการขอรับการสนับสนุน MEGA EVENT หน่อยครับ",
    "Where can I get the MEGA EVENT support request manual?",
    "สสปน. ทำหน้าที่อะไร",
    "Who is eligible for domestic exhibition support?",
    "ใครมีสิทธิ์ขอรับการสนับสนุนงานแสดงสินค้าในประเทศบ้างคะ",
    "What was TCEB's ITA score for fiscal year 2562?",
    "อยากทราบผลคะแนน ITA ของ สสปน.",
]
GREETINGS = ["hello", "สวัสดีครับ", "hi there", "สวัสดีค่ะ", "good morning", "หวัดดีครับ"]
ANSWER_MARKERS = ("Information as of", "ข้อมูล ณ วันที่")
TARGET_RATIO = 3.0
MESSAGES_PER_SENDER = 10  # far below the webhook's per-sender rate limit


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def timed(client: httpx.Client, url: str, sender: str, message: str) -> tuple[float, bool, str]:
    started = time.perf_counter()
    try:
        resp = client.post(url, json={"sender": sender, "message": message}, timeout=30)
        ms = (time.perf_counter() - started) * 1000
        replies = resp.json() if resp.status_code == 200 else []
        text = "\n".join(r.get("text") or "" for r in replies)
        return ms, resp.status_code == 200 and bool(text), text
    except (httpx.HTTPError, ValueError):
        return (time.perf_counter() - started) * 1000, False, ""


def run(rasa_url: str, rounds: int, warmup: int) -> dict:
    url = rasa_url.rstrip("/") + "/webhooks/rest/webhook"
    samples: dict[str, list[float]] = {"faq": [], "greet": []}
    errors = {"faq": 0, "greet": 0}
    answered = 0
    run_id = uuid.uuid4().hex[:6]
    with httpx.Client() as client:
        for i in range(warmup + rounds):
            sender = f"bench-{run_id}-{i * 2 // MESSAGES_PER_SENDER}"
            pair = [("greet", GREETINGS[i % len(GREETINGS)]), ("faq", FAQ_QUESTIONS[i % len(FAQ_QUESTIONS)])]
            if i % 2:
                pair.reverse()  # neither kind always goes first
            for kind, message in pair:
                ms, ok, text = timed(client, url, sender, message)
                if i < warmup:
                    continue
                samples[kind].append(ms)
                errors[kind] += 0 if ok else 1
                if kind == "faq" and any(m in text for m in ANSWER_MARKERS):
                    answered += 1
    stats = {}
    for kind, values in samples.items():
        stats[kind] = {"n": len(values), "errors": errors[kind],
                       "p50_ms": round(percentile(values, 0.5), 1), "p95_ms": round(percentile(values, 0.95), 1),
                       "mean_ms": round(statistics.fmean(values), 1) if values else None}
    stats["faq"]["answered"] = answered
    ratio = {q: round(stats["faq"][f"{q}_ms"] / stats["greet"][f"{q}_ms"], 2) for q in ("p50", "p95")}
    return {"stats": stats, "ratio_faq_to_greet": ratio, "target_ratio": TARGET_RATIO,
            "within_target": all(v <= TARGET_RATIO for v in ratio.values())}


def server_side_latency(db_url: str, skip: int) -> dict:
    """faq_service's own time per /ask (question_log.latency_ms) for the measured FAQ questions."""
    from sqlalchemy import create_engine, text
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            values = [r[0] for r in conn.execute(text(
                "SELECT latency_ms FROM question_log WHERE latency_ms IS NOT NULL ORDER BY id"))][skip:]
    finally:
        engine.dispose()
    return {"n": len(values), "p50_ms": round(percentile(values, 0.5), 1),
            "p95_ms": round(percentile(values, 0.95), 1)}


def markdown(result: dict, meta: dict, stack_note: str) -> str:
    s, r, m = result["stats"], result["ratio_faq_to_greet"], meta["machine"]
    lines = [
        "# Bot latency over the REST channel",
        "",
        f"- date: {meta['date']}",
        f"- machine: {m['nproc']} CPUs (nproc), {m['cpu']}; Python {m['python']}",
        f"- load average (1/5/15 min): start {meta['load_avg_1_5_15']['start']}, "
        f"end {meta['load_avg_1_5_15']['end']} (the machine is shared by several engineers)",
        f"- command: `{meta['command']}` (wall {meta['wall_s']} s)",
        f"- stack: {stack_note}",
        "- method: one client, one request at a time over loopback, FAQ questions (Thai and English; NLU → "
        "action server → faq_service `/api/v1/ask`) interleaved with greetings (NLU → a fixed domain "
        "response) in the same run; warm-up requests not counted; latency = POST to full JSON reply.",
        "",
        "| kind | n | p50 ms | p95 ms | mean ms | errors |",
        "|---|---|---|---|---|---|",
        f"| FAQ question | {s['faq']['n']} | {s['faq']['p50_ms']} | {s['faq']['p95_ms']} | {s['faq']['mean_ms']} "
        f"| {s['faq']['errors']} |",
        f"| greet (fixed response) | {s['greet']['n']} | {s['greet']['p50_ms']} | {s['greet']['p95_ms']} "
        f"| {s['greet']['mean_ms']} | {s['greet']['errors']} |",
    ]
    if "faq_service_ask_ms" in result:
        a = result["faq_service_ask_ms"]
        lines.append(f"| of which faq_service `/api/v1/ask` itself (question_log.latency_ms) | {a['n']} | "
                     f"{a['p50_ms']} | {a['p95_ms']} | | |")
    lines += [
        "",
        f"FAQ / greet: p50 {r['p50']}×, p95 {r['p95']}× — target ≤ {result['target_ratio']}×: "
        f"{'met' if result['within_target'] else 'NOT met'}. FAQ replies carrying an answer: "
        f"{s['faq']['answered']}/{s['faq']['n']}.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40, help="measured requests per kind")
    parser.add_argument("--warmup", type=int, default=4)
    parser.add_argument("--rasa-url", help="an already running Rasa (else the stack is started here)")
    parser.add_argument("--out", default="docs/results/bot-latency.md")
    parser.add_argument("--json", default="var/bench/bot-latency.json")
    parser.add_argument("--keep", action="store_true", help="keep the started stack's folder (logs, databases)")
    args = parser.parse_args(argv)
    started = time.time()
    stack = None
    if args.rasa_url:
        rasa_url, note = args.rasa_url, f"existing Rasa at {args.rasa_url}"
    else:
        from tests.support.stack import MODEL, BotStack
        if not MODEL.exists():
            print(f"no trained model at {MODEL}: run `make train`", file=sys.stderr)
            return 2
        stack = BotStack(Path(tempfile.mkdtemp(prefix="thamtob-bot-bench-")))
        stack.start_all()
        rasa_url = stack.rasa.url
        note = ("started by the bench: faq_service (SQLite, default encoders), action server, `rasa run` "
                "(SQLite tracker store, in-memory lock store), all on loopback")
    try:
        result = run(rasa_url, args.rounds, args.warmup)
        if stack is not None:
            result["faq_service_ask_ms"] = server_side_latency(stack.db_url, skip=args.warmup)
    finally:
        if stack is not None:
            stack.stop_all()
            if not args.keep:
                shutil.rmtree(stack.root, ignore_errors=True)
    meta = machine.info(started)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({**meta, **result}, indent=2, ensure_ascii=False), encoding="utf-8")
    Path(args.out).write_text(markdown(result, meta, note), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
