"""Polling sources: one conditional GET per source, new items ingested, failures backed off.

Contract: `Poller.poll_source` and `Poller.poll_due_sources` never raise for a bad source: each
source gets a `PollResult` (status "ok", "not_modified" or "failed" with one sentence) and its
state is written back in one transaction. Only `StoreError` escapes. A source's first successful
poll marks what the feed already holds as seen (keeping the newest `keep_newest`), and items older
than `max_item_age` are marked seen without being ingested, so neither a new source nor a restart
after downtime floods a channel. A source that fails is polled again after an exponentially
growing delay; the poll that makes it reach `failure_threshold` failures in a row carries a
`SourceAlert` for the channel that follows it.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from bot.clock import Clock
from bot.errors import InputError, StoreError
from bot.feed_ingest import ItemSink
from bot.feed_sniff import sniff_kind
from bot.feeds import FeedError, FeedItem, parse_feed
from bot.fingerprint import fingerprint
from bot.ingest import IngestOutcome
from bot.models import Article
from bot.net import FetchedPage, FetchError, HTTPStatusError, SafeFetcher
from bot.poll_writer import PollWriter
from bot.serial_worker import SerialWorker
from bot.source_store import (
    NewSource,
    PollRecord,
    SeenIndex,
    SeenItem,
    Source,
    SourceStore,
)

PollStatus = Literal["ok", "not_modified", "failed"]


@dataclass(frozen=True, slots=True)
class PollOptions:
    """How sources are polled; the defaults suit news feeds ([feeds] in the config)."""

    interval: timedelta = timedelta(minutes=30)
    max_item_age: timedelta | None = timedelta(days=3)
    keep_newest: int = 0  # items the first poll ingests instead of marking them seen
    failure_threshold: int = 5  # failures in a row before the source is reported
    backoff_base: timedelta = timedelta(minutes=5)
    backoff_cap: timedelta = timedelta(hours=24)
    concurrency: int = 20  # sources polled at once
    lease: timedelta = timedelta(minutes=15)  # how long a claimed source stays claimed
    spread: float = 0.1  # each source's interval is longer by its own share of this, 0 to 1

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.failure_threshold < 1 or self.keep_newest < 0:
            raise ValueError("PollOptions: concurrency and failure_threshold must be >= 1.")
        if not 0 <= self.spread <= 1:
            raise ValueError("PollOptions: spread must be from 0 to 1.")


def spread_interval(source_id: int, interval: timedelta, spread: float) -> timedelta:
    """`interval` lengthened by a fixed share of `spread` that depends on the source alone.

    Sources added together are all due at once the first time; with each its own interval
    (up to `spread` longer, whole seconds) their polls drift apart instead of arriving in one
    burst every round, and a source keeps a steady rhythm.
    """
    digest = hashlib.blake2b(str(source_id).encode(), digest_size=8).digest()
    share = int.from_bytes(digest) / 2**64
    return interval + timedelta(seconds=round(interval.total_seconds() * spread * share))


@dataclass(frozen=True, slots=True)
class SourceAlert:
    """A source that keeps failing, for the channel that follows it (`source.follower`)."""

    source: Source
    message: str


@dataclass(frozen=True, slots=True)
class PollResult:
    """One poll of one source; `source` is its state after the poll."""

    source: Source
    status: PollStatus
    first_poll: bool = False
    outcomes: tuple[IngestOutcome, ...] = ()  # the items ingested: new, unchanged or failed
    marked_seen: int = 0  # items remembered without ingesting (first poll, too old)
    too_old: int = 0
    error: str | None = None
    alert: SourceAlert | None = None

    @property
    def articles(self) -> tuple[Article, ...]:
        """The articles of the items new to this source (to post to its channel)."""
        return tuple(o.article for o in self.outcomes if o.article and o.status != "failed")

    @property
    def failed_items(self) -> tuple[IngestOutcome, ...]:
        """The items that could not be ingested (tried again next poll)."""
        return tuple(o for o in self.outcomes if o.status == "failed")


@dataclass(frozen=True, slots=True)
class AddResult:
    """`Poller.add_source`: the source, whether it is new, and its first poll (None if not new)."""

    source: Source
    added: bool
    poll: PollResult | None


@dataclass(frozen=True, slots=True)
class _Plan:
    ingest: tuple[FeedItem, ...]
    mark: tuple[FeedItem, ...]
    too_old: int


def backoff_delay(failures: int, options: PollOptions) -> timedelta:
    """The pause after `failures` failures in a row: base, 2x base, 4x base ... up to the cap."""
    exponent = min(max(failures - 1, 0), 32)
    delay: timedelta = options.backoff_base * (2**exponent)
    return min(options.backoff_cap, delay)


def failing(source: Source, options: PollOptions) -> bool:
    """True when the source has failed at least `failure_threshold` polls in a row."""
    return source.consecutive_failures >= options.failure_threshold


def seen_item(item: FeedItem, article_id: str | None = None) -> SeenItem:
    """The identities of a feed item as the store remembers them."""
    return SeenItem(item.canonical_link, item.guid, item.fingerprint, article_id)


class Poller:
    """Polls sources through one `SafeFetcher`; store calls and ingestion run on the worker."""

    def __init__(
        self,
        sources: SourceStore,
        fetcher: SafeFetcher,
        sink: ItemSink,
        worker: SerialWorker,
        *,
        clock: Clock,
        options: PollOptions | None = None,
    ) -> None:
        self._sources = sources
        self._writer = PollWriter(sources, worker)
        self._fetcher = fetcher
        self._sink = sink
        self._worker = worker
        self._clock = clock
        self.options = options or PollOptions()

    async def add_source(self, new: NewSource) -> AddResult:
        """Add a source and poll it once (marking what it holds as seen).

        A source whose first poll fails is removed again and `InputError` says why, so a
        mistyped or dead URL is never followed. An existing source is returned as it is.
        """
        source, added = await self._worker.run(self._sources.add, new, self._clock())
        if not added:
            return AddResult(source, added=False, poll=None)
        result = await self.poll_source(source)
        if result.status == "failed":
            await self._worker.run(self._sources.remove, source.url, source.follower)
            raise InputError(f"{new.url} was not added: {(result.error or '').rstrip('.')}")
        return AddResult(result.source, added=True, poll=result)

    async def poll_due_sources(
        self, now: datetime, *, every: bool = False, limit: int | None = None
    ) -> tuple[PollResult, ...]:
        """Claim the sources due at `now` (every active one with `every`) and poll them.

        At most `options.concurrency` sources are polled at once; the fetcher's per-host limit
        applies on top. Results come back in claim order (most overdue first).
        """
        claimed = await self._worker.run(
            self._sources.claim_due, now, self.options.lease, limit=limit, every=every
        )
        slots = asyncio.Semaphore(self.options.concurrency)

        async def one(source: Source) -> PollResult:
            async with slots:
                return await self.poll_source(source)

        return tuple(await asyncio.gather(*(one(source) for source in claimed)))

    async def poll_source(self, source: Source) -> PollResult:
        """Poll one source once (conditional GET) and record the result."""
        now = self._clock()
        try:
            page = await self._fetcher.fetch(
                source.url, etag=source.etag, last_modified=source.last_modified
            )
            return await self._process(source, page, now)
        except FetchError as error:
            asked = error.retry_after if isinstance(error, HTTPStatusError) else None
            return await self._failure(source, now, str(error), asked)
        except StoreError:
            raise
        except Exception as error:  # a bug with one source must not stop the others
            return await self._failure(source, now, f"unexpected {type(error).__name__}: {error}")

    async def _process(self, source: Source, page: FetchedPage, now: datetime) -> PollResult:
        if page.not_modified:
            return await self._success(source, page, now, status="not_modified")
        first = source.last_success_at is None
        kind = sniff_kind(page.text, page.content_type) if first else source.kind
        if kind == "page":
            return await self._page(replace(source, kind=kind), page, now, first=first)
        try:
            feed = await asyncio.to_thread(
                parse_feed, page.text, page.final_url, content_type=page.content_type
            )
        except FeedError as error:
            return await self._failure(source, now, str(error))
        seen = await self._worker.run(
            self._sources.seen_among, source.id, [seen_item(item) for item in feed.items]
        )
        plan = self._plan(feed.items, seen, now, first=first)
        outcomes = await self._sink.ingest_items(plan.ingest, source.url) if plan.ingest else ()
        remembered = [seen_item(item) for item in plan.mark]
        remembered += _ingested(plan.ingest, outcomes)
        return await self._success(
            replace(source, kind=kind),
            page,
            now,
            first=first,
            outcomes=outcomes,
            seen=tuple(remembered),
            marked=len(plan.mark),
            too_old=plan.too_old,
        )

    async def _page(
        self, source: Source, page: FetchedPage, now: datetime, *, first: bool
    ) -> PollResult:
        # A page source is one item whose identity is its content: a change makes it new again.
        identity = SeenItem(fingerprint=fingerprint(page.text))
        seen = await self._worker.run(self._sources.seen_among, source.id, [identity])
        if first or seen.matches(identity):
            marked = 0 if seen.matches(identity) else 1
            return await self._success(
                source, page, now, first=first, seen=(identity,), marked=marked
            )
        outcome = await self._sink.ingest_page(page, source.url)
        remembered: tuple[SeenItem, ...] = ()
        if outcome.status != "failed":
            article_id = outcome.article.id if outcome.article else None
            remembered = (replace(identity, article_id=article_id),)
        return await self._success(source, page, now, outcomes=(outcome,), seen=remembered)

    def _plan(
        self, items: Sequence[FeedItem], seen: SeenIndex, now: datetime, *, first: bool
    ) -> _Plan:
        fresh = _unseen(items, seen)
        cutoff = now - self.options.max_item_age if self.options.max_item_age else None
        old = [i for i in fresh if cutoff and i.published and i.published < cutoff]
        recent = [i for i in fresh if i not in old]
        if not first:
            return _Plan(tuple(recent), tuple(old), len(old))
        keep = _newest(recent, self.options.keep_newest)
        mark = [item for item in fresh if item not in keep]
        return _Plan(tuple(keep), tuple(mark), len(old))

    async def _success(
        self,
        source: Source,
        page: FetchedPage,
        now: datetime,
        *,
        status: PollStatus = "ok",
        first: bool = False,
        outcomes: tuple[IngestOutcome, ...] = (),
        seen: tuple[SeenItem, ...] = (),
        marked: int = 0,
        too_old: int = 0,
    ) -> PollResult:
        record = PollRecord(
            source_id=source.id,
            polled_at=now,
            next_poll_at=now + self._interval(source),
            succeeded=True,
            consecutive_failures=0,
            etag=page.etag,
            last_modified=page.last_modified,
            kind=source.kind,
            seen=seen,
        )
        stored = await self._writer.write(record)
        return PollResult(
            stored or source,
            status,
            first_poll=first,
            outcomes=outcomes,
            marked_seen=marked,
            too_old=too_old,
        )

    def _interval(self, source: Source) -> timedelta:
        interval = source.interval or self.options.interval
        return spread_interval(source.id, interval, self.options.spread)

    async def _failure(
        self, source: Source, now: datetime, reason: str, asked: timedelta | None = None
    ) -> PollResult:
        """Record a failed poll; the next one waits the backoff, or longer if the server asked
        (429/503 `Retry-After`)."""
        sentence = _sentence(reason)
        failures = source.consecutive_failures + 1
        delay = max(backoff_delay(failures, self.options), asked or timedelta(0))
        record = PollRecord(
            source_id=source.id,
            polled_at=now,
            next_poll_at=now + delay,
            succeeded=False,
            consecutive_failures=failures,
            last_error=sentence,
        )
        stored = await self._writer.write(record) or source
        alert = None
        if failures == self.options.failure_threshold:
            alert = SourceAlert(stored, failure_message(stored, self.options))
        return PollResult(stored, "failed", error=sentence, alert=alert)


def failure_message(source: Source, options: PollOptions) -> str:
    """One sentence for the channel: which source keeps failing, why, and what to do."""
    delay = backoff_delay(source.consecutive_failures, options)
    reason = (source.last_error or "no reason recorded").rstrip(".")
    count = source.consecutive_failures
    times = "time" if count == 1 else "times"
    return (
        f"The source {source.label} has failed {count} {times} in a row "
        f"({reason}), so newsbot now tries it only every {_duration(delay)}; "
        f"fix or remove it with `sources remove {source.url}`."
    )


def _unseen(items: Sequence[FeedItem], seen: SeenIndex) -> list[FeedItem]:
    """Items not seen before, each once (a feed may list the same item twice)."""
    fresh: list[FeedItem] = []
    links: set[str] = set()
    guids: set[str] = set()
    prints: set[str] = set()
    for item in items:
        identity = seen_item(item)
        if not (identity.canonical_link or identity.guid or identity.fingerprint):
            continue  # nothing to recognise it by next time: ingesting it would repeat forever
        repeated = (
            identity.canonical_link in links
            or identity.guid in guids
            or identity.fingerprint in prints
        )
        if repeated or seen.matches(identity):
            continue
        links.add(identity.canonical_link or "")
        guids.add(identity.guid or "")
        prints.add(identity.fingerprint or "")
        fresh.append(item)
    return fresh


def _newest(items: Sequence[FeedItem], count: int) -> list[FeedItem]:
    """The `count` newest items by date; undated items rank after dated ones, in feed order."""
    if count <= 0:
        return []
    dated = [(i.published, i) for i in items if i.published is not None]
    dated.sort(key=lambda pair: pair[0], reverse=True)
    undated = [i for i in items if i.published is None]
    return ([item for _, item in dated] + undated)[:count]


def _ingested(items: Sequence[FeedItem], outcomes: Sequence[IngestOutcome]) -> list[SeenItem]:
    # A failed item is not remembered, so the next poll tries it again.
    return [
        seen_item(item, outcome.article.id if outcome.article else None)
        for item, outcome in zip(items, outcomes, strict=True)
        if outcome.status != "failed"
    ]


def _sentence(text: str) -> str:
    first = " ".join(text.split()) or "unknown error"
    return first.rstrip(".") + "."


def _duration(delay: timedelta) -> str:
    minutes = int(delay.total_seconds() // 60)
    if minutes >= 120 and minutes % 60 == 0:
        return f"{minutes // 60} hours"
    if minutes >= 60:
        return f"{minutes / 60:.1f} hours"
    return f"{minutes} minutes"
