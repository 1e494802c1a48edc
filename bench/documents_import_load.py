"""/api/v1/ask while a document is imported through the console: p50/p95 idle and during, in one run.

    PYTHONPATH=. .venv/bin/python -m bench.documents_import_load [--database postgres|sqlite]
        [--runner service|worker] [--out FILE]

The real faq_service (tests/support/procs.start_faq_service: the sample knowledge base and documents,
default encoders, an embedding cache copied from var/ so that the start encodes nothing new) on a fresh
database. One client asks the 214 questions of bench/heldout/visitor_tune.yml in turn, one at a time (the
latency of each, with the service token so no rate limit applies). Measured, in this order:

  idle          — one pass over the questions, nothing imported;
  text import   — a plain-text file of about 2,200 passages (the Thai XQuAD paragraphs cut into pieces of
                  whole clauses as bench/documents_scale.py cuts them, under a heading each; every piece
                  carries this run's tag, so none of its vectors is in the cache) uploaded through the
                  console (POST /console/documents, an editor session). The questions go on while its job
                  is queued or running ("reading": the runner's worker process at nice 19 parses, splits
                  and, for a file this large, encodes the passages into the embedding cache; then the
                  runner stores them) and then until the service's passage index holds them
                  ("indexing": the index sync in the service process, which reads their vectors from the
                  cache and builds the lexical index; found by asking the staff "try" API, every 2 s, for
                  the text of the file's last piece until the best passage is the new document's);
  idle again;
  scanned PDF   — the same for a scanned PDF of --pdf-pages pages (no text layer: every page goes through
                  pdftoppm and Tesseract);
  idle again.

Each import's ratio is its phase's p50 over the mean p50 of the idle passes just before and just after it
(the machine's speed drifts within minutes). With --runner worker
the service runs no import runner (THAMTOB_DOCUMENT_JOBS_IN_SERVICE=false) and `thamtob docs worker` runs
beside it, as docker-compose.yml deploys it.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Callable

import httpx
import numpy as np
import typer
import yaml
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text

from bench import machine
from bench.documents_scale import pieces_of
from bench.xquad_source import load as load_xquad
from faq_service.core.settings import REPO_ROOT
from faq_service.core.text import normalize
from tests.documents.samples import scanned_pages
from tests.support.procs import REPO, SERVICE_TOKEN, VENV_BIN, Proc, start_faq_service

console = Console()
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
QUESTIONS = REPO_ROOT / "bench" / "heldout" / "visitor_tune.yml"
USER, PASSWORD = "bench-editor", "bench-password-documents"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LOST_PAGE = ["Lost property at TCEB roadshows", "Umbrellas, badges and bags left at a TCEB",
             "roadshow booth are kept by the roadshow", "coordinator for fourteen days. After fourteen",
             "days unclaimed items are donated to charity."]
LOST_QUESTION = "How many days does the roadshow coordinator keep umbrellas and bags left at a TCEB roadshow booth?"
PDF_PAGE = ["ช่องทางร้องเรียนการทุจริตและประพฤติมิชอบ", "ผู้ร้องเรียนแจ้งได้ทั้งทางเปิดเผยและทางลับ",
            "TCEB complaint channels and steps", "Complaints are answered within fifteen days."]


def questions() -> list[str]:
    return [item["q"] for item in yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))]


def text_document(tag: str) -> tuple[bytes, str, int]:
    """The XQuAD pieces as one text file, each under a heading of its own, tagged with this run; its
    bytes, the last piece (a passage of its own: the indexing probe) and the number of pieces (the
    reader joins the shortest ones with their neighbours)."""
    paragraphs, _ = load_xquad()
    pieces = [f"{piece} ({tag}-{i})" for i, piece in
              enumerate(p for para in paragraphs for p in pieces_of(normalize(para.context_th)))]
    body = "\n\n".join(f"## {i}\n\n{piece}" for i, piece in enumerate(pieces, 1))
    return f"# XQuAD {tag}\n\n{body}\n".encode(), pieces[-1], len(pieces)


class Service:
    """The console and API of the running service, as an editor and as a staff API client."""

    def __init__(self, url: str, database_url: str):
        self.url = url
        self.engine = create_engine(database_url)
        self.console = httpx.Client(base_url=url, follow_redirects=False, timeout=600)
        token = CSRF.search(self.console.get("/console/login").text).group(1)
        r = self.console.post("/console/login", data={"username": USER, "password": PASSWORD, "csrf_token": token,
                                                       "next": "/console"})
        assert r.status_code == 303, r.text[-500:]
        self.csrf = CSRF.search(self.console.get("/console").text).group(1)
        token = httpx.post(f"{url}/api/v1/staff/token", json={"username": USER, "password": PASSWORD}).json()
        self.staff = httpx.Client(base_url=url, timeout=120,
                                  headers={"Authorization": f"Bearer {token['access_token']}"})
        self.asker = httpx.Client(base_url=url, timeout=120, headers={"X-Service-Token": SERVICE_TOKEN})

    def ask(self, question: str) -> float:
        t = time.perf_counter()
        r = self.asker.post("/api/v1/ask", json={"question": question, "channel": "api"})
        took = time.perf_counter() - t
        r.raise_for_status()
        return took

    def upload(self, name: str, data: bytes, title: str) -> int:
        r = self.console.post("/console/documents", data={"csrf_token": self.csrf, "title": title},
                              files={"file": (name, data)})
        assert r.status_code == 303 and "/jobs/" in r.headers["location"], (r.status_code, r.text[-1000:])
        return int(r.headers["location"].rsplit("/", 1)[1])

    def job(self, job_id: int) -> tuple[str, int | None]:
        """The job's status and document, read from the database (the service does not pay for it)."""
        with self.engine.connect() as conn:
            row = conn.execute(text("SELECT status, document_id FROM document_import_job WHERE id = :id"),
                               {"id": job_id}).one()
        return row[0], row[1]

    def indexed(self, probe: str, document_id: int) -> bool:
        r = self.staff.post("/api/v1/staff/try", json={"question": probe})
        r.raise_for_status()
        passage = r.json().get("passage") or {}
        return passage.get("url") == f"/documents/{document_id}/file"

    def close(self) -> None:
        for client in (self.console, self.staff, self.asker):
            client.close()
        self.engine.dispose()


