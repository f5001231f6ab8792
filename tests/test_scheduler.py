"""Scheduled digests end to end on real SQLite stores holding seed articles, with a clock the
tests move: exactly once across restarts, crashes, races and DST, late within grace, the
`schedule` command through the router, and the real AsyncIOScheduler for a moment.

Posting goes to a recording chat (the `post` seam that `Deliveries.deliver` fills in serve).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App, open_app
from bot.chat import Invocation, Item, Message, Text, Title
from bot.clock import utc_now
from bot.commands import CommandRouter, split_command
from bot.config import load_config
from bot.delivery import DeliveryError
from bot.delivery_ledger import DeliveryLedger, LedgerKey
from bot.digest import build_digest
from bot.digest_history import DigestHistory
from bot.models import SourceText
from bot.period import parse_period
from bot.scheduler import DigestRun, DigestScheduler, ScheduledDigests, slot_period
from bot.schedules import DigestTime, ScheduleStore, Slot
from bot.source_store import ChannelKey
from summarizer.embeddings import MultilingualEmbedder
from tests.conftest import MovableClock

AMSTERDAM = "Europe/Amsterdam"
CHANNEL = ChannelKey("slack", "C1")
NINE = DigestTime(9, 0, AMSTERDAM)
SET_AT = datetime(2025, 11, 20, 12, 0, tzinfo=UTC)  # Thursday
FRIDAY = NINE.following(SET_AT)  # Fri 21 Nov 09:00 CET = 08:00 UTC


@dataclass
class RecordingChat:
    """A fake chat: records each post; refuses the next `refuse` posts like a platform would."""

    posts: list[tuple[ChannelKey, Message]] = field(default_factory=list)
    refuse: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def __call__(self, target: ChannelKey, message: Message) -> int:
        with self.lock:
            if self.refuse:
                self.refuse -= 1
                raise DeliveryError(f"Posting to slack channel {target.channel} failed (HTTP 503).")
            self.posts.append((target, message))
        return 1


@pytest.fixture(scope="module")
def embedder() -> MultilingualEmbedder:
    return MultilingualEmbedder()


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(SET_AT)


@pytest.fixture
def db(store_url: str) -> str:
    """The test's store, SQLite and PostgreSQL (the conftest `store_url`)."""
    return store_url


@pytest.fixture
def opener(
    tmp_path: Path, db: str, clock: MovableClock, embedder: MultilingualEmbedder
) -> Callable[[], Iterator[App]]:
    """Opens a core on the test's store, as each new process (or restart) would."""
    config = load_config(None, {"HOME": str(tmp_path)})

    def open_core() -> Iterator[App]:
        with open_app(config, clock=clock, store_url=db, embedder=embedder) as app:
            yield app

    return open_core


@pytest.fixture
def core(opener: Callable[[], Iterator[App]]) -> Iterator[App]:
    yield from opener()


@pytest.fixture
def chat() -> RecordingChat:
    return RecordingChat()


def ingest(core: App, seeds_dir: Path, *prefixes: str) -> None:
    for prefix in prefixes:
        path = next(seeds_dir.glob(f"{prefix}_*.txt"))
        source = SourceText(path.name, path.read_text(encoding="utf-8"))
        assert core.ingestor.ingest_source(source).status == "new"


def schedule(core: App, when: DigestTime = NINE, *, at: datetime = SET_AT) -> None:
    ScheduleStore(core.engine).set(CHANNEL, when, set_by="slack:U1", now=at)


def run_due(core: App, chat: RecordingChat) -> DigestRun:
    (run,) = asyncio.run(ScheduledDigests(core, chat).run_all_due())
    return run


def entry_of(core: App, slot: Slot) -> tuple[str, int, str | None]:
    entry = DeliveryLedger(core.engine).entry(LedgerKey.digest(CHANNEL, slot.period))
    assert entry is not None
    return entry.state, entry.attempts, entry.note


def title_of(message: Message) -> str:
    titles = [block.text for block in message.blocks if isinstance(block, Title)]
    assert len(titles) == 1
    return titles[0]


