"""Complaint content at rest: AES-256-GCM (cryptography) with a random 96-bit nonce per value and the
row's purpose as associated data, so a ciphertext moved to another column does not decrypt.

The key comes from THAMTOB_COMPLAINTS_KEY (32 bytes, base64). Without it, a development setup keeps a
key of its own in THAMTOB_COMPLAINTS_KEY_FILE (created when missing, readable by its owner only); a
production setup (THAMTOB_ENV=production) refuses to start. Rotation: docs/security.md.
"""
from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = b"\x01"  # the first byte of every ciphertext: the format, should it ever change
_NONCE = 12


class KeyMissing(RuntimeError):
    pass


class ContentCipher:
    def __init__(self, key: bytes):
        if len(key) != 32:
            raise ValueError("the complaints key must be 32 bytes")
        self._aead = AESGCM(key)

    def seal(self, text: str | bytes | None, purpose: str) -> bytes | None:
        if text is None:
            return None
        data = text.encode("utf-8") if isinstance(text, str) else text
        nonce = secrets.token_bytes(_NONCE)
        return _VERSION + nonce + self._aead.encrypt(nonce, data, purpose.encode())

    def open_bytes(self, blob: bytes | None, purpose: str) -> bytes | None:
        if blob is None:
            return None
        if blob[:1] != _VERSION:
            raise ValueError("unknown ciphertext format")
        try:
            return self._aead.decrypt(blob[1:1 + _NONCE], blob[1 + _NONCE:], purpose.encode())
        except InvalidTag as exc:
            raise ValueError("complaint content cannot be decrypted with this key") from exc

    def open(self, blob: bytes | None, purpose: str) -> str | None:
        data = self.open_bytes(blob, purpose)
        return None if data is None else data.decode("utf-8")


def load_cipher(settings) -> ContentCipher:
    """The cipher for these settings; see the module docstring for where the key comes from."""
    if settings.complaints_key:
        return ContentCipher(base64.b64decode(settings.complaints_key))
    if settings.environment == "production":
        raise KeyMissing("THAMTOB_COMPLAINTS_KEY is required in production (32 random bytes, base64)")
    return ContentCipher(_development_key(Path(settings.complaints_key_file)))


def _development_key(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
    return base64.b64decode(path.read_text().strip())