def summary(latencies: list[float]) -> dict:
    if not latencies:
        return {"questions": 0}
    a = np.asarray(latencies) * 1000
    return {"questions": len(latencies), "p50_ms": round(float(np.percentile(a, 50)), 1),
            "p95_ms": round(float(np.percentile(a, 95)), 1)}


def idle(svc: Service, qs: list[str]) -> dict:
    return summary([svc.ask(q) for q in qs])


def during_import(svc: Service, qs: list[str], name: str, data: bytes, probe: str, deadline_s: float) -> dict:
    """Upload, then ask in turn until the job has ended and the index holds the new passages."""
    phases: dict[str, list[float]] = {"reading": [], "indexing": []}
    t0 = time.perf_counter()
    job_id = svc.upload(name, data, name)
    upload_s = time.perf_counter() - t0
    status, document_id, i = "queued", None, 0
    read_s = index_s = None
    next_check = time.perf_counter()
    while time.perf_counter() - t0 < deadline_s:
        phase = "reading" if read_s is None else "indexing"
        phases[phase].append(svc.ask(qs[i % len(qs)]))
        i += 1
        if time.perf_counter() < next_check:
            continue
        if read_s is None:
            next_check = time.perf_counter() + 0.25
            status, document_id = svc.job(job_id)
            if status in ("done", "refused", "failed"):
                read_s = time.perf_counter() - t0
                if status != "done":
                    raise RuntimeError(f"the import was {status}")
        else:
            next_check = time.perf_counter() + 2
            if svc.indexed(probe, document_id):
                index_s = time.perf_counter() - t0
                break
    if index_s is None:
        raise RuntimeError(f"not imported and indexed within {deadline_s} s (job {status})")
    with svc.engine.connect() as conn:
        stored = conn.execute(text("SELECT passages FROM document_import_job WHERE id = :id"), {"id": job_id}).scalar()
    return {"passages": stored, "upload_response_s": round(upload_s, 3), "job_ended_s": round(read_s, 1),
            "indexed_s": round(index_s, 1), "reading": summary(phases["reading"]),
            "indexing": summary(phases["indexing"]), "whole": summary(phases["reading"] + phases["indexing"])}


def fresh_database(kind: str, work: Path) -> tuple[str, Callable[[], None]]:
    if kind == "sqlite":
        return f"sqlite:///{work / 'bench.db'}", lambda: None
    name = f"thamtob_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", drop


def ratio(during: dict, before: dict, after: dict) -> float | None:
    idle_p50 = (before["p50_ms"] + after["p50_ms"]) / 2
    return round(during["p50_ms"] / idle_p50, 3) if during.get("questions") else None


