"""Scheduled digests: when each channel wants its digest, and the slots that follows from it.

A channel's `DigestTime` is a local time of day in an IANA time zone, every day or on weekdays
only. Each local date has at most one slot, so a slot's period key is that date: the digest of
2025-10-26 is one delivery even though 02:30 happens twice in Amsterdam that night. A local time
that does not exist (02:30 on a spring-forward day) falls on the same instant as the offset
before the change gives (01:30 UTC, 03:30 summer time), which is also when APScheduler's
`CronTrigger` fires; a repeated one (fall back) is its first occurrence.

`ScheduleStore` keeps one row per channel (SQLAlchemy Core on the store's engine); `off` keeps
the row, inactive. Every store method raises `StoreError` when the database cannot be used.
`answer_schedule` is the `/news schedule` command: it only writes the store; the running
scheduler (bot.scheduler) reads it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import cast
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import ColumnElement, Connection, Engine, Insert, Row, and_, select, update

from bot.delivery_ledger import DeliveryLedger, LedgerKey
from bot.engine import dialect_insert, reading, writing
from bot.errors import InputError, echoed
from bot.migrations import open_schema
from bot.schema import digest_schedules
from bot.source_store import ChannelKey

DEFAULT_ZONE = "UTC"
EXAMPLE = "/news schedule 09:00 Europe/Amsterdam"
WEEKDAY_WORDS = frozenset({"weekdays", "weekday", "mon-fri"})
_CLOCK_TIME = re.compile(r"(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})")
_SEARCH_DAYS = 8  # any weekly pattern has a slot within this many days


@dataclass(frozen=True, slots=True, order=True)
class Slot:
    """One scheduled digest: its local date (the period key) and the instant it is due, in UTC."""

    day: date
    at: datetime

    @property
    def period(self) -> str:
        """The ledger's period key: the local date, such as "2025-11-25"."""
        return self.day.isoformat()


@dataclass(frozen=True, slots=True)
class DigestTime:
    """A local time of day in an IANA zone, every day or Monday to Friday only."""

    hour: int
    minute: int
    zone: str = DEFAULT_ZONE
    weekdays_only: bool = False

    @property
    def tz(self) -> ZoneInfo:
        """The time zone."""
        return ZoneInfo(self.zone)

    def describe(self) -> str:
        """Such as "09:00 Europe/Amsterdam (weekdays)"."""
        days = " (weekdays)" if self.weekdays_only else ""
        return f"{self.hour:02d}:{self.minute:02d} {self.zone}{days}"

    def slot_on(self, day: date) -> Slot | None:
        """The slot of local date `day`, or None when the schedule skips that day."""
        if self.weekdays_only and day.weekday() >= 5:
            return None
        local = datetime.combine(day, time(self.hour, self.minute), tzinfo=self.tz)
        return Slot(day, local.astimezone(UTC))

    def latest(self, now: datetime) -> Slot:
        """The most recent slot due at or before `now`."""
        today = now.astimezone(self.tz).date()
        for back in range(_SEARCH_DAYS):
            slot = self.slot_on(today - timedelta(days=back))
            if slot is not None and slot.at <= now:
                return slot
        raise AssertionError("every weekly schedule has a slot within a week")

    def following(self, moment: datetime) -> Slot:
        """The first slot due strictly after `moment`."""
        today = moment.astimezone(self.tz).date()
        for ahead in range(_SEARCH_DAYS):
            slot = self.slot_on(today + timedelta(days=ahead))
            if slot is not None and slot.at > moment:
                return slot
        raise AssertionError("every weekly schedule has a slot within a week")

    def before(self, slot: Slot) -> Slot:
        """The slot before `slot`."""
        return self.latest(slot.at - timedelta(microseconds=1))


@dataclass(frozen=True, slots=True)
class Schedule:
    """A channel's digest schedule as stored; `updated_at` is when it was last set or stopped."""

    target: ChannelKey
    time: DigestTime
    active: bool
    set_by: str
    updated_at: datetime

    def owes(self, slot: Slot) -> bool:
        """Whether this schedule must post `slot`: it is on and the slot came after it was set."""
        return self.active and slot.at >= self.updated_at


