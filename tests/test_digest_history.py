"""Digest novelty: what a channel was told is left out next time; a story that grew is an update."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select, update

from bot.app import App, open_app
from bot.chat_views import digest_message
from bot.config import load_config
from bot.digest import StorySources, build_digest
from bot.digest_history import DigestHistory
from bot.models import Digest, SourceText
from bot.payloads import digest_payload
from bot.period import parse_period
from bot.schema import digest_said_points, key_points
from bot.vectors import unpack_vectors
from summarizer.embeddings import MultilingualEmbedder
from tests.counting_embedder import CountingEmbedder

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def embedder() -> MultilingualEmbedder:
    return MultilingualEmbedder()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def core(
    tmp_path: Path, store_url: str, clock: Clock, embedder: MultilingualEmbedder
) -> Iterator[App]:
    """A core on SQLite and on PostgreSQL (the conftest `store_url`)."""
    config = load_config(None, {"HOME": str(tmp_path)})
    with open_app(config, clock=clock, store_url=store_url, embedder=embedder) as app:
        yield app


def ingest(core: App, seeds_dir: Path, prefix: str) -> None:
    path = next(seeds_dir.glob(f"{prefix}_*.txt"))
    outcome = core.ingestor.ingest_source(SourceText(path.name, path.read_text(encoding="utf-8")))
    assert outcome.status == "new", outcome.error


def digest(core: App, channel: str, *, remember: bool = False) -> Digest:
    history = DigestHistory(core.engine, channel)
    result = build_digest(core.store, parse_period("7d", core.clock()), core.merging, history)
    if remember:
        history.remember(result, core.clock())
    return result


def test_a_repeated_digest_says_nothing_new_and_counts_what_it_left_out(
    core: App, clock: Clock, seeds_dir: Path
) -> None:
    """After a remembered digest, the same stories are left out (for that channel only)."""
    for prefix in ("000", "004"):
        ingest(core, seeds_dir, prefix)
    first = digest(core, "C1", remember=True)
    assert len(first.stories) == 2
    assert not any(story.update for story in first.stories)
    clock.now += timedelta(hours=24)
    again = digest(core, "C1")
    assert again.stories == ()
    assert again.repeated == 2
    assert digest_payload(again)["repeated"] == 2
    elsewhere = digest(core, "C2")
    assert [s.headline for s in elsewhere.stories] == [s.headline for s in first.stories]


def test_a_story_that_grew_comes_back_as_an_update_with_only_its_new_points(
    core: App, clock: Clock, seeds_dir: Path
) -> None:
    """The Dutch article joins the Munich story: the update shows points not said before."""
    ingest(core, seeds_dir, "000")
    first = digest(core, "C1", remember=True)
    (told,) = first.stories
    clock.now += timedelta(hours=5)
    ingest(core, seeds_dir, "001")  # the same story in Dutch
    later = digest(core, "C1")
    (update,) = later.stories
    assert update.id == told.id
    assert update.update
    assert update.key_points
    assert not set(update.key_points) & set(told.key_points)
    assert len(update.sources) == 2
    assert update.first_seen == T0
    assert update.last_seen == T0 + timedelta(hours=5)
    payload = digest_payload(later)["stories"][0]
    assert payload["update"] is True
    assert payload["first_seen"] == T0.isoformat()


def test_remembering_twice_records_once_and_more_sources_rank_first(
    core: App, clock: Clock, seeds_dir: Path
) -> None:
    """Recording the same digest twice stores it once; the two-source story leads the digest."""
    ingest(core, seeds_dir, "000")
    told = digest(core, "C1", remember=True)
    DigestHistory(core.engine, "C1").remember(told, clock())
    with core.engine.connect() as connection:
        rows = connection.execute(select(func.count()).select_from(digest_said_points))
        assert rows.scalar_one() == len(told.stories[0].key_points)
    clock.now += timedelta(hours=2)
    ingest(core, seeds_dir, "004")  # the Beijing factory: a story of its own
    clock.now += timedelta(hours=1)
    ingest(core, seeds_dir, "001")  # joins the Munich story, which now has two sources
    later = digest(core, "C2")
    assert [len(s.sources) for s in later.stories] == [2, 1]
    assert [s.update for s in later.stories] == [False, False]


def test_without_embeddings_the_same_text_counts_as_said(tmp_path: Path, seeds_dir: Path) -> None:
    """A store without story merging still leaves out exactly repeated key points."""
    config = load_config(None, {"HOME": str(tmp_path)})
    with open_app(config, store_url=str(tmp_path / "s.db"), clock=lambda: T0) as core:
        ingest(core, seeds_dir, "004")
        history = DigestHistory(core.engine, "terminal")
        period = parse_period("all", T0)
        first = build_digest(core.store, period, None, history)
        assert len(first.stories) == 1
        history.remember(first, T0)
        again = build_digest(core.store, period, None, history)
        assert (again.stories, again.repeated) == ((), 1)


def test_a_limited_digest_shows_the_same_top_stories_and_counts_the_rest(
    core: App, seeds_dir: Path
) -> None:
    """With a limit the digest keeps the order of the unlimited one and says how many more
    stories the period holds; JSON and the chat footnote carry that count."""
    for prefix in ("000", "001", "002", "003", "004"):
        ingest(core, seeds_dir, prefix)
    period = parse_period("all", core.clock())
    whole = build_digest(core.store, period, core.merging)
    for limit in (1, 2):
        part = build_digest(core.store, period, core.merging, limit=limit)
        assert [s.id for s in part.stories] == [s.id for s in whole.stories[:limit]]
        assert part.more == len(whole.stories) - limit
    part = build_digest(core.store, period, core.merging, limit=1)
    assert digest_payload(part)["more"] == len(whole.stories) - 1
    assert f"{part.more} more in this period not shown" in digest_message(part).fallback


def test_key_points_keep_the_embedding_made_at_ingest(
    core: App, seeds_dir: Path, embedder: MultilingualEmbedder
) -> None:
    ingest(core, seeds_dir, "000")
    (article,) = core.store.articles_since(None)
    assert article.key_points
    stored = unpack_vectors([p.vector or b"" for p in article.key_points], embedder.dimensions)
    fresh = embedder.encode([p.text for p in article.key_points])
    assert np.all(np.sum(stored * fresh, axis=1) > 0.999)


def test_a_digest_merges_a_storys_points_with_the_stored_embeddings(
    core: App, seeds_dir: Path, embedder: MultilingualEmbedder
) -> None:
    """The two-source story is merged without embedding anything again, into the points the
    digest merges when it has to embed them (key points stored before schema 13)."""
    ingest(core, seeds_dir, "000")
    ingest(core, seeds_dir, "001")  # the same story in Dutch
    counting = CountingEmbedder(embedder)
    period = parse_period("7d", core.clock())
    merging = StorySources(core.merging.stories, counting)
    (story,) = build_digest(core.store, period, merging).stories
    assert len(story.sources) == 2
    assert counting.texts == []
    with core.engine.begin() as connection:
        connection.execute(update(key_points).values(vector=None))
    (again,) = build_digest(core.store, period, merging).stories
    assert counting.texts
    assert again.key_points == story.key_points
    all_points = [p.text for a in core.store.articles_since(None) for p in a.key_points]
    assert len(story.key_points) < len(all_points)  # the repeats across languages were dropped