def main(database: str = typer.Option("postgres", help="postgres (as deployed) or sqlite"),
         runner: str = typer.Option("service", help="service: the runner thread of the service process; "
                                                    "worker: `thamtob docs worker` beside a service without one"),
         pdf_pages: int = typer.Option(8, help="pages of the scanned PDF"),
         deadline_s: float = typer.Option(1200, help="most time one import may take"),
         out: Path = typer.Option(None, help="write the results as JSON here")) -> None:
    started = time.time()
    qs = questions()
    tag = uuid.uuid4().hex[:6]
    document, probe, pieces = text_document(tag)
    pdf = scanned_pages([LOST_PAGE] + [PDF_PAGE + [f"page {n} of {pdf_pages}"] for n in range(2, pdf_pages + 1)])
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db_url, drop = fresh_database(database, work)
        cache = work / "embedding-cache.sqlite3"
        if (REPO_ROOT / "var" / "embedding-cache.sqlite3").exists():
            shutil.copy(REPO_ROOT / "var" / "embedding-cache.sqlite3", cache)
        env = {"THAMTOB_EMBEDDING_CACHE": str(cache), "DATABASE_URL": db_url,
               "THAMTOB_DOCUMENT_JOBS_IN_SERVICE": "true" if runner == "service" else "false"}
        procs = []
        try:
            made = subprocess.run([str(VENV_BIN / "thamtob"), "staff", "create-admin", "--username", USER],
                                  input=PASSWORD + "\n", text=True, capture_output=True, timeout=300,
                                  env={**os.environ, **env})
            assert made.returncode == 0, made.stdout + made.stderr
            console.print(f"starting faq_service ({database}, import runner: {runner})…")
            procs.append(start_faq_service(work / "logs", db_url, extra_env=env, deadline=1200))
            if runner == "worker":
                log_path = work / "logs" / "documents_worker.log"
                popen = subprocess.Popen([str(VENV_BIN / "thamtob"), "docs", "worker"], cwd=REPO,
                                         env={**os.environ, **env}, stdout=open(log_path, "ab"),
                                         stderr=subprocess.STDOUT, start_new_session=True)
                procs.append(Proc("documents_worker", popen, "", log_path))
            svc = Service(procs[0].url, db_url)
            for q in qs[:20]:  # one-off costs, as any first questions pay
                svc.ask(q)
            res = {"idle_before_text": idle(svc, qs)}
            console.print(f"idle: {res['idle_before_text']}")
            res["text_import"] = during_import(svc, qs, f"xquad-{tag}.txt", document, probe, deadline_s)
            console.print(f"text import: {res['text_import']}")
            res["idle_before_pdf"] = idle(svc, qs)
            res["scanned_pdf_import"] = during_import(svc, qs, f"scanned-{tag}.pdf", pdf, LOST_QUESTION, deadline_s)
            console.print(f"scanned PDF import: {res['scanned_pdf_import']}")
            res["idle_after"] = idle(svc, qs)
            svc.close()
        finally:
            for proc in reversed(procs):
                proc.stop()
            drop()
    around = {"text": ("idle_before_text", "idle_before_pdf"), "scanned_pdf": ("idle_before_pdf", "idle_after")}
    res["ratios_p50_during_over_idle_around"] = {
        f"{kind}_{phase}": ratio(res[f"{kind}_import"][phase], res[around[kind][0]], res[around[kind][1]])
        for kind in around for phase in ("reading", "indexing", "whole")}
    doc = {"benchmark": "documents-import-load", **machine.info(started), "database": database, "runner": runner,
           "questions": f"{QUESTIONS.relative_to(REPO_ROOT)} ({len(qs)}), one client, in turn",
           "text_document": {"pieces": pieces, "passages": res["text_import"]["passages"], "bytes": len(document)},
           "scanned_pdf": {"pages": pdf_pages, "bytes": len(pdf)}, "results": res}
    table = Table(title=f"/api/v1/ask during a console import ({database}, runner: {runner})")
    for col in ("measurement", "questions", "p50 ms", "p95 ms", "p50 / idle around"):
        table.add_column(col)
    rows = [("idle", res["idle_before_text"], None)]
    for kind, label in (("text", f"text, {res['text_import']['passages']} passages"),
                        ("scanned_pdf", f"scanned PDF, {pdf_pages} pages")):
        for phase in ("reading", "indexing"):
            rows.append((f"{label}: {phase}", res[f"{kind}_import"][phase],
                         res["ratios_p50_during_over_idle_around"][f"{kind}_{phase}"]))
        if kind == "text":
            rows.append(("idle", res["idle_before_pdf"], None))
    rows.append(("idle", res["idle_after"], None))
    for name, r, q in rows:
        table.add_row(name, str(r["questions"]), str(r.get("p50_ms", "")), str(r.get("p95_ms", "")),
                      "" if q is None else str(q))
    console.print(table)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    typer.run(main)
