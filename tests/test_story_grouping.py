"""Story grouping with its in-memory window: what another instance placed is seen, old stories
leave the window, and re-placing an article changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import Engine, text

from bot.fingerprint import fingerprint
from bot.migrations import MIGRATIONS
from bot.models import Article, ArticleIndex
from bot.store import Store
from bot.stories import Frequencies, RecentStories, StoryGrouper, StoryOptions
from bot.story_store import StoryStore
from bot.vectors import pack_vector
from summarizer import Fact
from summarizer.models import FactKind
from summarizer.signature import Signature

T0 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
NOW_EVERY_TIME = StoryOptions(resync=0.0)  # read the store at every assignment


def unit(*values: float) -> np.ndarray:
    vector = np.zeros(512, dtype=np.float32)
    vector[: len(values)] = values
    return vector / np.linalg.norm(vector)


def article_named(name: str, when: datetime = T0) -> Article:
    return Article(
        source=f"{name}.txt",
        title=name,
        text=f"text of {name}",
        language="en",
        fingerprint=fingerprint(name),
        ingested_at=when,
    )


def stored(store: Store, name: str, vector: np.ndarray, when: datetime) -> tuple[str, Signature]:
    """An article row with its vector (as ingest writes it): its id and its signature."""
    article = article_named(name, when)
    assert store.add_article(article, ArticleIndex(vector=pack_vector(vector)))
    return article.id, Signature(vector, frozenset(), frozenset())


@pytest.fixture
def store(engine: Engine) -> Store:
    return Store(engine)


def test_a_second_instance_sees_the_first_ones_stories(store: Store, engine: Engine) -> None:
    """Two groupers on one store (two instances): an article close to one the other placed
    joins its story; a distant one starts its own."""
    one = StoryGrouper(StoryStore(engine), NOW_EVERY_TIME)
    two = StoryGrouper(StoryStore(engine), NOW_EVERY_TIME)
    a1, b1 = stored(store, "a1", unit(1, 0.1), T0), stored(store, "b1", unit(0, 0, 1), T0)
    first = one.assign(*a1, T0)
    other = two.assign(*b1, T0)
    assert (first, other) == (a1[0], b1[0])
    later = T0 + timedelta(minutes=3)
    a2 = stored(store, "a2", unit(1, 0.12), later)
    assert two.assign(*a2, later) == first
    assert one.assign(*stored(store, "b2", unit(0, 0.01, 1), later), later) == other
    assert one.assign(*a2, later) == first  # placed already: unchanged


def test_a_story_older_than_the_window_is_not_joined(store: Store, engine: Engine) -> None:
    """Eight days later the same vector starts a new story: the old one left the window."""
    grouper = StoryGrouper(StoryStore(engine), StoryOptions(window=timedelta(days=7)))
    vector = unit(1, 0.2)
    old = stored(store, "old", vector, T0)
    assert grouper.assign(*old, T0) == old[0]
    week_later = T0 + timedelta(days=8)
    new = stored(store, "new", vector, week_later)
    assert grouper.assign(*new, week_later) == new[0]
    soon = week_later + timedelta(hours=1)
    assert grouper.assign(*stored(store, "next", vector, soon), soon) == new[0]


def fact(kind: FactKind, value: str) -> Fact:
    sentence = f"A sentence naming {value}."
    return Fact(kind, value, value, sentence, position=0, start=sentence.index(value))


def with_facts(store: Store, name: str, *found: Fact) -> str:
    article = article_named(name)
    assert store.add_article(article, ArticleIndex(facts=found))
    return article.id


RARITY_KEYS = ["place:china", "person:rudolf dittrich", "money:EUR 5", "person:nobody"]


def test_names_and_figures_are_counted_once_per_article(store: Store, engine: Engine) -> None:
    """Rarity's document frequencies: names compared without case, a name an article repeats
    counted once, an article stored twice counted once, and the number of articles."""
    china = fact("place", "China")
    with_facts(store, "a", china, fact("person", "Rudolf Dittrich"), china)
    with_facts(store, "b", fact("place", "CHINA"), fact("money", "EUR 5"))
    with_facts(store, "c")
    again = article_named("a")
    assert not store.add_article(again, ArticleIndex(facts=(china,)))
    counts, total = StoryStore(engine).document_frequencies(RARITY_KEYS)
    assert counts == {
        "place:china": 2,
        "person:rudolf dittrich": 1,
        "money:EUR 5": 1,
        "person:nobody": 0,
    }
    assert total == 3


def test_an_older_store_gets_its_counts_from_the_facts_it_holds(
    store: Store, engine: Engine
) -> None:
    """Upgrading a store from before the counts (schema 11) counts the stored facts."""
    with_facts(store, "a", fact("place", "China"), fact("person", "Rudolf Dittrich"))
    with_facts(store, "b", fact("place", "china"), fact("money", "EUR 5"))
    before = StoryStore(engine).document_frequencies(RARITY_KEYS)
    with engine.begin() as connection:  # back to schema version 11
        connection.execute(text("DROP TABLE specific_counts"))
        connection.execute(text("ALTER TABLE key_points DROP COLUMN vector"))
        connection.execute(
            text("CREATE INDEX ix_facts_kind_lower_value ON facts (kind, lower(value))")
        )
        connection.execute(text("DROP TABLE entity_aliases"))
        connection.execute(text("CREATE INDEX ix_facts_kind_value ON facts (kind, value)"))
        connection.execute(text("DELETE FROM schema_migrations WHERE version > 11"))
    assert Store(engine).schema_version() == MIGRATIONS[-1].version
    assert StoryStore(engine).document_frequencies(RARITY_KEYS) == before
    assert before[0]["place:china"] == 2


def brute_force_closest(
    rows: dict[str, tuple[str, np.ndarray]], vector: np.ndarray, count: int
) -> list[str]:
    best: dict[str, float] = {}
    for story, member_vector in rows.values():
        best[story] = max(best.get(story, -2.0), float(member_vector @ vector))
    return sorted(best, key=lambda story: -best[story])[:count]


def test_the_window_finds_the_stories_a_full_scan_finds_as_stories_come_and_go() -> None:
    """3,000 members of 600 stories over three days, a 12-hour window: after every day the
    closest stories to 20 probes are those of a brute-force scan of the members in the window
    (matrix growth, masking and compaction included)."""
    draw = np.random.default_rng(5)
    recent = RecentStories(resync=0.0)
    expected: dict[str, tuple[str, np.ndarray]] = {}
    seen: dict[str, datetime] = {}
    for day in range(3):
        now = T0 + timedelta(days=day)
        for number in range(1000):
            story = f"s{day}-{number % 200}"
            vector = draw.normal(size=512).astype(np.float32)
            vector /= np.linalg.norm(vector)
            article = f"a{day}-{number}"
            recent.add(story, article, Signature(vector, frozenset(), frozenset()), now)
            expected[article] = (story, vector)
            seen[story] = now
        recent.update([], now - timedelta(hours=12))
        expected = {a: m for a, m in expected.items() if seen[m[0]] >= now - timedelta(hours=12)}
        for _ in range(20):
            probe = draw.normal(size=512).astype(np.float32)
            probe /= np.linalg.norm(probe)
            assert recent.closest(probe, 8, exclude="") == brute_force_closest(expected, probe, 8)
    members = recent.members(["s2-7"])
    assert sorted(article for _, article in members) == sorted(
        a for a, (story, _) in expected.items() if story == "s2-7"
    )


def test_a_large_window_searched_in_two_steps_finds_the_stories_a_full_scan_finds() -> None:
    """Windows of thousands of members are searched in a projection first: for articles near
    a story (as new reports of an event are), the closest stories are those of a brute-force
    scan of the members as stored (float16), as the window grows, slides and is compacted."""
    draw = np.random.default_rng(11)
    topics = draw.normal(size=(48, 512))  # sentence embeddings fill few directions, not all
    centroids = (draw.normal(size=(900, 48)) @ topics).astype(np.float32)
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)

    def near(story: int) -> np.ndarray:
        vector = centroids[story] + draw.normal(scale=0.04, size=512).astype(np.float32)
        unit_vector: np.ndarray = vector / np.linalg.norm(vector)
        return unit_vector

    recent = RecentStories(resync=0.0)
    expected: dict[str, tuple[str, np.ndarray]] = {}
    joined: dict[str, datetime] = {}
    for day in range(3):
        now = T0 + timedelta(days=day)
        for number in range(2_000):
            story = int(draw.integers(300 * day, 300 * day + 300))
            vector = near(story)
            article = f"a{day}-{number}"
            recent.add(f"s{story}", article, Signature(vector, frozenset(), frozenset()), now)
            expected[article] = (f"s{story}", vector.astype(np.float16).astype(np.float32))
            joined[article] = now
        since = now - timedelta(hours=36)
        recent.update([], since)
        expected = {a: member for a, member in expected.items() if joined[a] >= since}
        stories = sorted({story for story, _ in expected.values()})
        assert len(recent.members(stories)) >= RecentStories.PROJECT_FROM
        for story in draw.choice(len(stories), 25, replace=False):
            probe = near(int(stories[story][1:]))
            assert recent.closest(probe, 8, exclude="") == brute_force_closest(expected, probe, 8)


def test_a_story_that_left_the_window_has_no_members() -> None:
    recent = RecentStories(resync=0.0)
    recent.add("old", "a1", Signature(unit(1), frozenset(), frozenset()), T0)
    recent.add("new", "a2", Signature(unit(0, 1), frozenset(), frozenset()), T0 + timedelta(days=8))
    recent.update([], T0 + timedelta(days=1))
    assert recent.members(["old", "new"]) == [("new", "a2")]


def test_a_long_story_is_compared_through_its_newest_articles_of_the_window() -> None:
    """A story that grows every day keeps only its articles of the last week, and at most
    `per_story` of them (the newest), so the window stays bounded however long a story runs."""
    recent = RecentStories(resync=0.0, per_story=24)
    vector = unit(1, 0.3)
    for day in range(10):
        now = T0 + timedelta(days=day)
        recent.update([], now - timedelta(days=7))
        recent.add("long", f"day{day}", Signature(vector, frozenset(), frozenset()), now)
    kept = [article for _, article in recent.members(["long"])]
    assert kept == [f"day{day}" for day in range(2, 10)]  # a week ago to the day is in
    for number in range(30):
        recent.add("busy", f"busy{number}", Signature(vector, frozenset(), frozenset()), T0)
    busy = [article for _, article in recent.members(["busy"])]
    assert busy == [f"busy{number}" for number in range(6, 30)]
    assert set(recent.closest(vector, 8, exclude="")) == {"busy", "long"}


class CountingStories(StoryStore):
    """The real story store, noting the keys each frequency read asks for."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.asked: list[list[str]] = []

    def document_frequencies(self, keys: Sequence[str]) -> tuple[dict[str, int], int]:
        self.asked.append(list(keys))
        return super().document_frequencies(keys)


