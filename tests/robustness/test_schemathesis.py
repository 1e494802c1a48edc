"""The HTTP API keeps its published contract: Schemathesis against the real faq_service's OpenAPI, as an
integrator would try it, on SQLite and on PostgreSQL.

Every Schemathesis check runs (no server error, status documented, content type, response schema and
headers, negative data rejected, positive data accepted, missing headers, unsupported methods and the
Allow header, auth not ignored, use after free, resources available), in the coverage phase (every
documented constraint at its boundaries, valid and invalid), the fuzzing phase and the stateful phase
(links between operations: an answer → its feedback, a listing → an entry, and the links Schemathesis
infers from the schemas). Settings: tests/robustness/schemathesis.toml (fixed seed, no state kept
between runs); examples per operation and stateful steps are bounded there and below.

The database has the sample knowledge base, the ITA measures and an admin. Runs: the public API (all but /api/v1/staff, with the service token, so that /api/v1/questions is tried
past its 401) and the staff API (a bearer token of an admin made with `thamtob staff create-admin`).
Creating and editing accounts runs last, on its own, with a fresh token: an edit of the admin's own
account (whose name that run never sees) would rightly end its token. Together the runs cover every operation of the OpenAPI, so a
new API joins as it lands: the test fails on any finding, and when an operation went untested.
Reports: test-artifacts/schemathesis-<db>-<run>.{xml,log}."""
from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET

import httpx
import pytest

from tests.conftest import new_database_url
from tests.support.procs import REPO, SERVICE_TOKEN, VENV_BIN, start_faq_service
from tests.staff.conftest import create_admin

CONFIG = REPO / "tests" / "robustness" / "schemathesis.toml"
# Examples per operation and phase (THAMTOB_SCHEMATHESIS_EXAMPLES raises it for a longer local run).
EXAMPLES = int(os.environ.get("THAMTOB_SCHEMATHESIS_EXAMPLES", "0")) or None
ADMIN, ADMIN_PASSWORD = "st-admin", "schemathesis-Adm1n-password!"
STAFF = "/api/v1/staff"
USER_EDITS = "^(create_user|update_user)$"
# name: (which operations, examples per operation). The questions API runs on its own: Schemathesis's
# stateful phase starts from the "reliable" operations of a run (lists, creations without unresolved
# inputs), and /ask is not one of them (its session_id looks to it like a reference to a resource nothing
# creates), so with the listings beside it the ask → feedback link would never be followed.
RUNS = {
    "questions": (["--include-tag", "questions"], 25),
    "public": (["--exclude-tag", "questions", "--exclude-path-regex", f"^{STAFF}"], 25),
    "staff": (["--include-path-regex", f"^{STAFF}", "--exclude-operation-id-regex", USER_EDITS], 10),
    "staff-users": (["--include-operation-id-regex", USER_EDITS], 10),
}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def service(request, tmp_path_factory, postgres_dbs, artifacts_dir):
    url = new_database_url(request.param, tmp_path_factory.mktemp(f"st-{request.param}"), postgres_dbs)
    made = create_admin(url, ADMIN, ADMIN_PASSWORD)
    assert made.returncode == 0, made.stdout + made.stderr
    # The ITA measures, so that the measures and report operations have data to work on.
    done = subprocess.run([str(VENV_BIN / "thamtob"), "measures", "import"], cwd=REPO, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "DATABASE_URL": url})
    assert done.returncode == 0, done.stdout + done.stderr
    proc = start_faq_service(artifacts_dir / f"logs-schemathesis-{request.param}", url, deadline=300, extra_env={
        # Limits are tested elsewhere; here they would only turn generated cases into 429s.
        "THAMTOB_RATE_LIMIT_SESSION": "0", "THAMTOB_RATE_LIMIT_IP": "0",
        "THAMTOB_LOGIN_SLOW_AFTER": "100000", "THAMTOB_LOGIN_LOCK_AFTER": "100000"})
    proc.backend = request.param
    yield proc
    proc.stop()


def operations(service, prefix: str | None = None, exclude: str | None = None) -> set[str]:
    paths = httpx.get(f"{service.url}/openapi.json").json()["paths"]
    return {f"{method.upper()} {path}" for path, ops in paths.items() for method in ops
            if (prefix is None or path.startswith(prefix)) and not (exclude and path.startswith(exclude))}


def _token(service) -> str:
    r = httpx.post(f"{service.url}{STAFF}/token", json={"username": ADMIN, "password": ADMIN_PASSWORD})
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


def run(service, artifacts_dir, name: str, headers: dict[str, str]) -> set[str]:
    """One Schemathesis run; fails on any finding. Returns the operations it tested."""
    selection, examples = RUNS[name]
    stem = artifacts_dir / f"schemathesis-{service.backend}-{name}"
    cmd = [str(VENV_BIN / "schemathesis"), "--config-file", str(CONFIG), "run", f"{service.url}/openapi.json",
           "--max-examples", str(EXAMPLES or examples), "--workers", "1", "--report", "junit,ndjson",
           "--report-junit-path", f"{stem}.xml", "--report-ndjson-path", f"{stem}.ndjson", *selection]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    stem.with_suffix(".log").write_text(done.stdout + done.stderr)
    assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-2000:] + service.log()
    tested = {case.get("name") for case in ET.parse(f"{stem}.xml").iter("testcase")}
    return tested - {"Stateful tests"}


def followed_links(stem) -> set[str]:
    """The links the stateful phase followed, e.g. "POST /api/v1/ask -> [200] feedback -> POST /api/v1/feedback"."""
    found = set()
    with open(f"{stem}.ndjson") as events:
        for line in events:
            scenario = json.loads(line).get("ScenarioFinished")
            for case in ((scenario or {}).get("recorder") or {}).get("cases", {}).values():
                if case.get("transition"):
                    found.add(case["transition"]["id"])
    return found


@pytest.mark.timeout(900)
def test_public_api_keeps_its_contract(service, artifacts_dir):
    token = {"X-Service-Token": SERVICE_TOKEN}
    tested = run(service, artifacts_dir, "questions", token) | run(service, artifacts_dir, "public", token)
    assert tested == operations(service, exclude=STAFF)
    # An ask, then feedback on its answer (with the log_id the answer gave).
    links = followed_links(artifacts_dir / f"schemathesis-{service.backend}-questions")
    assert "POST /api/v1/ask -> [200] feedback -> POST /api/v1/feedback" in links, links


@pytest.mark.timeout(1500)
def test_staff_api_keeps_its_contract(service, artifacts_dir):
    tested = run(service, artifacts_dir, "staff", {"Authorization": f"Bearer {_token(service)}"})
    tested |= run(service, artifacts_dir, "staff-users", {"Authorization": f"Bearer {_token(service)}"})
    assert tested == operations(service, prefix=STAFF)
    links = followed_links(artifacts_dir / f"schemathesis-{service.backend}-staff")
    assert any(link.startswith("POST /api/v1/staff/entries -> [201]") for link in links), links
