"""Query encoding for concurrent requests: whatever arrives while one encode runs goes into the next
encode as one batch. One encode already uses both cores, so batching is how throughput scales."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from faq_service.retrieval.encoders import Encoder
from faq_service.retrieval.text import normalize


class BatchingQueryEncoder:
    """Returns, for one query, its vector from each encoder."""

    def __init__(self, encoders: list[Encoder], max_batch: int = 32):
        self.encoders = encoders
        self.max_batch = max_batch
        self._pending: list[tuple[str, asyncio.Future]] = []
        self._draining = False
        # One worker: two encodes at once would only fight over the same two cores.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="encode")

    def encode_batch(self, texts: list[str]) -> list[list[np.ndarray]]:
        texts = [normalize(t) for t in texts]
        per_encoder = [encoder.encode_queries(texts) for encoder in self.encoders]
        return [[matrix[i] for matrix in per_encoder] for i in range(len(texts))]

    async def encode(self, text: str) -> list[np.ndarray]:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._pending.append((text, future))
        if not self._draining:
            self._draining = True
            loop.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._pending:
                batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch:]
                try:
                    vectors = await loop.run_in_executor(
                        self._executor, self.encode_batch, [text for text, _ in batch])
                except Exception as exc:  # every waiter learns of the failure
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, future), vector in zip(batch, vectors):
                    if not future.done():
                        future.set_result(vector)
        finally:
            self._draining = False

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
