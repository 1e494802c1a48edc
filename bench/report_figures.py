"""Benchmark: the six-month report's figures over 1,000,000 logged questions on PostgreSQL.

    .venv/bin/python -m bench.report_figures [--rows 1000000] [--admin-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Creates a scratch database, migrates it, imports the knowledge base and the FY2563 measures, bulk-loads
synthetic questions spread over FY2563 (both halves) with COPY, runs VACUUM (ANALYZE) as autovacuum would, then times
  - the figures of FY2563 H1 (faq_service.reports.figures.compute: SQL aggregation), best and median
    of 5 runs after one warm-up run, and the cold first run;
  - building the report and rendering it to PDF (WeasyPrint), apart.
Writes the results, the command, the date and the machine to docs/results/report-figures.md and drops the
scratch database.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "results" / "report-figures.md"
CHANNELS = (("web", 55), ("line", 25), ("api", 12), ("widget", 8))
OUTCOMES = (("answered", 68), ("suggested", 14), ("declined", 12), ("handled_by_bot", 5), ("unavailable", 1))
UNANSWERED = ["สมัครงาน สสปน. ได้ที่ไหน", "ค่าเช่าบูธงานแสดงสินค้าเท่าไร", "งบประมาณปี 2564", "how to apply for internship",
              "ขอเบอร์ฝ่ายบัญชี", "ตารางงานแฟร์เดือนหน้า", "ที่จอดรถศูนย์ประชุม", "visa for exhibitors"]


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def load(url: str, rows: int, faq_ids: list[int], seed: int = 2563) -> float:
    import psycopg

    rnd = random.Random(seed)
    start = datetime(2019, 9, 30, 17, tzinfo=timezone.utc)  # 1 Oct 2019, Bangkok midnight
    span = int(timedelta(days=366).total_seconds())
    channels = [c for c, w in CHANNELS for _ in range(w)]
    outcomes = [o for o, w in OUTCOMES for _ in range(w)]
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    t0 = time.perf_counter()
    with psycopg.connect(conninfo) as conn, conn.cursor() as cur:
        with cur.copy("COPY question_log (asked_at, question_text, lang, channel, session_hash, topic, outcome, "
                      "faq_id, suggestions, latency_ms, helpful, feedback_comment) FROM STDIN") as copy:
            for i in range(rows):
                outcome = outcomes[rnd.randrange(len(outcomes))]
                answered = outcome == "answered"
                helpful = (rnd.random() < 0.8) if answered and rnd.random() < 0.2 else None
                copy.write_row((
                    start + timedelta(seconds=rnd.randrange(span)),
                    UNANSWERED[rnd.randrange(len(UNANSWERED))] if outcome == "declined" else f"คำถามที่ {i % 5000}",
                    "th" if rnd.random() < 0.8 else "en",
                    channels[rnd.randrange(len(channels))],
                    f"{rnd.getrandbits(64):016x}",
                    "complaints" if rnd.random() < 0.02 else None,
                    outcome,
                    faq_ids[rnd.randrange(len(faq_ids))] if answered else None,
                    "[]",
                    round(rnd.lognormvariate(5.0, 0.5), 1),
                    helpful,
                    "ขอบคุณ" if helpful is not None and rnd.random() < 0.1 else None,
                ))
        conn.commit()
    # What autovacuum does after a bulk load: statistics, and the visibility map that lets the report's
    # covering index be read without visiting the table (index-only scan).
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) question_log")
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--admin-url", default=os.environ.get("TEST_POSTGRES_URL",
                                                              "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    from faq_service.core.db import Database
    from faq_service.faqs.models import FaqEntry
    from faq_service.measures import service as measures
    from faq_service.measures.periods import Period
    from faq_service.reports.figures import compute
    from faq_service.reports.render import render_report
    from faq_service.reports.report import build
    from faq_service.core.migrations import migrate
    from faq_service.faqs.service import import_path

    name = f"thamtob_bench_reports_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.admin_url).set(database=name).render_as_string(hide_password=False)
    db = Database(url)
    try:
        migrate(db)
        import_path(db, REPO / "data" / "faq", "bench")
        with db.session() as s:
            measures.import_path(s, REPO / "data" / "measures", "bench")
            faq_ids = [i for (i,) in s.execute(text("SELECT id FROM faq_entry WHERE status = 'published'"))]
        print(f"loading {args.rows:,} questions with COPY …", flush=True)
        load_s = load(url, args.rows, faq_ids)
        period = Period(2563, 1)
        with db.engine.connect() as conn:
            in_period = conn.execute(text("SELECT count(*) FROM question_log WHERE asked_at >= :s AND asked_at < :e"),
                                     {"s": period.start, "e": period.end}).scalar()
            size = conn.execute(text("SELECT pg_size_pretty(pg_total_relation_size('question_log'))")).scalar()
            version = conn.execute(text("SHOW server_version")).scalar()

        def timed_figures() -> tuple[float, object]:
            t0 = time.perf_counter()
            with db.session() as s:
                f = compute(s, period)
            return time.perf_counter() - t0, f

        cold, fig = timed_figures()
        times = [timed_figures()[0] for _ in range(args.runs)]
        t0 = time.perf_counter()
        with db.session() as s:
            rep = build(s, period, "th")
        build_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        pdf = render_report(rep, "pdf")
        pdf_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        render_report(rep, "html")
        html_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        render_report(rep, "xlsx")
        xlsx_s = time.perf_counter() - t0
    finally:
        db.engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    nproc = os.cpu_count()
    command = "PYTHONPATH=. .venv/bin/python -m bench.report_figures " + " ".join(sys.argv[1:])
    lines = [
        "# Benchmark: six-month report figures",
        "",
        f"- date: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- command: `{command.strip()}`",
        f"- machine: {nproc} cores (nproc), {cpu_model()}, shared with other work; PostgreSQL {version} on 127.0.0.1",
        f"- data: {args.rows:,} synthetic logged questions over FY2563 (COPY via psycopg, {load_s:.1f} s, "
        f"question_log {size}); {in_period:,} of them in FY2563 H1",
        "",
        "| what | time |",
        "|---|---|",
        f"| figures of FY2563 H1, first (cold) run | {cold:.2f} s |",
        f"| figures of FY2563 H1, best of {args.runs} | {min(times):.2f} s |",
        f"| figures of FY2563 H1, median of {args.runs} | {statistics.median(times):.2f} s (target ≤ 2 s) |",
        f"| report model (figures + 13 measures) | {build_s:.2f} s |",
        f"| PDF rendering (WeasyPrint, charts included), apart | {pdf_s:.2f} s ({len(pdf) / 1024:.0f} KiB) |",
        f"| HTML rendering | {html_s:.2f} s |",
        f"| XLSX rendering | {xlsx_s:.2f} s |",
        "",
        f"Figures found: {fig.asked:,} questions, answered {fig.answered_pct} %, suggested {fig.suggested_pct} %, "
        f"declined {fig.declined_pct} %, median latency {fig.median_latency_ms} ms, "
        f"{fig.complaint_questions:,} complaint-channel questions, 👍 {fig.helpful_yes:,} / 👎 {fig.helpful_no:,}.",
        "",
        "How: one GROUP BY (channel, outcome, Bangkok month bucket) pass over the period's rows for counts, "
        "feedback and complaint questions; `percentile_cont(0.5)` for the median latency; a GROUP BY on the "
        "declined questions' text for the top unanswered topics; faq_history and review_cluster are small. "
        "The period pass reads only the covering index ix_question_log_report (index-only scan, migration 0003); "
        "comments are counted through the partial index ix_question_log_commented.",
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
