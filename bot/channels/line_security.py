"""Who is talking, on the LINE channel: the webhook's signature and the user's pseudonym.

- LINE signs each webhook body with HMAC-SHA256 keyed with the channel secret, Base64-encoded, in the
  X-Line-Signature header; the body is checked byte for byte as received, before it is parsed.
- A LINE userId is never stored: Rasa's sender id (and so the tracker store's and the question log's
  session) is an HMAC-SHA256 of it keyed with LINE_USER_HASH_KEY. The userId itself is held in memory only
  while its events are handled, to reply or push.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Optional

SENDER_PREFIX = "line-"


def signature(body: bytes, channel_secret: str) -> str:
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_ok(body: bytes, header: Optional[str], channel_secret: str) -> bool:
    if not header or not channel_secret:
        return False
    return hmac.compare_digest(signature(body, channel_secret).encode("ascii"), header.strip().encode("utf-8", "replace"))


def sender_id(user_id: str, key: str) -> str:
    return SENDER_PREFIX + hmac.new(key.encode("utf-8"), user_id.encode("utf-8"), hashlib.sha256).hexdigest()
