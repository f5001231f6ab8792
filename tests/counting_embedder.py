"""The real embedding model behind the `Embedder` seam, recording the texts it is asked for."""

from __future__ import annotations

from collections.abc import Sequence

from summarizer.embeddings import Embedder, Vectors


class CountingEmbedder:
    """Passes every call to `embedder` and keeps the texts, in order."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self.texts: list[str] = []

    @property
    def dimensions(self) -> int:
        return self._embedder.dimensions

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.texts += texts
        return self._embedder.encode(texts)
