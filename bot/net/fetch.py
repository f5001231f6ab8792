"""Fetch user-supplied URLs safely: SSRF guard on every hop, byte cap, deadline, polite retries.

Contract: `SafeFetcher.fetch` returns a `FetchedPage` (with `not_modified` set for a 304 answer to
a conditional request) or raises a `FetchError`: `UnsafeURLError` when the URL or any redirect hop
is refused by the `AddressPolicy`, `TooLargeError` past `max_bytes`, `FetchTimeoutError` past the
overall deadline or a network timeout, `HTTPStatusError` for a 4xx answer or a 5xx answer that
persists after the retries, and a plain `FetchError` for anything else (refused connection, broken
stream, too many redirects). Messages are one sentence naming the host; no other exception leaks.
"""

from __future__ import annotations

import asyncio
import codecs
import html
import re
import zlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Final

import httpx

from bot.net.ssrf import (
    AddressPolicy,
    FetchError,
    GuardedTransport,
    UnsafeURLError,
    check_response_peer,
    check_url,
    parse_url,
)

DEFAULT_USER_AGENT: Final = "newsbot/0.1 (+https://github.com/newsbot)"
DEFAULT_ACCEPT: Final = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,text/*;q=0.8,*/*;q=0.5"
)
REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
# Media types that can never be an article or a feed; refused before reading the body.
_BINARY_PREFIXES: Final = ("image/", "audio/", "video/", "font/", "application/pdf")
# Browsers read these labels as windows-1252, and so do real pages that declare them.
_WINDOWS_1252_ALIASES: Final = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "ascii"})
_BOMS: Final = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
MAX_RETRY_WAIT: Final = 5.0  # seconds a fetch itself waits before a retry; longer: next poll
MAX_RETRY_AFTER: Final = timedelta(days=1)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
# Searched separately: one regex with `.*?` between them restarts at every `<title`, which is
# quadratic on a page of many unclosed ones.
_TITLE_OPEN = re.compile(r"<title\b[^<>]*>", re.I)
_TITLE_CLOSE = re.compile(r"</title\s*>", re.I)
_TITLE_WINDOW: Final = 65_536
_SNIFF_BYTES: Final = 4096
# How httpx 0.28 words the error for a redirect Location it cannot parse.
_BAD_LOCATION: Final = "Invalid URL in location header"


class TooLargeError(FetchError):
    """The response body is larger than `FetchOptions.max_bytes`."""


class FetchTimeoutError(FetchError):
    """The server did not answer, or the whole fetch did not finish, in time."""


class HTTPStatusError(FetchError):
    """The server answered with an error status (4xx, or 5xx after the retries).

    `retry_after` is how long the server asked us to wait (429 or 503 `Retry-After`), if it did.
    """

    def __init__(
        self,
        message: str,
        *,
        host: str | None = None,
        status: int,
        retry_after: timedelta | None = None,
    ) -> None:
        super().__init__(message, host=host)
        self.status = status
        self.retry_after = retry_after


class _ServerError(Exception):
    """A 5xx answer, raised inside one attempt so the retry loop can retry it."""

    def __init__(self, status: int, reason: str, retry_after: timedelta | None = None) -> None:
        super().__init__(status, reason)
        self.status = status
        self.reason = reason
        self.retry_after = retry_after


@dataclass(frozen=True)
class FetchOptions:
    """Limits and manners of a fetcher; defaults suit one article or feed from the public web."""

    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    deadline: float = 30.0  # seconds for the whole fetch: redirects, retries and body
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    retries: int = 2  # extra attempts after a connection error or a 5xx answer
    backoff: float = 0.5  # first pause between attempts; doubles each time
    per_host: int = 2  # concurrent requests to one host
    policy: AddressPolicy = field(default_factory=AddressPolicy)

    def __post_init__(self) -> None:
        limits = (self.connect_timeout, self.read_timeout, self.deadline, self.max_bytes)
        if min(limits) <= 0 or self.per_host < 1 or min(self.retries, self.max_redirects) < 0:
            raise ValueError("FetchOptions limits must be positive (retries and redirects >= 0).")


@dataclass(frozen=True)
class FetchedPage:
    """One fetched document, decoded to text; `status` 304 means unchanged since the validators."""

    url: str
    final_url: str
    status: int
    content_type: str  # media type without parameters, lower case; "" when the server sent none
    text: str
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        """True when a conditional request was answered 304 Not Modified (`text` is empty)."""
        return self.status == 304


@dataclass(frozen=True)
class FetchedText:
    """A fetched page for the command line: its title (HTML only) and its raw text."""

    url: str
    final_url: str
    title: str | None
    text: str
    content_type: str


