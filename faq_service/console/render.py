"""Rendering console pages: the shared layout (templates/base.html), UI text in Thai and English
(i18n.yml), the language switch, the navigation, and the security headers of every page.

Domains' pages extend base.html: `register_template_dir(path)` adds their templates folder,
`register_nav(href, label_th, label_en, role, order)` adds a link to the navigation,
`DomainTexts(path)` reads a domain's own page texts, and `page(request, user, "their.html", **context)`
renders with everything base.html needs.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

from faq_service.core.db import as_utc

CONSOLE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = CONSOLE_DIR / "templates"
LANGS = ("th", "en")
LANG_COOKIE = "thamtob_console_lang"

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
BANGKOK = ZoneInfo("Asia/Bangkok")


def bangkok(moment: datetime | None) -> str:
    """A stored (UTC) time as the console shows it: Bangkok time, to the minute (`{{ r.at|bangkok }}`).
    The API and the exports keep RFC 3339 in UTC."""
    if moment is None:
        return ""
    return as_utc(moment).astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M")


templates.env.filters["bangkok"] = bangkok
_dirs: list[str] = [str(TEMPLATES_DIR)]


@dataclass(frozen=True)
class NavLink:
    href: str
    label_th: str
    label_en: str
    role: str = "viewer"
    order: int = 100  # place in the navigation, whatever order the domains are installed in


NAV: list[NavLink] = []


def register_template_dir(path: str | Path) -> None:
    if str(path) not in _dirs:
        _dirs.append(str(path))
        templates.env.loader = ChoiceLoader([FileSystemLoader(d) for d in _dirs])


def register_nav(href: str, label_th: str, label_en: str, role: str = "viewer", order: int = 100) -> None:
    if all(link.href != href for link in NAV):
        NAV.append(NavLink(href, label_th, label_en, role, order))
        NAV.sort(key=lambda link: link.order)


@lru_cache(maxsize=1)
def load_texts() -> dict[str, dict[str, str]]:
    data = yaml.safe_load((CONSOLE_DIR / "i18n.yml").read_text(encoding="utf-8"))
    diff = set(data["th"]) ^ set(data["en"])
    if diff:
        raise ValueError(f"console i18n.yml: keys not in both languages: {sorted(diff)}")
    return data


class DomainTexts:
    """A domain's own page texts ({th: {...}, en: {...}} in a .yml beside its pages), in the language of
    the request: `DomainTexts(path).for_request(request)`."""

    def __init__(self, path: Path):
        self.path = path
        self._data: dict | None = None

    def for_request(self, request: Request) -> dict[str, str]:
        if self._data is None:
            self._data = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        return self._data[request_lang(request)]


def request_lang(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGS:
        return cookie
    return "en" if request.headers.get("accept-language", "").lower().startswith("en") else "th"


def texts_for(request: Request) -> dict[str, str]:
    return load_texts()[request_lang(request)]


def secure_headers(response) -> None:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"


def page(request: Request, user, name: str, status_code: int = 200, **context) -> HTMLResponse:
    """Render `name` (which extends base.html) for `user` (None on the login page)."""
    lang = request_lang(request)
    nav = [link for link in NAV if user is not None and user.has(link.role)]
    ctx = {"t": load_texts()[lang], "lang": lang, "other_lang": "en" if lang == "th" else "th",
           "user": user, "csrf_token": getattr(user, "csrf_token", None), "nav": nav,
           "path": request.url.path, **context}
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="lax")
    secure_headers(response)
    return response


def see_other(url: str) -> RedirectResponse:
    """The redirect after a form is handled (POST, then GET: a reload does not send the form again)."""
    response = RedirectResponse(url, status_code=303)
    secure_headers(response)
    return response