def ready(core: App, clock: MovableClock, seeds_dir: Path, when: DigestTime = NINE) -> Slot:
    """A schedule set on Thursday, two articles that evening; the clock just after the slot."""
    schedule(core, when)
    clock.now = SET_AT + timedelta(hours=6)
    ingest(core, seeds_dir, "000", "004")
    slot = when.following(SET_AT)
    clock.now = slot.at + timedelta(seconds=1)
    return slot


# -- exactly once ------------------------------------------------------------------------------


def test_a_due_digest_is_posted_once_with_the_news_since_the_previous_slot(
    core: App, clock: MovableClock, chat: RecordingChat, seeds_dir: Path
) -> None:
    """The slot's digest is posted publicly, recorded, remembered; running again posts nothing."""
    slot = ready(core, clock, seeds_dir)
    run = run_due(core, chat)
    assert (run.outcome, run.slot, run.messages) == ("posted", slot, 1)
    ((target, message),) = chat.posts
    assert target == CHANNEL
    assert not message.ephemeral
    assert title_of(message) == "News digest · last 24h"
    stories = [block for block in message.blocks if isinstance(block, Item)]
    assert len(stories) == 2
    assert entry_of(core, slot)[:2] == ("posted", 1)
    assert run_due(core, chat).outcome == "done"
    assert len(chat.posts) == 1
    week = build_digest(core.store, parse_period("7d", clock()), core.merging)
    said = DigestHistory(core.engine, "slack:C1").said([story.id for story in week.stories])
    assert len(said) == 2


def test_a_slot_without_news_is_recorded_without_posting(
    core: App, clock: MovableClock, chat: RecordingChat
) -> None:
    """No stories since the previous slot: nothing is sent, the ledger says "nothing new"."""
    schedule(core)
    clock.now = FRIDAY.at + timedelta(minutes=1)
    assert run_due(core, chat).outcome == "nothing new"
    assert chat.posts == []
    assert entry_of(core, FRIDAY) == ("posted", 1, "nothing new")
    assert run_due(core, chat).outcome == "done"


def test_a_restart_does_not_post_the_slot_again(
    opener: Callable[[], Iterator[App]],
    clock: MovableClock,
    chat: RecordingChat,
    seeds_dir: Path,
) -> None:
    """Run the slot, stop, start new scheduler objects on the same SQLite file: no second post."""
    for core in opener():
        ready(core, clock, seeds_dir)
        assert _start_and_stop(core, chat) == ("posted",)
    clock.now += timedelta(minutes=30)
    for core in opener():
        assert _start_and_stop(core, chat) == ("done",)
    assert len(chat.posts) == 1


def _start_and_stop(core: App, chat: RecordingChat) -> tuple[str, ...]:
    async def scenario() -> tuple[str, ...]:
        scheduler = DigestScheduler(core, chat)
        runs = await scheduler.start()
        assert scheduler.next_run(CHANNEL) is not None
        await scheduler.shutdown()
        return tuple(run.outcome for run in runs)

    return asyncio.run(scenario())


def test_a_shutdown_lets_the_digest_being_posted_finish(
    core: App, clock: MovableClock, seeds_dir: Path
) -> None:
    """Shutdown comes while a digest is being posted (a slow platform): the post completes and
    is recorded as posted; a second channel's digest, not started yet, is left for the next
    start (its slot stays unclaimed)."""
    slot = ready(core, clock, seeds_dir)
    other = ChannelKey("slack", "C0OTHER")
    ScheduleStore(core.engine).set(other, NINE, set_by="U1", now=SET_AT)
    posting = threading.Event()
    posts: list[ChannelKey] = []

    async def slow_post(target: ChannelKey, message: Message) -> int:
        posting.set()
        await asyncio.sleep(0.5)
        posts.append(target)
        return 1

    async def scenario() -> None:
        scheduler = DigestScheduler(core, slow_post)
        starting = asyncio.create_task(scheduler.start())
        while not posting.is_set():
            await asyncio.sleep(0.01)
        await scheduler.shutdown()
        await starting

    asyncio.run(scenario())
    assert len(posts) == 1
    done = DeliveryLedger(core.engine).entry(LedgerKey.digest(posts[0], slot.period))
    assert done is not None
    assert done.state == "posted"
    left = CHANNEL if posts[0] == other else other
    assert DeliveryLedger(core.engine).entry(LedgerKey.digest(left, slot.period)) is None


