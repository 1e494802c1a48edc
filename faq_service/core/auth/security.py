"""Password hashing (argon2 through pwdlib), signed expiring tokens and CSRF tokens (HMAC-SHA256)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

SESSION_COOKIE = "thamtob_staff"
LOGIN_CSRF_COOKIE = "thamtob_login_csrf"


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return _hasher().verify(password, password_hash)
    except Exception:  # an unreadable stored hash is a failed login, not a crash
        return False


_DUMMY_HASH: list[str] = []


def burn_time(password: str) -> None:
    """Verify against a throwaway hash, so an unknown user name costs as long as a wrong password."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password(secrets.token_hex(8)))
    verify_password(password, _DUMMY_HASH[0])


def _key(secret: str, purpose: str) -> bytes:
    return hashlib.sha256(f"{purpose}\x00{secret}".encode()).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_token(secret: str, *, username: str, token_version: int, kind: str, ttl_s: float) -> str:
    """`kind` is "session" (cookie) or "bearer" (API). The payload is readable, never trusted unsigned."""
    payload = {"u": username, "v": token_version, "k": kind, "exp": int(time.time() + ttl_s),
               "sid": secrets.token_hex(12)}
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    mac = _b64(hmac.new(_key(secret, "staff-token"), body.encode(), hashlib.sha256).digest())
    return f"{body}.{mac}"


def read_token(secret: str, token: str, kind: str) -> dict | None:
    """The payload of a valid, unexpired token of this kind; None otherwise."""
    try:
        body, mac = token.split(".", 1)
        expected = _b64(hmac.new(_key(secret, "staff-token"), body.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(mac, expected):
            return None
        payload = json.loads(_unb64(body))
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or payload.get("k") != kind or not isinstance(payload.get("exp"), int):
        return None
    if payload["exp"] < time.time():
        return None
    return payload


def csrf_for(secret: str, sid: str) -> str:
    """The CSRF token of one session (or of one pre-login cookie value)."""
    return hmac.new(_key(secret, "csrf"), sid.encode(), hashlib.sha256).hexdigest()[:40]


def csrf_ok(secret: str, sid: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(csrf_for(secret, sid), str(given))
