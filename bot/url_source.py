"""Article text from a URL: a thin bridge to `bot.net.fetch`, which owns the network rules."""

from __future__ import annotations

from datetime import datetime

from bot.errors import InputError
from bot.models import SourceText, TextFormat

_FORMATS: dict[str, TextFormat] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "markdown",
    "text/plain": "text",
}


def is_url(argument: str) -> bool:
    """True when the argument is an http(s) URL rather than a path."""
    return argument.lower().startswith(("http://", "https://"))


def fetch_source_text(url: str, now: datetime) -> SourceText:
    """Fetch `url` as article text; raise `InputError` with one sentence when that fails."""
    try:
        from bot.net import FetchError
        from bot.net.fetch import fetch_text
    except ImportError:
        raise InputError("fetching URLs is not available yet") from None
    try:
        page = fetch_text(url)
    except FetchError as error:
        raise InputError(f"{url}: {str(error).rstrip('.')}") from None
    if not page.text.strip():
        raise InputError(f"{url} has no text to summarise")
    return SourceText(
        source=url,
        text=page.text,
        fmt=_FORMATS.get(page.content_type, "auto"),
        title=page.title or "",
        url=page.final_url,
        fetched_at=now,
    )
