"""The action server's settings: every environment variable it (and `python -m actions.privacy`) reads.

    ACTIONS_HOST           interface the action server listens on (default 127.0.0.1; 0.0.0.0 in containers)
    ACTIONS_PORT           its port (default 5055)
    FAQ_URL                faq_service's base URL (default http://127.0.0.1:8000)
    FAQ_TIMEOUT_S          total time budget of one call to faq_service, 0.1–3 s (default 2.5)
    THAMTOB_SERVICE_TOKEN  sent to faq_service as X-Service-Token (default: the development token)
    ACTION_QUEUE_DIR       folder of the questions waiting for faq_service (default var/action-queue)
    RASA_TRACKER_DB_URL    Rasa's tracker store, for the PDPA purge (default: none)
    BOT_RETENTION_DAYS     days raw text is kept in the tracker store and the queue (default 30)
    THAMTOB_PUBLIC_URL     the address visitors open faq_service's pages at: the complaint form and status
                           page links the bot gives (default http://127.0.0.1:8000)

`settings()` reads them once per process into a frozen `Settings`; a wrong value raises `ConfigError`,
whose message is one line naming the variable, what is wrong and an example. No other module of actions/
reads the environment. Standard library only: faq_service's purge imports actions.privacy, which uses it.
"""
from __future__ import annotations

import ipaddress
import math
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Dict, Mapping, Optional, TypeVar

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5055
DEFAULT_FAQ_URL = "http://127.0.0.1:8000"
DEFAULT_SERVICE_TOKEN = "dev-service-token"
DEFAULT_QUEUE_DIR = "var/action-queue"
DEFAULT_RETENTION_DAYS = 30.0
DEFAULT_FAQ_TIMEOUT_S = 2.5
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
# The bot must still answer with the contact channels within about 3 s when faq_service hangs.
MAX_FAQ_TIMEOUT_S = 3.0
MIN_FAQ_TIMEOUT_S = 0.1

# The question log's neutral topic for the intents the reports count, so that renaming an intent does not
# change a report. Intents not listed here send no topic. Topics must match faq_service's pattern
# ^[a-z][a-z0-9_]{0,31}$.
TOPIC_BY_INTENT: Dict[str, str] = {
    "ask_complaint_channels": "complaints",
    "ask_human": "contact",
}

# Intents whose fixed reply is given only when the knowledge base has no confident answer: the message
# is asked first (a question about the assistant itself, a keyword query NLU took for "no", an address
# question taken for a wish to talk to a person), and the fixed reply stands in for the decline; the
# entries the service found closest are still offered after it, one click away.
FIXED_REPLY_WHEN_UNANSWERED: Dict[str, str] = {
    "out_of_scope": "utter_out_of_scope",
    "ask_human": "utter_human_contact",
    "bot_challenge": "utter_iamabot",
    "affirm": "utter_anything_else",  # yes/no with no answer to rate
    "deny": "utter_anything_else",
}

_HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                       r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")

T = TypeVar("T")


class ConfigError(ValueError):
    """A variable has a value the action server cannot use; str() is the one line to show."""


@dataclass(frozen=True)
class Settings:
    actions_host: str = DEFAULT_HOST
    actions_port: int = DEFAULT_PORT
    faq_url: str = DEFAULT_FAQ_URL
    faq_timeout_s: float = DEFAULT_FAQ_TIMEOUT_S
    service_token: str = DEFAULT_SERVICE_TOKEN
    action_queue_dir: str = DEFAULT_QUEUE_DIR
    tracker_db_url: Optional[str] = None
    retention_days: float = DEFAULT_RETENTION_DAYS
    public_url: str = DEFAULT_PUBLIC_URL


def topic_for(intent: Optional[str]) -> Optional[str]:
    """The question log's topic for `intent`, or None when it has none."""
    return TOPIC_BY_INTENT.get(intent or "")


# ------------------------------------------------------------------------------------------- parsing
def _host(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        if _HOSTNAME.match(value):
            return value
    raise ValueError("is not an IP address or host name")


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise ValueError("is not a port number (1–65535)")
    return int(value)


def _http_url(value: str) -> str:
    if not re.match(r"^https?://[^/\s]+", value) or any(ch.isspace() for ch in value):
        raise ValueError("is not an http:// or https:// URL")
    return value.rstrip("/")


def _public_url(value: str) -> str:
    """An http(s) base address without query or fragment: the bot appends /complaints?… to it."""
    url = _http_url(value)
    if any(ch in url for ch in "?#"):
        raise ValueError("is not a base address (no ? or # part)")
    return url


def _timeout(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError("is not a number of seconds") from None
    if not MIN_FAQ_TIMEOUT_S <= seconds <= MAX_FAQ_TIMEOUT_S:  # NaN fails this too
        raise ValueError(f"is not between {MIN_FAQ_TIMEOUT_S:g} and {MAX_FAQ_TIMEOUT_S:g} seconds")
    return seconds


def _days(value: str) -> float:
    try:
        days = float(value)
    except ValueError:
        raise ValueError("is not a number of days") from None
    if not (math.isfinite(days) and days >= 0):
        raise ValueError("is not a number of days ≥ 0")
    return days


def _text(value: str) -> str:
    return value


def _read(env: Mapping[str, str], name: str, parse: Callable[[str], T], default: T, example: str) -> T:
    """`parse` the variable's value; unset or blank → `default`; a ValueError → ConfigError."""
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return parse(raw.strip())
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} {exc} (example: {name}={example})") from None


def load_settings(env: Optional[Mapping[str, str]] = None) -> Settings:
    """Settings from `env` (default os.environ). Raises ConfigError on the first wrong value."""
    env = os.environ if env is None else env
    return Settings(
        actions_host=_read(env, "ACTIONS_HOST", _host, DEFAULT_HOST, "0.0.0.0"),
        actions_port=_read(env, "ACTIONS_PORT", _port, DEFAULT_PORT, str(DEFAULT_PORT)),
        faq_url=_read(env, "FAQ_URL", _http_url, DEFAULT_FAQ_URL, DEFAULT_FAQ_URL),
        faq_timeout_s=_read(env, "FAQ_TIMEOUT_S", _timeout, DEFAULT_FAQ_TIMEOUT_S, "2.5"),
        service_token=_read(env, "THAMTOB_SERVICE_TOKEN", _text, DEFAULT_SERVICE_TOKEN, "<long random secret>"),
        action_queue_dir=_read(env, "ACTION_QUEUE_DIR", _text, DEFAULT_QUEUE_DIR, DEFAULT_QUEUE_DIR),
        tracker_db_url=_read(env, "RASA_TRACKER_DB_URL", _text, None, "sqlite:///var/rasa-tracker.db"),
        retention_days=_read(env, "BOT_RETENTION_DAYS", _days, DEFAULT_RETENTION_DAYS, "30"),
        public_url=_read(env, "THAMTOB_PUBLIC_URL", _public_url, DEFAULT_PUBLIC_URL, "https://thamtob.example.org"),
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    """This process's settings, read from the environment on first use."""
    return load_settings()
