"""What a fetched article page says about itself: author, publication date and canonical URL.

trafilatura reads them from the page's markup (meta tags, JSON-LD, bylines); the date search is
the conservative one, so a date in the text does not pass for the publication date. Pure: the
markup is a string.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.canonical_url import canonical_url

MAX_AUTHOR = 200


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """The page's own metadata; None where it says nothing usable."""

    author: str | None = None
    published: datetime | None = None
    canonical: str | None = None


def page_metadata(markup: str, url: str | None = None) -> PageMetadata:
    """Author, date and canonical URL of an HTML page (empty metadata for anything else)."""
    if "<" not in markup:
        return PageMetadata()
    from trafilatura.metadata import extract_metadata  # slow import: only for HTML pages

    try:
        document = extract_metadata(markup, default_url=url, extensive=False)
    except (ValueError, TypeError, AttributeError):  # garbage markup: no metadata, no failure
        return PageMetadata()
    if document is None:
        return PageMetadata()
    return PageMetadata(
        author=_author(document.author),
        published=_date(document.date),
        canonical=_canonical(document.url),
    )


def _author(value: str | None) -> str | None:
    text = " ".join((value or "").split())
    return text[:MAX_AUTHOR] or None


def _date(value: str | None) -> datetime | None:
    try:
        day = datetime.strptime((value or "")[:10], "%Y-%m-%d")
    except ValueError:
        return None
    return day.replace(tzinfo=UTC)


def _canonical(value: str | None) -> str | None:
    return canonical_url(value) if value else None
