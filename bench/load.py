"""Load: N concurrent simulated users for D seconds over loopback, against POST /api/v1/ask and/or the
Rasa REST channel (POST /webhooks/rest/webhook). Reports p50/p95/p99 latency and errors.

    .venv/bin/python -m bench.load [--target ask|rasa|both] [--users 50] [--duration 60]
                                   [--url FAQ_URL] [--rasa-url RASA_URL] [--database-url URL]

A simulated user asks a question (from bench/heldout, both languages), waits a think time (uniform
0.5–1.5 s), asks again, and starts a new conversation (new session id) every 5 questions. Each user
has its own client address, passed in X-Forwarded-For from a documentation range (198.51.100.0/24;
a header value only, no traffic leaves loopback), with the service trusting 127.0.0.1 as its proxy —
as behind the production reverse proxy — so the real rate limits apply per user, not to "everyone".
An error is a non-2xx, a request failure or time-out (10 s), and for Rasa also an empty reply or the
bot's "cannot look up answers" reply (a FAQ time-out inside the action server).

Without --url / --rasa-url the processes are started here (faq_service on a fresh SQLite database,
or --database-url; for Rasa: faq_service, the action server and `rasa run` with var/models, as the
bot tests do) and stopped at the end. Bounded: every user stops at the deadline; a request waits at
most 10 s. Results: var/bench/load-{ask,rasa}.json and docs/results/load.md (both targets).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
import yaml

from bench import machine

REPO = Path(__file__).resolve().parent.parent
QUESTIONS_PER_SESSION = 5
TIMEOUT_S = 10.0
UNAVAILABLE_MARKERS = ("can't look up answers right now", "ระบบค้นหาคำตอบขัดข้อง")


def questions() -> list[str]:
    items = []
    for name in ("in_scope.yml", "out_of_scope.yml"):
        items += [x["q"] for x in yaml.safe_load((REPO / "bench" / "heldout" / name).read_text(encoding="utf-8"))]
    return items


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class Recorder:
    def __init__(self):
        self.latencies: list[float] = []
        self.errors: Counter = Counter()
        self.statuses: Counter = Counter()
        self.outcomes: Counter = Counter()

    def summary(self, duration: float, users: int) -> dict:
        ok = self.latencies
        total = sum(self.statuses.values()) + sum(
            n for kind, n in self.errors.items() if kind.startswith("request failed"))
        return {
            "users": users, "duration_s": round(duration, 1), "requests": total,
            "throughput_rps": round(total / duration, 2) if duration else None,
            "p50_ms": round(percentile(ok, 0.50) * 1000, 1), "p95_ms": round(percentile(ok, 0.95) * 1000, 1),
            "p99_ms": round(percentile(ok, 0.99) * 1000, 1), "max_ms": round(max(ok) * 1000, 1) if ok else None,
            "mean_ms": round(statistics.fmean(ok) * 1000, 1) if ok else None,
            "errors": sum(self.errors.values()), "error_kinds": dict(self.errors),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())}, "outcomes": dict(self.outcomes),
        }


async def ask_user(client: httpx.AsyncClient, url: str, n: int, deadline: float, pool: list[str],
                   rec: Recorder, think: tuple[float, float]) -> None:
    rnd = random.Random(n)
    headers = {"X-Forwarded-For": f"198.51.100.{n % 254 + 1}"}
    asked = 0
    session = uuid.uuid4().hex
    while time.monotonic() < deadline:
        if asked and asked % QUESTIONS_PER_SESSION == 0:
            session = uuid.uuid4().hex
        body = {"question": rnd.choice(pool), "session_id": session, "channel": "api"}
        started = time.monotonic()
        try:
            r = await client.post(f"{url}/api/v1/ask", json=body, headers=headers)
        except httpx.HTTPError as exc:
            rec.errors[f"request failed or timed out ({type(exc).__name__})"] += 1
        else:
            rec.statuses[r.status_code] += 1
            if 200 <= r.status_code < 300:
                rec.latencies.append(time.monotonic() - started)
                rec.outcomes[r.json().get("outcome", "?")] += 1
            else:
                rec.errors[f"HTTP {r.status_code}"] += 1
        asked += 1
        await asyncio.sleep(max(0.0, min(rnd.uniform(*think), deadline - time.monotonic())))


async def rasa_user(client: httpx.AsyncClient, url: str, n: int, deadline: float, pool: list[str],
                    rec: Recorder, think: tuple[float, float]) -> None:
    rnd = random.Random(n)
    headers = {"X-Forwarded-For": f"198.51.100.{n % 254 + 1}"}
    asked = 0
    sender = f"load-{n}-{uuid.uuid4().hex[:8]}"
    while time.monotonic() < deadline:
        if asked and asked % QUESTIONS_PER_SESSION == 0:
            sender = f"load-{n}-{uuid.uuid4().hex[:8]}"
        started = time.monotonic()
        try:
            r = await client.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": rnd.choice(pool)},
                                  headers=headers)
        except httpx.HTTPError as exc:
            rec.errors[f"request failed or timed out ({type(exc).__name__})"] += 1
        else:
            rec.statuses[r.status_code] += 1
            replies = r.json() if 200 <= r.status_code < 300 else None
            texts = " ".join((m.get("text") or "") for m in replies or [])
            if replies is None:
                rec.errors[f"HTTP {r.status_code}"] += 1
            elif not replies or not texts.strip():
                rec.errors["empty bot reply"] += 1
            elif any(m in texts for m in UNAVAILABLE_MARKERS):
                rec.errors["FAQ unavailable/time-out reply"] += 1
            else:
                rec.latencies.append(time.monotonic() - started)
        asked += 1
        await asyncio.sleep(max(0.0, min(rnd.uniform(*think), deadline - time.monotonic())))


async def drive(kind: str, url: str, users: int, duration: float, think: tuple[float, float]) -> dict:
    pool = questions()
    rec = Recorder()
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    user = ask_user if kind == "ask" else rasa_user
    async with httpx.AsyncClient(timeout=TIMEOUT_S, limits=limits) as client:
        started = time.monotonic()
        deadline = started + duration
        await asyncio.gather(*(user(client, url, n, deadline, pool, rec, think) for n in range(users)))
        elapsed = time.monotonic() - started
    return rec.summary(elapsed, users)


def markdown(results: dict[str, dict]) -> str:
    lines = ["# Load benchmark (`bench/load.py`)", "",
             "50 concurrent simulated users for 60 s over loopback; each asks a held-out question, thinks "
             "0.5–1.5 s, and opens a new conversation every 5 questions. Latency is over successful "
             "requests; an error is a non-2xx, a failed/timed-out request (10 s), and for Rasa an empty "
             "reply or the bot's \"cannot look up answers\" reply. Target: 0 errors.", ""]
    for kind, title in (("ask", "faq_service `POST /api/v1/ask`"), ("rasa", "Rasa REST channel")):
        r = results.get(kind)
        if not r:
            continue
        m = r["meta"]
        lines += [f"## {title}", "",
                  "| users | duration | requests | throughput | p50 | p95 | p99 | max | errors |",
                  "|---|---|---|---|---|---|---|---|---|",
                  f"| {r['users']} | {r['duration_s']} s | {r['requests']} | {r['throughput_rps']} req/s | "
                  f"{r['p50_ms']} ms | {r['p95_ms']} ms | {r['p99_ms']} ms | {r['max_ms']} ms | {r['errors']} |",
                  "", f"- statuses: {r['statuses']}; errors by kind: {r['error_kinds'] or 'none'}",
                  f"- outcomes: {r['outcomes']}" if r.get("outcomes") else "- outcomes: (bot replies)",
                  f"- setup: {r['setup']}",
                  f"- command: `{m['command']}`; date {m['date']}; machine: {m['machine']['nproc']} cores, "
                  f"{m['machine']['cpu']}, Python {m['machine']['python']}; load average at start/end "
                  f"{m['load_avg_1_5_15']['start']} / {m['load_avg_1_5_15']['end']} (the machine is shared)", ""]
    return "\n".join(lines)


def start_faq(database_url: str | None, root: Path):
    from tests.support.procs import start_faq_service

    url = database_url or f"sqlite:///{root / 'faq.db'}"
    proc = start_faq_service(root / "logs", url, deadline=300, extra_env={
        "THAMTOB_TRUSTED_PROXIES": "127.0.0.1", "THAMTOB_LOG_FORMAT": "json"})
    return proc, ("faq_service started by the bench (uvicorn, 1 worker, " +
                  ("SQLite" if url.startswith("sqlite") else "PostgreSQL") +
                  ", default encoders, default rate limits: 120/min per session, 6000/min per IP; "
                  "127.0.0.1 trusted as proxy)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--target", choices=("ask", "rasa", "both"), default="ask")
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--duration", type=float, default=60.0)
    p.add_argument("--think-min", type=float, default=0.5)
    p.add_argument("--think-max", type=float, default=1.5)
    p.add_argument("--url", help="a running faq_service (else one is started)")
    p.add_argument("--rasa-url", help="a running Rasa (else the bot stack is started)")
    p.add_argument("--database-url", help="database for the faq_service started here (default: fresh SQLite)")
    p.add_argument("--out", default=str(REPO / "docs" / "results" / "load.md"))
    p.add_argument("--json-dir", default=str(REPO / "var" / "bench"))
    args = p.parse_args(argv)
    think = (args.think_min, args.think_max)
    json_dir = Path(args.json_dir)
    json_dir.mkdir(parents=True, exist_ok=True)
    kinds = ["ask", "rasa"] if args.target == "both" else [args.target]
    for kind in kinds:
        started = time.time()
        root = Path(tempfile.mkdtemp(prefix=f"thamtob-load-{kind}-"))
        procs = []
        try:
            if kind == "ask":
                url, setup = args.url, f"existing faq_service at {args.url}"
                if not url:
                    proc, setup = start_faq(args.database_url, root)
                    procs, url = [proc], proc.url
            else:
                url, setup = args.rasa_url, f"existing Rasa at {args.rasa_url}"
                if not url:
                    from tests.support.stack import MODEL, BotStack
                    if not MODEL.exists():
                        print(f"no trained model at {MODEL}: run `make train`", file=sys.stderr)
                        return 2
                    stack = BotStack(root)
                    procs = [stack]
                    stack.start_all()
                    url = stack.rasa.url
                    setup = ("started by the bench: faq_service (SQLite), action server, `rasa run` (SQLite "
                             "tracker store, in-memory lock store), all on loopback; the action server's FAQ "
                             "calls carry the service token")
            print(f"load: {kind}: {args.users} users for {args.duration:.0f} s against {url}", flush=True)
            result = asyncio.run(drive(kind, url, args.users, args.duration, think))
        finally:
            for proc in procs:
                (proc.stop_all if hasattr(proc, "stop_all") else proc.stop)()
            shutil.rmtree(root, ignore_errors=True)
        result.update(setup=setup, meta=machine.info(started))
        (json_dir / f"load-{kind}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
        print(json.dumps({k: v for k, v in result.items() if k != "meta"}, ensure_ascii=False), flush=True)
    results = {}
    for kind in ("ask", "rasa"):
        path = json_dir / f"load-{kind}.json"
        if path.exists():
            results[kind] = json.loads(path.read_text())
    Path(args.out).write_text(markdown(results), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
