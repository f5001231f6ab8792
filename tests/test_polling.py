"""Polling against a real loopback feed server and a real SQLite store, with an injected clock."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TypeVar

import pytest
from sqlalchemy import Engine

from bot.feed_ingest import ArticleSink
from bot.ingest import IngestOptions, Ingestor
from bot.net import AddressPolicy, FetchOptions, SafeFetcher
from bot.polling import (
    AddResult,
    Poller,
    PollOptions,
    PollResult,
    backoff_delay,
    failing,
    spread_interval,
)
from bot.serial_worker import SerialWorker
from bot.source_store import ChannelKey, NewSource, Source, SourceStore
from bot.store import Store
from tests.feed_samples import BILLION_LAUGHS, T0, SampleItem, feed_route, items, page_route, rss20
from tests.loopback_http import LoopbackServer, RecordedRequest, Route

LOOPBACK = AddressPolicy(allow=(ipaddress.ip_network("127.0.0.1/32"),))
FETCH = FetchOptions(policy=LOOPBACK, backoff=0.01, deadline=5.0)
T = TypeVar("T")


class Clock:
    """A clock that tells the time it is set to."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Rig:
    """A loopback server, a store and a poller factory sharing one clock."""

    server: LoopbackServer
    store: Store
    sources: SourceStore
    clock: Clock
    options: PollOptions = field(default_factory=PollOptions)
    fetch: FetchOptions = FETCH

    @property
    def base(self) -> str:
        return self.server.url("").rstrip("/")

    def run(self, work: Callable[[Poller], Awaitable[T]]) -> T:
        async def main() -> T:
            with SerialWorker() as worker:
                async with SafeFetcher(self.fetch) as fetcher:
                    ingestor = Ingestor(self.store, IngestOptions(points=2), self.clock)
                    sink = ArticleSink(fetcher, ingestor, worker, self.clock)
                    poller = Poller(
                        self.sources, fetcher, sink, worker, clock=self.clock, options=self.options
                    )
                    return await work(poller)

        return asyncio.run(main())

    def add(self, path: str = "/feed", **changes: object) -> AddResult:
        new = replace(NewSource(self.server.url(path), "feed", "test"), **changes)  # type: ignore[arg-type]
        return self.run(lambda poller: poller.add_source(new))

    def poll(self, source: Source) -> PollResult:
        current = self.sources.get(source.id)
        assert current is not None
        return self.run(lambda poller: poller.poll_source(current))

    def serve(self, document: str, path: str = "/feed", **headers: str) -> None:
        self.server.routes[path] = feed_route(document, **headers)

    def articles(self) -> int:
        return self.store.counts().articles


@pytest.fixture
def rig(engine: Engine) -> Iterator[Rig]:
    """A poller's parts on SQLite and on PostgreSQL (the conftest `engine`)."""
    with LoopbackServer() as server:
        yield Rig(server, Store(engine), SourceStore(engine), Clock(T0))


def item_paths(server: LoopbackServer) -> list[str]:
    return [r.path for r in server.requests if r.path.startswith("/article/")]


def test_first_poll_marks_existing_items_seen_then_only_new_ones_are_ingested(rig: Rig) -> None:
    """Adding a feed ingests nothing it already holds; a later item is ingested from the feed."""
    rig.serve(rss20(items(5, rig.base)))
    added = rig.add()
    assert added.added
    assert added.poll is not None
    assert (added.poll.status, added.poll.first_poll, added.poll.marked_seen) == ("ok", True, 5)
    assert added.poll.articles == ()
    assert rig.articles() == 0
    assert rig.sources.seen_count(added.source.id) == 5

    rig.clock.now = T0 + timedelta(hours=1)
    rig.serve(
        rss20(items(6, rig.base, start=0)[:0] + items(1, rig.base, start=9) + items(5, rig.base))
    )
    result = rig.poll(added.source)
    assert result.status == "ok"
    assert not result.first_poll
    assert [a.source for a in result.articles] == [f"{rig.base}/article/9"]
    article = result.articles[0]
    assert article.url == f"{rig.base}/article/9"  # canonical: tracking parameters dropped
    assert article.author == "Anna de Vries"
    assert article.published == T0 - timedelta(hours=0)
    assert item_paths(rig.server) == []  # the feed carried the full text: no page fetched
    assert rig.articles() == 1
    assert rig.poll(added.source).articles == ()


