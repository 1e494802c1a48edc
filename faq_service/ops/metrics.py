"""Prometheus metrics of one process: asks by outcome, the answered rate, latencies, HTTP statuses, and
the passage index of imported documents (what it holds, which documents version, what updates cost)."""
from __future__ import annotations

from typing import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client import CONTENT_TYPE_LATEST  # noqa: F401  (re-exported for the route)
from prometheus_client import disable_created_metrics

disable_created_metrics()  # no *_created series: they double the output and nobody graphs them

class PassageIndexCollector:
    """Read from the passage index (retrieval/passages.py `PassageIndex.stats()`) when /metrics is served;
    nothing before the index exists."""

    def __init__(self, stats: Callable[[], dict | None]):
        self.stats = stats

    def describe(self):
        return []  # the families are only known once the index is there

    def collect(self):
        stats = self.stats()
        if not stats:
            return
        yield GaugeMetricFamily("thamtob_passages", "passages of imported documents that may answer, indexed now",
                                value=stats["passages"])
        if stats["documents_version"] is not None:
            yield GaugeMetricFamily("thamtob_documents_version", "the documents' change counter the passage "
                                    "index reflects", value=stats["documents_version"])
        yield CounterMetricFamily("thamtob_passages_indexed", "passages (re)indexed since the process started "
                                  "(new, or changed in text or citation)", value=stats["indexed"])
        yield CounterMetricFamily("thamtob_passages_dropped", "passages taken out of the index since the process "
                                  "started (unpublished, deleted, replaced or expired)", value=stats["dropped"])
        yield CounterMetricFamily("thamtob_passage_texts_encoded", "passage texts (and their windows) handed to "
                                  "the encoders since the process started (the embedding cache answers those it "
                                  "has)", value=stats["texts_encoded"])


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

    def watch_passages(self, stats: Callable[[], dict | None]) -> None:
        self.registry.register(PassageIndexCollector(stats))

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
