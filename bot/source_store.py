"""Sources (feeds and pages) and the feed items already seen, in SQL (SQLAlchemy Core).

Contract: every method raises `StoreError` when the database cannot be used. Adding a source and
remembering a seen item are idempotent: the unique indexes decide, so two writers (or a retry)
never create a second row. `claim_due` is safe with several instances on PostgreSQL (`FOR UPDATE
SKIP LOCKED`, then a lease written in the same transaction) and on SQLite (one writer at a time).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Row,
    Select,
    and_,
    delete,
    func,
    insert,
    select,
    true,
    update,
)

from bot.engine import insert_ignoring, reading, writing
from bot.migrations import open_schema
from bot.schema import feed_items, sources

SourceKind = Literal["feed", "page"]
T = TypeVar("T")
_CHUNK = 500  # ids per IN (...) list, well under every database's bind limit


@dataclass(frozen=True, slots=True)
class ChannelKey:
    """A place that follows a source, as two neutral strings (e.g. "slack", "C0123")."""

    platform: str
    channel: str


@dataclass(frozen=True, slots=True)
class NewSource:
    """A source to add; `interval` None means the [feeds] default."""

    url: str
    kind: SourceKind
    added_by: str
    name: str | None = None
    follower: ChannelKey | None = None
    interval: timedelta | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """A stored source with its polling state."""

    id: int
    url: str
    kind: SourceKind
    name: str | None
    follower: ChannelKey | None
    added_by: str
    added_at: datetime
    interval: timedelta | None
    etag: str | None
    last_modified: str | None
    last_polled_at: datetime | None
    last_success_at: datetime | None
    next_poll_at: datetime
    consecutive_failures: int
    last_error: str | None
    active: bool

    @property
    def label(self) -> str:
        """The name when it has one, else the URL."""
        return self.name or self.url


@dataclass(frozen=True, slots=True)
class SeenItem:
    """The identities of one item a source has delivered (at least one is set)."""

    canonical_link: str | None = None
    guid: str | None = None
    fingerprint: str | None = None
    article_id: str | None = None


@dataclass(frozen=True, slots=True)
class SeenIndex:
    """Which of the asked identities a source has already seen."""

    links: frozenset[str] = frozenset()
    guids: frozenset[str] = frozenset()
    fingerprints: frozenset[str] = frozenset()

    def matches(self, item: SeenItem) -> bool:
        """True when any identity of `item` was seen before."""
        return (
            (item.canonical_link is not None and item.canonical_link in self.links)
            or (item.guid is not None and item.guid in self.guids)
            or (item.fingerprint is not None and item.fingerprint in self.fingerprints)
        )


@dataclass(frozen=True, slots=True)
class PollRecord:
    """What one poll changes: the source's state and the items it now has seen."""

    source_id: int
    polled_at: datetime
    next_poll_at: datetime
    succeeded: bool
    consecutive_failures: int
    last_error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    kind: SourceKind | None = None  # set when the first poll found the source is the other kind
    seen: tuple[SeenItem, ...] = ()