def test_keep_newest_ingests_the_newest_items_of_the_first_poll(rig: Rig) -> None:
    """keep_newest N takes the N newest by date, whatever the feed order."""
    rig.options = PollOptions(keep_newest=2)
    shuffled = items(4, rig.base)
    rig.serve(rss20([shuffled[2], shuffled[0], shuffled[3], shuffled[1]]))
    poll = rig.add().poll
    assert poll is not None
    assert sorted(a.source for a in poll.articles) == [f"{rig.base}/article/{n}" for n in (0, 1)]
    assert poll.marked_seen == 2


def test_teaser_items_are_read_from_their_pages(rig: Rig) -> None:
    """An item with a one-line description is fetched and extracted from its page."""
    rig.options = PollOptions(keep_newest=2)
    for number in range(2):
        rig.server.routes[f"/article/{number}"] = page_route(number, title=f"Page {number}")
    rig.serve(rss20(items(2, rig.base, full=False)))
    poll = rig.add().poll
    assert poll is not None
    assert sorted(item_paths(rig.server)) == [
        "/article/0?utm_source=rss&utm_medium=feed",
        "/article/1?utm_source=rss&utm_medium=feed",
    ]
    texts = {a.source: a.text for a in poll.articles}
    assert "research centre" in texts[f"{rig.base}/article/0"]
    assert {a.author for a in poll.articles} == {"Anna de Vries"}  # the item's, not the page's


def test_a_failing_item_is_one_outcome_and_is_tried_again(rig: Rig) -> None:
    """A 404 item page fails that item only; it is not remembered, so the next poll retries it."""
    rig.options = PollOptions(keep_newest=2)
    rig.server.routes["/article/0"] = page_route(0)
    rig.serve(rss20(items(2, rig.base, full=False)))
    added = rig.add()
    assert added.poll is not None
    assert [o.status for o in added.poll.outcomes] == ["new", "failed"]
    failure = added.poll.failed_items[0]
    assert failure.error == f"{rig.base}/article/1: 127.0.0.1 answered 404 Not Found"
    rig.server.routes["/article/1"] = page_route(1)
    again = rig.poll(added.source)
    assert [a.source for a in again.articles] == [f"{rig.base}/article/1"]


def test_conditional_get_costs_one_request_and_ingests_nothing(rig: Rig) -> None:
    """With the stored ETag and Last-Modified, an unchanged feed answers 304 and that is all."""
    document = rss20(items(3, rig.base))
    stamp = "Tue, 01 Jul 2025 10:00:00 GMT"

    def feed(request: RecordedRequest) -> Route:
        if request.headers.get("if-none-match") == '"v1"':
            return Route(status=304, headers={"ETag": '"v1"'})
        return feed_route(document, ETag='"v1"', **{"Last-Modified": stamp})

    rig.server.routes["/feed"] = feed
    source = rig.add().source
    assert (source.etag, source.last_modified) == ('"v1"', stamp)
    before = len(rig.server.requests)
    result = rig.poll(source)
    assert result.status == "not_modified"
    assert len(rig.server.requests) == before + 1
    sent = rig.server.requests[-1].headers
    assert (sent["if-none-match"], sent["if-modified-since"]) == ('"v1"', stamp)
    assert result.outcomes == ()
    assert rig.articles() == 0
    options = PollOptions()
    assert result.source.next_poll_at == T0 + spread_interval(
        source.id, options.interval, options.spread
    )


def test_changed_guids_dates_and_tracking_do_not_make_old_items_new(rig: Rig) -> None:
    """Re-published items match by canonical link, GUID or text; only a real new one is new."""
    rig.serve(rss20(items(3, rig.base)))
    source = rig.add().source
    old = items(3, rig.base)
    republished = [
        replace(old[0], guid="urn:new-guid:0", published=T0 + timedelta(days=1)),
        replace(old[1], link=f"{rig.base}/article/1?fbclid=abc&utm_campaign=z#top"),
        replace(old[2], link=f"{rig.base}/moved/2", guid="urn:moved:2"),  # same text
        SampleItem(7, f"{rig.base}/article/7", "urn:item:7", T0),
    ]
    rig.serve(rss20(republished))
    result = rig.poll(source)
    assert [a.source for a in result.articles] == [f"{rig.base}/article/7"]
    assert rig.poll(source).articles == ()


def test_items_older_than_the_max_age_are_skipped(rig: Rig) -> None:
    """After downtime, items older than max_item_age are marked seen, not ingested."""
    rig.options = PollOptions(max_item_age=timedelta(days=3))
    rig.serve(rss20(items(1, rig.base)))
    source = rig.add().source
    rig.clock.now = T0 + timedelta(days=10)
    fresh = SampleItem(20, f"{rig.base}/article/20", "urn:20", T0 + timedelta(days=10))
    stale = SampleItem(21, f"{rig.base}/article/21", "urn:21", T0 + timedelta(days=2))
    rig.serve(rss20([fresh, stale, *items(1, rig.base)]))
    result = rig.poll(source)
    assert [a.source for a in result.articles] == [f"{rig.base}/article/20"]
    assert (result.too_old, result.marked_seen) == (1, 1)
    rig.options = PollOptions(max_item_age=None)
    assert rig.poll(source).articles == ()  # the stale item was remembered


