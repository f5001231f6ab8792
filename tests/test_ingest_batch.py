"""Batch ingest with the summary pool: worker processes summarise ahead, outcomes stay the same.

The pool is real: spawned worker processes running the summariser. A batch must give exactly the
outcomes (statuses, article ids, stored key points and facts) of ingesting one item at a time,
bad items included, and go on when a worker dies.
"""

from __future__ import annotations

import os
import random
import signal
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, func, select

from bot.discovery import discover
from bot.engine import sqlite_engine
from bot.ingest import MIN_POOLED_BATCH, IngestOptions, Ingestor, IngestOutcome
from bot.models import SourceText
from bot.schema import article_vectors, facts, story_articles
from bot.store import Store
from bot.stories import StoryGrouper
from bot.story_store import StoryStore
from bot.summary_pool import SummaryPool
from bot.vectors import unpack_vectors
from summarizer.embeddings import MultilingualEmbedder
from summarizer.sentences import split_sentences
from tests.counting_embedder import CountingEmbedder

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
OPTIONS = IngestOptions(points=3)


def clock() -> datetime:
    return T0


@pytest.fixture
def corpus(seeds_dir: Path) -> list[str]:
    """40 distinct articles: seven sentences each, drawn from all the seeds' sentences."""
    sentences = [
        s
        for path in sorted(seeds_dir.glob("*.txt"))
        for s in split_sentences(path.read_text(encoding="utf-8"), "en")
        if len(s.split()) >= 8
    ]
    draw = random.Random(7)
    return [" ".join(draw.sample(sentences, 7)) for _ in range(40)]


@pytest.fixture
def pool() -> Iterator[SummaryPool]:
    made = SummaryPool(1, OPTIONS.points)
    yield made
    made.close()


def store_at(path: Path) -> tuple[Store, Engine]:
    engine = sqlite_engine(path)
    return Store(engine), engine


def summary_of(outcome: IngestOutcome) -> tuple[object, ...]:
    article = outcome.article
    points = None if article is None else [(p.position, p.text) for p in article.key_points]
    return (outcome.source, outcome.status, article and article.id, points, outcome.error)


def fact_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(facts)).scalar_one())


def test_a_pooled_batch_gives_the_outcomes_of_one_at_a_time(
    tmp_path: Path, corpus: list[str], pool: SummaryPool
) -> None:
    """Files, an empty one and a repeated text among them: same outcomes, same stored facts."""
    folder = tmp_path / "news"
    folder.mkdir()
    for number, text in enumerate(corpus):
        (folder / f"{number:02}.txt").write_text(text, encoding="utf-8")
    (folder / "20b-empty.txt").write_text("", encoding="utf-8")
    (folder / "30b-again.txt").write_text(corpus[3], encoding="utf-8")
    items = discover([str(folder)]).items
    assert len(items) >= MIN_POOLED_BATCH

    one_store, one_engine = store_at(tmp_path / "one.db")
    one_by_one = [Ingestor(one_store, OPTIONS, clock).ingest(item) for item in items]
    batch_store, batch_engine = store_at(tmp_path / "batch.db")
    batched = list(Ingestor(batch_store, OPTIONS, clock, pool=pool).ingest_all(items))

    assert [summary_of(o) for o in batched] == [summary_of(o) for o in one_by_one]
    statuses = [o.status for o in batched]
    assert statuses.count("new") == 40
    assert statuses.count("failed") == 1
    assert statuses.count("unchanged") == 1
    assert fact_count(batch_engine) == fact_count(one_engine) > 0
    assert pool.submitted >= 40  # the summaries were made by the worker


def test_a_batch_goes_on_when_its_worker_dies(
    tmp_path: Path, corpus: list[str], pool: SummaryPool
) -> None:
    """The worker is killed after the first articles: the rest are summarised here."""
    sources = [SourceText(f"s{n}.txt", text) for n, text in enumerate(corpus)]
    store, _ = store_at(tmp_path / "s.db")
    outcomes = Ingestor(store, OPTIONS, clock, pool=pool).ingest_sources(sources)
    first = [next(outcomes) for _ in range(3)]
    for pid in pool.worker_pids():
        os.kill(pid, signal.SIGKILL)
    rest = list(outcomes)
    assert pool.broken
    assert [o.status for o in first + rest] == ["new"] * 40
    assert store.counts().articles == 40