def make_client(options: FetchOptions) -> httpx.AsyncClient:
    """Build the one AsyncClient of a fetcher: guarded transport, explicit timeouts, no proxies."""
    limits = httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=30)
    timeout = httpx.Timeout(
        connect=options.connect_timeout,
        read=options.read_timeout,
        write=options.read_timeout,
        pool=options.deadline,
    )
    return httpx.AsyncClient(
        transport=GuardedTransport(options.policy, limits=limits),
        timeout=timeout,
        follow_redirects=False,  # every hop is validated by SafeFetcher instead
        trust_env=False,  # an environment proxy would hide the real peer from the guard
        headers={"User-Agent": options.user_agent, "Accept": DEFAULT_ACCEPT},
    )


class _HostSlots:
    """Per-host semaphores that are dropped when idle, so a long-running poller does not leak."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._slots: dict[str, tuple[asyncio.Semaphore, int]] = {}

    @asynccontextmanager
    async def hold(self, host: str) -> AsyncIterator[None]:
        semaphore, users = self._slots.get(host, (asyncio.Semaphore(self._limit), 0))
        self._slots[host] = (semaphore, users + 1)
        try:
            async with semaphore:
                yield
        finally:
            semaphore, users = self._slots[host]
            if users == 1:
                del self._slots[host]
            else:
                self._slots[host] = (semaphore, users - 1)


class SafeFetcher:
    """Fetches http(s) URLs through one AsyncClient with the SSRF policy applied to every hop.

    The client is created by `client_factory` (default `make_client`) unless one is passed in; a
    passed-in client is not closed by the fetcher. With a client that lacks `GuardedTransport`, the
    pre-connect resolution check and the response peer check still apply, but a request may then
    reach a rebound address before its response is refused.
    """

    def __init__(
        self,
        options: FetchOptions | None = None,
        *,
        client: httpx.AsyncClient | None = None,
        client_factory: Callable[[FetchOptions], httpx.AsyncClient] = make_client,
    ) -> None:
        self.options = options if options is not None else FetchOptions()
        self._owns_client = client is None
        self._client = client if client is not None else client_factory(self.options)
        self._slots = _HostSlots(self.options.per_host)

    async def __aenter__(self) -> SafeFetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the client if this fetcher created it."""
        if self._owns_client:
            await self._client.aclose()

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchedPage:
        """Fetch a URL; pass an earlier fetch's validators to get a cheap 304 when unchanged."""
        target = parse_url(url)
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            async with asyncio.timeout(self.options.deadline):
                return await self._follow(url, target, headers)
        except TimeoutError:
            raise FetchTimeoutError(
                f"{target.host} did not finish sending the page within "
                f"{self.options.deadline:g} seconds.",
                host=target.host,
            ) from None
        except (httpx.HTTPError, OSError) as exc:
            # Anything raised outside the retried transport errors (a stream error, say).
            raise FetchError(
                f"The page at {target.host} could not be read; try again later.", host=target.host
            ) from exc

    async def _follow(self, url: str, target: httpx.URL, headers: dict[str, str]) -> FetchedPage:
        current = target
        for _hop in range(self.options.max_redirects + 1):
            await self._check_destination(current)
            result = await self._with_retries(url, current, headers)
            if isinstance(result, FetchedPage):
                return result
            current = result
        raise FetchError(
            f"{target.host} redirected more than {self.options.max_redirects} times.",
            host=target.host,
        )

    async def _check_destination(self, url: httpx.URL) -> None:
        # Fails early with a clear message; the transport repeats the check at connect time.
        await check_url(url, self.options.policy, timeout=self.options.connect_timeout)

    async def _with_retries(
        self, url: str, current: httpx.URL, headers: dict[str, str]
    ) -> FetchedPage | httpx.URL:
        host = current.host
        attempts = self.options.retries + 1
        for attempt in range(attempts):
            try:
                return await self._attempt(url, current, headers)
            except (_ServerError, httpx.TransportError) as exc:
                _refuse_bad_location(exc, host)
                wait = self.options.backoff * 2**attempt
                asked = exc.retry_after if isinstance(exc, _ServerError) else None
                if asked is not None:
                    wait = max(wait, asked.total_seconds())
                # A server that asks for a long pause gets it from the poll schedule instead.
                if attempt + 1 >= attempts or not _retryable(exc) or wait > MAX_RETRY_WAIT:
                    raise _as_fetch_error(exc, host) from exc
            await asyncio.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _attempt(
        self, url: str, current: httpx.URL, headers: dict[str, str]
    ) -> FetchedPage | httpx.URL:
        host = current.host
        async with (
            self._slots.hold(host.lower()),
            self._client.stream(
                "GET",
                current,
                headers={**headers, "Accept-Encoding": "gzip, deflate"},
                follow_redirects=False,
            ) as response,
        ):
            check_response_peer(response, self.options.policy, host)
            status = response.status_code
            if status in REDIRECT_STATUSES:
                return _redirect_target(response, current)
            if status == 304 and headers:
                return _not_modified(url, response, headers)
            if not 200 <= status < 300:
                asked = retry_after(response.headers.get("retry-after"), datetime.now(UTC))
                if status >= 500:
                    raise _ServerError(status, response.reason_phrase, asked)
                raise _status_error(host, status, response.reason_phrase, asked)
            content_type = _media_type(response.headers.get("content-type"))
            if content_type.startswith(_BINARY_PREFIXES):
                raise FetchError(f"{host} sent {content_type}, not a page or a feed.", host=host)
            body = await _read_capped(response, self.options.max_bytes, host)
            text = decode_body(body, response.headers.get("content-type"))
            return _page(url, response, status=status, text=text)