class SourceStore:
    """Sources and seen feed items on the article store's Engine; opening it migrates."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        open_schema(engine)

    def add(self, new: NewSource, now: datetime) -> tuple[Source, bool]:
        """Add a source due now; return it and True, or the existing one and False.

        An existing but inactive source is reactivated (its seen items are kept).
        """
        with self._writing("add the source") as connection:
            where = _same(new.url, new.follower)
            row = connection.execute(select(sources).where(where)).first()
            if row is None:
                connection.execute(insert(sources).values(_new_row(new, now)))
            elif not row.active:
                connection.execute(update(sources).where(where).values(active=True))
            stored = connection.execute(select(sources).where(where)).one()
        return _source(stored), row is None

    def remove(self, url: str, follower: ChannelKey | None = None) -> bool:
        """Remove a source and its seen items; False when there was none."""
        with self._writing("remove the source") as connection:
            removed = connection.execute(delete(sources).where(_same(url, follower)))
            return bool(removed.rowcount)

    def get(self, source_id: int) -> Source | None:
        """The source with this id, or None."""
        with self._reading() as connection:
            row = connection.execute(select(sources).where(sources.c.id == source_id)).first()
        return _source(row) if row is not None else None

    def find(self, url: str, follower: ChannelKey | None = None) -> Source | None:
        """The source of this URL followed by `follower` (None: no channel), or None."""
        with self._reading() as connection:
            row = connection.execute(select(sources).where(_same(url, follower))).first()
        return _source(row) if row is not None else None

    def list(self, *, include_inactive: bool = False) -> tuple[Source, ...]:
        """Sources by URL (active ones only unless asked)."""
        where = true() if include_inactive else sources.c.active.is_(True)
        query = select(sources).where(where).order_by(sources.c.url, sources.c.id)
        with self._reading() as connection:
            return tuple(_source(row) for row in connection.execute(query))

    def set_active(self, source_ids: Sequence[int], active: bool) -> None:
        """Switch sources on or off (off: never claimed for polling)."""
        with self._writing("update the sources") as connection:
            for chunk in _chunks(source_ids):
                query = update(sources).where(sources.c.id.in_(chunk)).values(active=active)
                connection.execute(query)

    def configure(self, source_id: int, *, name: str | None, interval: timedelta | None) -> None:
        """Change a source's name and polling interval (None: the [feeds] default)."""
        seconds = int(interval.total_seconds()) if interval else None
        values = {"name": name, "interval_seconds": seconds}
        with self._writing("update the source") as connection:
            connection.execute(update(sources).where(sources.c.id == source_id).values(values))

    def claim_due(
        self, now: datetime, lease: timedelta, *, limit: int | None = None, every: bool = False
    ) -> tuple[Source, ...]:
        """Claim active sources due at `now` (all active ones with `every`) for one poll.

        The claimed rows are locked (`SKIP LOCKED` lets other instances pass over them) and their
        next poll is pushed to `now + lease` in the same transaction, so no other instance claims
        them until this poll records its result or the lease runs out (the poller died).
        """
        query = due_query(now, limit=limit, every=every)
        with writing(self._engine, "claim sources to poll", row_locks_only=True) as connection:
            ids: list[int] = list(connection.execute(query).scalars())
            rows: list[Row[tuple[object, ...]]] = []
            for chunk in _chunks(ids):
                where = sources.c.id.in_(chunk)
                connection.execute(update(sources).where(where).values(next_poll_at=now + lease))
                rows.extend(connection.execute(select(sources).where(where)))
        order = {source_id: index for index, source_id in enumerate(ids)}
        return tuple(sorted((_source(row) for row in rows), key=lambda s: order[s.id]))

    def seen_among(self, source_id: int, items: Sequence[SeenItem]) -> SeenIndex:
        """Which identities of `items` this source has seen before."""
        links = {item.canonical_link for item in items if item.canonical_link}
        guids = {item.guid for item in items if item.guid}
        prints = {item.fingerprint for item in items if item.fingerprint}
        found: dict[str, set[str]] = {"canonical_link": set(), "guid": set(), "fingerprint": set()}
        with self._reading() as connection:
            for column, values in (
                ("canonical_link", links),
                ("guid", guids),
                ("fingerprint", prints),
            ):
                for chunk in _chunks(sorted(values)):
                    found[column].update(_matching(connection, source_id, column, chunk))
        return SeenIndex(
            frozenset(found["canonical_link"]),
            frozenset(found["guid"]),
            frozenset(found["fingerprint"]),
        )

    def record_poll(self, record: PollRecord) -> Source | None:
        """Write one poll's outcome and seen items in one transaction; the updated source."""
        return self.record_polls([record])[0]

    def record_polls(self, records: Sequence[PollRecord]) -> tuple[Source | None, ...]:
        """Write several polls in one transaction (one commit for many sources); the updated
        sources in the same order (None for a source removed meanwhile)."""
        with self._writing("record the poll") as connection:
            return tuple(_record(connection, record) for record in records)

    def seen_count(self, source_id: int) -> int:
        """How many seen-item rows a source has."""
        query = select(func.count()).where(feed_items.c.source_id == source_id)
        with self._reading() as connection:
            return int(connection.execute(query).scalar_one())

    def _reading(self) -> AbstractContextManager[Connection]:
        return reading(self._engine, "read the sources")

    def _writing(self, what: str) -> AbstractContextManager[Connection]:
        return writing(self._engine, what)


