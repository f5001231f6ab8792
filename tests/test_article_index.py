"""The article vectors in memory (`bot.article_index`): two-step search and following the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, delete, event

from bot.article_index import ArticleVectorIndex, IndexOptions
from bot.engine import sqlite_engine
from bot.fingerprint import fingerprint
from bot.models import Article, ArticleIndex, IndexedSentence
from bot.schema import articles
from bot.store import Store
from bot.vectors import pack_vector
from summarizer.embeddings import Vectors

DIMENSIONS = 64
T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
# Small sizes, so that a few hundred vectors take the two-step path and load in several pages.
SMALL = IndexOptions(
    projected=12, candidates=24, exact_below=100, refit_growth=2.0, sample=300, page=64
)


def unit_rows(rng: np.random.Generator, count: int) -> Vectors:
    """Vectors near a 10-dimension subspace (as sentence embeddings lie near a few directions),
    float16-exact so that stored and compared values are the same."""
    basis = np.linalg.qr(np.random.default_rng(7).normal(size=(DIMENSIONS, 10)))[0]
    rows = rng.normal(size=(count, 10)) @ basis.T + 0.05 * rng.normal(size=(count, DIMENSIONS))
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    exact: Vectors = rows.astype(np.float16).astype(np.float32)
    return exact


def add(store: Store, number: int, vector: np.ndarray, at: datetime | None = None) -> str:
    text = f"Article number {number} about the harbour."
    article = Article(
        source=f"{number}.txt",
        title=f"Article {number}",
        text=text,
        language="en",
        fingerprint=fingerprint(text),
        ingested_at=at or T0 + timedelta(seconds=number),
    )
    index = ArticleIndex((IndexedSentence(0, text),), vector=pack_vector(vector))
    assert store.add_article(article, index)
    return article.id


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return sqlite_engine(tmp_path / "store.db")


@pytest.fixture
def store(engine: Engine) -> Store:
    return Store(engine)


def exact_nearest(ids: list[str], rows: np.ndarray, query: np.ndarray, count: int) -> list[str]:
    similarity = rows @ query
    return [ids[i] for i in np.argsort(-similarity, kind="stable")[:count]]


def test_two_step_search_finds_the_exact_nearest_articles(store: Store) -> None:
    rng = np.random.default_rng(1)
    rows = unit_rows(rng, 400)
    ids = [add(store, n, row) for n, row in enumerate(rows)]
    index = ArticleVectorIndex(DIMENSIONS, SMALL)
    index.refresh(store)
    assert len(index) == 400
    for query in unit_rows(rng, 60):
        found = index.nearest(query, 4)
        assert [article_id for article_id, _ in found] == exact_nearest(ids, rows, query, 4)
        assert [s for _, s in found] == pytest.approx(sorted(rows @ query, reverse=True)[:4])


def test_the_index_follows_the_store(store: Store, engine: Engine) -> None:
    """New articles are read on the next refresh; one committed late (ingested long before the
    newest) is found by the count check; a deleted one goes."""
    rng = np.random.default_rng(2)
    rows = unit_rows(rng, 260)
    ids = [add(store, n, row) for n, row in enumerate(rows[:150])]
    index = ArticleVectorIndex(DIMENSIONS, SMALL)
    index.refresh(store)
    assert len(index) == 150

    ids += [add(store, n, row) for n, row in enumerate(rows[150:250], start=150)]
    late = add(store, 250, rows[250], at=T0 - timedelta(days=1))
    index.refresh(store)
    assert len(index) == 251
    assert index.nearest(rows[200], 1)[0][0] == ids[200]
    assert index.nearest(rows[250], 1)[0][0] == late

    with engine.begin() as connection:  # an article removed behind the index's back
        connection.execute(delete(articles).where(articles.c.id == ids[200]))
    add(store, 251, rows[251])
    index.refresh(store)
    assert len(index) == 251
    assert ids[200] not in {article_id for article_id, _ in index.nearest(rows[200], 10)}


def test_history_is_a_read_only_view_that_later_loads_leave_as_it_was(store: Store) -> None:
    """Topic matching reads every vector as the index holds them (float16), not a float32 copy:
    what it was handed stays the same while the index grows or loads the store again."""
    rows = unit_rows(np.random.default_rng(4), 300)
    ids = [add(store, n, row) for n, row in enumerate(rows[:120])]
    index = ArticleVectorIndex(DIMENSIONS, SMALL)
    index.refresh(store)
    handed_ids, history = index.history()
    assert history.dtype == np.float16
    assert not history.flags.writeable
    assert dict(zip(handed_ids, history.astype(np.float32).tolist(), strict=True)) == dict(
        zip(ids, rows[:120].tolist(), strict=True)
    )
    before = history.copy()
    for number, row in enumerate(rows[120:], start=120):  # grows past its room, refits
        add(store, number, row)
    index.refresh(store)
    assert len(index) == 300
    assert np.array_equal(history, before)
    with pytest.raises(ValueError, match="read-only"):
        history[0] = 0


def test_an_unchanged_store_is_not_read_again(store: Store) -> None:
    """A refresh with nothing new reads the counter only: the vectors read stay the same."""
    rows = unit_rows(np.random.default_rng(3), 20)
    for number, row in enumerate(rows):
        add(store, number, row)
    reads: list[datetime | None] = []

    class Counting:
        def indexed_articles(self) -> int:
            return store.indexed_articles()

        def latest_ingestion(self) -> datetime | None:
            return store.latest_ingestion()

        def vector_count(self) -> int:
            return store.vector_count()

        def article_vectors_since(
            self, since: datetime | None, after: str = "", limit: int | None = None
        ) -> list[tuple[str, bytes, datetime | None]]:
            if not after:
                reads.append(since)
            return store.article_vectors_since(since, after, limit)

    index = ArticleVectorIndex(DIMENSIONS, SMALL)
    for _ in range(3):
        index.refresh(Counting())
    assert reads == [None]
    add(store, 20, rows[1])
    index.refresh(Counting())
    assert len(reads) == 2
    assert reads[1] is not None  # only the window before the newest
    assert len(index) == 21


def test_recent_vectors_are_read_through_the_ingestion_time_index(
    store: Store, engine: Engine
) -> None:
    """The vectors since a time come back by id, page after page, whether the recent articles fit
    in one page or not; when they do, SQLite finds them by ingestion time, not by walking every
    vector in id order and looking up its article (seconds at 100,000 articles)."""
    rows = unit_rows(np.random.default_rng(5), 30)
    ids = [add(store, number, row) for number, row in enumerate(rows)]
    statements: list[tuple[str, object]] = []

    def seen(
        _conn: object, _cursor: object, statement: str, parameters: object, *_: object
    ) -> None:
        if "article_vectors" in statement:
            statements.append((statement, parameters))

    def paged(since: datetime, page: int) -> list[str]:
        found: list[str] = []
        while chunk := store.article_vectors_since(since, found[-1] if found else "", page):
            found += [article_id for article_id, _, _ in chunk]
        return found

    event.listen(engine, "before_cursor_execute", seen)
    try:
        recent = paged(T0 + timedelta(seconds=25), 10)  # 5 articles, in one page
        older = paged(T0 + timedelta(seconds=5), 10)  # 25 articles, in three pages
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert recent == sorted(ids[25:])
    assert older == sorted(ids[5:])
    with engine.connect() as connection:
        statement, parameters = statements[0]
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)  # type: ignore[arg-type]
    assert "ix_articles_ingested_at" in " ".join(str(row) for row in plan)


def test_small_and_empty_indexes(store: Store) -> None:
    index = ArticleVectorIndex(DIMENSIONS, SMALL)
    index.refresh(store)
    assert index.nearest(np.full(DIMENSIONS, 0.125, dtype=np.float32), 3) == []
    rows = unit_rows(np.random.default_rng(4), 3)
    ids = [add(store, n, row) for n, row in enumerate(rows)]
    index.refresh(store)
    assert [article_id for article_id, _ in index.nearest(rows[2], 5)] == exact_nearest(
        ids, rows, rows[2], 5
    )
