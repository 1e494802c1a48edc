"""Query encoding for concurrent requests: whatever arrives while one encode runs goes into the next
encode as one batch. One encode already uses both cores, so batching is how throughput scales."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from faq_service.retrieval.encoders import Encoder


class BatchingQueryEncoder:
    def __init__(self, encoder: Encoder, max_batch: int = 32):
        self.encoder = encoder
        self.max_batch = max_batch
        self._pending: list[tuple[str, asyncio.Future]] = []
        self._draining = False
        # One worker: two encodes at once would only fight over the same two cores.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="encode")

    async def encode(self, text: str) -> np.ndarray:
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
                        self._executor, self.encoder.encode_queries, [text for text, _ in batch])
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
