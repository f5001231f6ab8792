"""`newsbot health`: is this deployment working? One look at the store, the feeds, the deliveries
and the leader, for a person or a container's health check.

`status` is "ok", "degraded" (it works, but something needs a look: failing sources, deliveries
stuck or given up, no instance running the digests while schedules are on) or "down" (the store
cannot be read). Contract: `check_health` never raises for a store it cannot reach; it says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import ColumnElement, Connection, Engine, Table, and_, func, inspect, or_, select

from bot.engine import reading
from bot.errors import StoreError
from bot.leader import Leadership
from bot.migrations import MIGRATIONS, schema_version
from bot.schema import articles, delivery_ledger, digest_schedules, sources

Status = Literal["ok", "degraded", "down"]
LATEST_SCHEMA = max(migration.version for migration in MIGRATIONS)
EMPTY = "the store holds no newsbot data yet; run `newsbot serve` or `newsbot ingest` on it first"
RECENT = timedelta(days=1)  # failed or skipped deliveries older than this no longer count


@dataclass(frozen=True, slots=True)
class Health:
    """What `check_health` found; `problems` are the sentences behind a status other than ok."""

    status: Status
    database: str
    schema: int = 0
    articles: int = 0
    sources: int = 0
    failing_sources: int = 0
    overdue_sources: int = 0
    schedules: int = 0
    stuck_deliveries: int = 0
    failed_deliveries: int = 0
    leader: bool | None = None
    problems: tuple[str, ...] = field(default=())


def check_health(
    engine: Engine,
    now: datetime,
    *,
    failure_threshold: int,
    lease: timedelta,
    overdue_after: timedelta = timedelta(hours=1),
) -> Health:
    """Read the store's state at `now` (nothing is changed, nothing is migrated)."""
    database = engine.dialect.name
    try:
        with reading(engine, "be read") as connection:
            if not inspect(connection).has_table("schema_migrations"):
                return Health("down", database, problems=(EMPTY,))
            schema = schema_version(connection)
            counted = _counts(connection, now, failure_threshold, lease, overdue_after)
    except StoreError as error:
        return Health("down", database, problems=(str(error),))
    leader = Leadership(engine).anyone_leads()
    health = Health("ok", database, schema, *counted, leader=leader)
    problems = _problems(health)
    return Health(
        "degraded" if problems else "ok", database, schema, *counted, leader, tuple(problems)
    )


def _counts(
    connection: Connection, now: datetime, threshold: int, lease: timedelta, overdue: timedelta
) -> tuple[int, int, int, int, int, int, int]:
    def count(table: Table, *where: ColumnElement[bool]) -> int:
        query = select(func.count()).select_from(table).where(*where)
        return int(connection.execute(query).scalar_one())

    active = sources.c.active.is_(True)
    ledger = delivery_ledger.c
    stuck = and_(ledger.state == "claimed", ledger.claimed_at < now - lease)
    recent = ledger.claimed_at >= now - RECENT
    gave_up = and_(or_(ledger.state == "failed", ledger.state == "skipped"), recent)
    return (
        count(articles),
        count(sources, active),
        count(sources, active, sources.c.consecutive_failures >= threshold),
        count(sources, active, sources.c.next_poll_at < now - overdue),
        count(digest_schedules, digest_schedules.c.active.is_(True)),
        count(delivery_ledger, stuck),
        count(delivery_ledger, gave_up),
    )


def _problems(health: Health) -> list[str]:
    problems = []
    if health.schema < LATEST_SCHEMA:
        problems.append(
            f"the store is at schema {health.schema} of {LATEST_SCHEMA}; start newsbot to upgrade"
        )
    if health.failing_sources:
        problems.append(
            f"{health.failing_sources} sources keep failing; see `newsbot sources list`"
        )
    if health.overdue_sources:
        problems.append(
            f"{health.overdue_sources} sources are overdue by more than an hour; "
            "is `newsbot serve` running?"
        )
    if health.stuck_deliveries:
        problems.append(
            f"{health.stuck_deliveries} deliveries were claimed and never finished "
            "(an instance died); they are retried by the leading instance"
        )
    if health.failed_deliveries:
        problems.append(
            f"{health.failed_deliveries} deliveries failed or were skipped in the last day; "
            "see the serve logs"
        )
    if health.schedules and health.leader is False:
        problems.append(
            f"{health.schedules} digests are scheduled but no `newsbot serve` instance runs them"
        )
    return problems