def test_frequencies_of_other_stories_are_read_again_once_the_store_grew(
    store: Store, engine: Engine
) -> None:
    """The new article's keys are read every time; the candidates' once the store has grown by
    more than 2% since (and every time in a store of under 50 articles); the counts are the
    store's at the time of reading."""
    stories = CountingStories(engine)
    frequencies = Frequencies()
    china, dittrich = "place:china", "person:rudolf dittrich"
    with_facts(store, "first", fact("place", "China"))
    assert frequencies.read(stories, {dittrich}, {china}) == ({dittrich: 0, china: 1}, 1)
    with_facts(store, "second", fact("place", "China"))
    assert frequencies.read(stories, {dittrich}, {china}) == ({dittrich: 0, china: 2}, 2)
    assert stories.asked == [[dittrich], [china], [dittrich], [china]]  # small: every time

    for number in range(60):
        with_facts(store, f"filler {number}")
    assert frequencies.read(stories, {dittrich}, {china})[1] == 62
    with_facts(store, "third", fact("place", "China"))
    counts, total = frequencies.read(stories, {dittrich}, {china})
    assert (counts[china], total) == (2, 63)  # 63 articles: within 2% of 62, China not re-read
    assert stories.asked[-1] == [dittrich]
    with_facts(store, "fourth", fact("place", "China"))
    with_facts(store, "fifth", fact("place", "China"))
    counts, total = frequencies.read(stories, {dittrich}, {china})
    assert (counts[china], total) == (5, 65)  # 65 > 62 * 1.02: read again
