"""Digest slots across time zones and DST, the schedule store, and the exactly-once ledger.

Slots are checked against APScheduler's own `CronTrigger`, which is what fires the jobs. The
ledger runs on real SQLite files; the race is between real processes on one file.
"""

from __future__ import annotations

import multiprocessing
from datetime import UTC, date, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine, inspect

from bot.delivery_ledger import DeliveryLedger, LedgerKey
from bot.engine import open_engine
from bot.errors import InputError
from bot.schedules import DigestTime, ScheduleStore, Slot, parse_schedule, slot_words
from bot.source_store import ChannelKey

AMSTERDAM = "Europe/Amsterdam"
CHANNEL = ChannelKey("slack", "C1")
T0 = datetime(2025, 11, 21, 12, 0, tzinfo=UTC)  # a Friday
LEASE = timedelta(minutes=10)


@pytest.fixture
def ledger(engine: Engine) -> DeliveryLedger:
    return DeliveryLedger(engine, lease=LEASE, max_attempts=3)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def key(period: str = "2025-11-21", channel: str = "C1") -> LedgerKey:
    return LedgerKey.digest(ChannelKey("slack", channel), period)


# -- slots -------------------------------------------------------------------------------------


def test_nine_in_amsterdam_is_seven_utc_in_summer_and_eight_in_winter() -> None:
    """09:00 Europe/Amsterdam: 07:00 UTC under summer time (+02:00), 08:00 UTC in winter."""
    nine = DigestTime(9, 0, AMSTERDAM)
    assert nine.slot_on(date(2025, 7, 1)) == Slot(date(2025, 7, 1), utc(2025, 7, 1, 7, 0))
    assert nine.slot_on(date(2025, 1, 15)) == Slot(date(2025, 1, 15), utc(2025, 1, 15, 8, 0))
    assert nine.slot_on(date(2025, 3, 30)).at == utc(2025, 3, 30, 7, 0)  # type: ignore[union-attr]
    assert nine.slot_on(date(2025, 10, 26)).at == utc(2025, 10, 26, 8, 0)  # type: ignore[union-attr]
    assert DigestTime(9, 0).slot_on(date(2025, 7, 1)).at == utc(2025, 7, 1, 9, 0)  # type: ignore[union-attr]


def test_a_time_skipped_by_spring_forward_falls_when_the_cron_trigger_fires() -> None:
    """2025-03-30 02:30 does not exist in Amsterdam: the slot is 01:30 UTC (03:30 summer time)."""
    half_past_two = DigestTime(2, 30, AMSTERDAM)
    slot = half_past_two.slot_on(date(2025, 3, 30))
    assert slot == Slot(date(2025, 3, 30), utc(2025, 3, 30, 1, 30))
    trigger = CronTrigger(hour=2, minute=30, timezone=half_past_two.tz)
    fires = trigger.get_next_fire_time(None, utc(2025, 3, 29, 12, 0))
    assert fires.astimezone(UTC) == slot.at  # compared in UTC: PEP 495 never equates gap times
    assert half_past_two.latest(utc(2025, 3, 30, 1, 29)).day == date(2025, 3, 29)
    assert half_past_two.latest(utc(2025, 3, 30, 1, 30)) == slot


def test_a_time_repeated_by_fall_back_is_one_slot_though_the_trigger_fires_twice() -> None:
    """2025-10-26 02:30 happens twice in Amsterdam: one slot (the first), one period key."""
    half_past_two = DigestTime(2, 30, AMSTERDAM)
    slot = half_past_two.slot_on(date(2025, 10, 26))
    assert slot == Slot(date(2025, 10, 26), utc(2025, 10, 26, 0, 30))
    trigger = CronTrigger(hour=2, minute=30, timezone=half_past_two.tz)
    first = trigger.get_next_fire_time(None, utc(2025, 10, 25, 12, 0))
    second = trigger.get_next_fire_time(first, first).astimezone(UTC)
    assert (first.astimezone(UTC), second) == (utc(2025, 10, 26, 0, 30), utc(2025, 10, 26, 1, 30))
    assert half_past_two.latest(second) == slot  # the second firing finds the same slot
    assert half_past_two.following(slot.at).day == date(2025, 10, 27)


