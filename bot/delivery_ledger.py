"""The exactly-once delivery ledger: a delivery claims a unique row before it posts.

Contract: a row is keyed by (kind, platform, channel, period), such as ("digest", "slack", "C1",
"2025-11-25"); the primary key is the claim, so of any number of processes (on one SQLite file
or one PostgreSQL database) exactly one can insert it. The row then moves claimed -> posted (or
failed, or skipped). A claim that stays "claimed" longer than the lease belongs to a run that
died between claiming and posting: the next run may take it over, atomically (one conditional
UPDATE), so a crash is retried once while a live concurrent run is refused. A "failed" row (the
platform refused the post) may be claimed again at once, up to `max_attempts` claims in all.
Every method raises `StoreError` when the database cannot be used.

What it cannot promise: a run that posts and then dies before recording it is retried after the
lease (the post may then appear twice). Posting is recorded right after it returns to keep that
window small.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, cast
from uuid import uuid4

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Insert,
    Row,
    and_,
    or_,
    select,
    update,
)

from bot.engine import insert_ignoring, reading, writing
from bot.migrations import open_schema
from bot.schema import delivery_ledger
from bot.source_store import ChannelKey

LedgerState = Literal["claimed", "posted", "failed", "skipped"]
DEFAULT_LEASE = timedelta(minutes=10)
DEFAULT_ATTEMPTS = 3
MAX_NOTE_CHARS = 500
_FINAL: frozenset[str] = frozenset({"posted", "skipped"})


@dataclass(frozen=True, slots=True)
class LedgerKey:
    """One delivery that must happen at most once: what, where, and for which period."""

    kind: str
    target: ChannelKey
    period: str

    @classmethod
    def digest(cls, target: ChannelKey, period: str) -> LedgerKey:
        """The key of the scheduled digest of `target` for `period` (a local date)."""
        return cls("digest", target, period)


@dataclass(frozen=True, slots=True)
class Claim:
    """The right to post one delivery, held by whoever has the token."""

    key: LedgerKey
    token: str
    attempt: int


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """A ledger row as stored."""

    key: LedgerKey
    state: LedgerState
    attempts: int
    claimed_at: datetime
    posted_at: datetime | None
    messages: int | None
    note: str | None

    @property
    def final(self) -> bool:
        """Whether nothing more will happen to this delivery (posted or skipped)."""
        return self.state in _FINAL


class DeliveryLedger:
    """Claims and outcomes of deliveries on the store's Engine; opening it migrates."""

    def __init__(
        self,
        engine: Engine,
        *,
        lease: timedelta = DEFAULT_LEASE,
        max_attempts: int = DEFAULT_ATTEMPTS,
    ) -> None:
        self._engine = engine
        self.lease = lease
        self.max_attempts = max_attempts
        open_schema(engine)

    def claim(self, key: LedgerKey, now: datetime) -> Claim | None:
        """Claim `key` for posting; None when another run holds it or it is done.

        A new key is inserted; an existing one is taken over only when its claim is older than
        the lease, or it failed, and it has been claimed fewer than `max_attempts` times.
        """
        token = uuid4().hex
        with self._writing("claim a delivery") as connection:
            row = {**_columns(key), "state": "claimed", "token": token, "claimed_at": now}
            inserted = connection.execute(_insert_new(connection).values(**row, attempts=1))
            if inserted.first() is not None:
                return Claim(key, token, 1)
            taken = connection.execute(
                update(delivery_ledger)
                .where(_row(key), self._reclaimable(now))
                .where(delivery_ledger.c.attempts < self.max_attempts)
                .values(
                    state="claimed",
                    token=token,
                    claimed_at=now,
                    attempts=delivery_ledger.c.attempts + 1,
                )
                .returning(delivery_ledger.c.attempts)
            ).first()
        return Claim(key, token, int(taken.attempts)) if taken is not None else None

    def posted(
        self, claim: Claim, now: datetime, *, messages: int, note: str | None = None
    ) -> bool:
        """Record that `claim` was posted; False when the claim was taken over meanwhile."""
        return self._finish(claim, state="posted", posted_at=now, messages=messages, note=note)

    def failed(self, claim: Claim, note: str) -> bool:
        """Record that posting `claim` failed (it may be claimed again); False if taken over."""
        return self._finish(claim, state="failed", note=_note(note))

    def give_up(self, key: LedgerKey, now: datetime, note: str) -> bool:
        """Mark `key` skipped unless it is done or held by a live claim; True when this changed it.

        The first call for a missed delivery returns True, every later one False: log on True
        and a missed delivery is logged once.
        """
        with self._writing("record a skipped delivery") as connection:
            row = {**_columns(key), "state": "skipped", "token": "", "claimed_at": now}
            inserted = connection.execute(
                _insert_new(connection).values(**row, attempts=0, note=_note(note))
            )
            if inserted.first() is not None:
                return True
            changed = connection.execute(
                update(delivery_ledger)
                .where(_row(key), self._reclaimable(now))
                .values(state="skipped", note=_note(note))
            )
        return changed.rowcount == 1

    def entry(self, key: LedgerKey) -> LedgerEntry | None:
        """The row of `key`, or None when it was never claimed."""
        with reading(self._engine, "read the deliveries") as connection:
            row = connection.execute(select(delivery_ledger).where(_row(key))).first()
        return _entry(key, row) if row is not None else None

    def _reclaimable(self, now: datetime) -> ColumnElement[bool]:
        """A claim whose run died (older than the lease), or a failed delivery."""
        column = delivery_ledger.c
        expired = and_(column.state == "claimed", column.claimed_at < now - self.lease)
        return or_(expired, column.state == "failed")

    def _finish(self, claim: Claim, **values: object) -> bool:
        with self._writing("record a delivery") as connection:
            changed = connection.execute(
                update(delivery_ledger)
                .where(_row(claim.key), delivery_ledger.c.token == claim.token)
                .where(delivery_ledger.c.state == "claimed")
                .values(**values)
            )
        return changed.rowcount == 1

    def _writing(self, what: str) -> AbstractContextManager[Connection]:
        return writing(self._engine, what)


def _columns(key: LedgerKey) -> dict[str, str]:
    return {
        "kind": key.kind,
        "platform": key.target.platform,
        "channel": key.target.channel,
        "period": key.period,
    }


def _row(key: LedgerKey) -> ColumnElement[bool]:
    return and_(*(delivery_ledger.c[name] == value for name, value in _columns(key).items()))


def _insert_new(connection: Connection) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING: the primary key decides who claimed first,
    and a row comes back only to the one that inserted (rowcount is not reliable for this on
    every driver)."""
    return insert_ignoring(connection, delivery_ledger).returning(delivery_ledger.c.kind)


def _entry(key: LedgerKey, row: Row[tuple[object, ...]]) -> LedgerEntry:
    values = row._mapping
    return LedgerEntry(
        key=key,
        state=cast(LedgerState, values["state"]),
        attempts=int(cast(int, values["attempts"])),
        claimed_at=cast(datetime, values["claimed_at"]),
        posted_at=cast("datetime | None", values["posted_at"]),
        messages=cast("int | None", values["messages"]),
        note=cast("str | None", values["note"]),
    )


def _note(text: str) -> str:
    return text if len(text) <= MAX_NOTE_CHARS else text[: MAX_NOTE_CHARS - 1] + "…"
