"""User-facing messages from messages.yml, in the request's language."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from starlette.requests import Request


@lru_cache(maxsize=1)
def _catalogue() -> dict:
    return yaml.safe_load((Path(__file__).parent / "messages.yml").read_text(encoding="utf-8"))


def message(key: str, lang: str = "en", **values) -> str:
    texts = _catalogue()[key]
    return texts.get(lang, texts["en"]).format(**values)


def both(key: str, **values) -> dict[str, str]:
    """The message in English (`message`) and Thai (`message_th`), for clients to pick from."""
    return {"message": message(key, "en", **values), "message_th": message(key, "th", **values)}


def request_lang(request: Request) -> str:
    accept = request.headers.get("accept-language", "")
    return "th" if accept.lower().startswith("th") else "en"