def test_a_small_batch_is_summarised_without_workers(
    tmp_path: Path, corpus: list[str], pool: SummaryPool
) -> None:
    sources = [SourceText(f"s{n}.txt", text) for n, text in enumerate(corpus[:5])]
    store, _ = store_at(tmp_path / "s.db")
    outcomes = list(Ingestor(store, OPTIONS, clock, pool=pool).ingest_sources(sources))
    assert [o.status for o in outcomes] == ["new"] * 5
    assert pool.submitted == 0
    assert pool.worker_pids() == []


def stored_stories(engine: Engine) -> dict[str, tuple[str, bytes]]:
    """Each article's story and stored vector."""
    query = select(
        story_articles.c.article_id, story_articles.c.story_id, article_vectors.c.vector
    ).join(article_vectors, article_vectors.c.article_id == story_articles.c.article_id)
    with engine.connect() as connection:
        return {row.article_id: (row.story_id, row.vector) for row in connection.execute(query)}


def test_workers_that_embed_give_the_vectors_and_stories_made_here(
    tmp_path: Path, corpus: list[str]
) -> None:
    """With an embedding pool the signatures come from the workers (this process embeds
    nothing) and the stored vectors, key point vectors and stories are those of one at a time."""
    sources = [SourceText(f"s{n}.txt", text) for n, text in enumerate(corpus)]
    sources += [SourceText("copy.txt", corpus[0] + " Updated on Monday.")]
    model = MultilingualEmbedder()

    def ingested(name: str, pool: SummaryPool | None) -> tuple[Store, Engine, CountingEmbedder]:
        store, engine = store_at(tmp_path / name)
        embedder = CountingEmbedder(model)
        grouper = StoryGrouper(StoryStore(engine))
        ingestor = Ingestor(store, OPTIONS, clock, embedder=embedder, stories=grouper, pool=pool)
        outcomes = list(ingestor.ingest_sources(sources))
        assert [o.status for o in outcomes] == ["new"] * 40 + ["duplicate"]
        return store, engine, embedder

    here_store, here_engine, here = ingested("here.db", None)
    pool = SummaryPool(1, OPTIONS.points, embed=True)
    try:
        pooled_store, pooled_engine, pooled = ingested("pooled.db", pool)
    finally:
        pool.close()

    assert len(here.texts) > 40
    assert pooled.texts == []
    # The same model in another process: equal up to float rounding (a text this process had
    # cached was embedded in another batch).
    pooled_stories, here_stories = stored_stories(pooled_engine), stored_stories(here_engine)
    assert {a: s for a, (s, _) in pooled_stories.items()} == {
        a: s for a, (s, _) in here_stories.items()
    }
    assert len({s for s, _ in here_stories.values()}) < 40  # some articles share a story
    for article_id, (_, vector) in here_stories.items():
        assert close(pooled_stories[article_id][1], vector)
    for source in sources[:40]:
        article_id = article_of(here_store, source)
        pooled_article, here_article = (
            pooled_store.get_article(article_id),
            here_store.get_article(article_id),
        )
        assert pooled_article is not None
        assert here_article is not None
        assert [p.text for p in pooled_article.key_points] == [
            p.text for p in here_article.key_points
        ]
        for pooled_point, here_point in zip(
            pooled_article.key_points, here_article.key_points, strict=True
        ):
            assert pooled_point.vector
            assert here_point.vector
            assert close(pooled_point.vector, here_point.vector)


def close(one: bytes, other: bytes) -> bool:
    pair = unpack_vectors([one, other], 512)
    return bool(np.allclose(pair[0], pair[1], rtol=0, atol=2e-3))


def article_of(store: Store, source: SourceText) -> str:
    found = [a.id for a in store.articles_since(None) if a.source == source.source]
    assert len(found) == 1
    return found[0]
