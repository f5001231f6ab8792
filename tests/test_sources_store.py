"""The source store on real SQLite files: idempotent adds and seen items, claims, config sync."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, insert, inspect
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.dialects.sqlite.base import SQLiteDialect
from sqlalchemy.exc import IntegrityError

from bot.config_feeds import SourceEntry
from bot.engine import open_engine
from bot.feed_runtime import sync_configured_sources
from bot.schema import sources
from bot.source_store import (
    ChannelKey,
    NewSource,
    PollRecord,
    SeenItem,
    SourceStore,
    due_query,
)
from bot.store import Store
from tests.feed_samples import T0

LEASE = timedelta(minutes=15)


@pytest.fixture
def store(engine: Engine) -> SourceStore:
    return SourceStore(engine)


def feed(url: str = "https://news.example/feed", **kwargs: object) -> NewSource:
    return NewSource(url, "feed", "test", **kwargs)  # type: ignore[arg-type]


def test_migration_4_creates_the_source_tables(engine: Engine) -> None:
    """Opening either store applies the same migrations, version 4 among them."""
    SourceStore(engine)
    assert Store(engine).schema_version() >= 4
    tables = set(inspect(engine).get_table_names())
    assert {"sources", "feed_items"} <= tables
    row = {"url": "https://x.example/f", "kind": "feed", "added_by": "t", "added_at": T0}
    row |= {"next_poll_at": T0, "consecutive_failures": 0, "active": True}
    with engine.begin() as connection:
        connection.execute(insert(sources), row)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert(sources), row)  # no channel twice: one value, not two NULLs


def test_adding_twice_is_idempotent_and_channels_are_separate(store: SourceStore) -> None:
    """The same URL once per following channel; adding again returns the existing row."""
    first, added = store.add(feed(), T0)
    again, added_again = store.add(feed(name="Other"), T0 + timedelta(hours=1))
    assert (added, added_again) == (True, False)
    assert again.id == first.id
    assert again.name is None
    channel, added_channel = store.add(feed(follower=ChannelKey("discord", "42")), T0)
    assert added_channel
    assert channel.id != first.id
    assert channel.follower == ChannelKey("discord", "42")
    assert first.next_poll_at == T0
    assert first.consecutive_failures == 0
    assert first.active
    assert len(store.list()) == 2


def test_remove_takes_the_seen_items_with_it(store: SourceStore) -> None:
    """Removing a source deletes its seen items (the cascade); removing again finds nothing."""
    source, _ = store.add(feed(), T0)
    record = PollRecord(source.id, T0, T0, True, 0, seen=(SeenItem("https://n.example/a"),))
    store.record_poll(record)
    assert store.seen_count(source.id) == 1
    assert store.remove(source.url)
    assert not store.remove(source.url)
    assert store.seen_count(source.id) == 0
    assert store.find(source.url) is None


def test_seen_items_are_idempotent_and_match_by_any_identity(store: SourceStore) -> None:
    """Recording the same identities twice keeps one row; link, GUID or fingerprint match."""
    source, _ = store.add(feed(), T0)
    item = SeenItem("https://n.example/a", "guid-a", "f" * 64, None)
    for _ in range(2):
        store.record_poll(PollRecord(source.id, T0, T0, True, 0, seen=(item,)))
    assert store.seen_count(source.id) == 1
    probes = [
        SeenItem("https://n.example/a"),
        SeenItem(guid="guid-a"),
        SeenItem(fingerprint="f" * 64),
        SeenItem("https://n.example/b", "guid-b", "e" * 64),
    ]
    index = store.seen_among(source.id, probes)
    assert [index.matches(probe) for probe in probes] == [True, True, True, False]
    other, _ = store.add(feed("https://other.example/feed"), T0)
    assert not store.seen_among(other.id, probes).matches(probes[0])


def test_a_failed_poll_keeps_the_validators_of_the_last_good_one(store: SourceStore) -> None:
    """ETag and Last-Modified change only on success; failures and errors are recorded."""
    source, _ = store.add(feed(), T0)
    good = PollRecord(source.id, T0, T0 + LEASE, True, 0, etag='"v1"', last_modified="x")
    store.record_poll(good)
    bad = PollRecord(source.id, T0, T0 + LEASE, False, 1, last_error="It broke.")
    after = store.record_poll(bad)
    assert after is not None
    assert (after.etag, after.last_modified, after.last_success_at) == ('"v1"', "x", T0)
    assert (after.consecutive_failures, after.last_error) == (1, "It broke.")


def test_a_claim_leases_the_sources_so_a_second_claimer_gets_none(engine: Engine) -> None:
    """Two instances on one database: what one claimed, the other does not get until the lease."""
    one, two = SourceStore(engine), SourceStore(engine)
    for n in range(3):
        one.add(feed(f"https://news.example/{n}"), T0)
    claimed = one.claim_due(T0, LEASE, limit=2)
    rest = two.claim_due(T0, LEASE)
    assert len(claimed) == 2
    assert len(rest) == 1
    assert {s.id for s in claimed}.isdisjoint({s.id for s in rest})
    assert two.claim_due(T0 + timedelta(minutes=5), LEASE) == ()
    assert len(two.claim_due(T0 + LEASE, LEASE)) == 3  # the pollers died: the lease ran out


def test_inactive_sources_are_never_claimed(store: SourceStore) -> None:
    """Switched-off sources stay in the store but are not polled, even with every=True."""
    source, _ = store.add(feed(), T0)
    store.set_active([source.id], False)
    assert store.claim_due(T0, LEASE, every=True) == ()
    assert store.list() == ()
    assert len(store.list(include_inactive=True)) == 1
    again, added = store.add(feed(), T0)
    assert not added
    assert again.active


def test_the_claim_uses_skip_locked_on_postgresql_and_nothing_on_sqlite() -> None:
    """The same Core query: FOR UPDATE SKIP LOCKED for PostgreSQL, plain SELECT for SQLite."""
    query = due_query(T0, limit=10)
    on_postgres = str(query.compile(dialect=PGDialect()))  # type: ignore[no-untyped-call]
    on_sqlite = str(query.compile(dialect=SQLiteDialect()))
    assert on_postgres.rstrip().endswith("FOR UPDATE SKIP LOCKED")
    assert "FOR UPDATE" not in on_sqlite
    assert "next_poll_at <=" in on_sqlite
    assert "next_poll_at <=" not in str(due_query(T0, every=True).compile(dialect=SQLiteDialect()))


def test_config_sources_are_synced_renamed_and_switched_off(store: SourceStore) -> None:
    """[[sources]] entries are added once, follow the config, and leave when removed from it."""
    entries = [
        SourceEntry("https://a.example/feed", "A"),
        SourceEntry("https://b.example/feed", None, timedelta(hours=2)),
    ]
    assert sync_configured_sources(store, entries, T0) == (2, 0)
    assert sync_configured_sources(store, entries, T0) == (0, 0)
    renamed = [SourceEntry("https://a.example/feed", "Alpha")]
    assert sync_configured_sources(store, renamed, T0) == (0, 1)
    listed = store.list()
    assert [(s.url, s.name, s.added_by) for s in listed] == [
        ("https://a.example/feed", "Alpha", "config")
    ]
    hidden = store.find("https://b.example/feed")
    assert hidden is not None
    assert not hidden.active
    assert hidden.interval == timedelta(hours=2)
    store.add(feed("https://cli.example/feed"), T0)
    sync_configured_sources(store, renamed, T0)
    assert store.find("https://cli.example/feed") is not None
    assert len(store.list()) == 2  # a source added on the command line is not the config's


def test_postgresql_claims_skip_the_rows_another_instance_is_claiming(postgres_url: str) -> None:
    """While one instance's claim transaction holds two due sources (not yet committed), a
    second instance's claim returns at once with the third instead of waiting for them (its
    lock_timeout of 2 s would turn a wait into an error)."""
    first, second = (
        open_engine(postgres_url),
        open_engine(postgres_url + "%20-clock_timeout%3D2000"),
    )
    try:
        store = SourceStore(first)
        for n in range(3):
            store.add(feed(f"https://news.example/{n}"), T0)
        with first.connect() as holding, holding.begin():
            held = list(holding.execute(due_query(T0, limit=2)).scalars())
            rest = SourceStore(second).claim_due(T0, LEASE)
        assert len(held) == 2
        assert [source.id for source in rest] == sorted(set(range(1, 4)) - set(held))
    finally:
        first.dispose()
        second.dispose()
