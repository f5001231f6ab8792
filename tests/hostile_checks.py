"""Checks the hostile-input tests make on what newsbot says: one sentence, no live mention, no
markdown that untrusted text could have injected.

Each predicate returns what is wrong (an empty list when nothing is), so an assertion failure
shows the offending text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

# -- one sentence ----------------------------------------------------------------------------

# Echoed user input ("'7d x'", “topic”) may hold anything; the sentence around it may not.
_QUOTED: Final = re.compile(
    r"“[^”]*”|(?<!\w)'(?:[^'\\]|\\.)*'(?!\w)|(?<!\w)\"(?:[^\"\\]|\\.)*\"(?!\w)"
)
_BOUNDARY: Final = re.compile(r"[.!?]\s+[A-Z]")
SENTENCE_ENDS: Final = (".", "?", "!", "”")


def sentence_problems(text: str) -> list[str]:
    """Why `text` is not one sentence: empty, several lines, a traceback, no end, two sentences."""
    problems = []
    if not text.strip():
        problems.append("it is empty")
    if "\n" in text:
        problems.append("it has several lines")
    if "Traceback" in text:
        problems.append("it shows a traceback")
    if not text.endswith(SENTENCE_ENDS):
        problems.append("it does not end like a sentence")
    if _BOUNDARY.search(_QUOTED.sub("", text)):
        problems.append("it holds two sentences")
    return problems


# -- Slack -----------------------------------------------------------------------------------

# The only markup the Slack renderer writes: `<http(s)://target|label>`.
_SLACK_LINK: Final = re.compile(r"<https?://[^|<>\s]+\|[^<>]*>")
_BARE_AMPERSAND: Final = re.compile(r"&(?!amp;|lt;|gt;)")


def slack_texts(payload: Mapping[str, Any]) -> Iterator[str]:
    """Every text of a Slack payload: the fallback and each block's text or elements."""
    yield payload["text"]
    for block in payload["blocks"]:
        if "text" in block:
            yield block["text"]["text"]
        for element in block.get("elements", []):
            yield element["text"]


def slack_markup_problems(text: str) -> list[str]:
    """Angle brackets outside the renderer's own links (a mention or a forged link), and
    ampersands that are not one of the three escapes."""
    outside = _SLACK_LINK.sub("", text)
    problems = [f"markup {found!r}" for found in re.findall(r"<[^>]{0,20}|>", outside)]
    return problems + [f"bare & in {text[:40]!r}" for _ in _BARE_AMPERSAND.finditer(text)]


# -- Discord ---------------------------------------------------------------------------------

_DISCORD_LIVE: Final = re.compile(r"@(?!\u200b)(?:everyone|here)|<[@#](?!\u200b)", re.IGNORECASE)
_DISCORD_LINK: Final = re.compile(r"\[((?:\\.|[^\\\[\]])*)\]\(https?://[^\s()<>]+\)")
DISCORD_SPECIALS: Final = frozenset("*_~`|>#[]()")
_WRAPPERS: Final = ("• ", "**", "*")


def discord_texts(payload: Mapping[str, Any]) -> Iterator[str]:
    """Every text of a Discord payload: content, and each embed's title, description, fields."""
    yield payload["content"]
    for embed in payload["embeds"]:
        yield embed.get("title", "")
        yield embed.get("description", "")
        for field in embed.get("fields", []):
            yield field["name"]
            yield field["value"]


def discord_mentions(text: str) -> list[str]:
    """Mentions Discord would resolve: @everyone, @here, <@…>, <@&…>, <#…>."""
    return _DISCORD_LIVE.findall(text)


def discord_markdown_problems(text: str) -> list[str]:
    """Markdown characters left unescaped outside the renderer's own syntax.

    The renderer writes `[label](http…)` links, `• ` bullets and `*…*` / `**…**` around a line;
    everything else that Discord reads as markdown must carry a backslash.
    """
    problems = []
    for line in _DISCORD_LINK.sub(r"\1", text).split("\n"):
        for position in _unescaped(line):
            if not _is_wrapper(line, position):
                problems.append(f"unescaped {line[position]!r} in {line[:60]!r}")
    return problems


def _unescaped(line: str) -> Iterator[int]:
    """Positions of markdown characters that no backslash escapes."""
    index = 0
    while index < len(line):
        if line[index] == "\\":
            index += 2
            continue
        if line[index] in DISCORD_SPECIALS:
            yield index
        index += 1


def _is_wrapper(line: str, position: int) -> bool:
    """Whether the character at `position` is part of a bullet or emphasis at a line's edge."""
    start = line.removeprefix(_WRAPPERS[0])
    offset = len(line) - len(start)
    return line[position] == "*" and (position - offset < 2 or position >= len(line) - 2)
