"""Limits and visibility on a real faq_service: 429 per session and per IP (service token exempt,
Redis-shared across processes), security headers and the CORS allow-list, request ids in headers and
JSON logs, and /metrics."""
from __future__ import annotations

import json
import re
import time
import uuid

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.support.procs import SERVICE_TOKEN, start_faq_service

QUESTION = {"question": "TCEB อยู่ที่ไหน"}
ALLOWED_ORIGIN = "https://chat.tceb.example"


def _count(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM question_log")).scalar()
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def limited(tmp_path_factory, artifacts_dir):
    tmp = tmp_path_factory.mktemp("limits")
    url = f"sqlite:///{tmp / 'faq.db'}"
    proc = start_faq_service(artifacts_dir / "logs-robustness-limits", url, deadline=300, extra_env={
        "THAMTOB_RATE_LIMIT_SESSION": "3", "THAMTOB_RATE_LIMIT_IP": "1000", "THAMTOB_RATE_LIMIT_WINDOW": "60",
        "THAMTOB_CORS_ORIGINS": ALLOWED_ORIGIN, "THAMTOB_LOG_FORMAT": "json"})
    proc.database_url = url
    yield proc
    proc.stop()


def _start_of_a_window(window_s: int = 60, need_s: float = 20) -> None:
    """The limits count in fixed windows (ops/ratelimit.py): a sequence of asks that crossed a window's
    end would start counting again. Wait (at most need_s) until the current window has need_s left."""
    left = window_s - time.time() % window_s
    if left < need_s:
        time.sleep(left + 0.05)


def _ask(proc, session=None, **headers):
    return httpx.post(f"{proc.url}/api/v1/ask", json={**QUESTION, "session_id": session}, headers=headers,
                      timeout=30)


def test_session_limit_gives_a_clear_429_and_stores_nothing(limited):
    _start_of_a_window()
    session = f"s-{uuid.uuid4().hex}"
    statuses = [_ask(limited, session).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    before = _count(limited.database_url)
    refused = _ask(limited, session)
    assert refused.status_code == 429
    body = refused.json()
    retry = int(refused.headers["retry-after"])
    assert 1 <= retry <= 60 and body["retry_after"] == retry
    assert str(retry) in body["message"] and "กรุณารอ" in body["message_th"]
    assert _count(limited.database_url) == before
    assert _ask(limited, f"other-{uuid.uuid4().hex}").status_code == 200, "other sessions are not affected"
    exempt = _ask(limited, session, **{"X-Service-Token": SERVICE_TOKEN})
    assert exempt.status_code == 200, "the action server's calls (service token) are exempt"
    assert _ask(limited, session, **{"X-Service-Token": "wrong"}).status_code == 429


def test_per_ip_limit(tmp_path, artifacts_dir):
    proc = start_faq_service(artifacts_dir / "logs-robustness-ip", f"sqlite:///{tmp_path / 'faq.db'}",
                             deadline=300, extra_env={"THAMTOB_RATE_LIMIT_SESSION": "100",
                                                      "THAMTOB_RATE_LIMIT_IP": "4"})
    try:
        _start_of_a_window()
        statuses = [_ask(proc, f"s{i}").status_code for i in range(6)]
        assert statuses[:4] == [200] * 4 and statuses[4:] == [429, 429]
        assert httpx.get(f"{proc.url}/api/v1/faqs").status_code == 200, "only /api/v1/ask is limited"
    finally:
        proc.stop()


def test_redis_counters_are_shared_by_replicas(tmp_path, postgres_dbs, artifacts_dir):
    """Two processes on one database and one Redis (127.0.0.1:6379): the session limit is global."""
    url = postgres_dbs.create()
    env = {"THAMTOB_REDIS_URL": "redis://127.0.0.1:6379/0", "THAMTOB_RATE_LIMIT_SESSION": "4",
           "THAMTOB_RATE_LIMIT_IP": "0"}
    first = start_faq_service(artifacts_dir / "logs-robustness-redis-1", url, deadline=300, extra_env=env)
    second = start_faq_service(artifacts_dir / "logs-robustness-redis-2", url, deadline=300, extra_env=env)
    try:
        _start_of_a_window()
        session = f"replicas-{uuid.uuid4().hex}"
        statuses = [_ask(proc, session).status_code for proc in (first, second) * 3]
        assert statuses.count(200) == 4 and statuses[4:] == [429, 429], statuses
    finally:
        first.stop()
        second.stop()


def test_security_headers_everywhere_and_the_chat_page_keeps_its_own_csp(limited):
    for path in ("/healthz", "/api/v1/faqs", "/openapi.json", "/no-such-page"):
        r = httpx.get(limited.url + path)
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert r.headers["referrer-policy"] == "no-referrer", path
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"], path
    page = httpx.get(limited.url + "/")
    csp = page.headers["content-security-policy"]
    assert page.headers.get_list("content-security-policy") == [csp], "exactly one policy on the page"
    assert "script-src 'self'" in csp and "connect-src 'self' http://127.0.0.1:5005" in csp
    docs = httpx.get(limited.url + "/docs")
    assert docs.status_code == 200 and "frame-ancestors 'none'" in docs.headers["content-security-policy"]


def test_cors_allow_list(limited):
    def preflight(origin):
        return httpx.options(f"{limited.url}/api/v1/ask", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
    assert preflight(ALLOWED_ORIGIN).headers.get("access-control-allow-origin") == ALLOWED_ORIGIN
    assert "access-control-allow-origin" not in preflight("https://evil.example").headers
    r = httpx.get(f"{limited.url}/api/v1/faqs", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers


def test_request_ids_in_and_out_and_in_json_logs(limited):
    given = f"test-{uuid.uuid4().hex}"
    r = _ask(limited, None, **{"X-Request-ID": given})
    assert r.headers["x-request-id"] == given
    generated = httpx.get(limited.url + "/healthz").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    bad = httpx.get(limited.url + "/healthz", headers={"X-Request-ID": "<script>" * 3}).headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", bad), "an unsafe id is replaced"
    entries = [json.loads(line) for line in limited.log_path.read_text().splitlines() if line.startswith("{")]
    mine = [e for e in entries if e.get("request_id") == given]
    assert any(e.get("path") == "/api/v1/ask" and e.get("status") == 200 and "duration_ms" in e for e in mine)
    assert all({"ts", "level", "logger", "msg"} <= set(e) for e in entries)


def _metric(body: str, name: str, labels: str = "") -> float:
    m = re.search(rf"^{re.escape(name)}{re.escape(labels)} ([0-9.e+-]+)$", body, re.M)
    assert m, f"{name}{labels} missing"
    return float(m.group(1))


def test_metrics(limited):
    before = httpx.get(limited.url + "/metrics").text
    answered = _metric(before, "thamtob_ask_total", '{outcome="answered"}')
    r = _ask(limited, None)
    assert r.status_code == 200 and r.json()["outcome"] == "answered"
    httpx.post(f"{limited.url}/api/v1/ask", json={"question": ""})
    body = httpx.get(limited.url + "/metrics").text
    assert _metric(body, "thamtob_ask_total", '{outcome="answered"}') == answered + 1
    assert _metric(body, "thamtob_ask_total", '{outcome="invalid"}') >= 1
    assert 0 < _metric(body, "thamtob_ask_answered_ratio") <= 1
    assert _metric(body, "thamtob_ask_latency_seconds_count") >= 1
    assert 'thamtob_ask_latency_seconds_bucket{le="0.5"}' in body
    assert "/metrics" not in httpx.get(limited.url + "/openapi.json").json()["paths"]
