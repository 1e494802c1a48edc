"""The chat widget for other websites. One line on a page,

    <script src="https://HOST/widget.js" data-lang="th" defer></script>

adds a chat button that opens the chat in a panel. The panel is our own chat page in a frame
(/widget/panel), so neither side's CSS reaches the other and the conversation stays on this origin.

Which sites may use it is THAMTOB_WIDGET_ORIGINS, and only that:
- /widget/config (the widget's texts, fetched by widget.js before it shows the button) answers those
  origins with CORS headers and refuses any other with 403, so elsewhere no button appears;
- /widget/panel may be framed only by them (CSP frame-ancestors), so a hand-made frame elsewhere is refused;
- Rasa is started with them in --cors (`thamtob web rasa-cors`).
A request without an Origin header (a script tag, a navigation, curl) is not a cross-origin call and is served.
"""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from faq_service.core.errors import error_response
from faq_service.web.api import STATIC_DIR, ChatPage, render_chat

router = APIRouter(include_in_schema=False)
WIDGET_TEXTS = ("widget_button", "widget_title", "widget_close", "widget_frame_title")
Lang = Literal["th", "en"]


def refused_origin(request: Request) -> str | None:
    """The Origin of a cross-origin call from a site that may not use the widget, else None."""
    origin = request.headers.get("origin")
    if origin is None:
        return None
    chat: ChatPage = request.app.state.thamtob_chat
    own = {chat.own_origin, f"{request.url.scheme}://{request.url.netloc}"}
    return None if origin in chat.widget_origins or origin in own else origin


def _refusal(origin: str) -> JSONResponse:
    # No Access-Control-Allow-Origin: the refused page cannot even read this answer.
    return error_response(403, f"origin {origin} is not in THAMTOB_WIDGET_ORIGINS", key="widget_origin_refused",
                          origin=origin, headers={"Vary": "Origin", "Cache-Control": "no-store"})


@router.get("/widget.js")
async def widget_script() -> FileResponse:
    return FileResponse(STATIC_DIR / "widget.js", media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=300"})


@router.get("/widget/config")
async def widget_config(request: Request, lang: Lang = Query("th")) -> Response:
    origin = refused_origin(request)
    if origin is not None:
        return _refusal(origin)
    texts = request.app.state.thamtob_chat.texts[lang]
    headers = {"Vary": "Origin", "Cache-Control": "no-store"}
    if request.headers.get("origin"):
        headers["Access-Control-Allow-Origin"] = request.headers["origin"]
    return JSONResponse({"lang": lang, "texts": {key: texts[key] for key in WIDGET_TEXTS}}, headers=headers)


@router.get("/widget/panel")
async def widget_panel(request: Request, lang: Lang = Query("th")) -> Response:
    origin = refused_origin(request)
    if origin is not None:
        return _refusal(origin)
    return render_chat(request, "widget", lang, request.app.state.thamtob_chat.panel_csp)
