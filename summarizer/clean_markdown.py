"""Markdown to cleaning units: headings, list items and paragraphs with inline syntax stripped."""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from summarizer.clean_units import Unit, chunk_units, normalize

_PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])

# Inline tokens whose content is readable text; images, raw HTML and markup tokens are dropped.
_TEXT_TOKENS = frozenset({"text", "code_inline"})
_BREAK_TOKENS = frozenset({"softbreak", "hardbreak"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def markdown_units(text: str) -> tuple[list[Unit], str]:
    """Units of a markdown document and its headline (a leading level-1 heading) or ""."""
    units: list[Unit] = []
    title = ""
    containers: list[str] = []
    bulleted: list[bool] = []
    for token in _PARSER.parse(text):
        if token.nesting == 1:
            containers.append(_container(token))
            if token.type == "list_item_open":
                bulleted.append(False)
        elif token.nesting == -1:
            if containers.pop() == "list_item":
                bulleted.pop()
        elif token.type == "inline" and "table" not in containers:
            lines = _inline_lines(token.children or [])
            if not title and not units and containers[-1:] == ["h1"]:
                title = " ".join(lines)
            units.extend(_inline_units(lines, containers, bulleted))
    return units, title


def _container(token: Token) -> str:
    """The container an opening token starts: "h1".."h6" for headings, else its type."""
    return token.tag if token.type == "heading_open" else token.type.removesuffix("_open")


def _inline_units(lines: list[str], containers: Sequence[str], bulleted: list[bool]) -> list[Unit]:
    """A heading, a list item's first paragraph (a bullet), or paragraph lines."""
    joined = " ".join(lines)
    if not joined:
        return []
    if containers and containers[-1] in _HEADINGS:
        return [Unit(joined, "heading")]
    if containers[-2:] == ["list_item", "paragraph"] and not bulleted[-1]:
        bulleted[-1] = True
        return [Unit(joined, "bullet")]
    # Paragraph lines go through the plain-text rules: one line can be noise ("Read more: ...").
    return chunk_units([(0, line) for line in lines])


def _inline_lines(children: Sequence[Token]) -> list[str]:
    """The readable text of an inline token, split at line breaks, normalised."""
    parts: list[str] = []
    for child in children:
        if child.type in _TEXT_TOKENS:
            parts.append(child.content)
        elif child.type in _BREAK_TOKENS:
            parts.append("\n")
    lines = (normalize(line) for line in "".join(parts).split("\n"))
    return [line for line in lines if line]
