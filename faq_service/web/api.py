"""The web chat page (GET /), its static assets (/static) and Swagger UI (/docs); the chat widget for
other websites is in widget.py.

Every asset is served from this process: the chat page's own files from ``static/`` and Swagger UI
from the npm package ``swagger-ui-dist`` that ``make setup-web`` installs under ``node_modules/``.
Page text (Thai and English) lives in ``i18n.yml``; nothing user-visible is written here.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from faq_service.core.settings import origin_of

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
TEMPLATES_DIR = WEB_DIR / "templates"
I18N_PATH = WEB_DIR / "i18n.yml"
SWAGGER_DIR = WEB_DIR / "node_modules" / "swagger-ui-dist"
SWAGGER_PREFIX = "/static/vendor/swagger-ui"
DEFAULT_RASA_URL = "http://127.0.0.1:5005"
LANGS = ("th", "en")


@lru_cache(maxsize=1)
def load_texts() -> dict[str, dict[str, str]]:
    """UI labels per language from i18n.yml; every key must exist in both languages."""
    data = yaml.safe_load(I18N_PATH.read_text(encoding="utf-8"))
    missing = {lang: sorted(set(data["th"]) ^ set(data[lang])) for lang in LANGS}
    if any(missing.values()):
        raise ValueError(f"i18n.yml: keys differ between languages: {missing}")
    return {lang: {k: str(v) for k, v in data[lang].items()} for lang in LANGS}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _csp(rasa_url: str, frame_ancestors: str = "'none'") -> str:
    """The chat page loads nothing but its own files and talks to nothing but itself and Rasa; the
    widget's panel is the same page, which the sites in THAMTOB_WIDGET_ORIGINS may frame."""
    connect = " ".join(x for x in ("'self'", _origin(rasa_url)) if x)
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"font-src 'self'; connect-src {connect}; base-uri 'none'; form-action 'none'; "
        f"frame-ancestors {frame_ancestors}"
    )


router = APIRouter(include_in_schema=False)
OAUTH2_REDIRECT = "/docs/oauth2-redirect"
_templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


@dataclass(frozen=True)
class ChatPage:
    """What the page and the widget need from the settings, fixed when the app is assembled."""

    rasa_url: str
    csp: str
    texts: dict
    panel_csp: str = ""
    own_origin: str = ""                      # THAMTOB_PUBLIC_URL's
    widget_origins: frozenset[str] = frozenset()


def render_chat(request: Request, surface: str, lang: str, csp: str) -> HTMLResponse:
    """The chat page on a surface: "web" (the page itself) or "widget" (the widget's panel)."""
    chat: ChatPage = request.app.state.thamtob_chat
    response = _templates.TemplateResponse(
        request, "chat.html", {"rasa_url": chat.rasa_url, "texts": chat.texts, "t": chat.texts[lang], "lang": lang,
                               "surface": surface},
    )
    response.headers["Content-Security-Policy"] = csp
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/", response_class=HTMLResponse)
async def chat_page(request: Request) -> HTMLResponse:
    return render_chat(request, "web", "th", request.app.state.thamtob_chat.csp)


@router.get("/docs", response_class=HTMLResponse)
async def swagger_ui(request: Request) -> HTMLResponse:
    app = request.app
    root = request.scope.get("root_path", "").rstrip("/")
    return get_swagger_ui_html(
        openapi_url=root + (app.openapi_url or "/openapi.json"),
        title=f"{app.title} — API",
        swagger_js_url=f"{root}{SWAGGER_PREFIX}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{SWAGGER_PREFIX}/swagger-ui.css",
        swagger_favicon_url=f"{root}{SWAGGER_PREFIX}/favicon-32x32.png",
        oauth2_redirect_url=OAUTH2_REDIRECT,
        # No call to the public spec validator: the page must not reach outside this host.
        swagger_ui_parameters={"validatorUrl": None},
    )


@router.get(OAUTH2_REDIRECT)
async def swagger_ui_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


def install(app: FastAPI, settings) -> None:
    """Mount /static (Swagger UI's files first) and fix what the chat page takes from the settings."""
    rasa_url = (getattr(settings, "rasa_public_url", None) or DEFAULT_RASA_URL).rstrip("/")
    origins = settings.widget_origin_list()
    # load_texts() here: fail at start-up, not on the first visitor, if the file is broken.
    app.state.thamtob_chat = ChatPage(rasa_url, _csp(rasa_url), load_texts(),
                                      panel_csp=_csp(rasa_url, " ".join(["'self'", *origins])),
                                      own_origin=origin_of(settings.public_url), widget_origins=frozenset(origins))
    if SWAGGER_DIR.is_dir():
        # Mounted before /static so that the more specific prefix wins.
        app.mount(SWAGGER_PREFIX, StaticFiles(directory=str(SWAGGER_DIR)), name="swagger-ui")
    else:
        log.warning("Swagger UI assets missing at %s: run `make setup-web`", SWAGGER_DIR)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
