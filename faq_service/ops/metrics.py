"""Prometheus metrics of one process: asks by outcome, the answered rate, latencies, HTTP statuses."""
from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import CONTENT_TYPE_LATEST  # noqa: F401  (re-exported for the route)
from prometheus_client import disable_created_metrics

disable_created_metrics()  # no *_created series: they double the output and nobody graphs them

ANSWER_OUTCOMES = ("answered", "answered_from_document", "partial", "suggested", "declined")
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self):
        self.registry = CollectorRegistry(auto_describe=True)
        self.asks = Counter("thamtob_ask_total", "POST /api/v1/ask requests by outcome (answered, "
                            "answered_from_document, partial, suggested, declined, rate_limited, invalid, "
                            "unavailable, error)", ["outcome"],
                            registry=self.registry)
        self.answered_ratio = Gauge("thamtob_ask_answered_ratio",
                                    "answered (entries and documents) / all answers since the process started",
                                    registry=self.registry)
        self.ask_latency = Histogram("thamtob_ask_latency_seconds", "time to answer POST /api/v1/ask (2xx)",
                                     buckets=LATENCY_BUCKETS, registry=self.registry)
        self.requests = Counter("thamtob_http_requests_total", "HTTP requests by route template and status",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("thamtob_http_request_duration_seconds", "HTTP request duration by route",
                                 ["route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.rate_limited = Counter("thamtob_rate_limited_total", "requests refused with 429, by limit",
                                    ["scope"], registry=self.registry)
        self._counts = {o: 0 for o in ANSWER_OUTCOMES}
        for outcome in ANSWER_OUTCOMES + ("rate_limited", "invalid", "unavailable", "error"):
            self.asks.labels(outcome)  # present at 0 from the start

    def record_ask(self, outcome: str, seconds: float | None) -> None:
        self.asks.labels(outcome).inc()
        if outcome in self._counts:
            self._counts[outcome] += 1
            total = sum(self._counts.values())
            self.answered_ratio.set((self._counts["answered"] + self._counts["answered_from_document"]) / total)
            if seconds is not None:
                self.ask_latency.observe(seconds)

    def record_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(route).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
