"""Document passes of cleaning: noise lines and sections, repeated lines, the title, block kinds.

Each pass walks the units once (the lookaheads are bounded), so cleaning stays linear in the
length of the text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.clean_rules import (
    LineRole,
    body_like,
    headline_like,
    is_comment_meta,
    line_key,
    line_role,
    strip_leading,
)
from summarizer.clean_units import Unit
from summarizer.models import Block, CleanedText

# How many lines after a comment marker may show that a thread follows.
_COMMENT_LOOKAHEAD = 4
# A title is a headline of at least this many words ("News" alone is a section label).
_TITLE_MIN_WORDS = 3
# A link in a "Related" list: a short bullet even when it ends with a period.
_LINK_MAX_WORDS = 15
# A line this much longer or shorter than the title cannot repeat it.
_TITLE_SLACK = 12


@dataclass(frozen=True, slots=True)
class Line:
    """A unit with the facts every pass needs, computed once per line."""

    unit: Unit
    role: LineRole
    headline: bool
    key: str
    prefix: str = ""


def build(units: Sequence[Unit], title: str) -> CleanedText:
    """Run every pass: the article's title, body blocks, and the lines that were dropped."""
    lines = [describe(unit) for unit in units]
    prefixes = [line.prefix for line in lines if line.prefix]
    kept, dropped = filter_noise(lines)
    title = title or repeated_headline(kept) or first_line_title(kept)
    body, repeats = drop_repeats(kept, title)
    removed = (*prefixes, *dropped, *repeats)
    return CleanedText(title=title, blocks=assign_kinds(body), removed=removed)


def describe(unit: Unit) -> Line:
    """The unit without its dateline prefix, with its role, shape and comparison key."""
    text, prefix = strip_leading(unit.text)
    if prefix:
        unit = Unit(text, unit.kind, unit.source)
    headline = headline_like(text)
    # Headlines repeat with other case and punctuation; prose repeats verbatim.
    key = line_key(text) if headline else text.casefold()
    return Line(unit, line_role(text), headline, key, prefix)


def filter_noise(lines: Sequence[Line]) -> tuple[list[Line], list[str]]:
    """Lines that are not noise, and the original text of those that are."""
    kept: list[Line] = []
    removed: list[str] = []
    index = 0
    while index < len(lines):
        end = _noise_end(lines, index)
        if end == index:
            kept.append(lines[index])
            end += 1
        else:
            removed.extend(line.unit.shown for line in lines[index:end])
        index = end
    return kept, removed


def _noise_end(lines: Sequence[Line], index: int) -> int:
    """The index after the noise that starts at `index`; `index` itself when there is none."""
    role = lines[index].role
    if role == "text":
        return index
    if role == "related":
        return _related_end(lines, index + 1)
    if role == "noise":
        return index + 1
    if _comments_follow(lines, index, strong=role == "comments"):
        return len(lines)  # a comment thread runs to the end of the page
    # An unconfirmed "12 comments" is a counter (noise); a lone "Comments" may be a heading.
    return index + 1 if role == "comments" else index


def _comments_follow(lines: Sequence[Line], index: int, *, strong: bool) -> bool:
    """Whether a comment thread follows the marker at `index`."""
    after = lines[index + 1 : index + 1 + _COMMENT_LOOKAHEAD]
    if not after or any(is_comment_meta(line.unit.text) for line in after):
        return True
    # "12 comments" near the top is a counter beside the byline; late in the page, a thread.
    return strong and index * 2 >= len(lines)


def _related_end(lines: Sequence[Line], start: int) -> int:
    """The index after the list of article links that follows a "Related" header."""
    end = start
    while end < len(lines) and _link_like(lines[end]):
        end += 1
    # One short line and then prose is a section heading, not a list of links.
    if end - start == 1 and end < len(lines) and body_like(lines[end].unit.text):
        return start
    return end


def _link_like(line: Line) -> bool:
    kind = line.unit.kind
    if kind == "heading":
        return False
    if kind == "bullet" and line.unit.text.count(" ") < _LINK_MAX_WORDS:
        return True
    return line.headline


def _title_like(line: Line) -> bool:
    """A headline-like line that is no bullet: repeated, it is the page repeating its title."""
    return line.headline and line.unit.kind != "bullet"


def repeated_headline(lines: Sequence[Line]) -> str:
    """The first headline-like line that occurs more than once (a page repeating its title)."""
    counts = Counter(line.key for line in lines if _title_like(line))
    for line in lines:
        if line.key and counts.get(line.key, 0) > 1:
            return line.unit.text
    return ""


def first_line_title(lines: Sequence[Line]) -> str:
    """The first line when it reads like a headline and body text follows it, else ""."""
    if not lines or not lines[0].headline or lines[0].unit.kind is not None:
        return ""
    text = lines[0].unit.text
    if len(text.split()) < _TITLE_MIN_WORDS:
        return ""
    return text if any(body_like(line.unit.text) for line in lines[1:]) else ""


def drop_repeats(lines: Sequence[Line], title: str) -> tuple[list[Line], list[str]]:
    """Drop title repeats, every copy of a repeated headline, and later copies of other lines."""
    headline_counts = Counter(line.key for line in lines if _title_like(line))
    title_key = line_key(title)
    seen: set[str] = set()
    kept: list[Line] = []
    removed: list[str] = []
    for line in lines:
        if (
            _is_title(line, title, title_key)
            or headline_counts.get(line.key, 0) > 1
            or line.key in seen
        ):
            removed.append(line.unit.shown)
        else:
            seen.add(line.key)
            kept.append(line)
    return kept, removed


def _is_title(line: Line, title: str, title_key: str) -> bool:
    """Whether the line repeats the title, ignoring case, spacing and punctuation."""
    if not title_key or abs(len(line.unit.text) - len(title)) > _TITLE_SLACK:
        return False
    return (line.key if line.headline else line_key(line.unit.text)) == title_key


def assign_kinds(lines: Sequence[Line]) -> tuple[Block, ...]:
    """Blocks with their kinds: a headline-like line is a heading when body text follows it."""
    blocks: list[Block] = []
    body_after = False
    for line in reversed(lines):
        kind = line.unit.kind or ("heading" if body_after and line.headline else "paragraph")
        # A trailing short line is not body: it must not turn the line above into a heading.
        if kind == "bullet" or (kind == "paragraph" and not line.headline):
            body_after = True
        blocks.append(Block(line.unit.text, kind))
    blocks.reverse()
    return tuple(blocks)
