"""BatchingQueryEncoder: concurrent callers share encodes and each gets its own vector back."""
import asyncio
import time

import numpy as np
from faq_service.retrieval.batching import BatchingQueryEncoder


class FakeEncoder:
    name = "fake"

    def __init__(self, fail: bool = False, seconds: float = 0.02):
        self.batches: list[int] = []
        self.fail = fail
        self.seconds = seconds

    def encode_queries(self, texts):
        self.batches.append(len(texts))
        time.sleep(self.seconds)
        if self.fail:
            raise RuntimeError("encoder broke")
        return np.array([[float(len(t)), float(t.count("a"))] for t in texts], dtype=np.float32)

    encode_passages = encode_queries


def test_concurrent_callers_are_batched_and_get_their_own_vectors():
    fake = FakeEncoder()
    enc = BatchingQueryEncoder([fake], max_batch=8)
    texts = ["a" * n for n in range(1, 21)]

    async def run():
        return await asyncio.gather(*(enc.encode(t) for t in texts))

    out = asyncio.run(run())
    enc.close()
    assert [float(v[0][0]) for v in out] == [float(len(t)) for t in texts]
    assert sum(fake.batches) == len(texts) and max(fake.batches) <= 8 and len(fake.batches) < len(texts)


def test_clients_asking_again_are_batched_together():
    """16 clients that each ask again as soon as answered, a few ms apart: no encode of a lone question
    once the crowd is there (without gathering, batches alternate between 1 and 15)."""
    fake = FakeEncoder(seconds=0.1)
    enc = BatchingQueryEncoder([fake], max_batch=32)

    async def client(i):
        for k in range(4):
            await enc.encode(f"client {i} question {k}")
            await asyncio.sleep(0.002 * i)  # answers go out at slightly different times

    async def run():
        await asyncio.gather(*(client(i) for i in range(16)))

    asyncio.run(run())
    enc.close()
    assert sum(fake.batches) == 64
    assert min(fake.batches[1:]) >= 4, fake.batches


def test_a_failed_encode_reaches_every_caller():
    enc = BatchingQueryEncoder([FakeEncoder(fail=True)])

    async def run():
        return await asyncio.gather(*(enc.encode(t) for t in ("x", "y", "z")), return_exceptions=True)

    out = asyncio.run(run())
    enc.close()
    assert all(isinstance(e, RuntimeError) for e in out)