def test_backoff_grows_then_resets_on_success(rig: Rig) -> None:
    """Failures push the next poll back 5, 10, 20 minutes; one good poll resets everything."""
    rig.fetch = replace(FETCH, retries=0)
    rig.serve(rss20(items(1, rig.base)))
    source = rig.add().source
    rig.server.routes["/feed"] = Route(status=500)
    delays = []
    for expected in (1, 2, 3):
        rig.clock.now = rig.sources.get(source.id).next_poll_at  # type: ignore[union-attr]
        result = rig.poll(source)
        assert result.status == "failed"
        assert result.source.consecutive_failures == expected
        assert result.error == "127.0.0.1 answered 500 Internal Server Error."
        assert result.source.last_error == result.error
        delays.append(result.source.next_poll_at - rig.clock.now)
    assert delays == [timedelta(minutes=5), timedelta(minutes=10), timedelta(minutes=20)]
    rig.serve(rss20(items(1, rig.base)))
    rig.clock.now += timedelta(minutes=20)
    healed = rig.poll(source)
    assert healed.status == "ok"
    assert (healed.source.consecutive_failures, healed.source.last_error) == (0, None)
    interval = spread_interval(source.id, timedelta(minutes=30), PollOptions().spread)
    assert healed.source.next_poll_at == rig.clock.now + interval


def test_a_feed_host_that_resets_the_connection_fails_the_poll_clearly(rig: Rig) -> None:
    """A reset in the middle of the feed: the poll fails with one sentence and backs off; the
    next good answer brings the item that is new since the source was added."""
    rig.fetch = replace(FETCH, retries=0)
    rig.serve(rss20(items(1, rig.base)))
    source = rig.add().source
    rig.server.routes["/feed"] = Route(body=rss20(items(3, rig.base)).encode(), reset_after=200)
    result = rig.poll(source)
    assert result.status == "failed"
    assert result.error == "The connection to 127.0.0.1 was lost; try again later."
    assert result.source.next_poll_at == rig.clock.now + timedelta(minutes=5)
    rig.serve(rss20(items(2, rig.base)))
    rig.clock.now += timedelta(minutes=5)
    healed = rig.poll(source)
    assert healed.status == "ok"
    assert [article.source for article in healed.articles] == [f"{rig.base}/article/1"]


def test_backoff_is_capped_at_a_day() -> None:
    """The delay doubles from the base up to the cap, never past it."""
    options = PollOptions()
    assert backoff_delay(1, options) == timedelta(minutes=5)
    assert backoff_delay(9, options) == timedelta(minutes=5 * 256)
    assert backoff_delay(10, options) == timedelta(hours=24)
    assert backoff_delay(1000, options) == timedelta(hours=24)


def test_a_source_failing_n_times_is_reported_once_to_its_channel(rig: Rig) -> None:
    """The poll reaching failure_threshold carries an alert for the following channel."""
    rig.options = PollOptions(failure_threshold=3)
    rig.fetch = replace(FETCH, retries=0)
    rig.serve(rss20(items(1, rig.base)))
    source = rig.add(follower=ChannelKey("slack", "C042"), name="Example").source
    rig.server.routes["/feed"] = Route(status=503)
    alerts = [rig.poll(source).alert for _ in range(4)]
    assert [alert is not None for alert in alerts] == [False, False, True, False]
    alert = alerts[2]
    assert alert is not None
    assert alert.source.follower == ChannelKey("slack", "C042")
    assert alert.message.startswith("The source Example has failed 3 times in a row (127.0.0.1")
    assert "503 Service Unavailable" in alert.message
    assert f"sources remove {source.url}" in alert.message
    current = rig.sources.get(source.id)
    assert current is not None
    assert failing(current, rig.options)


def test_server_error_then_ok_is_retried_within_one_poll(rig: Rig) -> None:
    """A 500 followed by a good answer costs one poll and no failure."""
    rig.serve(rss20(items(1, rig.base)))
    source = rig.add().source
    rig.server.routes["/feed"] = [Route(status=500), feed_route(rss20(items(2, rig.base)))]
    before = rig.server.hits("/feed")
    result = rig.poll(source)
    assert result.status == "ok"
    assert result.source.consecutive_failures == 0
    assert rig.server.hits("/feed") == before + 2


