"""In-process token buckets for the REST webhook: one per sender id and one per client IP.

A limit is "N/SECONDS" (N requests per SECONDS, with bursts up to N). Buckets live in this Rasa process
only: with several Rasa replicas each enforces its own share (put the per-IP limit at the reverse proxy
too). The table of buckets is bounded (least recently used keys are dropped first).
"""
from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Optional, Tuple


@dataclass(frozen=True)
class Limit:
    requests: int
    per_seconds: float

    @classmethod
    def parse(cls, text: str) -> Optional["Limit"]:
        """"30/60" → Limit(30, 60.0); "0", "off" or "" → None (no limit). Raises ValueError otherwise."""
        text = (text or "").strip().lower()
        if text in ("", "0", "off", "none"):
            return None
        count, _, seconds = text.partition("/")
        limit = cls(int(count), float(seconds or 60))
        if limit.requests < 1 or limit.per_seconds <= 0:
            raise ValueError(f"bad rate limit {text!r} (expected N/SECONDS)")
        return limit

    @property
    def rate(self) -> float:
        return self.requests / self.per_seconds


class TokenBuckets:
    """`take(key)` → (allowed, retry_after_seconds)."""

    def __init__(self, limit: Limit, max_keys: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: "OrderedDict[str, Tuple[float, float]]" = OrderedDict()  # key → (tokens, stamp)
        self._lock = threading.Lock()

    def take(self, key: str) -> Tuple[bool, int]:
        now = self.clock()
        capacity, rate = float(self.limit.requests), self.limit.rate
        with self._lock:
            tokens, stamp = self._buckets.pop(key, (capacity, now))
            tokens = min(capacity, tokens + (now - stamp) * rate)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        if allowed:
            return True, 0
        return False, max(1, math.ceil((1.0 - tokens) / rate))
