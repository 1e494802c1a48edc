"""The public complaint API takes no cookies, by construction: the Cookie header of every request to
/api/v1/complaints and below is removed here, the outermost layer, before any middleware, route or log
sees it.

Why: the complaint pages send with XMLHttpRequest (it alone reports upload progress), and a same-origin
XHR carries this host's cookies whatever `withCredentials` says. A visitor who is also a staff member
would otherwise send a console session with a confidential report, and a cookie is an identifier. Nothing
on these routes needs one (they are authorised by the form token and by the tracking code and secret),
so it is dropped rather than merely ignored.
"""
from __future__ import annotations

COOKIELESS_PREFIX = "/api/v1/complaints"


def cookieless(path: str) -> bool:
    return path == COOKIELESS_PREFIX or path.startswith(COOKIELESS_PREFIX + "/")


class StripCookies:
    """ASGI middleware: the same request without its Cookie headers on the complaint API."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and cookieless(scope.get("path", "")):
            headers = scope.get("headers") or []
            if any(name.lower() == b"cookie" for name, _ in headers):
                scope = {**scope, "headers": [(n, v) for n, v in headers if n.lower() != b"cookie"]}
        await self.app(scope, receive, send)
