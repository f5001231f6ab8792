"""Scheduled digests on APScheduler 3.x, posted exactly once per channel and slot.

Two layers. `ScheduledDigests` decides and posts, from the store alone: a channel's latest slot
is posted when its schedule owes it (the slot came after the schedule was set), it is within the
grace time, and the delivery ledger grants the claim; it never depends on what APScheduler
remembers, so a restart, a crash or a second process cannot post a slot twice or skip it.

`DigestScheduler` runs that on an `AsyncIOScheduler` in the serve event loop:

- one `CronTrigger` job per stored schedule (its zone, hour, minute, Monday to Friday when
  weekdays only) posts on time; `coalesce` and `max_instances=1` keep a late scheduler to one run;
- at start-up, `start()` rebuilds those jobs from the store and runs every slot still owed within
  the grace time (a digest due while the bot was down is posted late, once, never once per
  missed slot); a slot beyond the grace time is recorded as skipped and logged once;
- a sweep job, every `sweep` (default one minute), re-reads the schedules and runs owed slots
  again. That is how `/news schedule`, which the command router runs in a worker thread, reaches
  the scheduler: the store is the only channel between them, so a change takes effect within a
  sweep, and a slot that fell due meanwhile is still posted. `reload()` does the same at once
  from any thread. The sweep also retries a run that died after its claim (once its lease ran
  out) and a post the platform refused (up to the ledger's attempts).

Jobs call module-level coroutine functions; their arguments (the runner, a channel) are live
objects, which the in-memory job store keeps as they are. A persistent job store would have to
pickle them, and is not needed: the store rebuilds the jobs at every start.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from apscheduler.events import EVENT_JOB_MISSED
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.app import App
from bot.chat import Message
from bot.chat_views import digest_message
from bot.clock import Clock
from bot.delivery_ledger import DEFAULT_LEASE, Claim, DeliveryLedger, LedgerKey
from bot.digest import build_digest
from bot.digest_history import DigestHistory
from bot.errors import NewsbotError
from bot.models import Digest, Period
from bot.schedules import DigestTime, Schedule, ScheduleStore, Slot
from bot.source_store import ChannelKey

DEFAULT_GRACE = timedelta(hours=3)
DEFAULT_SWEEP = timedelta(minutes=1)
FINISH_TIMEOUT = 30.0  # seconds a shutdown waits for the digest being posted
NOTHING_NEW = "nothing new"
SWEEP_JOB = "digest-sweep"
logger = logging.getLogger(__name__)

Post = Callable[[ChannelKey, Message], Awaitable[int]]
"""Posts a message to a channel and returns how many platform messages that took
(`Deliveries.deliver`); raises `NewsbotError` (such as `DeliveryError`) when it cannot."""

Outcome = Literal[
    "posted", "nothing new", "not scheduled", "not due", "done", "busy", "missed", "failed"
]


@dataclass(frozen=True, slots=True)
class DigestRun:
    """What one attempt at a channel's digest did.

    posted / nothing new: this run delivered the slot (nothing new: no stories, nothing sent);
    not scheduled: no schedule is on; not due: the latest slot came before the schedule was set;
    done: the slot was posted or skipped already; busy: another run holds the claim (or the
    attempts are used up); missed: the slot is past the grace time; failed: building or posting
    failed (the ledger allows a retry).
    """

    target: ChannelKey
    outcome: Outcome
    slot: Slot | None = None
    messages: int = 0


class ScheduledDigests:
    """Posts each channel's due digest once: ledger claim, digest since the previous slot, post."""

    def __init__(
        self,
        core: App,
        post: Post,
        *,
        clock: Clock | None = None,
        grace: timedelta = DEFAULT_GRACE,
        lease: timedelta = DEFAULT_LEASE,
    ) -> None:
        self._core = core
        self._post = post
        self._clock = clock or core.clock
        self.grace = grace
        self.schedules = ScheduleStore(core.engine)
        self.ledger = DeliveryLedger(core.engine, lease=lease)
        self._building = asyncio.Lock()  # one digest built at a time: the embedder is shared
        self._active = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self.stopping = False

    async def run_due(self, target: ChannelKey) -> DigestRun:
        """Post the digest `target` is owed now, if any (the job of a channel's cron trigger)."""
        schedule = await asyncio.to_thread(self.schedules.get, target)
        if schedule is None or not schedule.active:
            return DigestRun(target, "not scheduled")
        return await self.run_schedule(schedule)

    async def run_all_due(
        self, schedules: Sequence[Schedule] | None = None
    ) -> tuple[DigestRun, ...]:
        """Post every owed digest (all active schedules unless given); one failing does not
        stop the others."""
        if schedules is None:
            schedules = await asyncio.to_thread(self.schedules.active)
        runs: list[DigestRun] = []
        for schedule in schedules:
            try:
                runs.append(await self.run_schedule(schedule))
            except NewsbotError as error:
                logger.error("the digest of %s could not run: %s", _name(schedule.target), error)
                runs.append(DigestRun(schedule.target, "failed"))
        return tuple(runs)

    async def run_schedule(self, schedule: Schedule) -> DigestRun:
        """Post the latest slot of `schedule` if it is owed, within grace, and not yet claimed
        (nothing once `finish` was called: "busy", the next start posts it)."""
        if self.stopping:
            return DigestRun(schedule.target, "busy")
        self._active += 1
        self._idle.clear()
        try:
            return await self._run_schedule(schedule)
        finally:
            self._active -= 1
            if not self._active:
                self._idle.set()

    async def finish(self, timeout: float) -> bool:
        """Start no more digests and wait up to `timeout` seconds for the ones being posted;
        False when one was still running (it keeps its claim, retried after the lease)."""
        self.stopping = True
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def _run_schedule(self, schedule: Schedule) -> DigestRun:
        now = self._clock()
        slot = schedule.time.latest(now)
        target = schedule.target
        if not schedule.owes(slot):
            return DigestRun(target, "not due", slot)
        key = LedgerKey.digest(target, slot.period)
        entry = await asyncio.to_thread(self.ledger.entry, key)
        if entry is not None and entry.final:
            return DigestRun(target, "done", slot)
        if now - slot.at > self.grace:
            return await self._miss(key, slot, now)
        claim = await asyncio.to_thread(self.ledger.claim, key, now)
        if claim is None:
            return DigestRun(target, "busy", slot)
        return await self._deliver(schedule, slot, claim)

    async def _miss(self, key: LedgerKey, slot: Slot, now: datetime) -> DigestRun:
        late, grace = _hours(now - slot.at), _hours(self.grace)
        note = f"missed: due {slot.at:%Y-%m-%d %H:%M} UTC, {late} late (grace {grace})"
        if await asyncio.to_thread(self.ledger.give_up, key, now, note):
            logger.warning(
                "the digest of %s for %s was skipped: %s", _name(key.target), slot.period, note
            )
        return DigestRun(key.target, "missed", slot)

    async def _deliver(self, schedule: Schedule, slot: Slot, claim: Claim) -> DigestRun:
        target = schedule.target
        history = DigestHistory(self._core.engine, _name(target))
        try:
            async with self._building:
                digest = await asyncio.to_thread(self._build, schedule, slot, history)
            if not digest.stories:
                await self._record(claim, 0, NOTHING_NEW)
                return DigestRun(target, "nothing new", slot)
            messages = await self._post(target, digest_message(digest))
        except Exception as error:  # a background job: log, release the claim, keep running
            await self._release(claim, error)
            return DigestRun(target, "failed", slot)
        await self._record(claim, messages, None)
        await self._remember(history, digest)
        logger.info(
            "posted the digest of %s for %s (%s)", _name(target), slot.period, _count(messages)
        )
        return DigestRun(target, "posted", slot, messages)

    def _build(self, schedule: Schedule, slot: Slot, history: DigestHistory) -> Digest:
        period = slot_period(schedule.time.before(slot), slot)
        limit = self._core.config.digest.max_stories
        return build_digest(self._core.store, period, self._core.merging, history, limit=limit)

    async def _record(self, claim: Claim, messages: int, note: str | None) -> None:
        """Mark the claim posted; a failure here is logged (the post itself already happened)."""
        try:
            done = await asyncio.to_thread(
                self.ledger.posted, claim, self._clock(), messages=messages, note=note
            )
        except NewsbotError as error:
            logger.error("posted the digest of %s but could not record it: %s", claim.key, error)
            return
        if not done:
            logger.warning("the digest claim %s outlived its lease and was taken over", claim.key)

    async def _remember(self, history: DigestHistory, digest: Digest) -> None:
        try:
            await asyncio.to_thread(history.remember, digest, self._clock())
        except NewsbotError as error:
            logger.error(
                "could not remember what the digest of %s said: %s", history.channel, error
            )

    async def _release(self, claim: Claim, error: Exception) -> None:
        """Record a failed build or post, so a later sweep (or start) may try again."""
        if isinstance(error, NewsbotError):
            reason = str(error)
            logger.warning("the digest of %s failed: %s", _name(claim.key.target), reason)
        else:
            reason = f"unexpected {type(error).__name__}"
            logger.exception("the digest of %s failed", _name(claim.key.target))
        try:
            await asyncio.to_thread(self.ledger.failed, claim, reason)
        except NewsbotError as store_error:
            logger.error("could not record the failed digest %s: %s", claim.key, store_error)


