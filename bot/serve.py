"""`newsbot serve`: the chat platforms whose tokens are set, and feed polling, in one process.

One `CommandRouter` answers `/news` on every platform. Feed polling runs every `poll_every`
seconds; a source that keeps failing is reported to the channel that follows it, and after each
round the articles it ingested are matched against the topic subscriptions (bot.alerts). Contract:
a platform that cannot start (a missing or refused token) stops `serve` with its ConfigError
sentence before anything runs; a failure inside one polling round is logged and the next round
runs as planned. `serve` returns when `stop` is set or on SIGINT/SIGTERM, and unwinds the same
way when cancelled: commands are refused from then on, the current round finishes, and the
platform clients close.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AsyncExitStack, contextmanager, suppress
from typing import Final

from bot.alerts import AlertRunner
from bot.app import App
from bot.chat import Invocation, Message, Text, Title, error_message
from bot.commands import CommandRouter
from bot.delivery import ConsoleDeliverer, Deliveries, DeliveryError
from bot.delivery_ledger import DeliveryLedger
from bot.errors import NewsbotError
from bot.feed_runtime import Feeds, open_feeds, sync_configured_sources
from bot.platforms.discord_bot import discord_connected, discord_token
from bot.platforms.discord_deliver import DiscordDeliverer
from bot.platforms.slack_app import slack_connected
from bot.platforms.slack_deliver import SlackDeliverer
from bot.polling import PollResult, SourceAlert
from bot.render_sources import poll_summary
from bot.render_terminal import stdout_console
from bot.scheduler import DigestScheduler

Handler = Callable[[Invocation], Message]
PLATFORM_TOKENS: Final = (("Slack", "SLACK_BOT_TOKEN"), ("Discord", "DISCORD_TOKEN"))
STOPPING: Final = "newsbot is shutting down or restarting; try again in a minute."
ALERT_TITLE: Final = "A source keeps failing"

log = logging.getLogger(__name__)


def running_platforms(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The platforms `serve` starts: "slack" with SLACK_BOT_TOKEN, "discord" with DISCORD_TOKEN."""
    return tuple(
        name.lower() for name, variable in PLATFORM_TOKENS if environ.get(variable, "").strip()
    )


def start_line(platforms: tuple[str, ...], poll_every: float) -> str:
    """The first log line: what runs, and why when no platform does."""
    polling = f"feed polling every {poll_every:g} s"
    if not platforms:
        names = " or ".join(variable for _, variable in PLATFORM_TOKENS)
        return f"newsbot serve: no {names} set, so {polling} only"
    shown = " and ".join(name for name, _ in PLATFORM_TOKENS if name.lower() in platforms)
    return f"newsbot serve: {shown}, and {polling}"


async def serve(
    core: App,
    environ: Mapping[str, str],
    *,
    poll_every: float = 60.0,
    stop: asyncio.Event | None = None,
    slack_base_url: str | None = None,
) -> None:
    """Run the platforms configured in `environ` and feed polling until stopped.

    Raises ConfigError when a platform's token is missing or refused, and NewsbotError when a
    platform cannot be reached at start or its connection is lost for good.
    """
    stop = stop or asyncio.Event()
    platforms = running_platforms(environ)
    log.info(start_line(platforms, poll_every))
    gate = CommandGate(CommandRouter(core).handle)
    deliveries = Deliveries({"console": ConsoleDeliverer(stdout_console())})
    try:
        with signals_setting(stop):
            async with AsyncExitStack() as stack:
                connections = await _start_platforms(
                    stack,
                    gate,
                    deliveries,
                    platforms=platforms,
                    core=core,
                    environ=environ,
                    slack_base_url=slack_base_url,
                )
                await _start_scheduler(stack, core, deliveries)
                await _poll_until_stopped(
                    core, deliveries, gate, connections, every=poll_every, stop=stop
                )
    finally:
        log.info("newsbot serve: stopped")


async def _start_scheduler(stack: AsyncExitStack, core: App, deliveries: Deliveries) -> None:
    """Scheduled digests, posted through `deliveries`; shut down before the platforms close."""
    settings = core.config.schedule
    scheduler = DigestScheduler(
        core,
        deliveries.deliver,
        clock=core.clock,
        grace=settings.grace,
        lease=settings.lease,
        sweep=settings.sweep,
    )
    await scheduler.start()
    stack.push_async_callback(scheduler.shutdown)
    log.info("newsbot serve: scheduled digests running")


async def _poll_until_stopped(
    core: App,
    deliveries: Deliveries,
    gate: CommandGate,
    connections: Mapping[asyncio.Task[None], str],
    *,
    every: float,
    stop: asyncio.Event,
) -> None:
    """Poll until `stop` is set (or polling or a connection fails); then refuse commands and
    let the current round finish."""
    polling = asyncio.create_task(
        poll_forever(core, deliveries, every=every, stop=stop), name="feed-polling"
    )
    try:
        await _until_stopped(stop, polling, connections)
    finally:
        log.info("newsbot serve: stopping (finishing the current poll)")
        gate.close()
        stop.set()
        await _finish(polling)