def test_too_many_requests_is_a_failure_that_is_not_hammered(rig: Rig) -> None:
    """429 is not retried at once: one request, then the source waits as long as it was asked
    (Retry-After in seconds), when that is longer than its backoff."""
    rig.serve(rss20(items(1, rig.base)))
    source = rig.add().source
    rig.server.routes["/feed"] = Route(status=429, headers={"Retry-After": "3600"})
    before = rig.server.hits("/feed")
    result = rig.poll(source)
    expected = "127.0.0.1 answered 429 Too Many Requests and asked us to wait 60 minutes."
    assert result.error == expected
    assert rig.server.hits("/feed") == before + 1
    assert result.source.next_poll_at == T0 + timedelta(hours=1)


def test_a_slow_host_fails_at_the_deadline(rig: Rig) -> None:
    """A feed that takes longer than the deadline is a failure with one sentence."""
    rig.fetch = replace(FETCH, deadline=0.3, retries=0)
    rig.server.routes["/slow"] = Route(body=b"<rss/>", delay=1.0)
    source, _ = rig.sources.add(NewSource(rig.server.url("/slow"), "feed", "test"), T0)
    result = rig.poll(source)
    assert result.error == "127.0.0.1 did not finish sending the page within 0.3 seconds."


@pytest.mark.parametrize(
    "target", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/feed", "http://[::1]/"]
)
def test_a_redirect_to_a_private_address_is_refused(rig: Rig, target: str) -> None:
    """Only the loopback test server is allowed: a redirect elsewhere inside is refused."""
    rig.server.routes["/feed"] = Route.redirect(target)
    source, _ = rig.sources.add(NewSource(rig.server.url("/feed"), "feed", "test"), T0)
    result = rig.poll(source)
    assert result.status == "failed"
    assert result.error is not None
    assert result.error.startswith("Refusing to fetch from ")
    assert "private, local or reserved address" in result.error


def test_a_gzip_bomb_is_cut_off_at_the_byte_cap(rig: Rig) -> None:
    """A small compressed feed that inflates past the cap fails; memory stays bounded."""
    rig.fetch = replace(FETCH, max_bytes=1_000_000)
    bomb = gzip.compress(b"<rss>" + b" " * 5_000_000)
    assert len(bomb) < 10_000
    headers = {"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"}
    rig.server.routes["/feed"] = Route(body=bomb, headers=headers)
    source, _ = rig.sources.add(NewSource(rig.server.url("/feed"), "feed", "test"), T0)
    result = rig.poll(source)
    assert result.error == "The page at 127.0.0.1 is larger than 1.0 MB, the most newsbot reads."


def test_bad_feeds_fail_alone_in_a_polling_run(rig: Rig) -> None:
    """Entity bomb, malformed, empty and HTML sources fail with one sentence; the good one works."""
    rig.serve(rss20(items(2, rig.base)), "/good")
    rig.serve(BILLION_LAUGHS, "/bomb")
    rig.serve('<?xml version="1.0"?><rss><channel><title>x</rss>', "/broken")
    rig.server.routes["/empty"] = Route(body=b"", headers={"Content-Type": "application/rss+xml"})
    for path in ("/good", "/bomb", "/broken", "/empty"):
        rig.sources.add(NewSource(rig.server.url(path), "feed", "test"), T0)
    results = {r.source.url: r for r in rig.run(lambda p: p.poll_due_sources(T0))}
    assert results[rig.server.url("/good")].status == "ok"
    errors = {url.rsplit("/", 1)[1]: r.error for url, r in results.items() if r.error}
    assert errors["bomb"] == (
        f"{rig.server.url('/bomb')} declares XML entities (a possible entity bomb); "
        "it was not parsed."
    )
    assert errors["broken"].startswith(f"{rig.server.url('/broken')} is not a well-formed feed (")
    assert errors["empty"] == f"{rig.server.url('/empty')} sent an empty document, not a feed."
    assert rig.articles() == 0


def test_html_on_the_first_poll_makes_a_page_source(rig: Rig) -> None:
    """A URL that serves an article page is followed as a page; a changed page is new."""
    rig.server.routes["/page"] = page_route(1)
    added = rig.add("/page")
    assert added.source.kind == "page"
    assert added.poll is not None
    assert added.poll.marked_seen == 1
    assert rig.poll(added.source).articles == ()
    rig.server.routes["/page"] = page_route(2)
    changed = rig.poll(added.source)
    assert [a.source for a in changed.articles] == [rig.server.url("/page")]