def _refuse_bad_location(exc: Exception, host: str) -> None:
    """Raise `UnsafeURLError` for a redirect whose Location httpx could not parse.

    httpx reads the Location of every redirect itself, even with redirects off, and raises
    RemoteProtocolError for one it cannot parse ("http://127.0.0.02/"): a refused hop, not a
    network failure to retry.
    """
    if isinstance(exc, httpx.RemoteProtocolError) and str(exc).startswith(_BAD_LOCATION):
        raise UnsafeURLError(
            f"Refusing the redirect from {host}: its location is not a valid URL.", host=host
        ) from None


def _retryable(exc: Exception) -> bool:
    # UnsupportedProtocol and LocalProtocolError are our own mistakes; retrying cannot help.
    retryable = (
        _ServerError,
        httpx.NetworkError,
        httpx.TimeoutException,
        httpx.RemoteProtocolError,
    )
    return isinstance(exc, retryable)


def retry_after(value: str | None, now: datetime) -> timedelta | None:
    """A `Retry-After` header (seconds, or an HTTP date) as a delay; None when absent or bad.

    Capped at a day, so a hostile header cannot silence a source for years.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        seconds = float(text)
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    return timedelta(seconds=min(max(seconds, 0.0), MAX_RETRY_AFTER.total_seconds()))


def _status_error(
    host: str, status: int, reason: str, asked: timedelta | None = None
) -> HTTPStatusError:
    answer = f"{status} {reason}".strip()
    message = f"{host} answered {answer}."
    if asked is not None and asked.total_seconds() >= 1:
        message = f"{host} answered {answer} and asked us to wait {_wait_words(asked)}."
    return HTTPStatusError(message, host=host, status=status, retry_after=asked)


def _wait_words(delay: timedelta) -> str:
    seconds = int(delay.total_seconds())
    if seconds < 120:
        return f"{seconds} seconds"
    if seconds < 7200:
        return f"{seconds // 60} minutes"
    return f"{seconds // 3600} hours"


def _as_fetch_error(exc: Exception, host: str) -> FetchError:
    if isinstance(exc, _ServerError):
        return _status_error(host, exc.status, exc.reason, exc.retry_after)
    if isinstance(exc, httpx.TimeoutException):
        return FetchTimeoutError(f"{host} did not answer in time; try again later.", host=host)
    if isinstance(exc, httpx.ConnectError):
        return FetchError(
            f"Could not connect to {host}; check the address or try again later.", host=host
        )
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        # Reset or closed while the answer was read: the same failure the peer check reports when
        # the reset comes before it (see `check_peer`), whichever happens first.
        return FetchError(f"The connection to {host} was lost; try again later.", host=host)
    return FetchError(f"The connection to {host} failed; try again later.", host=host)


def _redirect_target(response: httpx.Response, current: httpx.URL) -> httpx.URL:
    location = response.headers.get("location")
    if not location:
        raise FetchError(f"{current.host} sent a redirect without a location.", host=current.host)
    try:
        joined = current.join(location)
    except (httpx.InvalidURL, ValueError):
        raise UnsafeURLError(
            f"Refusing the redirect from {current.host}: its location is not a valid URL.",
            host=current.host,
        ) from None
    return parse_url(joined)


def _not_modified(url: str, response: httpx.Response, sent: dict[str, str]) -> FetchedPage:
    # A 304 may omit the validators; the ones sent are then still the current ones.
    page = _page(url, response, status=304, text="")
    return FetchedPage(
        url=page.url,
        final_url=page.final_url,
        status=304,
        content_type=page.content_type,
        text="",
        etag=page.etag or sent.get("If-None-Match"),
        last_modified=page.last_modified or sent.get("If-Modified-Since"),
    )


def _page(url: str, response: httpx.Response, *, status: int, text: str) -> FetchedPage:
    return FetchedPage(
        url=url,
        final_url=str(response.url),
        status=status,
        content_type=_media_type(response.headers.get("content-type")),
        text=text,
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
    )


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


async def _read_capped(response: httpx.Response, max_bytes: int, host: str) -> bytes:
    """Read the body, decompressing it ourselves so the cap applies to the decoded size."""
    declared = response.headers.get("content-length", "")
    if declared.strip().isdigit() and int(declared) > max_bytes:
        raise _too_large(host, max_bytes)
    inflater = _Inflater.for_encoding(response.headers.get("content-encoding"), host)
    parts: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        for piece in inflater.feed(raw, max_bytes - size + 1):
            size += len(piece)
            if size > max_bytes:
                raise _too_large(host, max_bytes)
            parts.append(piece)
    return b"".join(parts)


def _too_large(host: str, max_bytes: int) -> TooLargeError:
    return TooLargeError(
        f"The page at {host} is larger than {max_bytes / 1_048_576:.1f} MB, "
        "the most newsbot reads.",
        host=host,
    )


class _Inflater:
    """Incremental gzip/deflate decoder with bounded output per call (no decompression bombs)."""

    def __init__(self, decompressor: zlib._Decompress | None, host: str) -> None:
        self._decompressor = decompressor
        self._host = host

    @classmethod
    def for_encoding(cls, encoding: str | None, host: str) -> _Inflater:
        name = (encoding or "identity").strip().lower()
        if name in {"", "identity"}:
            return cls(None, host)
        if name in {"gzip", "x-gzip"}:
            return cls(zlib.decompressobj(16 + zlib.MAX_WBITS), host)
        if name == "deflate":
            # zlib-wrapped or raw deflate, as real servers send both.
            return cls(zlib.decompressobj(32 + zlib.MAX_WBITS), host)
        raise FetchError(f"{host} sent the page in an unsupported encoding ({name}).", host=host)

    def feed(self, data: bytes, limit: int) -> list[bytes]:
        """Decode one raw chunk; stop producing once `limit` bytes have come out."""
        if self._decompressor is None:
            return [data]
        out: list[bytes] = []
        produced = 0
        try:
            chunk = self._decompressor.decompress(data, limit)
            while chunk:
                out.append(chunk)
                produced += len(chunk)
                if produced >= limit:
                    break
                chunk = self._decompressor.decompress(self._decompressor.unconsumed_tail, limit)
        except zlib.error:
            raise FetchError(
                f"{self._host} sent a corrupt compressed page.", host=self._host
            ) from None
        return out


def decode_body(body: bytes, content_type: str | None) -> str:
    """Decode a body: charset from Content-Type, else BOM, else meta/XML declaration, else UTF-8."""
    encoding = (
        _charset_from_header(content_type) or _charset_from_bom(body) or _charset_from_markup(body)
    )
    text = body.decode(encoding or "utf-8", errors="replace")
    return text.removeprefix("\ufeff")


def _known_codec(label: str) -> str | None:
    name = label.strip().strip("'\"").lower()
    if name in _WINDOWS_1252_ALIASES:
        return "cp1252"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _charset_from_header(content_type: str | None) -> str | None:
    for param in (content_type or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return _known_codec(value)
    return None


def _charset_from_bom(body: bytes) -> str | None:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    return None


def _charset_from_markup(body: bytes) -> str | None:
    head = body[:_SNIFF_BYTES]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return _known_codec(match.group(1).decode("ascii")) if match else None


def html_title(text: str, content_type: str) -> str | None:
    """Return the <title> of an HTML document, unescaped and with whitespace collapsed."""
    looks_html = content_type in {"text/html", "application/xhtml+xml"} or (
        not content_type and text.lstrip()[:15].lower().startswith(("<!doctype html", "<html"))
    )
    if not looks_html:
        return None
    opening = _TITLE_OPEN.search(text, 0, _TITLE_WINDOW)
    closing = _TITLE_CLOSE.search(text, opening.end(), _TITLE_WINDOW) if opening else None
    if opening is None or closing is None:
        return None
    title = " ".join(html.unescape(text[opening.end() : closing.start()]).split())
    return title[:300] or None


def fetch_text(url: str, *, options: FetchOptions | None = None) -> FetchedText:
    """Fetch one URL for the command line; runs its own event loop, so never call it from one.

    Returns the raw document (HTML stays HTML: the summariser's cleaning extracts the article).
    """
    return asyncio.run(_fetch_text(url, options))


async def _fetch_text(url: str, options: FetchOptions | None) -> FetchedText:
    async with SafeFetcher(options) as fetcher:
        page = await fetcher.fetch(url)
    return FetchedText(
        url=page.url,
        final_url=page.final_url,
        title=html_title(page.text, page.content_type),
        text=page.text,
        content_type=page.content_type,
    )