def test_a_run_killed_between_claim_and_post_is_retried_once_after_the_lease(
    core: App, clock: MovableClock, chat: RecordingChat, seeds_dir: Path
) -> None:
    """A claim left behind by a dead run: refused within the lease, then posted exactly once."""
    slot = ready(core, clock, seeds_dir)
    killed = DeliveryLedger(core.engine).claim(LedgerKey.digest(CHANNEL, slot.period), clock())
    assert killed is not None  # ... and the process died before posting
    clock.now += timedelta(minutes=5)
    assert run_due(core, chat).outcome == "busy"
    assert chat.posts == []
    clock.now += timedelta(minutes=6)
    assert run_due(core, chat).outcome == "posted"
    assert run_due(core, chat).outcome == "done"
    assert len(chat.posts) == 1
    assert entry_of(core, slot)[:2] == ("posted", 2)


def test_threads_racing_for_one_slot_post_exactly_once(
    opener: Callable[[], Iterator[App]],
    core: App,
    clock: MovableClock,
    chat: RecordingChat,
    seeds_dir: Path,
) -> None:
    """Three workers, each with its own engine on one SQLite file, run the same slot at once."""
    ready(core, clock, seeds_dir)
    start = threading.Barrier(3)
    outcomes: list[str] = []

    def worker() -> None:
        for own in opener():
            digests = ScheduledDigests(own, chat)
            start.wait(timeout=30)
            outcomes.extend(run.outcome for run in asyncio.run(digests.run_all_due()))

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes)[-1] == "posted"
    assert outcomes.count("posted") == 1
    assert set(outcomes) <= {"posted", "busy", "done"}
    assert len(chat.posts) == 1


def test_a_refused_post_is_retried_by_the_next_run(
    core: App, clock: MovableClock, chat: RecordingChat, seeds_dir: Path
) -> None:
    """The platform refuses once: the claim is released with the reason; the retry posts."""
    slot = ready(core, clock, seeds_dir)
    chat.refuse = 1
    assert run_due(core, chat).outcome == "failed"
    state, attempts, note = entry_of(core, slot)
    assert (state, attempts) == ("failed", 1)
    assert note is not None
    assert "HTTP 503" in note
    clock.now += timedelta(minutes=1)
    assert run_due(core, chat).outcome == "posted"
    assert len(chat.posts) == 1


# -- downtime and grace ------------------------------------------------------------------------


def test_a_digest_missed_while_down_is_posted_late_once_within_grace(
    core: App, clock: MovableClock, chat: RecordingChat, seeds_dir: Path
) -> None:
    """Down for days and back 2 hours after a slot: start-up posts that slot once, no others."""
    schedule(core, at=SET_AT - timedelta(days=3))
    clock.now = SET_AT + timedelta(hours=6)
    ingest(core, seeds_dir, "000")
    clock.now = FRIDAY.at + timedelta(hours=2)
    runs = asyncio.run(_start_then_shutdown(core, chat))
    assert [(run.outcome, run.slot) for run in runs] == [("posted", FRIDAY)]
    assert len(chat.posts) == 1
    thursday = NINE.before(FRIDAY)
    assert DeliveryLedger(core.engine).entry(LedgerKey.digest(CHANNEL, thursday.period)) is None


async def _start_then_shutdown(core: App, chat: RecordingChat) -> tuple[DigestRun, ...]:
    scheduler = DigestScheduler(core, chat, grace=timedelta(hours=3))
    try:
        return await scheduler.start()
    finally:
        await scheduler.shutdown()


