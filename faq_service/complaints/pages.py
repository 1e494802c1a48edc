"""The public complaint pages: the report form (GET /complaints) and the status page
(GET /complaints/status), Thai and English, and their static files (/complaints/static).

The pages are plain HTML with scripts of their own (static/); they post to the public API (/api/v1/complaints,
/api/v1/complaints/status, /api/v1/complaints/reply) with XMLHttpRequest (for the upload percentage),
carrying the form token this module puts in the page (tokens.issue_form_token); the browser sends this
host's cookies with it, and the service drops them before anything reads them (ops/no_cookies.py).
Everything is served from this process under a CSP that allows only its own files (no inline script, no third-party asset). The tracking code and
the secret live only in the page's memory: never in a URL, a cookie or web storage. Page texts are in
pages.yml (both languages, same keys, checked by install() at start-up); nothing user-visible is here.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from faq_service.complaints.models import KINDS, MODES, OUTCOMES, STATUSES
from faq_service.complaints.service import LIMITS
from faq_service.complaints.tokens import MAX_AGE_S, issue_form_token
from faq_service.complaints.texts import load_page_texts
from faq_service.core.deps import AppState, app_state

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATES_DIR = HERE / "templates"
TEXTS_PATH = HERE / "pages.yml"
STATIC_NAME = "complaints-static"
LANGS = ("th", "en")
DEFAULT_MODE = "confidential"  # privacy by default when the link does not say
API = {"api_submit": "/api/v1/complaints", "api_status": "/api/v1/complaints/status",
       "api_reply": "/api/v1/complaints/reply"}

# The pages load their own script and stylesheet and talk only to this host; no inline script or style,
# no frames, no plugins, no form posts (the scripts send with XMLHttpRequest).
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "Cache-Control": "no-store", "X-Frame-Options": "DENY"}


def _label_keys() -> set[str]:
    """Keys the pages look up by a value from the API or the models, so they must exist."""
    return ({f"kind_{k}" for k in KINDS} | {f"mode_{m}" for m in MODES} | {f"status_{s}" for s in STATUSES}
            | {f"status_{s}_help" for s in STATUSES} | {f"outcome_{o}" for o in OUTCOMES})


@lru_cache(maxsize=1)
def load_texts() -> dict[str, dict[str, str]]:
    return load_page_texts(TEXTS_PATH, _label_keys())


@dataclass(frozen=True)
class PageLimits:
    """What the pages tell visitors and check before sending; the API checks the same again."""

    max_files: int
    max_file_bytes: int

    @property
    def max_mb(self) -> int:
        return self.max_file_bytes // (1024 * 1024)

    def fill(self, texts: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        """The texts with the fixed numbers in place ({n}, {name} … are left for the script)."""
        fixed = {"{max_files}": str(self.max_files), "{max_mb}": str(self.max_mb)}

        def one(value: str) -> str:
            for key, number in fixed.items():
                value = value.replace(key, number)
            return value
        return {lang: {k: one(v) for k, v in texts[lang].items()} for lang in texts}


def _limits(request: Request) -> PageLimits:
    limits = getattr(request.app.state, "thamtob_complaint_pages", None)
    return limits or PageLimits(5, 10 * 1024 * 1024)


_env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(["html"]),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
# Thai as itself in the page's JSON (a third of the bytes of \u escapes); <, >, & and ' are still escaped.
_env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}
_templates = Jinja2Templates(env=_env)

router = APIRouter(include_in_schema=False)


def _one_of(value: str | None, allowed: tuple[str, ...], default: str | None) -> str | None:
    return value if value in allowed else default


def _render(request: Request, state: AppState, template: str, here: str, keep: dict | None = None,
            **context) -> HTMLResponse:
    """`here`: the page's key in `urls`; `keep`: query values the language switch carries over."""
    lang = _one_of(request.query_params.get("lang"), LANGS, "th")
    limits = _limits(request)
    texts = limits.fill(load_texts())
    root = request.scope.get("root_path", "").rstrip("/")
    urls = {"chat": root + "/", "form": root + "/complaints", "status": root + "/complaints/status",
            **{k: root + v for k, v in API.items()}}
    # The script fetches a fresh form token before sending from a page left open longer than this.
    token_s = max(60, MAX_AGE_S - 15 * 60)
    config = {"lang": lang, "texts": texts, "urls": {**urls, "page": urls[here]}, "tokenFreshS": token_s, "limits": {
        "maxFiles": limits.max_files, "maxFileBytes": limits.max_file_bytes,
        "fields": {k: LIMITS[k] for k in ("description", "when", "where", "concerned", "name", "contact", "message")}}}
    lang_urls = {code: urls[here] + "?" + urlencode({"lang": code, **(keep or {})}) for code in LANGS}
    response = _templates.TemplateResponse(request, template, {
        "lang": lang, "t": texts[lang], "urls": urls, "lang_urls": lang_urls, "limits": LIMITS, "config": config,
        "form_token": issue_form_token(state.settings.secret_key), "static_name": STATIC_NAME, **context})
    response.headers.update(HEADERS)
    return response


@router.get("/complaints", response_class=HTMLResponse)
async def complaint_form(request: Request, state: AppState = Depends(app_state)) -> HTMLResponse:
    """The report form, pre-filled from ?kind=…&mode=… (the chat links here); ?lang=th|en."""
    kind = _one_of(request.query_params.get("kind"), KINDS, None)
    mode = _one_of(request.query_params.get("mode"), MODES, DEFAULT_MODE)
    keep = {k: v for k, v in (("kind", kind), ("mode", mode)) if v and request.query_params.get(k)}
    return _render(request, state, "complaint_form.html", "form", keep, kinds=KINDS, modes=("confidential", "named"),
                   kind=kind, mode=mode)


@router.get("/complaints/status", response_class=HTMLResponse)
async def complaint_status(request: Request, state: AppState = Depends(app_state)) -> HTMLResponse:
    """The status page: the code and the secret are typed in, never taken from the URL."""
    return _render(request, state, "complaint_status.html", "status")


def install(app: FastAPI, settings) -> None:
    """Check the page texts (fail at start-up, not on the first visitor) and mount the static files."""
    load_texts()
    app.state.thamtob_complaint_pages = PageLimits(settings.complaint_max_files, settings.complaint_max_file_bytes)
    app.mount("/complaints/static", StaticFiles(directory=str(STATIC_DIR)), name=STATIC_NAME)
