"""Plain text to cleaning units: normalised lines grouped into paragraphs, bullets and headings."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from summarizer.clean_rules import bullet_marker, ends_sentence
from summarizer.models import BlockKind

# Zero-width and control characters go; the rest of Unicode whitespace is folded by str.split().
_DELETE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\ufffd"
_CONTROLS = [*range(0x00, 0x09), *range(0x0E, 0x1C), 0x7F, *range(0x80, 0x85), *range(0x86, 0xA0)]
_TRANSLATE: dict[int, str | None] = {
    **dict.fromkeys(_CONTROLS, " "),
    **{ord(ch): None for ch in _DELETE},
}
_ODD_CHARS = re.compile("[" + "".join(map(chr, _TRANSLATE)) + "]")

# A chunk counts as hard-wrapped (one paragraph cut at a fixed width) under these bounds.
_WRAP_MIN_WIDTH = 40
_WRAP_MAX_WIDTH = 100
_WRAP_FILL = 0.7


@dataclass(frozen=True, slots=True)
class Unit:
    """One candidate block: its text, a kind when the source says so, and the original line(s)."""

    text: str
    kind: BlockKind | None = None
    source: str = ""

    @property
    def shown(self) -> str:
        """The line as it appeared, for the `removed` list."""
        return self.source or self.text


def normalize(text: str) -> str:
    """One line with zero-width/control characters removed and whitespace runs as single spaces."""
    if _ODD_CHARS.search(text):
        text = text.translate(_TRANSLATE)
    return " ".join(text.split())


def text_units(text: str) -> list[Unit]:
    """Units of plain text: blank lines separate chunks, and each line of a chunk counts."""
    units: list[Unit] = []
    for chunk in _chunks(text):
        units.extend(chunk_units(chunk))
    return units


def _chunks(text: str) -> Iterator[list[tuple[int, str]]]:
    """Runs of non-blank lines as (indent, normalised line) pairs."""
    chunk: list[tuple[int, str]] = []
    # str.translate with a dict is slow; most texts have nothing to translate.
    if _ODD_CHARS.search(text):
        text = text.translate(_TRANSLATE)
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if line:
            chunk.append((len(raw) - len(raw.lstrip()), line))
        elif chunk:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def chunk_units(lines: Sequence[tuple[int, str]]) -> list[Unit]:
    """Split one chunk into units: a bullet starts a unit; wrapped lines join the one before."""
    wrapped = _hard_wrapped([line for _, line in lines])
    units: list[Unit] = []
    draft: _Draft | None = None
    for indent, line in lines:
        marker = bullet_marker(line)
        if not marker and draft is not None and (wrapped or draft.takes(indent, line)):
            draft.add(line, line)
            continue
        if draft is not None:
            units.append(draft.unit())
        if marker:
            draft = _Draft(indent, "bullet", line[marker:].strip(), line)
        else:
            draft = _Draft(indent, None, line, line)
    if draft is not None:
        units.append(draft.unit())
    return units


class _Draft:
    """A unit still being read: its lines are kept in lists and joined once (linear time)."""

    __slots__ = ("indent", "kind", "parts", "sources")

    def __init__(self, indent: int, kind: BlockKind | None, text: str, source: str) -> None:
        self.indent = indent
        self.kind = kind
        self.parts = [text] if text else []
        self.sources = [source]

    def takes(self, indent: int, line: str) -> bool:
        """Whether `line` continues this unit rather than starting a new one."""
        if self.kind == "bullet" and indent > self.indent:
            return True  # an indented line under a bullet belongs to it
        # A line that starts in lower case after an unfinished one is a wrapped sentence.
        last = self.parts[-1] if self.parts else ""
        return line[0].islower() and not ends_sentence(last)

    def add(self, text: str, source: str) -> None:
        """Append one more line."""
        self.parts.append(text)
        self.sources.append(source)

    def unit(self) -> Unit:
        """The finished unit."""
        return Unit(" ".join(self.parts), self.kind, "\n".join(self.sources))


def _hard_wrapped(lines: Sequence[str]) -> bool:
    """Lines of similar width that mostly stop mid-sentence: one paragraph cut at a fixed width."""
    if len(lines) < 2:
        return False
    width = max(len(line) for line in lines)
    if not _WRAP_MIN_WIDTH <= width <= _WRAP_MAX_WIDTH:
        return False
    inner = lines[:-1]
    open_ends = sum(not ends_sentence(line) for line in inner)
    full = sum(len(line) >= _WRAP_FILL * width for line in inner)
    return open_ends * 2 >= len(inner) and full >= _WRAP_FILL * len(inner)
