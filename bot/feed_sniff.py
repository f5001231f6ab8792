"""Tell a feed from a web page, and refuse XML that could blow up a parser, before parsing.

The body decides when it can: servers often label feeds `text/html` or pages `text/xml`. The
declared media type only breaks a tie (an empty prolog, plain text).
"""

from __future__ import annotations

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
# An internal DTD subset is where entities (and so entity bombs) are declared.
_INTERNAL_SUBSET = re.compile(r"<!DOCTYPE[^>\[]*\[", re.I)


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
    """Raise `UnsafeXMLError` when the text declares entities or an internal DTD subset.

    The whole text is scanned, not only the prolog: a parser that misreads where the prolog ends
    must not be handed a declaration either. A bare external DOCTYPE (RSS 0.91's) is allowed; no
    parser here fetches it.
    """
    if _INTERNAL_SUBSET.search(text) or "<!entity" in text.lower():
        raise UnsafeXMLError("declares XML entities (a possible entity bomb)")
