"""The stored article vectors in memory, for finding the articles closest to a query.

A lookup compares the query's embedding with every article's vector. At 100,000 articles the
vectors take 200 MB as float32 and one product over them about 16 ms, most of it reading memory.
So the vectors are kept as float16 (as stored), and a large index is searched in two steps: first
in a 192-dimension projection (the principal directions of the stored vectors), then exactly among
the best `candidates` of that. On the 100,000-article scale store, for the 200 questions of
`bench.scale`, the articles found are the exact product's four closest or within 0.007 of their
similarity (mean shortfall 0.00005), in about 4 ms instead of 16 (`bench.scale_lookups`,
`index_recall`). 128 dimensions and 128 candidates missed by up to 0.03.

One index serves the app (`App.articles`): lookups rank with it, and an alert pass takes its
vectors as the topic matcher's history instead of reading every vector from the store.

The index follows the store. A lookup reads one counter of indexed articles. When it moved, the
lookup reads the vectors stored since the last load (of articles ingested in a window before the
newest one loaded, so that a transaction committed late is still seen), and everything again if
the count of vectors then differs (an article deleted, or committed later than the window).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import numpy as np

from bot.vectors import STORED_DTYPE, principal_basis
from summarizer.embeddings import StoredVectors, Vectors, row_products


class VectorSource(Protocol):
    """The store queries the index needs."""

    def latest_ingestion(self) -> datetime | None:
        """When the newest stored article was ingested (None in an empty store)."""
        ...

    def indexed_articles(self) -> int:
        """How many articles were ever indexed (only grows: a cheap sign of change)."""
        ...

    def vector_count(self) -> int:
        """How many article vectors are stored."""
        ...

    def article_vectors_since(
        self, since: datetime | None, after: str = "", limit: int | None = None
    ) -> list[tuple[str, bytes, datetime | None]]:
        """(article id, vector, ingested at) of the articles ingested at or after `since`
        whose ids sort after `after`, by id, at most `limit` (None: all); `since` None: every
        vector, its time None."""
        ...


@dataclass(frozen=True, slots=True)
class IndexOptions:
    """When and how the index searches in two steps."""

    projected: int = 192
    candidates: int = 512
    exact_below: int = 4_096  # below this many vectors, every one is compared exactly
    refit_growth: float = 4.0  # the projection is fitted again when the index grew this much
    sample: int = 8_192  # vectors the projection is fitted on
    window: timedelta = timedelta(minutes=10)
    page: int = 5_000  # vectors read from the store at a time


class ArticleVectorIndex:
    """Article ids and vectors, searched by cosine similarity (the vectors are unit length)."""

    def __init__(self, dimensions: int, options: IndexOptions | None = None) -> None:
        self._dimensions = dimensions
        self._options = options or IndexOptions()
        self._lock = threading.Lock()
        self._indexed = -1
        self._newest: datetime | None = None
        self._reset()

    def __len__(self) -> int:
        return self._size

    def refresh(self, source: VectorSource) -> None:
        """Load what the store added since the last refresh (one row read when nothing)."""
        with self._lock:
            indexed = source.indexed_articles()
            if indexed == self._indexed:
                return
            self._indexed = indexed  # read first: what is indexed after it is seen next time
            if self._newest is None:
                self._grow(source.vector_count())  # the first load: room for all at once
                self._load(source, None)
            else:
                self._load(source, self._newest - self._options.window)
            stored = source.vector_count()
            if stored != self._size:
                self._reset()
                self._grow(stored)
                self._load(source, None)

    def nearest(self, query: Vectors, count: int) -> list[tuple[str, float]]:
        """The `count` articles most similar to the unit vector `query`, most similar first."""
        with self._lock:
            if not self._size or count < 1:
                return []
            rows = self._candidates(query)
            similarity = self._full[rows].astype(np.float32) @ query
            best = np.argsort(-similarity, kind="stable")[:count]
            return [(self._ids[rows[i]], float(similarity[i])) for i in best]

    def history(self) -> tuple[list[str], StoredVectors]:
        """Every article id and its vector, in the same order: float16 rows as stored, read
        only. Not a copy (a float32 one took 205 MB at 100,000 articles, every alert pass): a
        row once loaded is never written again, later ones go after it and a reload fills new
        arrays, so the rows handed out stay as they were."""
        with self._lock:
            rows = self._full[: self._size]
            rows.flags.writeable = False
            return list(self._ids), rows

    def _candidates(self, query: Vectors) -> np.ndarray:
        """Rows worth comparing exactly: all of a small index, else the best in projection."""
        if self._basis is None or self._size <= self._options.candidates:
            return np.arange(self._size)
        coarse = self._projected[: self._size] @ (query @ self._basis)
        return np.argpartition(-coarse, self._options.candidates - 1)[: self._options.candidates]

    def _load(self, source: VectorSource, since: datetime | None) -> None:
        """Add the vectors of articles ingested since `since`, a page at a time (a whole
        store's rows at once would take several times their own memory in passing)."""
        # Read before the vectors: an article stored meanwhile falls in the next window.
        latest = source.latest_ingestion() if since is None else None
        after = ""
        while page := source.article_vectors_since(since, after, self._options.page):
            self._add(page)
            after = page[-1][0]
        if latest is not None:
            self._newest = latest if self._newest is None else max(self._newest, latest)

    def _reset(self) -> None:
        self._ids: list[str] = []
        self._known: set[str] = set()
        self._full = np.zeros((0, self._dimensions), dtype=STORED_DTYPE)
        self._projected = np.zeros((0, self._options.projected), dtype=np.float32)
        self._basis: Vectors | None = None
        self._fitted_at = 0
        self._size = 0
        self._newest = None

    def _add(self, rows: Sequence[tuple[str, bytes, datetime | None]]) -> None:
        width = 2 * self._dimensions
        fresh = [
            (i, blob, at) for i, blob, at in rows if i not in self._known and len(blob) == width
        ]
        times = [at for _, _, at in rows if at is not None]
        if times:
            self._newest = max(times) if self._newest is None else max(self._newest, *times)
        if not fresh:
            return
        start, end = self._size, self._size + len(fresh)
        self._grow(end)
        self._full[start:end] = np.frombuffer(
            b"".join(b for _, b, _ in fresh), STORED_DTYPE
        ).reshape(len(fresh), self._dimensions)
        self._ids.extend(i for i, _, _ in fresh)
        self._known.update(i for i, _, _ in fresh)
        self._size = end
        options = self._options
        if end >= options.exact_below and end >= self._fitted_at * options.refit_growth:
            self._fit()
        elif self._basis is not None:
            row_products(self._full[start:end], self._basis, out=self._projected[start:end])

    def _grow(self, needed: int) -> None:
        if needed <= len(self._full):
            return
        # A quarter more at a time: doubling a 100,000-row index would leave 150 MB unused.
        capacity = max(needed, len(self._full) * 5 // 4, 1_024) if self._size else needed
        full = np.zeros((capacity, self._dimensions), dtype=STORED_DTYPE)
        full[: self._size] = self._full[: self._size]
        projected = np.zeros((capacity, self._options.projected), dtype=np.float32)
        projected[: self._size] = self._projected[: self._size]
        self._full, self._projected = full, projected

    def _fit(self) -> None:
        """The projection: the top eigenvectors of the vectors' second moments (on a fixed
        sample), which keep dot products best; then every vector projected again."""
        size, options = self._size, self._options
        rows = np.random.default_rng(0).choice(size, min(size, options.sample), replace=False)
        self._basis = principal_basis(self._full[np.sort(rows)], options.projected)
        row_products(self._full[:size], self._basis, out=self._projected[:size])
        self._fitted_at = size
