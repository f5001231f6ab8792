"""Text helpers shared by the chat renderers: fitting escaped text into limits, checking links.

Platform limits apply to text as it is sent, so every function here measures after escaping (an
escape may lengthen a string: `&` becomes `&amp;` on Slack, `*` becomes `\\*` on Discord). `fit`
truncates one string visibly, with an ellipsis; `split` cuts a long string into pieces and loses
nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final
from urllib.parse import urlsplit

ELLIPSIS: Final = "…"
MAX_URL: Final = 2000
UNTITLED: Final = "(untitled)"

Escape = Callable[[str], str]


def fit(text: str, limit: int, escape: Escape) -> str:
    """`text` escaped, cut to at most `limit` characters with an ellipsis when it is longer."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    keep = _longest_prefix(text, limit - len(ELLIPSIS), escape)
    return escape(text[:keep].rstrip()) + ELLIPSIS


def split(text: str, limit: int, escape: Escape) -> list[str]:
    """`text` escaped and cut into pieces of at most `limit` characters, preferably between words.

    Raises ValueError when `limit` cannot hold even one escaped character.
    """
    pieces: list[str] = []
    rest = text.strip()
    while rest:
        escaped = escape(rest)
        if len(escaped) <= limit:
            pieces.append(escaped)
            break
        cut = _word_boundary(rest, _longest_prefix(rest, limit, escape))
        pieces.append(escape(rest[:cut].rstrip()))
        rest = rest[cut:].lstrip()
    return pieces


def join_lines(lines: Iterable[str], limit: int) -> list[str]:
    """Lines joined by newlines into as few texts of at most `limit` characters as possible.

    Each line must already fit within `limit`.
    """
    texts: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + 1 + len(line) > limit:
            texts.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        texts.append(current)
    return texts


def http_url(url: str | None) -> str | None:
    """`url` when it is an absolute http(s) URL with a host and no whitespace, else None."""
    if not url or len(url) > MAX_URL or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return url


def _longest_prefix(text: str, limit: int, escape: Escape) -> int:
    """The largest n for which `escape(text[:n])` has at most `limit` characters."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if len(escape(text[:middle])) <= limit:
            low = middle
        else:
            high = middle - 1
    if low == 0:
        raise ValueError(f"a limit of {limit} characters cannot hold any text")
    return low


def _word_boundary(text: str, cut: int) -> int:
    """`cut` moved back to the last whitespace before it, unless that loses over half the piece."""
    space = max(text.rfind(" ", 0, cut + 1), text.rfind("\n", 0, cut + 1))
    return space if space > cut // 2 else cut