class DigestScheduler:
    """The digest schedules (and feed polling) on an APScheduler `AsyncIOScheduler`.

    Create it anywhere; `await start()` inside the running loop, `await shutdown()` on exit.
    `grace`: how late a digest may still be posted; `lease`: how long a claim protects a run
    that may have died; `sweep`: how often the schedules are re-read and owed slots retried.
    """

    def __init__(
        self,
        core: App,
        post: Post,
        *,
        clock: Clock | None = None,
        grace: timedelta = DEFAULT_GRACE,
        lease: timedelta = DEFAULT_LEASE,
        sweep: timedelta = DEFAULT_SWEEP,
    ) -> None:
        self.digests = ScheduledDigests(core, post, clock=clock, grace=grace, lease=lease)
        self._sweep = sweep
        self._scheduler = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={
                "misfire_grace_time": max(1, round(grace.total_seconds())),
                "coalesce": True,
                "max_instances": 1,
            },
        )
        self._scheduler.add_listener(log_missed_job, EVENT_JOB_MISSED)
        self._times: dict[str, DigestTime] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._polls = 0

    async def start(self, *, lead: bool = True) -> tuple[DigestRun, ...]:
        """Start the scheduler (its polling jobs run from now on) and, with `lead`, the digests:
        `lead()`. Without it this instance only polls until `lead()` is called (another
        instance leads)."""
        self._loop = asyncio.get_running_loop()
        self._scheduler.start()
        return await self.lead() if lead else ()

    @property
    def leading(self) -> bool:
        """Whether this scheduler runs the digests now."""
        return self._scheduler.get_job(SWEEP_JOB) is not None

    async def lead(self) -> tuple[DigestRun, ...]:
        """Run the digests: rebuild the jobs, run the slots owed since the last run, and sweep
        every `sweep` from then on. Returns after that catch-up (posted through `post`)."""
        runs = await self.sweep()
        if not self.leading:
            seconds = self._sweep.total_seconds()
            trigger = IntervalTrigger(seconds=seconds, timezone=UTC)
            self._scheduler.add_job(run_sweep, trigger, args=[self], id=SWEEP_JOB)
        return runs

    def follow(self) -> None:
        """Stop running the digests (another instance leads now); polling jobs go on. A digest
        already running finishes; the ledger keeps it from being posted twice."""
        for job_id in [*self._times, SWEEP_JOB]:
            if self._scheduler.get_job(job_id) is not None:
                self._scheduler.remove_job(job_id)
        self._times.clear()

    async def sweep(self) -> tuple[DigestRun, ...]:
        """Re-read the schedules into jobs and run every owed slot."""
        schedules = await self.refresh()
        return await self.digests.run_all_due(schedules)

    async def refresh(self) -> tuple[Schedule, ...]:
        """Add, replace or remove cron jobs to match the stored schedules; return those."""
        schedules = await asyncio.to_thread(self.digests.schedules.active)
        wanted = {digest_job_id(s.target): s for s in schedules}
        for job_id in self._times.keys() - wanted.keys():
            self._scheduler.remove_job(job_id)
            del self._times[job_id]
            logger.info("removed the scheduled digest %s", job_id)
        for job_id, schedule in wanted.items():
            if self._times.get(job_id) != schedule.time:
                self._add_digest_job(job_id, schedule)
        return schedules

    def reload(self) -> None:
        """Re-read the schedules soon, from any thread (a no-op before `start`)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._refresh_soon)

    def next_run(self, target: ChannelKey) -> datetime | None:
        """When the cron job of `target` fires next, or None when it has none."""
        job = self._scheduler.get_job(digest_job_id(target))
        return None if job is None else _aware(job.next_run_time)

    def add_polling(
        self,
        job: Callable[[], Awaitable[None]],
        every: timedelta,
        *,
        jitter: timedelta | None = None,
        name: str = "feed polling",
    ) -> str:
        """Run `job` every `every`, first after a random part of the jitter, each run delayed by
        up to `jitter` (default a tenth of `every`, at most a minute), so polls spread out.
        A tick that comes while the previous run still goes is skipped (logged at debug level).

        Returns the job's id. May be called before `start`.
        """
        spread = jitter if jitter is not None else min(every / 10, timedelta(minutes=1))
        seconds = spread.total_seconds()
        self._polls += 1
        job_id = f"polling-{self._polls}"
        self._scheduler.add_job(
            run_polling_job,
            IntervalTrigger(seconds=every.total_seconds(), jitter=seconds or None, timezone=UTC),
            args=[job, asyncio.Lock(), name],
            id=job_id,
            name=name,
            max_instances=2,  # the second only finds the lock taken, so APScheduler stays quiet
            next_run_time=datetime.now(UTC) + timedelta(seconds=random.uniform(0, seconds)),
        )
        return job_id

    async def shutdown(self, *, finish: float = FINISH_TIMEOUT) -> None:
        """Stop firing jobs, let the digest being posted finish (up to `finish` seconds), then
        stop; a digest cut off even so keeps its claim, retried after the lease."""
        if self._scheduler.running:
            self._scheduler.pause()
            if not await self.digests.finish(finish):
                logger.warning("a digest was still being posted after %g s; it is cut off", finish)
            self._scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # the asyncio scheduler shuts down in a loop callback
        for task in list(self._tasks):
            task.cancel()
        self._loop = None

    def _add_digest_job(self, job_id: str, schedule: Schedule) -> None:
        self._scheduler.add_job(
            run_digest_job,
            cron_trigger(schedule.time),
            args=[self.digests, schedule.target],
            id=job_id,
            name=f"digest of {_name(schedule.target)} at {schedule.time.describe()}",
            replace_existing=True,
        )
        self._times[job_id] = schedule.time
        logger.info(
            "scheduled the digest of %s at %s", _name(schedule.target), schedule.time.describe()
        )

    def _refresh_soon(self) -> None:
        task = asyncio.get_running_loop().create_task(self._refresh_logged())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _refresh_logged(self) -> None:
        if not self.leading:  # the leading instance picks the change up in its sweep
            return
        try:
            await self.refresh()
        except NewsbotError as error:
            logger.error("could not re-read the digest schedules: %s", error)


def cron_trigger(when: DigestTime) -> Any:
    """The APScheduler trigger of a digest time (DST handled by the trigger, per zone)."""
    weekdays = "mon-fri" if when.weekdays_only else None
    return CronTrigger(hour=when.hour, minute=when.minute, day_of_week=weekdays, timezone=when.tz)


def slot_period(previous: Slot, slot: Slot) -> Period:
    """The digest period of `slot`: since the previous slot (24h daily, 72h on a Monday of a
    weekdays-only schedule, 23h or 25h across a DST change)."""
    hours = round((slot.at - previous.at).total_seconds() / 3600)
    return Period(f"{hours}h", previous.at, f"in the last {hours}h")


def digest_job_id(target: ChannelKey) -> str:
    """The APScheduler job id of a channel's digest."""
    return f"digest:{_name(target)}"


