"""Form helpers the console's pages share."""
from __future__ import annotations

from pydantic import ValidationError


def problems(exc: ValidationError) -> str:
    """A validation error as one line a person can read: `field: problem; field: problem`."""
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'entry'}: {e['msg']}" for e in exc.errors())


def flag(value: str | None) -> bool | None:
    """A yes/no/any select: True, False or None."""
    return {"yes": True, "no": False}.get(value or "")
