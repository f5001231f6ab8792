"""`newsbot serve`: the chat platforms whose tokens are set, scheduled digests and feed polling,
in one process.

One `CommandRouter` answers `/news` on every platform. One scheduler (bot.scheduler) runs the
channels' digests and, every `poll_every` seconds, a feed polling round (bot.serve_polling):
a source that keeps failing is reported to the channel that follows it, and the articles a round
ingested are matched against the topic subscriptions. Contract: a platform that cannot start (a
missing or refused token) stops `serve` with its ConfigError sentence before anything runs; a
failure inside one polling round is logged and the next round runs as planned. `serve` returns
when `stop` is set or on SIGINT/SIGTERM, and unwinds the same way when cancelled: commands are
refused from then on, the current round finishes, the scheduler stops and the platform clients
close.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AsyncExitStack, contextmanager, suppress
from datetime import timedelta
from functools import partial
from typing import Final

from bot.app import App
from bot.chat import Invocation, Message, error_message
from bot.commands import CommandRouter
from bot.config_feeds import describe_duration
from bot.delivery import ConsoleDeliverer, Deliveries
from bot.errors import NewsbotError
from bot.feed_runtime import open_feeds
from bot.leader import Leadership
from bot.platforms.discord_bot import discord_connected, discord_token
from bot.platforms.discord_deliver import DiscordDeliverer
from bot.platforms.slack_app import slack_connected
from bot.platforms.slack_deliver import SlackDeliverer
from bot.render_terminal import stdout_console
from bot.scheduler import DigestScheduler
from bot.serve_polling import FeedPolling

Handler = Callable[[Invocation], Message]
PLATFORM_TOKENS: Final = (("Slack", "SLACK_BOT_TOKEN"), ("Discord", "DISCORD_TOKEN"))
STOPPING: Final = "newsbot is shutting down or restarting; try again in a minute."

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
    """Run the platforms configured in `environ`, the digests and feed polling until stopped.

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
                warming = asyncio.create_task(warm_lookups(core), name="lookup warm-up")
                stack.push_async_callback(_cancel, warming)
                connections = await _start_platforms(
                    stack,
                    gate,
                    deliveries,
                    platforms=platforms,
                    core=core,
                    environ=environ,
                    slack_base_url=slack_base_url or core.config.slack.api_url,
                )
                feeds = await stack.enter_async_context(open_feeds(core))
                polling = FeedPolling(core, feeds, deliveries, every=poll_every)
                await _start_scheduler(stack, core, deliveries, polling, poll_every)
                try:
                    await _until_stopped(stop, connections)
                finally:
                    log.info("newsbot serve: stopping (finishing the current poll)")
                    gate.close()
                    stop.set()
    finally:
        log.info("newsbot serve: stopped")


async def warm_lookups(core: App) -> None:
    """Load the lookups' models and the article vectors in the background while the platforms
    connect, so that the first command after a start does not wait for them (seconds in a
    store of 100,000 articles). A failure is logged: the first lookup meets it again and
    answers it."""
    started = time.monotonic()
    try:
        await asyncio.to_thread(core.lookup.warm_up)
    except Exception as error:  # the warm-up is an optimisation: serving goes on without it
        log.warning("newsbot serve: lookups not warmed up: %s", error)
        return
    log.info("newsbot serve: lookups ready (%.1f s)", time.monotonic() - started)


async def _cancel(task: asyncio.Task[None]) -> None:
    """Cancel `task` and wait until it is done (its thread, if any, is awaited at loop close);
    waiting with `asyncio.wait` leaves a cancellation of serve itself to propagate."""
    task.cancel()
    await asyncio.wait([task])


async def _start_scheduler(
    stack: AsyncExitStack,
    core: App,
    deliveries: Deliveries,
    polling: FeedPolling,
    poll_every: float,
) -> None:
    """Scheduled digests, posted through `deliveries`, and feed polling every `poll_every`
    seconds, spread by a random delay. On exit the current poll finishes first, then the
    scheduler stops, then the platforms close."""
    settings = core.config.schedule
    scheduler = DigestScheduler(
        core,
        deliveries.deliver,
        clock=core.clock,
        grace=settings.grace,
        lease=settings.lease,
        sweep=settings.sweep,
    )
    leadership = Leadership(core.engine)
    stack.push_async_callback(asyncio.to_thread, leadership.release)
    scheduler.add_polling(polling, timedelta(seconds=poll_every))
    stack.push_async_callback(scheduler.shutdown)
    stack.push_async_callback(polling.finish)
    leading = await asyncio.to_thread(leadership.acquire)
    if leading:
        log.info("newsbot serve: this instance leads: it runs the scheduled digests")
    else:
        log.info(
            "newsbot serve: another instance runs the scheduled digests; this one polls feeds "
            "and takes over within %s if that one stops",
            describe_duration(settings.takeover),
        )
    await scheduler.start(lead=leading)
    keep = partial(keep_leadership, scheduler, leadership)
    scheduler.add_polling(keep, settings.takeover, jitter=timedelta(0), name="leader check")
    log.info("newsbot serve: scheduled digests running")


async def keep_leadership(scheduler: DigestScheduler, leadership: Leadership) -> None:
    """The leader check: a leader that lost its lock stops the digests; a follower that gets
    the lock (the leader stopped) starts them, posting what is owed."""
    if scheduler.leading:
        if not await asyncio.to_thread(leadership.held):
            scheduler.follow()
            log.warning("newsbot serve: lost the leader lock; another instance runs the digests")
        return
    if await asyncio.to_thread(leadership.acquire):
        log.info("newsbot serve: the leading instance stopped; this one runs the digests now")
        await scheduler.lead()


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
    stop: asyncio.Event, connections: Mapping[asyncio.Task[None], str]
) -> None:
    """Wait for `stop`; raise when a platform connection ends before it."""
    stopping = asyncio.create_task(stop.wait(), name="serve-stop")
    try:
        done, _ = await asyncio.wait({stopping, *connections}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    for task, platform in connections.items():
        if task in done:
            task.result()
            raise NewsbotError(f"The {platform} connection ended; start newsbot serve again")


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
