"""The LINE channel's settings, all from the environment (read once when Rasa loads the channel).

    LINE_CHANNEL_SECRET        the channel secret (LINE Developers console, Basic settings): signs webhooks
    LINE_CHANNEL_ACCESS_TOKEN  a long-lived channel access token (Messaging API tab): reply, push, profile
    LINE_API_BASE_URL          LINE's API (default https://api.line.me; the tests point it at a stand-in)
    LINE_USER_HASH_KEY         key of the HMAC that turns a LINE userId into Rasa's sender id (≥ 16
                               characters; changing it starts every conversation afresh)
    LINE_RATE_USER             messages per user, "N/SECONDS" or "off" (default 20/60)
    LINE_API_TIMEOUT_S         time budget of one call to LINE (default 5)
Both LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN empty: the channel is off and its webhook answers
503. One without the other, or a value that cannot be used, stops Rasa with one line naming it.
Used with them: REDIS_URL / RASA_REDIS_KEY_PREFIX (webhook event ids seen, shared by Rasa replicas),
FAQ_URL / THAMTOB_SERVICE_TOKEN (erasing a user's data at unfollow) and RASA_TRACKER_DB_URL.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Optional

from actions.config import DEFAULT_FAQ_URL, DEFAULT_SERVICE_TOKEN
from bot.channels.rate_limit import Limit
from rasa.shared.exceptions import RasaException

DEFAULT_API = "https://api.line.me"
DEFAULT_RATE_USER = "20/60"
MAX_BODY_BYTES = 1024 * 1024  # LINE's webhooks are small; anything over 1 MB is not one
MIN_HASH_KEY = 16


class LineConfigError(RasaException):
    """A LINE setting the channel cannot use (Rasa prints its own exceptions as one line)."""


@dataclass(frozen=True)
class LineSettings:
    enabled: bool
    channel_secret: str = ""
    access_token: str = ""
    api_base_url: str = DEFAULT_API
    user_hash_key: str = ""
    rate_user: Optional[Limit] = None
    api_timeout_s: float = 5.0
    redis_url: Optional[str] = None
    redis_prefix: str = "thamtob"
    faq_url: Optional[str] = None
    service_token: Optional[str] = None
    tracker_db_url: Optional[str] = None


def _get(env: Mapping[str, str], name: str) -> str:
    return (env.get(name) or "").strip()


def load_settings(env: Mapping[str, str]) -> LineSettings:
    secret, token = _get(env, "LINE_CHANNEL_SECRET"), _get(env, "LINE_CHANNEL_ACCESS_TOKEN")
    if not secret and not token:
        return LineSettings(enabled=False)
    if not secret or not token:
        missing = "LINE_CHANNEL_SECRET" if not secret else "LINE_CHANNEL_ACCESS_TOKEN"
        raise LineConfigError(f"{missing} is empty while the other LINE credential is set: set both to turn "
                              "the LINE channel on, or neither to leave it off (docs/line.md)")
    base = _get(env, "LINE_API_BASE_URL") or DEFAULT_API
    if not re.match(r"^https?://[^/\s]+(/\S*)?$", base):
        raise LineConfigError(f"LINE_API_BASE_URL={base!r} is not an http(s) URL (example: {DEFAULT_API})")
    key = _get(env, "LINE_USER_HASH_KEY")
    if len(key) < MIN_HASH_KEY:
        raise LineConfigError(f"LINE_USER_HASH_KEY must be set to a secret of at least {MIN_HASH_KEY} characters "
                              "when the LINE channel is on (example: LINE_USER_HASH_KEY=$(openssl rand -hex 32))")
    rate_text = _get(env, "LINE_RATE_USER") or DEFAULT_RATE_USER
    try:
        rate = Limit.parse(rate_text)
    except ValueError:
        raise LineConfigError(f'LINE_RATE_USER={rate_text!r} is not N/SECONDS or "off" (example: '
                              f"LINE_RATE_USER={DEFAULT_RATE_USER})") from None
    timeout_text = _get(env, "LINE_API_TIMEOUT_S") or "5"
    try:
        timeout = float(timeout_text)
        if not 0.5 <= timeout <= 30:
            raise ValueError
    except ValueError:
        raise LineConfigError(f"LINE_API_TIMEOUT_S={timeout_text!r} is not 0.5–30 seconds (example: "
                              "LINE_API_TIMEOUT_S=5)") from None
    return LineSettings(
        enabled=True, channel_secret=secret, access_token=token, api_base_url=base.rstrip("/"),
        user_hash_key=key, rate_user=rate, api_timeout_s=timeout,
        redis_url=_get(env, "REDIS_URL") or None, redis_prefix=_get(env, "RASA_REDIS_KEY_PREFIX") or "thamtob",
        # the same defaults as the action server's (actions/config.py): a development stack works as it is
        faq_url=_get(env, "FAQ_URL") or DEFAULT_FAQ_URL,
        service_token=_get(env, "THAMTOB_SERVICE_TOKEN") or DEFAULT_SERVICE_TOKEN,
        tracker_db_url=_get(env, "RASA_TRACKER_DB_URL") or None)