async def run_digest_job(digests: ScheduledDigests, target: ChannelKey) -> None:
    """The cron job of one channel: post its owed digest."""
    try:
        run = await digests.run_due(target)
    except NewsbotError as error:
        logger.error("the digest of %s could not run: %s", _name(target), error)
        return
    except asyncio.CancelledError:  # shutdown: the claim stays and is retried after its lease
        logger.warning(
            "the digest of %s was cut off by the shutdown; it is retried after the lease",
            _name(target),
        )
        return
    logger.debug("digest job of %s: %s", _name(target), run.outcome)


async def run_sweep(scheduler: DigestScheduler) -> None:
    """The sweep job: re-read the schedules and post what is owed."""
    try:
        await scheduler.sweep()
    except NewsbotError as error:
        logger.error("the digest sweep could not run: %s", error)


async def run_polling_job(
    job: Callable[[], Awaitable[None]], running: asyncio.Lock, name: str
) -> None:
    """Await a polling job unless its previous run still goes; a shutdown that cancels it
    ends it quietly (the job itself decides what a cancelled run leaves behind)."""
    if running.locked():
        logger.debug("%s: the previous run is still going; skipping this tick", name)
        return
    async with running:
        try:
            await job()
        except asyncio.CancelledError:
            logger.info("%s: stopped by the shutdown", name)


def log_missed_job(event: Any) -> None:
    """Log an APScheduler job that fired later than the grace time (and so did not run)."""
    logger.warning(
        "the job %s due at %s was missed by more than the grace time",
        event.job_id,
        event.scheduled_run_time,
    )


def _aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


def _name(target: ChannelKey) -> str:
    """The channel as "platform:channel", also its digest history's name."""
    return f"{target.platform}:{target.channel}"


def _hours(delta: timedelta) -> str:
    minutes = round(delta.total_seconds() / 60)
    return f"{minutes // 60}h{minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"


def _count(messages: int) -> str:
    return "1 message" if messages == 1 else f"{messages} messages"
