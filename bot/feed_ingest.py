"""Feed items and fetched pages into stored articles, and `newsbot ingest URL` for both.

Contract: an `ItemSink` returns one `IngestOutcome` per input, in order, and never raises for a
bad item or page (a failed outcome carries one sentence); only `StoreError` escapes, because an
unusable store fails every later item the same way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol

from bot.clock import Clock
from bot.feed_sniff import sniff_kind
from bot.feeds import FeedError, FeedItem, NotAFeedError, parse_feed, plain_text
from bot.ingest import Ingestor, IngestOutcome
from bot.models import SourceText, TextFormat
from bot.net import FetchedPage, FetchError, SafeFetcher
from bot.net.fetch import html_title
from bot.page_metadata import PageMetadata, page_metadata
from bot.serial_worker import SerialWorker

_FORMATS: dict[str, TextFormat] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "markdown",
    "text/plain": "text",
}


class ItemSink(Protocol):
    """Where polled items and pages go: normally the article store, in a benchmark nowhere."""

    async def ingest_items(
        self, items: Sequence[FeedItem], feed_url: str
    ) -> tuple[IngestOutcome, ...]:
        """One outcome per item, in order; items may be processed concurrently."""
        ...

    async def ingest_page(self, page: FetchedPage, name: str) -> IngestOutcome:
        """The outcome of one fetched article page, reported under `name`."""
        ...


def failed(name: str, sentence: str) -> IngestOutcome:
    """A failed outcome with its one-sentence reason."""
    return IngestOutcome(name, "failed", error=sentence.rstrip("."))


def item_name(item: FeedItem, feed_url: str) -> str:
    """How an item is named in reports and stored as the article's source: its canonical link,
    else the feed URL with its GUID or title."""
    link = item.canonical_link or item.link
    return link or f"{feed_url} ({item.guid or item.title or 'untitled item'})"


class ArticleSink:
    """Stores items as articles: the feed's own text when it is the full article, else the page.

    Pages are fetched with the given `SafeFetcher` (so its SSRF policy and per-host limit apply),
    at most `item_concurrency` at a time per call; summarising and storing run one at a time on
    the `SerialWorker`.
    """

    def __init__(
        self,
        fetcher: SafeFetcher,
        ingestor: Ingestor,
        worker: SerialWorker,
        clock: Clock,
        *,
        item_concurrency: int = 4,
    ) -> None:
        self._fetcher = fetcher
        self._ingestor = ingestor
        self._worker = worker
        self._clock = clock
        self._item_concurrency = item_concurrency

    async def ingest_items(
        self, items: Sequence[FeedItem], feed_url: str
    ) -> tuple[IngestOutcome, ...]:
        """One outcome per item, in order; pages are fetched concurrently."""
        slots = asyncio.Semaphore(self._item_concurrency)

        async def one(item: FeedItem) -> IngestOutcome:
            async with slots:
                return await self._item(item, feed_url)

        return tuple(await asyncio.gather(*(one(item) for item in items)))

    async def ingest_page(
        self, page: FetchedPage, name: str, item: FeedItem | None = None
    ) -> IngestOutcome:
        """Store one fetched page as an article (the summariser extracts its main text).

        Author, date and canonical URL come from the feed item when it has them, else from the
        page's own metadata.
        """
        if not page.text.strip():
            return failed(name, f"{name} has no text to summarise")
        fmt = _FORMATS.get(page.content_type, "auto")
        meta = PageMetadata()
        if fmt == "html":
            meta = await asyncio.to_thread(page_metadata, page.text, page.final_url)
        source = SourceText(
            source=name,
            text=page.text,
            fmt=fmt,
            title=html_title(page.text, page.content_type) or "",
            url=(item.canonical_link if item else None) or meta.canonical or page.final_url,
            fetched_at=self._clock(),
            author=(item.author if item else None) or meta.author,
            published=(item.published if item else None) or meta.published,
        )
        return await self._worker.run(self._ingestor.ingest_source, source)

    async def _item(self, item: FeedItem, feed_url: str) -> IngestOutcome:
        name = item_name(item, feed_url)
        if item.link is None or item.has_full_text:
            if not plain_text(item.body):
                return failed(name, f"{name} has no text and no link to read it from")
            return await self._worker.run(self._ingestor.ingest_source, self._own_text(item, name))
        try:
            page = await self._fetcher.fetch(item.link)
        except FetchError as error:
            return failed(name, f"{name}: {error}")
        return await self.ingest_page(page, name, item)

    def _own_text(self, item: FeedItem, name: str) -> SourceText:
        return SourceText(
            source=name,
            text=item.body,
            fmt="html",
            title=item.title,
            url=item.canonical_link or item.link,
            fetched_at=self._clock(),
            author=item.author,
            published=item.published,
        )


async def ingest_url(url: str, fetcher: SafeFetcher, sink: ItemSink) -> tuple[IngestOutcome, ...]:
    """`newsbot ingest URL`: every item of a feed, or the article of a page.

    The body decides (see `bot.feed_sniff`): a feed URL that serves HTML is read as an article.
    """
    try:
        page = await fetcher.fetch(url)
    except FetchError as error:
        return (failed(url, f"{url}: {error}"),)
    if sniff_kind(page.text, page.content_type) == "page":
        return (await sink.ingest_page(page, url),)
    try:
        feed = parse_feed(page.text, page.final_url, content_type=page.content_type)
    except NotAFeedError:
        return (await sink.ingest_page(page, url),)
    except FeedError as error:
        return (failed(url, str(error)),)
    if not feed.items:
        return (failed(url, f"{url} is a feed without items; nothing to ingest"),)
    return await sink.ingest_items(feed.items, url)


async def ingest_urls(
    urls: Sequence[str], fetcher: SafeFetcher, sink: ItemSink
) -> tuple[tuple[IngestOutcome, ...], ...]:
    """`ingest_url` for several URLs at once; the outcomes of each URL, in argument order."""
    return tuple(await asyncio.gather(*(ingest_url(url, fetcher, sink) for url in urls)))