class CommandGate:
    """Passes invocations to the handler until closed; afterwards it says newsbot is stopping."""

    def __init__(self, handle: Handler) -> None:
        self._handle = handle
        self._open = True

    def close(self) -> None:
        """Refuse every later command with one sentence."""
        self._open = False

    def __call__(self, invocation: Invocation) -> Message:
        """The handler's answer, or the refusal once closed."""
        return self._handle(invocation) if self._open else error_message(STOPPING)


async def _start_platforms(
    stack: AsyncExitStack,
    handle: Handler,
    deliveries: Deliveries,
    *,
    platforms: tuple[str, ...],
    core: App,
    environ: Mapping[str, str],
    slack_base_url: str | None,
) -> dict[asyncio.Task[None], str]:
    """Start each platform in turn and add its deliverer; the stack closes them, in reverse
    order, on exit. Returns the connection tasks to watch, with their platform's name."""
    connections: dict[asyncio.Task[None], str] = {}
    if "slack" in platforms:
        client = await stack.enter_async_context(
            slack_connected(handle, core.config.slack, environ, base_url=slack_base_url)
        )
        deliveries.add("slack", SlackDeliverer(client))
    if "discord" in platforms:
        session = await stack.enter_async_context(discord_connected(handle, discord_token(environ)))
        deliveries.add("discord", DiscordDeliverer(session.bot.client))
        connections[session.connection] = "Discord"
    return connections


async def _until_stopped(
    stop: asyncio.Event, polling: asyncio.Task[None], connections: Mapping[asyncio.Task[None], str]
) -> None:
    """Wait for `stop`; raise when polling or a platform connection ends before it."""
    stopping = asyncio.create_task(stop.wait(), name="serve-stop")
    try:
        done, _ = await asyncio.wait(
            {stopping, polling, *connections}, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        stopping.cancel()
    if polling in done:
        polling.result()  # its error; returning means `stop` was set meanwhile
    for task, platform in connections.items():
        if task in done:
            task.result()
            raise NewsbotError(f"The {platform} connection ended; start newsbot serve again")


async def _finish(polling: asyncio.Task[None]) -> None:
    """Let the current polling round end; being cancelled meanwhile cancels it."""
    reported = polling.done()  # then `_until_stopped` has raised its error
    try:
        await asyncio.wait([polling])
    finally:
        polling.cancel()
    error = None if polling.cancelled() else polling.exception()
    if error is not None and not reported:
        log.error("feed polling failed while stopping: %s", _reason(error))


@contextmanager
def signals_setting(stop: asyncio.Event) -> Iterator[None]:
    """While inside, SIGINT and SIGTERM set `stop`; a second one cancels the current task, so
    a stop that waits on a slow poll can be cut short. Main thread on Unix; elsewhere a no-op."""
    task = asyncio.current_task()
    if task is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    loop = asyncio.get_running_loop()
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    installed = []
    for signum in previous:
        with suppress(NotImplementedError, RuntimeError):  # no signal support in this loop
            loop.add_signal_handler(signum, _on_signal, signum, stop, task)
            installed.append(signum)
    try:
        yield
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)
            handler = previous[signum]
            if handler is not None:  # asyncio.run's own SIGINT handler, for one
                signal.signal(signum, handler)


def _on_signal(signum: signal.Signals, stop: asyncio.Event, task: asyncio.Task[object]) -> None:
    if stop.is_set():
        log.info("newsbot serve: %s received again, stopping now", signum.name)
        task.cancel()
        return
    log.info("newsbot serve: %s received", signum.name)
    stop.set()


# -- feed polling ----------------------------------------------------------------------------


async def poll_forever(
    core: App, deliveries: Deliveries, *, every: float, stop: asyncio.Event
) -> None:
    """Poll the due sources, then wait `every` seconds, until `stop` is set.

    A failed round is logged and the next one runs as planned; only opening the feed machinery
    (the store) can fail the whole loop.
    """
    alerts = topic_alerts(core, deliveries)
    async with open_feeds(core) as feeds:
        while not stop.is_set():
            results = await poll_round(core, feeds, deliveries, every=every)
            await run_alerts(alerts, results)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)


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
            _reason(error),
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
    """The topic alerts of `core`, posted through `deliveries` (the ledger shares the
    scheduled digests' lease)."""
    ledger = DeliveryLedger(core.engine, lease=core.config.schedule.lease)
    return AlertRunner(core, deliveries.deliver, ledger, core.clock)


async def run_alerts(alerts: AlertRunner, results: Sequence[PollResult]) -> None:
    """Match the articles a round ingested against the subscriptions and post the alerts (and
    those still waiting); a failure is logged and the next round tries again."""
    article_ids = [article.id for result in results for article in result.articles]
    try:
        run = await alerts.run(article_ids)
    except Exception as error:  # the store is busy: the outbox keeps the matches made so far
        log.warning(
            "topic alerts failed: %s; trying again after the next poll",
            _reason(error),
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


def _reason(error: BaseException | None) -> str:
    """A NewsbotError's sentence, else only the exception's type (its text may hold secrets)."""
    if isinstance(error, NewsbotError):
        return str(error).rstrip(".")
    return f"unexpected {type(error).__name__}"
