"""Tell a feed from a web page, and refuse XML that could blow up a parser, before parsing.

The body decides when it can: servers often label feeds `text/html` or pages `text/xml`. The
declared media type only breaks a tie (an empty prolog, plain text).
"""

from __future__ import annotations

import html
import re
from typing import Final, Literal

DocumentKind = Literal["feed", "page"]

FEED_MEDIA_TYPES: Final = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/x-rss+xml",
        "application/x-atom+xml",
    }
)
HTML_MEDIA_TYPES: Final = frozenset({"text/html", "application/xhtml+xml"})
_FEED_ROOTS: Final = frozenset({"rss", "feed", "rdf", "channel"})
_SNIFF_CHARS: Final = 4096
# The first element of a document, after any prolog (declaration, comments, doctype).
_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)")
_PROLOG_ITEM = re.compile(
    r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.S | re.I
)
_HTML_DOCTYPE = re.compile(r"<!DOCTYPE\s+html", re.I)
# An internal DTD subset is where entities (and so entity bombs) are declared: a `[` after a
# DOCTYPE's start and before its `>`.
_DOCTYPE_START = re.compile(r"<!DOCTYPE", re.I)
_DOCTYPE_STOP = re.compile(r"[>\[]")
# feedparser's HTML sanitizer ends a comment that has no `-->` with a search for `--[^>]*>`, which
# restarts at every dash: its steps grow as dashes times the distance to the next `>`. Past this
# many steps (a few tenths of a second) the document is refused; no real feed comes near it.
_SANITIZER_STEPS: Final = 200_000_000


class UnsafeXMLError(ValueError):
    """The document declares a DTD subset or entities; it is refused without parsing."""


def sniff_kind(text: str, content_type: str) -> DocumentKind:
    """ "feed" when the document looks like RSS/Atom (or is XML by its type), else "page"."""
    head = text[:_SNIFF_CHARS].lstrip("\ufeff")
    if _HTML_DOCTYPE.search(head):
        return "page"
    root = root_element(head)
    if root is not None:
        local = root.rsplit(":", 1)[-1].lower()
        if local in _FEED_ROOTS:
            return "feed"
        if local == "html":
            return "page"
    return "feed" if content_type in FEED_MEDIA_TYPES else "page"


def root_element(text: str) -> str | None:
    """The name of the first element after the prolog, or None when there is none."""
    position = 0
    while (match := _PROLOG_ITEM.match(text, position)) and match.end() > position:
        position = match.end()
    found = _ROOT.match(text[position:].lstrip())
    return found.group(1) if found else None


def refuse_unsafe_xml(text: str) -> None:
    """Raise `UnsafeXMLError` when the text declares entities or an internal DTD subset, or
    holds an unended HTML comment that would stall feedparser.

    The whole text is scanned, not only the prolog: a parser that misreads where the prolog ends
    must not be handed a declaration either. A bare external DOCTYPE (RSS 0.91's) is allowed; no
    parser here fetches it.
    """
    if has_internal_subset(text) or "<!entity" in text.lower():
        raise UnsafeXMLError("declares XML entities (a possible entity bomb)")
    if has_stalling_comment(text):
        raise UnsafeXMLError("holds an HTML comment that never ends (it would stall the parser)")


def has_internal_subset(text: str) -> bool:
    """Whether any DOCTYPE in the text opens an internal subset (`[`) before it closes (`>`).

    Linear in the text: every DOCTYPE that starts before a `>` ends at that same `>`, so the scan
    resumes after it (a regex searched from each DOCTYPE would be quadratic on a text of many).
    """
    position = 0
    while (start := _DOCTYPE_START.search(text, position)) is not None:
        stop = _DOCTYPE_STOP.search(text, start.end())
        if stop is None:
            return False
        if stop.group() == "[":
            return True
        position = stop.end()
    return False


def has_stalling_comment(text: str) -> bool:
    """Whether an HTML comment opener is followed by so many dashes without a `>` that
    feedparser's sanitizer would take quadratic time over it.

    Item content reaches the sanitizer decoded, so the text is unescaped first (`&lt;!--` opens a
    comment too). Linear: openers before the same `>` share one estimate, and the scan resumes
    after that `>`.
    """
    decoded = html.unescape(text)
    position = 0
    while (start := decoded.find("<!--", position)) != -1:
        dashes = decoded.find("--", start + 4)
        if dashes == -1:
            return False
        close = decoded.find(">", dashes)
        end = len(decoded) if close == -1 else close
        if decoded.count("-", dashes, end) * (end - dashes) > _SANITIZER_STEPS:
            return True
        position = end + 1
    return False