@dataclass(frozen=True, slots=True)
class ScheduleRequest:
    """What `/news schedule <HH:MM> [zone] [weekdays]` asked for; `zone_given` False means UTC."""

    time: DigestTime
    zone_given: bool


def parse_schedule(text: str) -> ScheduleRequest:
    """Read "09:00 Europe/Amsterdam weekdays" (zone and "weekdays" optional, in any order).

    Raises `InputError` with one sentence and an example when the time or the zone is wrong.
    """
    words = text.split()
    if not words:
        raise InputError(f"Give a time such as 09:00, for example {EXAMPLE}")
    hour, minute = parse_clock_time(words[0])
    weekdays = False
    zones: list[str] = []
    for word in words[1:]:
        if word.lower() in WEEKDAY_WORDS:
            weekdays = True
        else:
            zones.append(find_zone(word))
    if len(zones) > 1:
        raise InputError(f"Give one time zone, for example {EXAMPLE}")
    zone = zones[0] if zones else DEFAULT_ZONE
    return ScheduleRequest(DigestTime(hour, minute, zone, weekdays), zone_given=bool(zones))


def parse_clock_time(word: str) -> tuple[int, int]:
    """Hours and minutes of "09:00" or "9:00" on a 24-hour clock; `InputError` otherwise."""
    match = _CLOCK_TIME.fullmatch(word)
    if match is None or int(match["hour"]) > 23 or int(match["minute"]) > 59:
        raise InputError(
            f"{echoed(word)!r} is not a time; give hours and minutes on a 24-hour clock, "
            f"for example {EXAMPLE}"
        )
    return int(match["hour"]), int(match["minute"])


def find_zone(name: str) -> str:
    """The IANA name of zone `name`, matched without regard to case; `InputError` if unknown."""
    zone = _zones().get(name.lower())
    if zone is None:
        raise InputError(
            f"{echoed(name)!r} is not a time zone I know; use an IANA name such as "
            f"Europe/Amsterdam or America/New_York, for example {EXAMPLE}"
        )
    return zone


@cache
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def slot_words(slot: Slot, zone: ZoneInfo) -> str:
    """A slot in its local time, such as "Mon 25 Nov 09:00"."""
    local = slot.at.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def upcoming(
    schedule: Schedule, now: datetime, done: Callable[[Slot], bool], *, limit: int = 3
) -> Slot:
    """The next slot after `now` that is not `done` already (a digest posted earlier today)."""
    slot = schedule.time.following(now)
    for _ in range(limit):
        if not done(slot):
            return slot
        slot = schedule.time.following(slot.at)
    return slot


def answer_schedule(
    engine: Engine, target: ChannelKey, args: str, *, set_by: str, now: datetime
) -> str:
    """The reply to `/news schedule [args]` in `target`: set, stop (`off`) or show the schedule.

    Raises `InputError` (one sentence with an example) for a wrong time, zone or word.
    """
    store = ScheduleStore(engine)
    words = args.split()
    if not words:
        return _current(store.get(target), DeliveryLedger(engine), now)
    if words[0].lower() == "off":
        if len(words) > 1:
            raise InputError("Use /news schedule off on its own to stop the scheduled digest")
        stopped = store.turn_off(target, now)
        if stopped is None:
            return "No digest was scheduled here, so there was nothing to stop."
        return f"The daily digest at {stopped.time.describe()} is off; {EXAMPLE} sets it again."
    wanted = parse_schedule(args)
    schedule = store.set(target, wanted.time, set_by=set_by, now=now)
    return schedule_sentence(schedule, DeliveryLedger(engine), now, zone_given=wanted.zone_given)


def schedule_sentence(
    schedule: Schedule, ledger: DeliveryLedger, now: datetime, *, zone_given: bool = True
) -> str:
    """ "Daily digest at 09:00 Europe/Amsterdam (weekdays), next on Mon 25 Nov 09:00." """
    when = schedule.time
    default = (
        "" if zone_given else " (no time zone given, so UTC; add one such as Europe/Amsterdam)"
    )
    next_slot = upcoming(schedule, now, lambda slot: _delivered(ledger, schedule.target, slot))
    return f"Daily digest at {when.describe()}{default}, next on {slot_words(next_slot, when.tz)}."