def test_slots_follow_the_cron_trigger_through_a_whole_year() -> None:
    """Every local day of 2025 (both DST changes included) has the slot the trigger fires at."""
    when = DigestTime(2, 30, AMSTERDAM)
    trigger = CronTrigger(hour=2, minute=30, timezone=when.tz)
    fired: dict[date, datetime] = {}
    moment = trigger.get_next_fire_time(None, utc(2025, 1, 1, 0, 0))
    while moment.year == 2025:
        fired.setdefault(moment.astimezone(when.tz).date(), moment.astimezone(UTC))
        moment = trigger.get_next_fire_time(moment, moment)
    slots = {}
    slot = when.following(utc(2025, 1, 1, 0, 0))
    while slot.day.year == 2025:
        slots[slot.day] = slot.at
        slot = when.following(slot.at)
    assert len(slots) == 365
    assert slots == fired


def test_weekdays_only_skips_the_weekend() -> None:
    """A weekdays-only schedule has no Saturday slot; Monday's digest covers since Friday."""
    when = DigestTime(9, 0, AMSTERDAM, weekdays_only=True)
    assert when.slot_on(date(2025, 11, 22)) is None  # Saturday
    friday = when.latest(utc(2025, 11, 22, 12, 0))
    assert friday.day == date(2025, 11, 21)
    monday = when.following(friday.at)
    assert monday.day == date(2025, 11, 24)
    assert when.before(monday) == friday
    trigger = CronTrigger(hour=9, minute=0, day_of_week="mon-fri", timezone=when.tz)
    fires = trigger.get_next_fire_time(None, friday.at + timedelta(seconds=1))
    assert fires.astimezone(UTC) == monday.at


def test_a_slot_reads_in_its_local_time() -> None:
    """The reply names the next slot in the schedule's own zone."""
    when = DigestTime(9, 0, AMSTERDAM)
    assert slot_words(when.following(T0), when.tz) == "Sat 22 Nov 09:00"


# -- the command's words ----------------------------------------------------------------------


def test_a_schedule_reads_a_time_an_optional_zone_and_weekdays() -> None:
    """Zone and "weekdays" are optional and in any order; zones match without regard to case."""
    assert parse_schedule("09:00 Europe/Amsterdam").time == DigestTime(9, 0, AMSTERDAM)
    assert parse_schedule("7:05 weekdays europe/amsterdam").time == DigestTime(
        7, 5, AMSTERDAM, weekdays_only=True
    )
    plain = parse_schedule("23:59")
    assert plain.time == DigestTime(23, 59, "UTC")
    assert not plain.zone_given


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("25:00", "'25:00' is not a time"),
        ("9am Europe/Amsterdam", "24-hour clock"),
        ("09:60", "is not a time"),
        ("09:00 Mars/Olympus", "'Mars/Olympus' is not a time zone"),
        ("09:00 Europe", "such as Europe/Amsterdam"),
        ("09:00 UTC Europe/Amsterdam", "Give one time zone"),
        ("", "Give a time"),
    ],
)
def test_a_wrong_time_or_zone_is_one_sentence_with_an_example(text: str, fragment: str) -> None:
    """Each mistake names the word and shows a working command."""
    with pytest.raises(InputError) as raised:
        parse_schedule(text)
    message = str(raised.value)
    assert fragment in message
    assert "/news schedule 09:00 Europe/Amsterdam" in message


# -- the schedule store ------------------------------------------------------------------------


def test_migration_9_creates_the_schedule_and_ledger_tables(engine: Engine) -> None:
    """Opening the schedule store migrates the store to the schedule tables."""
    ScheduleStore(engine)
    assert {"digest_schedules", "delivery_ledger"} <= set(inspect(engine).get_table_names())


def test_a_channel_has_one_schedule_that_can_be_replaced_and_stopped(engine: Engine) -> None:
    """Setting again replaces; off keeps the row but inactive; another channel is separate."""
    store = ScheduleStore(engine)
    store.set(CHANNEL, DigestTime(9, 0, AMSTERDAM), set_by="slack:U1", now=T0)
    later = T0 + timedelta(hours=1)
    store.set(CHANNEL, DigestTime(7, 30, "UTC", True), set_by="slack:U2", now=later)
    store.set(ChannelKey("discord", "C1"), DigestTime(8, 0), set_by="discord:U3", now=T0)
    current = store.get(CHANNEL)
    assert current is not None
    assert (current.time, current.set_by, current.updated_at) == (
        DigestTime(7, 30, "UTC", True),
        "slack:U2",
        later,
    )
    assert [s.target.platform for s in store.active()] == ["discord", "slack"]
    stopped = store.turn_off(CHANNEL, later)
    assert stopped is not None
    assert stopped.time == DigestTime(7, 30, "UTC", True)
    assert store.turn_off(CHANNEL, later) is None
    assert store.get(CHANNEL) is not None
    assert not store.get(CHANNEL).active  # type: ignore[union-attr]
    assert [s.target.platform for s in store.active()] == ["discord"]
    assert store.get(ChannelKey("slack", "C404")) is None


