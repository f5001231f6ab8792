"""Wiring for feeds: fetcher, worker, sink, source store and poller built from the config.

`open_feeds(app)` is what the command line (and later `newsbot serve`) uses; tests build the same
pieces themselves with their own policy and clock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from bot.app import App
from bot.config import Config
from bot.config_feeds import SourceEntry
from bot.feed_ingest import ArticleSink
from bot.net import AddressPolicy, FetchOptions, SafeFetcher
from bot.polling import Poller, PollOptions
from bot.serial_worker import SerialWorker
from bot.source_store import NewSource, SourceStore

CONFIG_ADDER = "config"
MEGABYTE = 1_000_000


@dataclass(frozen=True, slots=True)
class Feeds:
    """The feed machinery of one app: its source store, fetcher, sink and poller."""

    sources: SourceStore
    fetcher: SafeFetcher
    sink: ArticleSink
    poller: Poller


def fetch_options(config: Config) -> FetchOptions:
    """Fetcher limits from [fetch]; the SSRF policy admits only what `allow_networks` adds."""
    fetch = config.fetch
    return FetchOptions(
        deadline=fetch.timeout,
        max_bytes=int(fetch.max_mb * MEGABYTE),
        per_host=fetch.per_host,
        policy=AddressPolicy(allow=fetch.allow_networks),
    )


def poll_options(config: Config) -> PollOptions:
    """Polling settings from [feeds]."""
    feeds = config.feeds
    return PollOptions(
        interval=feeds.interval,
        max_item_age=feeds.max_item_age,
        keep_newest=feeds.keep_newest,
        failure_threshold=feeds.failure_threshold,
        concurrency=feeds.concurrency,
    )


@asynccontextmanager
async def open_feeds(app: App) -> AsyncIterator[Feeds]:
    """Build the feed machinery on an open app; the fetcher and the worker close on exit."""
    sources = SourceStore(app.engine)
    with SerialWorker() as worker:
        async with SafeFetcher(fetch_options(app.config)) as fetcher:
            sink = ArticleSink(fetcher, app.ingestor, worker, app.clock)
            poller = Poller(
                sources, fetcher, sink, worker, clock=app.clock, options=poll_options(app.config)
            )
            yield Feeds(sources, fetcher, sink, poller)


def sync_configured_sources(
    sources: SourceStore, entries: Sequence[SourceEntry], now: datetime
) -> tuple[int, int]:
    """Make the store follow the [[sources]] list; return (added, switched off).

    Entries missing from the store are added (due at once; their first poll marks what they
    hold as seen); names and intervals follow the config; sources the config added earlier but
    no longer lists are switched off, keeping what they have seen.
    """
    added = 0
    for entry in entries:
        new = NewSource(entry.url, "feed", CONFIG_ADDER, entry.name, None, entry.interval)
        source, created = sources.add(new, now)
        added += created
        if source.added_by == CONFIG_ADDER and (source.name, source.interval) != (
            entry.name,
            entry.interval,
        ):
            sources.configure(source.id, name=entry.name, interval=entry.interval)
    listed = {entry.url for entry in entries}
    stale = [
        source.id
        for source in sources.list()
        if source.added_by == CONFIG_ADDER and source.follower is None and source.url not in listed
    ]
    if stale:
        sources.set_active(stale, False)
    return added, len(stale)