def _current(schedule: Schedule | None, ledger: DeliveryLedger, now: datetime) -> str:
    if schedule is None:
        return f"No digest is scheduled here; set one with {EXAMPLE}."
    if not schedule.active:
        return (
            f"No digest is scheduled here (the one at {schedule.time.describe()} was stopped); "
            f"set one with {EXAMPLE}."
        )
    return schedule_sentence(schedule, ledger, now)


def _delivered(ledger: DeliveryLedger, target: ChannelKey, slot: Slot) -> bool:
    entry = ledger.entry(LedgerKey.digest(target, slot.period))
    return entry is not None and entry.final


class ScheduleStore:
    """The digest schedule of each channel, on the store's Engine; opening it migrates."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        open_schema(engine)

    def set(self, target: ChannelKey, when: DigestTime, *, set_by: str, now: datetime) -> Schedule:
        """Schedule the digest of `target` at `when` (replacing any schedule) and return it."""
        schedule = Schedule(target, when, active=True, set_by=set_by, updated_at=now)
        with self._writing("save the schedule") as connection:
            connection.execute(_upsert(connection, _row(schedule)))
        return schedule

    def turn_off(self, target: ChannelKey, now: datetime) -> Schedule | None:
        """Stop the digest of `target`; the schedule that was on, or None when none was."""
        with self._writing("stop the schedule") as connection:
            row = connection.execute(select(digest_schedules).where(_key(target))).first()
            if row is None or not row.active:
                return None
            connection.execute(
                update(digest_schedules).where(_key(target)).values(active=False, updated_at=now)
            )
        return _schedule(row)

    def get(self, target: ChannelKey) -> Schedule | None:
        """The schedule of `target` (on or off), or None when it never had one."""
        with self._reading() as connection:
            row = connection.execute(select(digest_schedules).where(_key(target))).first()
        return _schedule(row) if row is not None else None

    def active(self) -> tuple[Schedule, ...]:
        """Every schedule that is on, by platform and channel."""
        query = (
            select(digest_schedules)
            .where(digest_schedules.c.active)
            .order_by(digest_schedules.c.platform, digest_schedules.c.channel)
        )
        with self._reading() as connection:
            return tuple(_schedule(row) for row in connection.execute(query))

    def _reading(self) -> AbstractContextManager[Connection]:
        return reading(self._engine, "read the schedules")

    def _writing(self, what: str) -> AbstractContextManager[Connection]:
        return writing(self._engine, what)


def _key(target: ChannelKey) -> ColumnElement[bool]:
    return and_(
        digest_schedules.c.platform == target.platform,
        digest_schedules.c.channel == target.channel,
    )


def _row(schedule: Schedule) -> dict[str, object]:
    when = schedule.time
    return {
        "platform": schedule.target.platform,
        "channel": schedule.target.channel,
        "hour": when.hour,
        "minute": when.minute,
        "zone": when.zone,
        "weekdays_only": when.weekdays_only,
        "active": schedule.active,
        "set_by": schedule.set_by,
        "updated_at": schedule.updated_at,
    }


def _upsert(connection: Connection, row: dict[str, object]) -> Insert:
    """INSERT ... ON CONFLICT (platform, channel) DO UPDATE on SQLite and PostgreSQL."""
    keys = ("platform", "channel")
    changes = {name: value for name, value in row.items() if name not in keys}
    insert = dialect_insert(connection, digest_schedules).values(row)
    return insert.on_conflict_do_update(index_elements=keys, set_=changes)


def _schedule(row: Row[tuple[object, ...]]) -> Schedule:
    values = row._mapping
    when = DigestTime(
        hour=int(cast(int, values["hour"])),
        minute=int(cast(int, values["minute"])),
        zone=str(values["zone"]),
        weekdays_only=bool(values["weekdays_only"]),
    )
    return Schedule(
        target=ChannelKey(str(values["platform"]), str(values["channel"])),
        time=when,
        active=bool(values["active"]),
        set_by=str(values["set_by"]),
        updated_at=cast(datetime, values["updated_at"]),
    )
