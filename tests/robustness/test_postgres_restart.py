"""PostgreSQL restarts under a running faq_service: while it is down the service answers a clear 503
(nothing half-written), and when it is back the same process serves again without a restart
(pool_pre_ping). Runs on a PRIVATE cluster (initdb in a temp dir, its own port), never the machine's
shared server."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.support.procs import free_port, start_faq_service

PG_BIN = Path("/usr/lib/postgresql/15/bin")
RECOVERY_DEADLINE_S = 30


class PrivateCluster:
    def __init__(self):
        assert (PG_BIN / "initdb").exists(), f"PostgreSQL 15 server binaries missing at {PG_BIN}"
        self.dir = Path(tempfile.mkdtemp(prefix="thamtob-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        if os.geteuid() == 0:  # the server refuses to run as root
            shutil.chown(self.dir, "postgres", "postgres")
        self._as_postgres(PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                          "--locale=C", "--no-sync")

    def _as_postgres(self, *cmd) -> None:
        cmd = [str(c) for c in cmd]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, f"{cmd}: {run.stdout}{run.stderr}"

    def start(self) -> None:
        self._as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.dir / "server.log", "-w", "-t", "60",
                          "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
                          "start")

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop")

    def url(self, db: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{db}"

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        except AssertionError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def cluster():
    c = PrivateCluster()
    c.start()
    engine = create_engine(c.url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("CREATE DATABASE thamtob"))
    engine.dispose()
    yield c
    c.destroy()


def _rows(url: str) -> set[int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return set(conn.execute(text("SELECT id FROM question_log")).scalars())
    finally:
        engine.dispose()


def _ask(url: str, i: int) -> httpx.Response | None:
    try:
        return httpx.post(f"{url}/api/v1/ask", json={"question": f"TCEB อยู่ที่ไหน {i}"}, timeout=15)
    except httpx.HTTPError:
        return None


def test_service_recovers_from_a_postgres_restart_without_restarting(cluster, artifacts_dir):
    db_url = cluster.url("thamtob")
    faq = start_faq_service(artifacts_dir / "logs-pg-restart", db_url, deadline=300,
                            extra_env={"THAMTOB_RATE_LIMIT_IP": "0"})
    responses: list[httpx.Response | None] = []
    stop = threading.Event()

    def asker():  # a steady stream of questions across the outage (bounded: stops with the test)
        i = 0
        while not stop.is_set() and i < 2000:
            responses.append(_ask(faq.url, i))
            i += 1
            time.sleep(0.05)

    try:
        pid = faq.popen.pid
        assert _ask(faq.url, -1).status_code == 200
        thread = threading.Thread(target=asker, daemon=True)
        thread.start()
        time.sleep(1)

        cluster.stop("fast")
        down = _ask(faq.url, -2)
        assert down is not None and down.status_code == 503, down and down.text
        assert down.json()["message"] and down.json()["message_th"] and down.headers.get("retry-after")
        assert httpx.get(f"{faq.url}/readyz", timeout=10).status_code == 503
        assert httpx.get(f"{faq.url}/healthz", timeout=10).status_code == 200
        time.sleep(2)

        cluster.start()
        end = time.monotonic() + RECOVERY_DEADLINE_S
        recovered = None
        while time.monotonic() < end:
            r = _ask(faq.url, -3)
            if r is not None and r.status_code == 200:
                recovered = r
                break
            time.sleep(0.2)
        assert recovered is not None, f"not recovered within {RECOVERY_DEADLINE_S}s:\n{faq.log()}"
        assert httpx.get(f"{faq.url}/readyz", timeout=10).status_code == 200
        time.sleep(1)

        # A harsher one: immediate shutdown (connections cut mid-flight), then back.
        cluster.stop("immediate")
        time.sleep(1)
        cluster.start()
        end = time.monotonic() + RECOVERY_DEADLINE_S
        while time.monotonic() < end and (_ask(faq.url, -4) or httpx.Response(0)).status_code != 200:
            time.sleep(0.2)
        time.sleep(1)
        stop.set()
        thread.join(30)
        assert faq.popen.poll() is None and faq.popen.pid == pid, "the same process, never restarted"

        statuses = [r.status_code if r is not None else None for r in responses]
        assert statuses and statuses[-1] == 200, statuses[-20:]
        assert set(statuses) <= {200, 503}, f"only answers or a clear 503: {sorted(set(map(str, statuses)))}"
        answered = {r.json()["log_id"] for r in responses if r is not None and r.status_code == 200}
        stored = _rows(db_url)
        assert answered <= stored, "every answered question is in the log"
        # The asker's rows are exactly its 200s; the probes (-1..-4) added at most 4 more, the 503s none.
        assert len(stored) - len(answered) <= 2 + sum(1 for _ in range(3)), (len(stored), len(answered))
    finally:
        stop.set()
        faq.stop()