# -- the ledger --------------------------------------------------------------------------------


def test_a_second_claim_is_refused_and_a_posted_row_stays_posted(ledger: DeliveryLedger) -> None:
    """The first claim wins; after posting nobody can claim again, not even after the lease."""
    claim = ledger.claim(key(), T0)
    assert claim is not None
    assert claim.attempt == 1
    assert ledger.claim(key(), T0) is None
    assert ledger.claim(key(channel="C2"), T0) is not None  # another channel, its own row
    assert ledger.posted(claim, T0 + timedelta(seconds=5), messages=2)
    entry = ledger.entry(key())
    assert entry is not None
    assert (entry.state, entry.final, entry.messages) == ("posted", True, 2)
    assert entry.posted_at == T0 + timedelta(seconds=5)
    assert ledger.claim(key(), T0 + timedelta(days=1)) is None


def test_a_claim_that_was_never_posted_is_taken_over_only_after_the_lease(
    ledger: DeliveryLedger,
) -> None:
    """A run that died after claiming: refused within the lease, re-claimed once after it."""
    dead = ledger.claim(key(), T0)
    assert dead is not None
    assert ledger.claim(key(), T0 + LEASE - timedelta(seconds=1)) is None
    retry = ledger.claim(key(), T0 + LEASE + timedelta(seconds=1))
    assert retry is not None
    assert retry.attempt == 2
    assert ledger.claim(key(), T0 + LEASE + timedelta(seconds=2)) is None
    assert not ledger.posted(dead, T0 + LEASE, messages=1)  # the dead run's token lost the row
    assert ledger.posted(retry, T0 + LEASE + timedelta(seconds=3), messages=1)


def test_a_failed_post_may_be_claimed_again_up_to_the_attempts(ledger: DeliveryLedger) -> None:
    """A refused post releases the claim at once; the third failure is the last attempt."""
    for attempt in (1, 2, 3):
        claim = ledger.claim(key(), T0)
        assert claim is not None
        assert claim.attempt == attempt
        assert ledger.failed(claim, "Slack refused the post.")
    assert ledger.claim(key(), T0 + timedelta(days=1)) is None
    entry = ledger.entry(key())
    assert entry is not None
    assert (entry.state, entry.attempts, entry.note) == ("failed", 3, "Slack refused the post.")


def test_giving_up_is_recorded_once_and_never_over_a_live_claim(ledger: DeliveryLedger) -> None:
    """A missed slot is marked skipped once; a live claim is left alone, a dead one is not."""
    assert ledger.give_up(key("2025-11-20"), T0, "missed")
    assert not ledger.give_up(key("2025-11-20"), T0, "missed")
    assert ledger.claim(key("2025-11-20"), T0) is None
    assert ledger.claim(key(), T0) is not None
    assert not ledger.give_up(key(), T0 + timedelta(minutes=1), "missed")
    assert ledger.give_up(key(), T0 + LEASE + timedelta(minutes=1), "missed")
    entry = ledger.entry(key())
    assert entry is not None
    assert (entry.state, entry.final, entry.note) == ("skipped", True, "missed")


def claim_in_process(url: str, start: multiprocessing.synchronize.Barrier) -> bool:
    """One process's attempt at the same ledger row (run by the race test in a child)."""
    engine = open_engine(url)
    try:
        ledger = DeliveryLedger(engine)
        start.wait(timeout=30)
        return ledger.claim(key(), T0) is not None
    finally:
        engine.dispose()


def _race_child(
    path: str, start: multiprocessing.synchronize.Barrier, results: multiprocessing.Queue[bool]
) -> None:
    results.put(claim_in_process(path, start))


def test_processes_racing_for_one_ledger_row_have_exactly_one_winner(store_url: str) -> None:
    """Three processes claim the same row of one store (a SQLite file, a PostgreSQL database)
    at once: exactly one succeeds."""
    DeliveryLedger(open_engine(store_url)).entry(key())  # migrated before the race
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(3)
    results: multiprocessing.Queue[bool] = context.Queue()
    children = [
        context.Process(target=_race_child, args=(store_url, start, results)) for _ in range(3)
    ]
    for child in children:
        child.start()
    outcomes = [results.get(timeout=60) for _ in children]
    for child in children:
        child.join(timeout=30)
        assert child.exitcode == 0
    assert sorted(outcomes) == [False, False, True]
