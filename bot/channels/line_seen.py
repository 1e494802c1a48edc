"""Webhook event ids already taken, so that an event LINE redelivers (deliveryContext.isRedelivery, same
webhookEventId; LINE may also send one twice for network reasons) is answered and logged once.

In memory with an expiry (EVENT_TTL_S, bounded in size), or in Redis when REDIS_URL is set (SET NX EX,
shared by every Rasa replica; if Redis fails the process falls back to its own memory for that event).
"""
from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from typing import Callable, Optional

logger = logging.getLogger(__name__)

EVENT_TTL_S = 24 * 3600  # LINE redelivers for a limited, undisclosed time; a day covers it
MAX_EVENTS = 200_000


class SeenEvents:
    def __init__(self, redis_url: Optional[str] = None, prefix: str = "thamtob",
                 ttl_s: float = EVENT_TTL_S, clock: Callable[[], float] = time.monotonic):
        self.ttl_s, self.clock = ttl_s, clock
        self.prefix = f"{prefix}:line-event:"
        self._seen: "OrderedDict[str, float]" = OrderedDict()
        self._lock = threading.Lock()
        self._redis = None
        if redis_url:
            import redis.asyncio as aioredis  # the lock store's client, in Rasa's virtualenv

            self._redis = aioredis.from_url(redis_url)

    def _first_here(self, event_id: str) -> bool:
        now = self.clock()
        with self._lock:
            while self._seen and next(iter(self._seen.values())) < now:
                self._seen.popitem(last=False)
            if event_id in self._seen:
                return False
            self._seen[event_id] = now + self.ttl_s
            while len(self._seen) > MAX_EVENTS:
                self._seen.popitem(last=False)
            return True

    async def first_time(self, event_id: object) -> bool:
        """True the first time an id is seen (and for an event without one: nothing to compare)."""
        if not isinstance(event_id, str) or not event_id:
            return True
        if self._redis is not None:
            try:
                return bool(await self._redis.set(self.prefix + event_id[:128], 1, nx=True, ex=int(self.ttl_s)))
            except Exception as exc:  # Redis down: this replica still answers each event once
                logger.warning("LINE: Redis unavailable for webhook event ids (%s); using memory", exc)
        return self._first_here(event_id[:128])
