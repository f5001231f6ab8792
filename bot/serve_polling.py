"""Feed polling inside `newsbot serve`: one round at a time, as a job of the serve scheduler.

A round follows the configured sources, polls the due ones, posts the alerts of sources that
keep failing, then matches what it ingested against the topic subscriptions (bot.alerts).
Contract: a failed round is logged with one sentence and the next runs as planned; a round is
never run twice at once (the scheduler skips a tick while one runs); `finish` lets the current
round end and runs no more, so a stopping serve loses nothing half-polled.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Final

from bot.alerts import AlertOptions, AlertRunner
from bot.app import App
from bot.chat import Message, Text, Title
from bot.delivery import Deliveries, DeliveryError
from bot.delivery_ledger import DeliveryLedger
from bot.errors import NewsbotError
from bot.feed_runtime import Feeds, sync_configured_sources
from bot.polling import PollResult, SourceAlert
from bot.render_sources import poll_summary

ALERT_TITLE: Final = "A source keeps failing"

log = logging.getLogger(__name__)


class FeedPolling:
    """The polling job: `await polling()` runs one round (nothing after `finish`).

    The round runs in its own task, shielded, so the scheduler shutting down does not cut it
    off: `finish` waits for it. The scheduler never runs two at once (`add_polling`).
    """

    def __init__(self, core: App, feeds: Feeds, deliveries: Deliveries, *, every: float) -> None:
        self._core = core
        self._feeds = feeds
        self._deliveries = deliveries
        self._every = every
        self._alerts = topic_alerts(core, deliveries)
        self._current: asyncio.Task[None] | None = None
        self._finished = False

    async def __call__(self) -> None:
        """Run one round (a no-op after `finish`)."""
        if self._finished:
            return
        self._current = asyncio.create_task(self._round(), name="feed-polling")
        await asyncio.shield(self._current)

    async def finish(self) -> None:
        """Run no more rounds and wait for the current one; being cancelled meanwhile cancels
        it too."""
        self._finished = True
        current = self._current
        if current is None:
            return
        try:
            await asyncio.wait([current])
        finally:
            current.cancel()
        if not current.cancelled() and current.exception() is not None:
            log.error("feed polling failed while stopping: %s", reason(current.exception()))

    async def _round(self) -> None:
        results = await poll_round(self._core, self._feeds, self._deliveries, every=self._every)
        await run_alerts(self._alerts, results)


async def poll_round(
    core: App, feeds: Feeds, deliveries: Deliveries, *, every: float
) -> tuple[PollResult, ...]:
    """One round: follow the configured sources, poll the due ones, deliver their alerts."""
    try:
        now = core.clock()
        await asyncio.to_thread(sync_configured_sources, feeds.sources, core.config.sources, now)
        results = await feeds.poller.poll_due_sources(core.clock())
    except Exception as error:  # the store is busy, the disk is full: the next round may work
        log.warning(
            "feed polling failed: %s; trying again in %g s",
            reason(error),
            every,
            exc_info=not isinstance(error, NewsbotError),
        )
        return ()
    if results:
        log.info("feed polling: %s", poll_summary(results))
    for result in results:
        if result.alert is not None:
            await deliver_alert(result.alert, deliveries)
    return results


def topic_alerts(core: App, deliveries: Deliveries) -> AlertRunner:
    """The topic alerts of `core`, posted through `deliveries` with the [alerts] limits (the
    ledger shares the scheduled digests' lease)."""
    ledger = DeliveryLedger(core.engine, lease=core.config.schedule.lease)
    settings = core.config.alerts
    options = AlertOptions(per_hour=settings.per_hour, stories_per_message=settings.per_message)
    return AlertRunner(core, deliveries.deliver, ledger, core.clock, options=options)


async def run_alerts(alerts: AlertRunner, results: Sequence[PollResult]) -> None:
    """Match the articles a round ingested against the subscriptions and post the alerts (and
    those still waiting); a failure is logged and the next round tries again."""
    article_ids = [article.id for result in results for article in result.articles]
    try:
        run = await alerts.run(article_ids)
    except Exception as error:  # the store is busy: the outbox keeps the matches made so far
        log.warning(
            "topic alerts failed: %s; trying again after the next poll",
            reason(error),
            exc_info=not isinstance(error, NewsbotError),
        )
        return
    if run.sent or run.matched:
        log.info(
            "topic alerts: %d new matches, %d messages posted, %d stories waiting",
            run.matched,
            len(run.sent),
            run.waiting,
        )


async def deliver_alert(alert: SourceAlert, deliveries: Deliveries) -> None:
    """Post `alert` to the channel following its source; log it when that cannot be done."""
    follower = alert.source.follower
    if follower is None:
        log.warning("source alert (no channel follows it): %s", alert.message)
        return
    try:
        await deliveries.deliver(follower, alert_message(alert))
    except DeliveryError as error:
        log.warning("source alert not delivered: %s The alert: %s", error, alert.message)
        return
    log.info(
        "source alert delivered to %s channel %s: %s keeps failing",
        follower.platform,
        follower.channel,
        alert.source.url,
    )


def alert_message(alert: SourceAlert) -> Message:
    """The chat message of a source alert: a title and the alert's sentence."""
    return Message((Title(ALERT_TITLE), Text(alert.message)), alert.message)


def reason(error: BaseException | None) -> str:
    """A NewsbotError's sentence, else only the exception's type (its text may hold secrets)."""
    if isinstance(error, NewsbotError):
        return str(error).rstrip(".")
    return f"unexpected {type(error).__name__}"
