"""Feed polling at scale: a loopback server with 10,000 generated feeds, polled by the real Poller.

A separate process serves `/feed/N.xml` (RSS 2.0, `--items` items each, generated from a fixed
seed) with ETag and Last-Modified, answering 304 to a matching conditional request; `/bump` adds
one new item to every feed. The poller process runs the real `SafeFetcher` (SSRF guard on, with
127.0.0.1 allow-listed), `Poller`, `SourceStore` and SQLite, and measures:

- cycle 1, first poll of every source: fetch, parse, mark every item seen;
- cycle 2, nothing changed: one conditional request per feed, all 304;
- cycle 3, one new item per feed: fetch, parse, find the new item.

Items are handed to a parse-only sink in these cycles (no summarising: that is measured apart).
Reported: wall time, feeds per second, requests the server saw, and the poller's peak memory
(`ru_maxrss`; the server runs in its own process and is not counted). Then a smaller sample
(`--ingest-feeds` feeds with one full-text item each) goes through the real ingest path
(summariser + SQLite store, no embeddings) to give items per second with full ingest.

All feeds live on one host, so the per-host limit is raised to the global concurrency for the run
(real feeds are spread over many hosts); both are reported.

    .venv/bin/python -m bench.feeds [--feeds 10000] [--items 10] [--concurrency 20]
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import multiprocessing
import random
import resource
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bench._common import print_table, write_results
from bot.engine import sqlite_engine
from bot.feed_ingest import ArticleSink
from bot.feeds import FeedItem
from bot.ingest import IngestOptions, Ingestor, IngestOutcome
from bot.net import AddressPolicy, FetchedPage, FetchOptions, SafeFetcher
from bot.polling import Poller, PollOptions, PollResult
from bot.schema import sources
from bot.serial_worker import SerialWorker
from bot.source_store import SourceStore
from bot.store import Store
from summarizer import summarize

SEED = 20250701
NOW = datetime(2025, 7, 1, 12, tzinfo=UTC)
WORDS = (
    "market rates bank energy plant city council vote engineers software battery factory "
    "investment minister budget growth exports trade union strike airline airport rail "
    "hospital school research climate storm harbour election court ruling shares profit"
).split()
CITIES = ("Munich", "Lyon", "Utrecht", "Porto", "Gdansk", "Leeds", "Turin", "Ghent")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


# The server process ------------------------------------------------------------------------------


class FeedFarm:
    """Generates and serves the feeds; `version` 2 adds one new item to every feed."""

    def __init__(self, items: int, seed: int) -> None:
        self.items = items
        self.seed = seed
        self.version = 1
        self.requests = 0
        self.not_modified = 0
        self._cache: dict[tuple[int, int], bytes] = {}

    def etag(self, number: int) -> str:
        return f'"{number}-{self.version}"'

    def document(self, number: int) -> bytes:
        key = (number, self.version)
        if key not in self._cache:
            self._cache[key] = self._generate(number).encode("utf-8")
        return self._cache[key]

    def full_text(self, number: int) -> bytes:
        """A feed with one item that carries a whole article (for the full-ingest sample)."""
        rng = random.Random(self.seed * 7 + number)
        sentences = [
            f"The {rng.choice(WORDS)} {rng.choice(WORDS)} in {rng.choice(CITIES)} said on "
            f"{rng.choice(DAYS)} that the {rng.choice(WORDS)} would grow by {rng.randint(2, 40)} "
            f"percent this year, after {rng.randint(3, 900)} {rng.choice(WORDS)} workers joined."
            for _ in range(9)
        ]
        body = escape("<p>" + " ".join(sentences) + "</p>")
        title = f"Report {number} from {rng.choice(CITIES)}"
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Full {number}</title><item><title>{title}</title>"
            f"<link>https://full{number}.example/a</link><guid>full-{number}</guid>"
            f"<pubDate>{format_datetime(NOW)}</pubDate><description>{body}</description>"
            "</item></channel></rss>"
        ).encode()

    def _generate(self, number: int) -> str:
        rng = random.Random(self.seed * 100_003 + number)
        count = self.items + (self.version - 1)
        entries = []
        for index in range(count):
            position = count - 1 - index  # newest first; item ids grow with time
            words = " ".join(rng.choice(WORDS) for _ in range(40))
            published = NOW - timedelta(minutes=17 * index + number % 60)
            entries.append(
                f"<item><title>Feed {number} item {position}: {escape(words[:60])}</title>"
                f"<link>https://feed{number}.example/news/{position}?utm_source=rss</link>"
                f'<guid isPermaLink="false">feed{number}-{position}</guid>'
                f"<pubDate>{format_datetime(published)}</pubDate>"
                f"<description>{escape(words)}.</description></item>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Feed {number}</title><link>https://feed{number}.example/</link>"
            f"<language>en</language>{''.join(entries)}</channel></rss>"
        )

    def answer(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        self.requests += 1
        if path == "/bump":
            self.version += 1
            self._cache.clear()
            return 200, {"Content-Type": "text/plain"}, b"ok"
        if path == "/stats":
            body = f"{self.requests - 1} {self.not_modified}".encode()
            return 200, {"Content-Type": "text/plain"}, body
        if path.startswith("/full/") and path.endswith(".xml"):
            number = int(path[len("/full/") : -len(".xml")])
            return 200, {"Content-Type": "application/rss+xml"}, self.full_text(number)
        if not (path.startswith("/feed/") and path.endswith(".xml")):
            return 404, {}, b""
        number = int(path[len("/feed/") : -len(".xml")])
        etag = self.etag(number)
        if headers.get("if-none-match") == etag:
            self.not_modified += 1
            return 304, {"ETag": etag}, b""
        validators = {"ETag": etag, "Last-Modified": format_datetime(NOW, usegmt=True)}
        return 200, {"Content-Type": "application/rss+xml", **validators}, self.document(number)


async def _serve_connection(
    farm: FeedFarm, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name:
                    headers[name.strip().lower()] = value.strip()
            status, extra, body = farm.answer(path, headers)
            reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}[status]
            out = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}"]
            out += [f"{name}: {value}" for name, value in extra.items()]
            writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


def _server_main(items: int, seed: int, pipe: Connection) -> None:
    async def main() -> None:
        farm = FeedFarm(items, seed)
        server = await asyncio.start_server(
            lambda r, w: _serve_connection(farm, r, w), "127.0.0.1", 0, backlog=1024
        )
        pipe.send(server.sockets[0].getsockname()[1])
        async with server:
            await server.serve_forever()

    asyncio.run(main())


# The poller process ------------------------------------------------------------------------------


class ParseOnlySink:
    """An `ItemSink` that stores nothing: items count as new, pages are ignored."""

    def __init__(self) -> None:
        self.items = 0

    async def ingest_items(
        self, items: Sequence[FeedItem], feed_url: str
    ) -> tuple[IngestOutcome, ...]:
        self.items += len(items)
        return tuple(IngestOutcome(item.link or feed_url, "new") for item in items)

    async def ingest_page(self, page: FetchedPage, name: str) -> IngestOutcome:
        return IngestOutcome(name, "new")


def _fetch_options(concurrency: int) -> FetchOptions:
    policy = AddressPolicy(allow=(ipaddress.ip_network("127.0.0.1/32"),))
    return FetchOptions(policy=policy, per_host=concurrency, deadline=60.0, backoff=0.05)


def _add_sources(engine: Any, base: str, count: int, folder: str = "feed") -> None:
    rows = [
        {
            "url": f"{base}/{folder}/{number}.xml",
            "kind": "feed",
            "added_by": "bench",
            "added_at": NOW,
            "next_poll_at": NOW,
            "consecutive_failures": 0,
            "active": True,
        }
        for number in range(count)
    ]
    with engine.begin() as connection:
        connection.execute(insert(sources), rows)


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _cycles(base: str, folder: Path, feeds: int, concurrency: int) -> dict[str, Any]:
    engine = sqlite_engine(folder / "bench.db")
    store = SourceStore(engine)
    _add_sources(engine, base, feeds)
    clock = _Clock(NOW)
    sink = ParseOnlySink()
    options = PollOptions(concurrency=concurrency, max_item_age=None)
    report: dict[str, Any] = {}
    with SerialWorker() as worker:
        async with SafeFetcher(_fetch_options(concurrency)) as fetcher:
            poller = Poller(store, fetcher, sink, worker, clock=clock, options=options)
            for name in ("first_poll", "unchanged", "one_new_item_each"):
                if name == "one_new_item_each":
                    await fetcher.fetch(f"{base}/bump")
                before = await _stats(fetcher, base)
                items_before = sink.items
                started = time.perf_counter()
                results = await poller.poll_due_sources(clock.now, every=True)
                elapsed = time.perf_counter() - started
                after = await _stats(fetcher, base)
                report[name] = _cycle_report(results, elapsed, before, after)
                report[name]["items_to_sink"] = sink.items - items_before
                clock.now += timedelta(hours=1)
    engine.dispose()
    return report


async def _stats(fetcher: SafeFetcher, base: str) -> tuple[int, int]:
    page = await fetcher.fetch(f"{base}/stats")
    requests, not_modified = page.text.split()
    return int(requests), int(not_modified)


def _cycle_report(
    results: tuple[PollResult, ...],
    elapsed: float,
    before: tuple[int, int],
    after: tuple[int, int],
) -> dict[str, Any]:
    statuses = {s: sum(r.status == s for r in results) for s in ("ok", "not_modified", "failed")}
    return {
        "sources": len(results),
        "seconds": round(elapsed, 2),
        "feeds_per_second": round(len(results) / elapsed, 1),
        "requests": after[0] - before[0] - 1,  # less the /stats request itself
        "answered_304": after[1] - before[1],
        "statuses": statuses,
        "marked_seen": sum(r.marked_seen for r in results),
        "peak_rss_mb": round(_max_rss_mb(), 1),
    }


class _Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def _full_ingest(base: str, folder: Path, feeds: int) -> dict[str, Any]:
    """Polls `feeds` feeds whose one new item is summarised and stored (no embeddings)."""
    engine = sqlite_engine(folder / "ingest.db")
    articles = Store(engine)
    store = SourceStore(engine)
    _add_sources(engine, base, feeds, "full")
    clock = _Clock(NOW)
    ingestor = Ingestor(articles, IngestOptions(), clock)
    options = PollOptions(concurrency=20, max_item_age=None, keep_newest=1)
    summarize("Models load on first use. This call keeps that out of the timing.")
    with SerialWorker() as worker:
        async with SafeFetcher(_fetch_options(20)) as fetcher:
            sink = ArticleSink(fetcher, ingestor, worker, clock)
            poller = Poller(store, fetcher, sink, worker, clock=clock, options=options)
            started = time.perf_counter()
            results = await poller.poll_due_sources(NOW, every=True)
            elapsed = time.perf_counter() - started
    engine.dispose()
    stored = sum(len(r.articles) for r in results)
    return {
        "feeds": feeds,
        "items_ingested": stored,
        "seconds": round(elapsed, 2),
        "items_per_second": round(stored / elapsed, 2) if elapsed else None,
        "note": "keep_newest=1 on the first poll: one item per feed carrying its full text "
        "(about 250 words), summarised and stored in SQLite; no embeddings or story grouping",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=10, help="items per feed")
    parser.add_argument("--concurrency", type=int, default=20, help="sources polled at once")
    parser.add_argument("--ingest-feeds", type=int, default=50, help="feeds in the ingest sample")
    args = parser.parse_args()

    receiver, sender = multiprocessing.Pipe(duplex=False)
    server = multiprocessing.Process(
        target=_server_main, args=(args.items, SEED, sender), daemon=True
    )
    server.start()
    try:
        port = receiver.recv()
        base = f"http://127.0.0.1:{port}"
        baseline = _max_rss_mb()
        with tempfile.TemporaryDirectory() as folder:
            cycles = asyncio.run(_cycles(base, Path(folder), args.feeds, args.concurrency))
            ingest = asyncio.run(_full_ingest(base, Path(folder), args.ingest_feeds))
    finally:
        server.terminate()
        server.join(timeout=5)

    rows = [
        [
            name,
            c["sources"],
            c["seconds"],
            c["feeds_per_second"],
            c["requests"],
            c["answered_304"],
            c["peak_rss_mb"],
        ]
        for name, c in cycles.items()
    ]
    print_table(["cycle", "sources", "seconds", "feeds/s", "requests", "304s", "peak MB"], rows)
    print(
        f"\nfull ingest sample: {ingest['items_ingested']} items in {ingest['seconds']} s "
        f"= {ingest['items_per_second']} items/s ({ingest['note']})"
    )
    path = write_results(
        "feeds",
        {
            "setup": {
                "feeds": args.feeds,
                "items_per_feed": args.items,
                "concurrency": args.concurrency,
                "per_host": args.concurrency,
                "seed": SEED,
                "sink": "parse-only (items are parsed and de-duplicated, not summarised)",
                "store": "SQLite (WAL) in a temporary folder",
                "baseline_rss_mb": round(baseline, 1),
            },
            "cycles": cycles,
            "full_ingest_sample": ingest,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
