"""Query encoding for concurrent requests: whatever arrives while one encode runs goes into the next
encode as one batch. One encode already uses both cores, so batching is how throughput scales."""
from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import numpy as np

from faq_service.retrieval.encoders import Encoder
from faq_service.core.text import normalize


class BatchingQueryEncoder:
    """Returns, for one query, its vector from each encoder.

    Under load the callers of one batch come back together (each asks again once its answer is sent),
    but not at the same instant: the first one back would start an encode of one while the others
    queue behind it. Waiting only for as many as the last batch held is not enough either: c clients
    then settle into two half batches that take turns (seen: 16 clients, batches of 8), and a batch of
    8 encodes at 0.8 × the rate of a batch of 16. So the crowd is counted as the last batch plus the
    questions that arrived while it was encoding, and the next encode waits until that many are
    pending, but no later than `linger` × the last encode's duration (at most `max_linger_s`) after
    it ended. A lone caller (crowd of 1) never waits."""

    def __init__(self, encoders: list[Encoder], max_batch: int = 32, linger: float = 0.5,
                 max_linger_s: float = 0.2, gather_to: int = 16,
                 score: Callable[[list[str], list[list[np.ndarray]], list[Any]], list[Any]] | None = None):
        self.encoders = encoders
        # What is done with the vectors, done for the whole batch on the encode thread right after the
        # encode (the knowledge index ranks the batch's questions there: one matrix product for all,
        # and nothing for the event loop to do per question). Called with the texts, their vectors and
        # what each caller passed along; its per-question results come back with the vectors.
        self.score = score
        self.max_batch = max_batch
        self.linger = linger
        self.max_linger_s = max_linger_s
        self.gather_to = gather_to
        self._pending: list[tuple[str, Any, asyncio.Future]] = []
        self._draining = False
        self._arrived: asyncio.Event | None = None
        self._crowd = 1             # the last batch plus what arrived while it was encoding
        self._encoding = False
        self._arrived_while_encoding = 0
        self._last_encode_s = 0.0
        self._last_done = 0.0
        # One worker: two encodes at once would only fight over the same two cores.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="encode")

    def encode_batch(self, texts: list[str]) -> list[list[np.ndarray]]:
        texts = [normalize(t) for t in texts]
        per_encoder = [encoder.encode_queries(texts) for encoder in self.encoders]
        return [[matrix[i] for matrix in per_encoder] for i in range(len(texts))]

    def _encode_and_score(self, texts: list[str], contexts: list[Any]) -> list[tuple[list[np.ndarray], Any]]:
        vectors = self.encode_batch(texts)
        scores = self.score(texts, vectors, contexts) if self.score is not None else [None] * len(vectors)
        return list(zip(vectors, scores))

    async def encode(self, text: str) -> list[np.ndarray]:
        return (await self.encode_and_score(text))[0]

    async def encode_and_score(self, text: str, context: Any = None) -> tuple[list[np.ndarray], Any]:
        """The query's vector from each encoder, and what `score` made of it and `context` (None
        without a `score`)."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._pending.append((text, context, future))
        if self._encoding:
            self._arrived_while_encoding += 1
        if self._arrived is not None:
            self._arrived.set()
        if not self._draining:
            self._draining = True
            loop.create_task(self._drain())
        return await future

    async def _gather(self) -> None:
        """Wait briefly for the rest of the last batch's callers (see the class docstring)."""
        want = min(self._crowd, self.gather_to, self.max_batch)
        if want <= 1 or len(self._pending) >= want:
            return
        budget = min(self.linger * self._last_encode_s, self.max_linger_s)
        # Only right after a batch: a caller arriving long after the last encode is not part of a crowd.
        end = self._last_done + budget
        self._arrived = asyncio.Event()
        try:
            while len(self._pending) < want:
                left = end - time.perf_counter()
                if left <= 0:
                    break
                self._arrived.clear()
                try:
                    await asyncio.wait_for(self._arrived.wait(), left)
                except asyncio.TimeoutError:
                    break
        finally:
            self._arrived = None

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._pending:
                await self._gather()
                batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch:]
                started = time.perf_counter()
                self._encoding, self._arrived_while_encoding = True, 0
                try:
                    vectors = await loop.run_in_executor(
                        self._executor, self._encode_and_score, [text for text, _, _ in batch],
                        [context for _, context, _ in batch])
                except Exception as exc:  # every waiter learns of the failure
                    for _, _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                finally:
                    self._last_done = time.perf_counter()
                    self._last_encode_s = self._last_done - started
                    self._encoding = False
                    self._crowd = len(batch) + self._arrived_while_encoding
                for (_, _, future), vector in zip(batch, vectors):
                    if not future.done():
                        future.set_result(vector)
        finally:
            self._draining = False

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