def test_a_digest_missed_beyond_grace_is_skipped_and_logged_once(
    core: App,
    clock: MovableClock,
    chat: RecordingChat,
    seeds_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Back 4 hours after the slot (grace 3 hours): nothing is posted, one warning, one record."""
    slot = ready(core, clock, seeds_dir)
    clock.now = slot.at + timedelta(hours=4)
    with caplog.at_level(logging.WARNING, logger="bot.scheduler"):
        assert run_due(core, chat).outcome == "missed"
        assert run_due(core, chat).outcome == "done"
    skipped = [r for r in caplog.records if "was skipped" in r.getMessage()]
    assert len(skipped) == 1
    assert "4h00m late (grace 3h00m)" in skipped[0].getMessage()
    assert entry_of(core, slot)[0] == "skipped"
    assert chat.posts == []
    saturday = NINE.following(slot.at)
    clock.now = saturday.at + timedelta(seconds=1)
    assert run_due(core, chat).outcome == "nothing new"  # the next slot runs on time again
    assert entry_of(core, saturday)[0] == "posted"


# -- DST and weekdays --------------------------------------------------------------------------


def test_the_hour_repeated_by_fall_back_posts_one_digest(
    core: App, clock: MovableClock, chat: RecordingChat, seeds_dir: Path
) -> None:
    """02:30 Amsterdam on 2025-10-26 comes twice (00:30 and 01:30 UTC): one digest."""
    half_past_two = DigestTime(2, 30, AMSTERDAM)
    schedule(core, half_past_two, at=datetime(2025, 10, 25, 12, 0, tzinfo=UTC))
    clock.now = datetime(2025, 10, 25, 20, 0, tzinfo=UTC)
    ingest(core, seeds_dir, "000")
    for hour in (0, 1):  # both firings of the cron trigger
        clock.now = datetime(2025, 10, 26, hour, 30, 1, tzinfo=UTC)
        run = asyncio.run(ScheduledDigests(core, chat).run_due(CHANNEL))
        assert run.slot is not None
        assert run.slot.period == "2025-10-26"
        assert run.outcome == ("posted" if hour == 0 else "done")
    assert len(chat.posts) == 1


def test_the_hour_skipped_by_spring_forward_still_gets_its_digest(
    core: App, clock: MovableClock, chat: RecordingChat, seeds_dir: Path
) -> None:
    """02:30 Amsterdam does not exist on 2025-03-30: the digest comes at 01:30 UTC, once."""
    half_past_two = DigestTime(2, 30, AMSTERDAM)
    schedule(core, half_past_two, at=datetime(2025, 3, 29, 12, 0, tzinfo=UTC))
    clock.now = datetime(2025, 3, 29, 20, 0, tzinfo=UTC)
    ingest(core, seeds_dir, "000")
    clock.now = datetime(2025, 3, 30, 1, 29, tzinfo=UTC)
    assert run_due(core, chat).outcome == "not due"  # the latest slot predates the schedule
    clock.now = datetime(2025, 3, 30, 1, 30, 1, tzinfo=UTC)
    run = run_due(core, chat)
    assert (run.outcome, run.slot) == (
        "posted",
        Slot(date(2025, 3, 30), datetime(2025, 3, 30, 1, 30, tzinfo=UTC)),
    )
    assert run_due(core, chat).outcome == "done"
    assert len(chat.posts) == 1


def test_a_digest_period_spans_23_or_25_hours_on_dst_days() -> None:
    """09:00 Amsterdam: the spring-forward day's digest covers 23 hours, fall-back's 25."""
    spring = NINE.slot_on(date(2025, 3, 30))
    autumn = NINE.slot_on(date(2025, 10, 26))
    assert spring is not None
    assert autumn is not None
    assert slot_period(NINE.before(spring), spring).label == "23h"
    assert slot_period(NINE.before(autumn), autumn).label == "25h"
    assert slot_period(NINE.before(autumn), autumn).start == datetime(
        2025, 10, 25, 7, 0, tzinfo=UTC
    )


def test_weekdays_only_skips_saturday_and_monday_covers_the_weekend(
    core: App, clock: MovableClock, chat: RecordingChat, seeds_dir: Path
) -> None:
    """Friday posts; Saturday's run finds Friday's slot done; Monday's digest covers 72 hours."""
    weekdays = DigestTime(9, 0, AMSTERDAM, weekdays_only=True)
    friday = ready(core, clock, seeds_dir, weekdays)
    assert run_due(core, chat).outcome == "posted"
    clock.now = datetime(2025, 11, 22, 8, 0, 1, tzinfo=UTC)  # Saturday 09:00:01 in Amsterdam
    run = run_due(core, chat)
    assert (run.outcome, run.slot) == ("done", friday)
    ingest(core, seeds_dir, "001")
    clock.now = datetime(2025, 11, 24, 8, 0, 1, tzinfo=UTC)  # Monday
    assert run_due(core, chat).outcome == "posted"
    assert [title_of(message) for _, message in chat.posts] == [
        "News digest · last 24h",
        "News digest · last 72h",
    ]


# -- the command -------------------------------------------------------------------------------


def command(router: CommandRouter, text: str, *, admin: bool = True) -> Message:
    name, rest = split_command(text)
    return router.handle(Invocation(name, rest, "U1", "C1", admin, "slack"))


def sentence_of(message: Message) -> str:
    (block,) = message.blocks
    assert isinstance(block, Text)
    return block.text


def test_admins_set_show_and_stop_the_schedule_with_a_public_reply(
    core: App, clock: MovableClock
) -> None:
    """The reply confirms the time, zone, days and the next slot in local time, publicly."""
    clock.now = datetime(2024, 11, 22, 12, 0, tzinfo=UTC)  # Friday
    router = CommandRouter(core)
    expected = "Daily digest at 09:00 Europe/Amsterdam (weekdays), next on Mon 25 Nov 09:00."
    reply = command(router, "schedule 09:00 Europe/Amsterdam weekdays")
    assert (sentence_of(reply), reply.ephemeral, reply.error) == (expected, False, False)
    assert sentence_of(command(router, "schedule")) == expected
    stored = ScheduleStore(core.engine).get(CHANNEL)
    assert stored is not None
    assert stored.time == DigestTime(9, 0, AMSTERDAM, weekdays_only=True)
    assert stored.set_by == "slack:U1"
    utc_reply = sentence_of(command(router, "schedule 9:30"))
    assert utc_reply == (
        "Daily digest at 09:30 UTC (no time zone given, so UTC; add one such as "
        "Europe/Amsterdam), next on Sat 23 Nov 09:30."
    )
    off = command(router, "schedule off")
    assert not off.ephemeral
    assert sentence_of(off).startswith("The daily digest at 09:30 UTC is off;")
    assert "was stopped" in sentence_of(command(router, "schedule"))
    assert "nothing to stop" in sentence_of(command(router, "schedule off"))
    assert ScheduleStore(core.engine).active() == ()


def test_wrong_schedules_and_non_admins_get_one_sentence(core: App) -> None:
    """A bad time or zone names the word and gives an example; non-admins are refused."""
    router = CommandRouter(core)
    for text, fragment in (
        ("schedule 25:00", "'25:00' is not a time"),
        ("schedule 09:00 Mars/Olympus", "for example /news schedule 09:00 Europe/Amsterdam"),
        ("schedule off now", "on its own"),
    ):
        reply = command(router, text)
        assert reply.error
        assert reply.ephemeral
        assert fragment in sentence_of(reply)
    refused = command(router, "schedule 09:00 Europe/Amsterdam", admin=False)
    assert refused.error
    assert "Only channel admins" in sentence_of(refused)
    assert ScheduleStore(core.engine).get(CHANNEL) is None


def test_the_next_slot_named_skips_a_day_already_posted(
    core: App, clock: MovableClock, chat: RecordingChat
) -> None:
    """Moving today's digest later after it was posted: the next one is tomorrow's."""
    router = CommandRouter(core)
    clock.now = datetime(2025, 11, 21, 8, 0, tzinfo=UTC)
    command(router, "schedule 09:00 UTC")
    clock.now = datetime(2025, 11, 21, 9, 0, 1, tzinfo=UTC)
    assert run_due(core, chat).outcome == "nothing new"
    clock.now = datetime(2025, 11, 21, 9, 30, tzinfo=UTC)
    reply = sentence_of(command(router, "schedule 10:00 UTC"))
    assert reply.endswith("next on Sat 22 Nov 10:00.")


# -- the real APScheduler ----------------------------------------------------------------------


def test_the_real_scheduler_builds_jobs_reloads_from_a_thread_and_polls(
    core: App, chat: RecordingChat
) -> None:
    """Start-up catch-up, one cron job per schedule at the slot's time, reload from a worker
    thread, removal, and a jittered polling job, on a running AsyncIOScheduler (under a second)."""
    now = utc_now()
    past = now - timedelta(minutes=1)
    due = DigestTime(past.hour, past.minute, "UTC")
    ScheduleStore(core.engine).set(CHANNEL, due, set_by="t", now=now - timedelta(days=1))
    other = ChannelKey("discord", "D1")
    later = DigestTime(9, 0, "America/New_York", weekdays_only=True)
    polls: list[datetime] = []

    async def poll() -> None:
        polls.append(utc_now())

    async def scenario() -> None:
        scheduler = DigestScheduler(core, chat, clock=utc_now, sweep=timedelta(seconds=30))
        runs = await scheduler.start()
        assert [run.outcome for run in runs] == ["nothing new"]  # caught up at start
        assert scheduler.next_run(CHANNEL) == due.following(utc_now()).at
        store = ScheduleStore(core.engine)

        def change() -> None:  # as the command router does, in a worker thread
            store.set(other, later, set_by="t", now=utc_now())
            store.turn_off(CHANNEL, utc_now())
            scheduler.reload()

        await asyncio.to_thread(change)
        await _until(lambda: scheduler.next_run(CHANNEL) is None)
        assert scheduler.next_run(other) == later.following(utc_now()).at
        scheduler.add_polling(poll, timedelta(seconds=0.1), jitter=timedelta(seconds=0.02))
        await _until(lambda: len(polls) >= 2)
        await scheduler.shutdown()

    asyncio.run(scenario())
    assert chat.posts == []


def test_a_job_the_scheduler_could_not_run_in_time_is_logged_as_missed(
    core: App, chat: RecordingChat, caplog: pytest.LogCaptureFixture
) -> None:
    """EVENT_JOB_MISSED is logged: a job due while the loop was blocked beyond the grace."""
    ran: list[int] = []

    async def poll() -> None:
        ran.append(1)

    async def scenario() -> None:
        scheduler = DigestScheduler(core, chat, grace=timedelta(seconds=1))
        await scheduler.start()
        scheduler.add_polling(poll, timedelta(minutes=5), jitter=timedelta(0))
        time.sleep(1.3)  # the loop is blocked past the job's one-second grace
        await _until(lambda: any("missed" in r.getMessage() for r in caplog.records))
        await scheduler.shutdown()

    with caplog.at_level(logging.WARNING, logger="bot.scheduler"):
        asyncio.run(scenario())
    assert ran == []
    assert any("was missed by more than the grace time" in r.getMessage() for r in caplog.records)


def test_a_slow_polling_job_never_overlaps_itself_and_stops_quietly(
    core: App, chat: RecordingChat, caplog: pytest.LogCaptureFixture
) -> None:
    """A poll slower than its interval: ticks that come meanwhile are skipped, so at most one
    runs at a time; a shutdown mid-poll cancels it with one info line and no error logged."""
    running: list[int] = []
    most: list[int] = [0]
    started: list[int] = []

    async def poll() -> None:
        running.append(1)
        started.append(1)
        most[0] = max(most[0], len(running))
        try:
            await asyncio.sleep(0.25)
        finally:
            running.pop()

    async def scenario() -> None:
        scheduler = DigestScheduler(core, chat)
        await scheduler.start()
        scheduler.add_polling(poll, timedelta(seconds=0.05), jitter=timedelta(0))
        await _until(lambda: len(started) >= 2)
        await _until(lambda: bool(running))
        await scheduler.shutdown()
        await asyncio.sleep(0.05)

    with caplog.at_level(logging.DEBUG):
        asyncio.run(scenario())
    assert most[0] == 1
    assert running == []
    messages = [r.getMessage() for r in caplog.records]
    assert any(
        m == "feed polling: the previous run is still going; skipping this tick" for m in messages
    )
    assert "feed polling: stopped by the shutdown" in messages
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def _until(condition: Callable[[], bool], timeout: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)
