"""Tracking codes and secrets. The code names a complaint (TC-7KQ4-M2XP-9D3F: 12 Crockford base-32
characters, 60 random bits); the secret, shown once to the complainant, proves they may see it and is
stored only as a hash (it is random and long, so a plain SHA-256 cannot be reversed)."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE = re.compile(r"^TC-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
# What people type for a code: lower case, O for 0, I/L for 1, missing dashes.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    chars = "".join(secrets.choice(CROCKFORD) for _ in range(12))
    return f"TC-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def read_code(value: str) -> str | None:
    """The code as typed, in its canonical form, or None when it cannot be one."""
    chars = re.sub(r"[\s-]", "", (value or "").upper())
    chars = chars[2:] if chars.startswith("TC") else chars
    chars = chars.translate(_READ_AS)
    if len(chars) != 12 or any(c not in CROCKFORD for c in chars):
        return None
    return f"TC-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def new_secret() -> str:
    return secrets.token_urlsafe(16)  # 128 bits


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.strip().encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(secret_hash(secret or ""), stored_hash)


def key_hash(idempotency_key: str) -> str:
    return hashlib.sha256(("complaint:" + idempotency_key).encode()).hexdigest()
