"""The complaint API never sees a cookie: ops.install puts StripCookies outside everything, so a route under
/api/v1/complaints reads no Cookie header (and none reaches the access log), while other routes keep theirs."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from faq_service.ops.api import install
from faq_service.core.settings import Settings
from faq_service.ops.no_cookies import cookieless


def echo(request: Request) -> dict:
    return {"cookie": request.headers.get("cookie"), "cookies": dict(request.cookies)}


def app_with_echo() -> FastAPI:
    app = FastAPI()
    for path in ("/api/v1/complaints", "/api/v1/complaints/status", "/api/v1/complaintsx", "/api/v1/ask",
                 "/complaints"):
        app.add_api_route(path, echo, methods=["POST"])
    install(app, Settings(THAMTOB_LOG_FORMAT="text"))
    return app


def test_the_complaint_api_gets_no_cookie_other_routes_do():
    client = TestClient(app_with_echo())
    sent = {"Cookie": "thamtob_session=abc; thamtob_console_lang=en"}
    for path in ("/api/v1/complaints", "/api/v1/complaints/status"):
        assert client.post(path, headers=sent).json() == {"cookie": None, "cookies": {}}, path
    for path in ("/api/v1/complaintsx", "/api/v1/ask", "/complaints"):
        assert client.post(path, headers=sent).json()["cookies"] == {"thamtob_session": "abc",
                                                                    "thamtob_console_lang": "en"}, path


def test_which_paths_are_cookieless():
    assert cookieless("/api/v1/complaints") and cookieless("/api/v1/complaints/reply")
    assert not cookieless("/api/v1/complaintsx") and not cookieless("/api/v1/staff/complaints")
    assert not cookieless("/complaints")
