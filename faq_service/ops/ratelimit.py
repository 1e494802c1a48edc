"""Fixed-window rate limits: counters in this process, or in Redis when several replicas share them."""
from __future__ import annotations

import ipaddress
import logging
import math
import threading
import time
from dataclasses import dataclass

log = logging.getLogger("faq_service.ops")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # whole seconds until the window that refused the request ends
    scope: str = ""       # "session" or "ip" when refused


class MemoryCounter:
    """Counts hits per key and window in this process (one replica, or tests)."""

    def __init__(self, max_keys: int = 100_000):
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()
        self._max_keys = max_keys

    async def hit(self, key: str, window: int, window_s: int) -> int:
        with self._lock:
            if len(self._counts) > self._max_keys:  # drop past windows; bounded memory
                self._counts = {k: v for k, v in self._counts.items() if k[1] >= window}
            count = self._counts.get((key, window), 0) + 1
            self._counts[(key, window)] = count
            return count

    async def peek(self, key: str, window: int) -> int:
        """The count so far, without adding a hit."""
        with self._lock:
            return self._counts.get((key, window), 0)


class RedisCounter:
    """INCR + EXPIRE on a shared Redis; an unreachable Redis lets requests through (logged)."""

    def __init__(self, url: str, prefix: str = "thamtob:rl:"):
        import redis.asyncio as redis

        self._client = redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._prefix = prefix
        self._warned_at = 0.0

    async def hit(self, key: str, window: int, window_s: int) -> int:
        name = f"{self._prefix}{key}:{window}"
        try:
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, window_s + 5)
                count, _ = await pipe.execute()
            return int(count)
        except Exception as exc:  # fail open: limits must not take the service down
            now = time.monotonic()
            if now - self._warned_at > 30:
                self._warned_at = now
                log.warning("rate-limit store unreachable (%s); not limiting", exc.__class__.__name__)
            return 0

    async def peek(self, key: str, window: int) -> int:
        """The count so far, without adding a hit (0 when Redis does not answer)."""
        try:
            return int(await self._client.get(f"{self._prefix}{key}:{window}") or 0)
        except Exception:
            return 0

    async def close(self) -> None:
        await self._client.aclose()


class RateLimiter:
    def __init__(self, counter, per_session: int, per_ip: int, window_s: int):
        self.counter = counter
        self.per_session = per_session
        self.per_ip = per_ip
        self.window_s = max(1, window_s)

    async def check(self, session_id: str | None, ip: str) -> Verdict:
        now = time.time()
        window = int(now // self.window_s)
        retry_after = max(1, math.ceil((window + 1) * self.window_s - now))
        if self.per_ip and await self.counter.hit(f"ip:{ip}", window, self.window_s) > self.per_ip:
            return Verdict(False, retry_after, "ip")
        if session_id and self.per_session:
            if await self.counter.hit(f"s:{session_id}", window, self.window_s) > self.per_session:
                return Verdict(False, retry_after, "session")
        return Verdict(True)


def make_counter(redis_url: str | None):
    return RedisCounter(redis_url) if redis_url else MemoryCounter()


class ClientAddress:
    """The client's IP: the peer, or the last untrusted hop of X-Forwarded-For when the peer is a
    trusted proxy (THAMTOB_TRUSTED_PROXIES)."""

    def __init__(self, trusted: str):
        self.networks = [ipaddress.ip_network(x.strip(), strict=False) for x in trusted.split(",") if x.strip()]

    def _trusted(self, ip: str) -> bool:
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError:
            return False
        return any(addr in net for net in self.networks)

    def __call__(self, scope) -> str:
        peer = (scope.get("client") or ("unknown", 0))[0]
        if not self.networks or not self._trusted(peer):
            return peer
        forwarded = [v.decode("latin-1") for k, v in scope.get("headers") or [] if k == b"x-forwarded-for"]
        hops = [h.strip() for h in ",".join(forwarded).split(",") if h.strip()]
        for hop in reversed(hops):
            if not self._trusted(hop):
                return hop[:64]
        return peer
