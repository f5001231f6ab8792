"""SafeFetcher against real loopback servers: caps, deadlines, retries, redirects, decoding."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import time

import pytest

from bot.net import (
    AddressPolicy,
    FetchedPage,
    FetchError,
    FetchOptions,
    FetchTimeoutError,
    HTTPStatusError,
    SafeFetcher,
    TooLargeError,
    UnsafeURLError,
    fetch_text,
)
from tests.loopback_http import LoopbackServer, RecordedRequest, Route, unused_port

LOOPBACK_ONLY = AddressPolicy(allow=(ipaddress.ip_network("127.0.0.1/32"),))
# Fast retries so the retry tests take milliseconds; the allow-list admits only the fake server.
OPTIONS = FetchOptions(policy=LOOPBACK_ONLY, backoff=0.01, deadline=5.0)


def fetch(
    url: str,
    options: FetchOptions = OPTIONS,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchedPage:
    async def run() -> FetchedPage:
        async with SafeFetcher(options) as fetcher:
            return await fetcher.fetch(url, etag=etag, last_modified=last_modified)

    return asyncio.run(run())


def test_fetches_a_page_with_a_polite_user_agent() -> None:
    page_html = "<html><head><title>Hi</title></head><body>Hello</body></html>"
    routes = {"/a": Route.html(page_html, charset="utf-8")}
    with LoopbackServer(routes) as server:
        page = fetch(server.url("/a?x=1"))
    assert page.status == 200
    assert page.text == page_html
    assert page.content_type == "text/html"
    assert page.final_url == page.url == server.url("/a?x=1")
    assert not page.not_modified
    assert server.requests[0].headers["user-agent"].startswith("newsbot/0.1 (+https://")


def test_redirects_are_followed_and_counted() -> None:
    routes = {
        "/old": Route.redirect("/new", status=301),
        "/new": Route(body=b"moved here", headers={"Content-Type": "text/plain"}),
        "/loop": Route.redirect("/loop"),
    }
    with LoopbackServer(routes) as server:
        page = fetch(server.url("/old"))
        assert page.final_url == server.url("/new")
        assert page.text == "moved here"
        with pytest.raises(FetchError, match=r"redirected more than 5 times"):
            fetch(server.url("/loop"))
        assert server.hits("/loop") == 6


def test_declared_length_over_the_cap_is_refused_before_reading() -> None:
    routes = {"/big": Route(body=b"x" * 10, content_length=10_000_000)}
    with LoopbackServer(routes) as server, pytest.raises(TooLargeError, match="larger than"):
        fetch(server.url("/big"), FetchOptions(policy=LOOPBACK_ONLY, max_bytes=1_000))


def test_chunked_body_over_the_cap_is_cut_off() -> None:
    routes = {"/stream": Route(body=b"y" * 65_536, chunked=True, repeat=200)}  # 13 MB
    started = time.monotonic()
    with LoopbackServer(routes) as server, pytest.raises(TooLargeError, match=r"127\.0\.0\.1"):
        fetch(server.url("/stream"), FetchOptions(policy=LOOPBACK_ONLY, max_bytes=100_000))
    assert time.monotonic() - started < 3


def test_compressed_body_is_capped_after_decompression() -> None:
    bomb = gzip.compress(b"\0" * 20_000_000)  # about 20 KB on the wire
    routes = {"/bomb": Route(body=bomb, headers={"Content-Encoding": "gzip"})}
    small = gzip.compress("Grüße".encode())
    routes["/ok"] = Route(
        body=small, headers={"Content-Encoding": "gzip", "Content-Type": "text/plain"}
    )
    with LoopbackServer(routes) as server:
        assert fetch(server.url("/ok")).text == "Grüße"
        with pytest.raises(TooLargeError):
            fetch(server.url("/bomb"), FetchOptions(policy=LOOPBACK_ONLY, max_bytes=1_000_000))


def test_slow_server_hits_the_overall_deadline() -> None:
    routes = {
        "/slow-start": Route(body=b"late", delay=2.0),
        "/slow-body": Route(body=b"z" * 10, chunked=True, repeat=50, chunk_delay=0.1),
    }
    options = FetchOptions(policy=LOOPBACK_ONLY, deadline=0.5, retries=0)
    with LoopbackServer(routes) as server:
        for path in routes:
            started = time.monotonic()
            with pytest.raises(FetchTimeoutError, match=r"within 0\.5 seconds"):
                fetch(server.url(path), options)
            assert time.monotonic() - started < 1.5


def test_read_timeout_is_a_timeout_error() -> None:
    routes = {"/stall": Route(body=b"late", delay=1.0)}
    options = FetchOptions(policy=LOOPBACK_ONLY, read_timeout=0.2, retries=0)
    with LoopbackServer(routes) as server, pytest.raises(FetchTimeoutError, match="in time"):
        fetch(server.url("/stall"), options)


def test_server_error_is_retried_then_succeeds() -> None:
    routes = {"/flaky": [Route(status=503), Route(status=502), Route(body=b"ok")]}
    with LoopbackServer(routes) as server:
        assert fetch(server.url("/flaky")).text == "ok"
        assert server.hits("/flaky") == 3


def test_persistent_server_error_gives_up_after_the_retries() -> None:
    with LoopbackServer({"/down": Route(status=503)}) as server:
        with pytest.raises(HTTPStatusError, match="answered 503 Service Unavailable") as caught:
            fetch(server.url("/down"))
        assert caught.value.status == 503
        assert server.hits("/down") == 3


def test_client_error_is_not_retried() -> None:
    with LoopbackServer({}) as server:
        with pytest.raises(HTTPStatusError, match=r"^127\.0\.0\.1 answered 404 Not Found\.$"):
            fetch(server.url("/missing"))
        assert server.hits("/missing") == 1


def test_conditional_get_returns_not_modified() -> None:
    def feed(request: RecordedRequest) -> Route:
        if request.headers.get("if-none-match") == '"v1"':
            return Route(status=304, headers={"ETag": '"v1"'})
        if request.headers.get("if-modified-since") == "Tue, 01 Jul 2025 10:00:00 GMT":
            return Route(status=304)
        headers = {
            "ETag": '"v1"',
            "Last-Modified": "Tue, 01 Jul 2025 10:00:00 GMT",
            "Content-Type": "application/rss+xml",
        }
        return Route(body=b"<rss/>", headers=headers)

    with LoopbackServer({"/feed": feed}) as server:
        first = fetch(server.url("/feed"))
        assert (first.status, first.etag, first.text) == (200, '"v1"', "<rss/>")
        again = fetch(server.url("/feed"), etag=first.etag)
        assert again.not_modified
        assert (again.text, again.etag) == ("", '"v1"')
        by_date = fetch(server.url("/feed"), last_modified=first.last_modified)
        assert by_date.not_modified
        assert by_date.last_modified == first.last_modified  # kept although the 304 omitted it


def test_charset_from_header_meta_and_fallback() -> None:
    routes = {
        "/latin": Route.html("<p>Café à Zürich</p>", charset="ISO-8859-1"),
        "/meta": Route(
            body='<meta charset="windows-1252"><p>naïve – “quotes”</p>'.encode("cp1252"),
            headers={"Content-Type": "text/html"},
        ),
        "/xml": Route(
            body='<?xml version="1.0" encoding="iso-8859-15"?><rss>€</rss>'.encode("iso-8859-15"),
            headers={"Content-Type": "application/xml"},
        ),
        "/bom": Route(body="hé".encode("utf-16"), headers={"Content-Type": "text/plain"}),
        "/broken": Route(body=b"ok \xff\xfe end", headers={"Content-Type": "text/plain"}),
    }
    with LoopbackServer(routes) as server:
        assert fetch(server.url("/latin")).text == "<p>Café à Zürich</p>"
        assert "naïve – “quotes”" in fetch(server.url("/meta")).text
        assert fetch(server.url("/xml")).text.endswith("<rss>€</rss>")
        assert fetch(server.url("/bom")).text == "hé"
        assert fetch(server.url("/broken")).text == "ok \ufffd\ufffd end"


def test_binary_content_is_refused() -> None:
    routes = {"/cat.png": Route(body=b"\x89PNG", headers={"Content-Type": "image/png"})}
    with LoopbackServer(routes) as server, pytest.raises(FetchError, match="image/png"):
        fetch(server.url("/cat.png"))


@pytest.mark.parametrize("reset_after", [0, 300, 4_000])
def test_a_host_that_resets_the_connection_is_a_clear_fetch_error(reset_after: int) -> None:
    """A reset before the answer, after its head or within its body: one sentence saying the
    connection failed, never a refusal (the peer's address was checked when it connected). Once
    the answer has begun it was lost, whether the reset shows at the peer check or in the body."""
    body = b"<rss>" + b"x" * 5_000 + b"</rss>"
    routes = {"/feed": Route(body=body, reset_after=reset_after)}
    with LoopbackServer(routes) as server, pytest.raises(FetchError) as caught:
        fetch(server.url("/feed"))
    assert not isinstance(caught.value, UnsafeURLError)
    lost = "The connection to 127.0.0.1 was lost; try again later."
    failed = "The connection to 127.0.0.1 failed; try again later."
    assert str(caught.value) in ({lost, failed} if reset_after == 0 else {lost})
    assert caught.value.host == "127.0.0.1"


def test_a_reset_then_an_answer_is_retried_within_one_fetch() -> None:
    routes = {"/feed": [Route(body=b"<rss/>", reset_after=0), Route(body=b"ok")]}
    with LoopbackServer(routes) as server:
        assert fetch(server.url("/feed")).text == "ok"
        assert server.hits("/feed") == 2


def test_connection_refused_is_a_clear_fetch_error() -> None:
    url = f"http://127.0.0.1:{unused_port()}/feed"
    with pytest.raises(FetchError) as caught:
        fetch(url)
    message = str(caught.value)
    assert message == "Could not connect to 127.0.0.1; check the address or try again later."
    assert caught.value.host == "127.0.0.1"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/", "http://u:p@x.org/"])
def test_refused_urls_never_reach_the_network(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        fetch(url)


def test_per_host_limit_serialises_requests() -> None:
    routes = {"/slow": Route(body=b"ok", delay=0.2)}
    options = FetchOptions(policy=LOOPBACK_ONLY, per_host=1)

    async def run(url: str) -> float:
        started = time.monotonic()
        async with SafeFetcher(options) as fetcher:
            pages = await asyncio.gather(*(fetcher.fetch(url) for _ in range(3)))
        assert [p.text for p in pages] == ["ok"] * 3
        return time.monotonic() - started

    with LoopbackServer(routes) as server:
        assert asyncio.run(run(server.url("/slow"))) >= 0.55


def test_fetch_text_returns_title_and_raw_html() -> None:
    markup = (
        "<!doctype html><html><head><title>\n  Rates &amp; markets  </title></head>"
        "<body><p>The ECB held rates.</p></body></html>"
    )
    routes = {"/article": Route.html(markup), "/plain": Route(body=b"just text")}
    with LoopbackServer(routes) as server:
        page = fetch_text(server.url("/article"), options=OPTIONS)
        assert page.title == "Rates & markets"
        assert page.text == markup
        assert page.content_type == "text/html"
        plain = fetch_text(server.url("/plain"), options=OPTIONS)
        assert plain.title is None
        assert plain.text == "just text"
