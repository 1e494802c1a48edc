"""Small helpers shared by the staff tests."""
from __future__ import annotations

import time


def wait_for(check, deadline_s: float, interval: float = 0.1):
    """Call `check` until it returns something truthy or `deadline_s` passes; returns the last value."""
    end = time.monotonic() + deadline_s
    value = check()
    while not value and time.monotonic() < end:
        time.sleep(interval)
        value = check()
    return value


def answered_by(svc, question: str, faq_id: int, lang: str | None = None):
    def check():
        body = svc.ask(question, **({"lang": lang} if lang else {}))
        return body if body["answered"] and body["faq_id"] == faq_id else None
    return check
