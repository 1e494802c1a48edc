"""Edit to answer: the time from publishing an edited entry to the first /ask that returns it.

    PYTHONPATH=. .venv/bin/python -m bench.edit_latency [--edits 5] [--out FILE]

A fresh PostgreSQL database (127.0.0.1:5432, user postgres; created here and dropped at the end) holds
the sample knowledge base. Two setups: one faq_service process, and two processes on the same database.
Each edit rewrites one entry's Thai answer with a new marker and publishes it with
`thamtob faq import FILE` in another process; meanwhile each service is asked the entry's question
every 50 ms until the answer carries the marker. "Published" is the moment the import's transaction is
visible in the database (a watcher polls the entry's version every 10 ms); the command's own start-up
time (Python imports, migration check) is reported apart.
"""
from __future__ import annotations

import asyncio
import json
import os
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import numpy as np
import typer
import yaml
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text

from bench import machine
from faq_service.core.settings import REPO_ROOT
from tests.support.procs import VENV_BIN, start_faq_service

console = Console()
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
KEY = "contact-email"


def entry_yaml(marker: str) -> tuple[dict, str]:
    """The sample entry KEY with its Thai answer carrying `marker`, and its Thai question."""
    for path in sorted((REPO_ROOT / "data" / "faq").glob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in doc.get("entries", []):
            if entry["key"] == KEY:
                edited = {**entry, "th": {**entry["th"], "answer": f"{entry['th']['answer']} ({marker})"}}
                return {"category": doc.get("category", "general"), "entries": [edited]}, entry["th"]["question"]
    raise SystemExit(f"{KEY} is not in data/faq")


class VersionWatcher(threading.Thread):
    """Records when the entry's version in the database first reaches `target`."""

    def __init__(self, url: str, target: int):
        super().__init__(daemon=True)
        self.engine, self.target, self.seen_at, self.stop = create_engine(url), target, None, False

    def run(self) -> None:
        with self.engine.connect() as conn:
            while not self.stop and self.seen_at is None:
                v = conn.execute(text("SELECT version FROM faq_entry WHERE key = :k"), {"k": KEY}).scalar()
                conn.commit()
                if v is not None and v >= self.target:
                    self.seen_at = time.perf_counter()
                time.sleep(0.01)
        self.engine.dispose()


def entry_version(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT version FROM faq_entry WHERE key = :k"), {"k": KEY}).scalar())
    finally:
        engine.dispose()


async def first_answer_with(url: str, question: str, marker: str, deadline: float = 60) -> float:
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        end = time.perf_counter() + deadline
        while time.perf_counter() < end:
            r = await client.post("/api/v1/ask", json={"question": question, "channel": "api"})
            r.raise_for_status()
            if marker in (r.json().get("answer") or ""):
                return time.perf_counter()
            await asyncio.sleep(0.05)
    raise TimeoutError(f"{url} did not return the edit within {deadline}s")


async def one_edit(db_url: str, urls: list[str], workdir: Path, n: int) -> dict:
    marker = f"edit-{n}-{uuid.uuid4().hex[:6]}"
    doc, question = entry_yaml(marker)
    path = workdir / f"edit-{n}.yml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    watcher = VersionWatcher(db_url, entry_version(db_url) + 1)
    watcher.start()
    pollers = [asyncio.create_task(first_answer_with(u, question, marker)) for u in urls]
    t_cmd = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        str(VENV_BIN / "thamtob"), "faq", "import", str(path), "--author", "bench-edit",
        env={**os.environ, "DATABASE_URL": db_url}, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await proc.communicate()
    t_cmd_end = time.perf_counter()
    if proc.returncode != 0:
        raise RuntimeError(output.decode(errors="replace"))
    seen = await asyncio.gather(*pollers)
    watcher.stop = True
    watcher.join(5)
    t_pub = watcher.seen_at or t_cmd_end
    return {"command_s": round(t_cmd_end - t_cmd, 2),
            "publish_to_answer_s": [round(s - t_pub, 3) for s in seen],
            "command_start_to_answer_s": [round(s - t_cmd, 3) for s in seen]}


def run_setup(db_url: str, processes: int, edits: int, workdir: Path) -> dict:
    procs = []
    try:
        for i in range(processes):
            procs.append(start_faq_service(workdir / f"logs-{processes}-{i}", db_url, deadline=600))
        urls = [p.url for p in procs]
        rows = [asyncio.run(one_edit(db_url, urls, workdir, n)) for n in range(edits)]
    finally:
        for p in procs:
            p.stop()
    every = [s for r in rows for s in r["publish_to_answer_s"]]
    return {"processes": processes, "edits": rows,
            "publish_to_answer_s": {"median": round(float(np.median(every)), 3), "max": round(max(every), 3)},
            "command_start_to_answer_s_max": round(max(s for r in rows for s in r["command_start_to_answer_s"]), 3)}


def main(edits: int = typer.Option(5, help="edits per setup"),
         out: Path = typer.Option(None, help="write the results as JSON here")) -> None:
    started = time.time()
    name = f"thamtob_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db_url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            results = [run_setup(db_url, n, edits, Path(tmp)) for n in (1, 2)]
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    doc = {"benchmark": "edit-to-answer", **machine.info(started), "database": "PostgreSQL (fresh database)",
           "entry": KEY, "sync_interval_s": float(os.environ.get("THAMTOB_SYNC_INTERVAL", 0.5)),
           "results": results, "target_s": 2.0}
    table = Table(title="edit → first /ask returning it (seconds, from the import's commit)")
    for col in ("processes", "median", "max", "command start → answer, max", "import command"):
        table.add_column(col)
    for r in results:
        table.add_row(str(r["processes"]), str(r["publish_to_answer_s"]["median"]), str(r["publish_to_answer_s"]["max"]),
                      str(r["command_start_to_answer_s_max"]),
                      f"{np.median([e['command_s'] for e in r['edits']]):.2f} s")
    console.print(table)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    typer.run(main)