def test_html_where_a_known_feed_was_is_a_failure(rig: Rig) -> None:
    """Once a source is a feed, an HTML answer (a parked domain, a login page) is a failure."""
    rig.serve(rss20(items(1, rig.base)))
    source = rig.add().source
    rig.server.routes["/feed"] = page_route(1)
    result = rig.poll(source)
    assert result.error == f"{rig.server.url('/feed')} is a web page, not an RSS or Atom feed."
    assert result.source.kind == "feed"


def test_a_source_that_fails_its_first_poll_is_not_added(rig: Rig) -> None:
    """`add_source` refuses a dead URL with one sentence and leaves nothing behind."""
    rig.server.routes["/feed"] = Route(status=404)
    with pytest.raises(Exception, match=r"was not added: 127\.0\.0\.1 answered 404 Not Found$"):
        rig.add()
    assert rig.sources.list() == ()


def test_only_due_sources_are_polled_and_a_claim_holds_them(rig: Rig) -> None:
    """poll_due_sources takes sources whose next poll has come; --all takes every active one."""
    rig.serve(rss20(items(1, rig.base)), "/a")
    rig.serve(rss20(items(1, rig.base)), "/b")
    rig.add("/a", interval=timedelta(hours=2))
    rig.add("/b")
    rig.clock.now = T0 + timedelta(minutes=31)
    polled = rig.run(lambda p: p.poll_due_sources(rig.clock.now))
    assert [r.source.url for r in polled] == [rig.server.url("/b")]
    assert rig.run(lambda p: p.poll_due_sources(rig.clock.now)) == ()
    everything = rig.run(lambda p: p.poll_due_sources(rig.clock.now, every=True))
    assert sorted(r.source.url for r in everything) == [rig.server.url(p) for p in ("/a", "/b")]


def test_item_pages_are_fetched_concurrently_within_the_per_host_limit(rig: Rig) -> None:
    """Two item pages start together; the third waits for a slot (per_host = 2)."""
    rig.options = PollOptions(keep_newest=4)
    rig.fetch = replace(FETCH, per_host=2)
    arrivals: list[float] = []

    def slow_page(number: int) -> Callable[[RecordedRequest], Route]:
        def answer(_request: RecordedRequest) -> Route:
            arrivals.append(time.monotonic())
            return replace(page_route(number), delay=0.2)

        return answer

    for number in range(4):
        rig.server.routes[f"/article/{number}"] = slow_page(number)
    rig.serve(rss20(items(4, rig.base, full=False)))
    poll = rig.add().poll
    assert poll is not None
    assert len(poll.articles) == 4
    first, second, third, _ = sorted(arrivals)
    assert second - first < 0.1  # concurrent
    assert third - first >= 0.19  # the per-host limit held the third back


def test_a_retry_after_date_is_honoured_up_to_a_day(rig: Rig) -> None:
    """Retry-After as an HTTP date years away delays the next poll by a day, not years."""
    rig.serve(rss20(items(1, rig.base)))
    source = rig.add().source
    later = {"Retry-After": "Tue, 01 Jan 2036 00:00:00 GMT"}
    rig.server.routes["/feed"] = Route(status=429, headers=later)
    result = rig.poll(source)
    assert result.status == "failed"
    assert result.source.next_poll_at - rig.clock.now == timedelta(days=1)


def test_a_503_asking_for_a_short_pause_is_retried_within_the_fetch(rig: Rig) -> None:
    """A 503 with Retry-After: 1 is retried after that second, and the poll succeeds."""
    rig.serve(rss20(items(1, rig.base)))
    source = rig.add().source
    rig.server.routes["/feed"] = [
        Route(status=503, headers={"Retry-After": "1"}),
        feed_route(rss20(items(2, rig.base))),
    ]
    result = rig.poll(source)
    assert result.status == "ok"
    assert len(result.articles) == 1


def test_sources_polled_together_drift_apart_by_their_own_spread() -> None:
    """Each source's interval is up to `spread` longer, by a share fixed per source: fifty
    sources get many different intervals within [interval, interval * 1.1]; spread 0 keeps the
    interval exact."""
    interval = timedelta(minutes=30)
    intervals = [spread_interval(source_id, interval, 0.1) for source_id in range(1, 51)]
    assert all(interval <= each <= interval * 1.1 for each in intervals)
    assert len(set(intervals)) >= 40
    assert max(intervals) - min(intervals) >= timedelta(minutes=2)
    assert intervals == [spread_interval(source_id, interval, 0.1) for source_id in range(1, 51)]
    assert spread_interval(7, interval, 0.0) == interval
    with pytest.raises(ValueError, match="spread"):
        PollOptions(spread=1.5)
