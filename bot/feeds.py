"""RSS 0.9x/1.0/2.0 and Atom feeds parsed with feedparser into frozen `FeedItem`s.

Contract: `parse_feed` takes text a `SafeFetcher` already fetched and decoded (feedparser never
touches the network or the file system here) and returns a `ParsedFeed`, or raises `FeedError`
with one sentence naming the feed: `NotAFeedError` when the document is a web page, and a plain
`FeedError` for an empty body, declared XML entities (refused before parsing) and a document that
is broken or not a feed at all. A feed that feedparser could recover (bozo, but with items) is
accepted as it is.
"""

from __future__ import annotations

import calendar
import html
import io
import re
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import feedparser

from bot.canonical_url import canonical_url
from bot.errors import InputError
from bot.feed_sniff import UnsafeXMLError, refuse_unsafe_xml, sniff_kind
from bot.fingerprint import fingerprint

# An item whose own text reaches this many words carries the article: no page fetch needed.
FULL_CONTENT_WORDS: Final = 120
# Shorter texts ("Read more", one teaser line) are too common to identify an item by.
MIN_FINGERPRINT_CHARS: Final = 80
# A tag; it never spans a `<`, so stripping a text full of `<` stays linear.
_TAG = re.compile(r"<[^<>]*>")
# A numeric character reference; feedparser's fallback parser calls chr() on it unchecked.
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")
_REPLACEMENT_REF: Final = "&#xFFFD;"
_EARLIEST_YEAR: Final = 1990


class FeedError(InputError):
    """A feed cannot be used; the message is one sentence that names it."""


class NotAFeedError(FeedError):
    """The URL serves a web page, not a feed: callers may treat it as an article instead."""


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One feed entry; `content` is the entry's full text (HTML) when the feed carries it."""

    title: str
    link: str | None
    canonical_link: str | None
    guid: str | None
    author: str | None
    published: datetime | None
    summary: str
    content: str
    language: str | None

    @property
    def key(self) -> str | None:
        """The item's identity: its canonical link, else its GUID."""
        return self.canonical_link or self.guid

    @property
    def body(self) -> str:
        """The longest text the feed gives for the item (HTML), content before summary."""
        return self.content if len(self.content) >= len(self.summary) else self.summary

    @property
    def has_full_text(self) -> bool:
        """True when the feed's own text is long enough to stand for the article."""
        return len(plain_text(self.body).split()) >= FULL_CONTENT_WORDS

    @property
    def fingerprint(self) -> str | None:
        """A fingerprint of title and text, or None when the text is too short to identify."""
        text = plain_text(self.body)
        if len(text) < MIN_FINGERPRINT_CHARS:
            return None
        return fingerprint(f"{self.title}\n{text}")


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed: its URL, title, declared language, format version and items in order."""

    url: str
    title: str
    language: str | None
    version: str
    items: tuple[FeedItem, ...]


def plain_text(markup: str) -> str:
    """Text of an HTML fragment with tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", markup)).split())


def parse_feed(text: str, url: str, *, content_type: str = "") -> ParsedFeed:
    """Parse fetched feed text; relative links resolve against `url`. Raises `FeedError`."""
    if not text.strip():
        raise FeedError(f"{url} sent an empty document, not a feed")
    if sniff_kind(text, content_type) == "page":
        raise NotAFeedError(f"{url} is a web page, not an RSS or Atom feed")
    try:
        refuse_unsafe_xml(text)
    except UnsafeXMLError as error:
        raise FeedError(f"{url} {error}; it was not parsed") from None
    parsed = _feedparser(text, url)
    entries = parsed.get("entries") or []
    if not entries:
        _refuse_itemless(parsed, url)
    feed = parsed.get("feed", {})
    language = _language(feed.get("language"))
    items = tuple(_item(entry, language) for entry in entries)
    return ParsedFeed(url, _clean(feed.get("title")), language, parsed.get("version") or "", items)


def _feedparser(text: str, url: str) -> Any:
    headers = {"content-type": "application/xml; charset=utf-8", "content-location": url}
    data = _CHAR_REF.sub(_checked_char_ref, text).encode("utf-8", errors="replace")
    try:
        # A stream, never a string: feedparser would fetch a string that looks like a URL or a
        # path.
        return feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=True)
    except ValueError:
        # feedparser's strict parser unpacks XML names split at any Unicode space, so a namespace
        # such as "a\xa0b" raises instead of failing over to its lenient parser.
        raise FeedError(f"{url} is not a well-formed feed (its XML could not be read)") from None


def _checked_char_ref(match: re.Match[str]) -> str:
    """The reference itself when it names a character, else one for U+FFFD.

    A surrogate or a number past U+10FFFF would make feedparser's fallback parser raise.
    """
    hexadecimal, decimal = match.groups()
    digits = (hexadecimal or decimal).lstrip("0")
    if len(digits) > 7:
        return _REPLACEMENT_REF
    code = int(hexadecimal, 16) if hexadecimal else int(decimal)
    if code > sys.maxunicode or 0xD800 <= code <= 0xDFFF:
        return _REPLACEMENT_REF
    return match.group()


def _refuse_itemless(parsed: Mapping[str, Any], url: str) -> None:
    if parsed.get("bozo"):
        reason = _parse_problem(parsed.get("bozo_exception"))
        raise FeedError(f"{url} is not a well-formed feed ({reason})")
    if not parsed.get("version"):
        raise FeedError(f"{url} is XML but not an RSS or Atom feed")


def _parse_problem(exception: object) -> str:
    line = getattr(exception, "getLineNumber", None)
    message = getattr(exception, "getMessage", None)
    if callable(line) and callable(message):
        return f"{message()} on line {line()}"
    return str(exception).strip().rstrip(".") or "unreadable XML"


def _item(entry: Mapping[str, Any], feed_language: str | None) -> FeedItem:
    link = _link(entry)
    guid = _clean(entry.get("id")) or None
    return FeedItem(
        title=_clean(entry.get("title")),
        link=link,
        canonical_link=canonical_url(link) if link else None,
        guid=guid,
        author=_clean(entry.get("author")) or None,
        published=_published(entry),
        summary=str(entry.get("summary") or ""),
        content=_content(entry),
        language=_entry_language(entry) or feed_language,
    )


def _link(entry: Mapping[str, Any]) -> str | None:
    link = _clean(entry.get("link"))
    if not link and entry.get("guidislink"):
        link = _clean(entry.get("id"))
    return link if link.lower().startswith(("http://", "https://")) else None


def _content(entry: Mapping[str, Any]) -> str:
    parts = entry.get("content") or []
    values = [str(part.get("value") or "") for part in parts if isinstance(part, Mapping)]
    return max(values, key=len, default="")


def _published(entry: Mapping[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time) and _EARLIEST_YEAR <= value.tm_year <= 2200:
            return datetime.fromtimestamp(calendar.timegm(value), UTC)
    return None


def _entry_language(entry: Mapping[str, Any]) -> str | None:
    for key in ("content", "summary_detail", "title_detail"):
        detail = entry.get(key)
        if isinstance(detail, list):
            detail = detail[0] if detail else None
        if isinstance(detail, Mapping) and detail.get("language"):
            return _language(detail.get("language"))
    return None


def _language(tag: object) -> str | None:
    """The primary subtag of a declared language ("nl-NL" -> "nl"), lower case."""
    if not isinstance(tag, str):
        return None
    primary = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def _clean(value: object) -> str:
    return " ".join(str(value).split()) if value else ""
