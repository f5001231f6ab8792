"""Network access for user-supplied URLs: an SSRF guard and a safe fetcher.

Everything here raises `FetchError` (or a subclass) with a one-sentence message naming the host;
see `bot.net.fetch` and `bot.net.ssrf` for the contract of each seam.
"""

from __future__ import annotations

from bot.net.fetch import (
    FetchedPage,
    FetchedText,
    FetchOptions,
    FetchTimeoutError,
    HTTPStatusError,
    SafeFetcher,
    TooLargeError,
    fetch_text,
    make_client,
)
from bot.net.ssrf import AddressPolicy, FetchError, UnsafeURLError, check_url

__all__ = [
    "AddressPolicy",
    "FetchError",
    "FetchOptions",
    "FetchTimeoutError",
    "FetchedPage",
    "FetchedText",
    "HTTPStatusError",
    "SafeFetcher",
    "TooLargeError",
    "UnsafeURLError",
    "check_url",
    "fetch_text",
    "make_client",
]