def due_query(now: datetime, *, limit: int | None = None, every: bool = False) -> Select[Any]:
    """The ids of the active sources due at `now`, most overdue first, locked for this claim.

    On PostgreSQL this is `SELECT ... FOR UPDATE SKIP LOCKED`: rows another instance is claiming
    are skipped, not waited for. SQLite ignores the clause; its write transaction already lets
    one claimer in at a time.
    """
    due: ColumnElement[bool] = sources.c.active.is_(True)
    if not every:
        due = and_(due, sources.c.next_poll_at <= now)
    return (
        select(sources.c.id)
        .where(due)
        .order_by(sources.c.next_poll_at, sources.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


def _record(connection: Connection, record: PollRecord) -> Source | None:
    values: dict[str, object] = {
        "last_polled_at": record.polled_at,
        "next_poll_at": record.next_poll_at,
        "consecutive_failures": record.consecutive_failures,
        "last_error": record.last_error,
    }
    if record.succeeded:
        values.update(
            last_success_at=record.polled_at, etag=record.etag, last_modified=record.last_modified
        )
    if record.kind is not None:
        values["kind"] = record.kind
    where = sources.c.id == record.source_id
    connection.execute(update(sources).where(where).values(values))
    rows = _seen_rows(record)
    if rows:
        connection.execute(insert_ignoring(connection, feed_items), rows)  # seen is idempotent
    row = connection.execute(select(sources).where(where)).first()
    return _source(row) if row is not None else None


def _same(url: str, follower: ChannelKey | None) -> ColumnElement[bool]:
    if follower is None:
        owner = and_(sources.c.platform.is_(None), sources.c.channel.is_(None))
    else:
        owner = and_(sources.c.platform == follower.platform, sources.c.channel == follower.channel)
    return and_(sources.c.url == url, owner)


def _matching(
    connection: Connection, source_id: int, column: str, values: Sequence[str]
) -> list[str]:
    field = feed_items.c[column]
    query = select(field).where(feed_items.c.source_id == source_id, field.in_(values))
    return [str(value) for value in connection.execute(query).scalars()]


def _seen_rows(record: PollRecord) -> list[dict[str, object]]:
    return [
        {
            "source_id": record.source_id,
            "canonical_link": item.canonical_link,
            "guid": item.guid,
            "fingerprint": item.fingerprint,
            "first_seen_at": record.polled_at,
            "article_id": item.article_id,
        }
        for item in record.seen
        if item.canonical_link or item.guid or item.fingerprint
    ]


def _new_row(new: NewSource, now: datetime) -> dict[str, object]:
    return {
        "url": new.url,
        "name": new.name,
        "kind": new.kind,
        "platform": new.follower.platform if new.follower else None,
        "channel": new.follower.channel if new.follower else None,
        "added_by": new.added_by,
        "added_at": now,
        "interval_seconds": int(new.interval.total_seconds()) if new.interval else None,
        "next_poll_at": now,
        "consecutive_failures": 0,
        "active": True,
    }


def _source(row: Row[tuple[object, ...]]) -> Source:
    follower = None
    if row.platform is not None and row.channel is not None:
        follower = ChannelKey(row.platform, row.channel)
    seconds = row.interval_seconds
    return Source(
        id=row.id,
        url=row.url,
        kind=row.kind,
        name=row.name,
        follower=follower,
        added_by=row.added_by,
        added_at=row.added_at,
        interval=timedelta(seconds=seconds) if seconds else None,
        etag=row.etag,
        last_modified=row.last_modified,
        last_polled_at=row.last_polled_at,
        last_success_at=row.last_success_at,
        next_poll_at=row.next_poll_at,
        consecutive_failures=row.consecutive_failures,
        last_error=row.last_error,
        active=bool(row.active),
    )


def _chunks(values: Sequence[T]) -> Iterator[list[T]]:
    for start in range(0, len(values), _CHUNK):
        yield list(values[start : start + _CHUNK])
