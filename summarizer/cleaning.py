"""Article cleaning: keep the body of plain text, HTML or markdown as blocks, drop the rest.

The format is detected (or given), turned into units by `clean_units`, `clean_markdown` or
`clean_html`, and the same line rules (`clean_rules`) and passes (`clean_passes`) then apply to
all three.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import islice
from typing import Literal

from summarizer.clean_passes import build
from summarizer.clean_units import Unit, normalize, text_units
from summarizer.models import CleanedText

TextFormat = Literal["auto", "text", "html", "markdown"]
SourceFormat = Literal["text", "html", "markdown"]

# The most of each format that is read. A long feature article is about 50 KB, so these are far
# beyond any article, and they bound the time of a 20 MB input to a few seconds at worst (about
# one for text): markdown-it and trafilatura cost more per character than the plain-text rules,
# and trafilatura grows faster than linearly on huge pages.
MAX_CHARS: dict[SourceFormat, int] = {"text": 1_000_000, "markdown": 200_000, "html": 500_000}
_CUT_SEARCH = 10_000

# Detection looks at the start of the text only, so a 20 MB text costs no more than a page.
_SAMPLE_CHARS = 65_536
_HTML_DOCUMENT = re.compile(r"<!doctype\s+html|<html[\s>]|<body[\s>]", re.IGNORECASE)
_HTML_TAG = re.compile(
    r"<(?:p|div|article|section|main|span|h[1-6]|ul|ol|li|br|table|a\s+href|meta|title|head|body"
    r"|script|style|nav|header|footer|img|strong|em)"
    r"\b[^>]{0,500}>",
    re.IGNORECASE,
)
_HTML_TAG_MIN = 3
# Each markdown sign with a substring that must be present first: `in` is far cheaper than a
# regex scan, and most plain texts have none of these characters.
_MARKDOWN_SIGNS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (("#",), re.compile(r"^#{1,6}[ \t]+\S", re.MULTILINE)),
    (("**", "__"), re.compile(r"\*\*[^*\n]+\*\*|__[^_\n]+__")),
    # The character classes exclude the opening brackets so that every scan is linear.
    (("](",), re.compile(r"\[[^\[\]\n]+\]\([^()\s]+\)")),
    (("* ", "+ "), re.compile(r"^[ \t]*[*+][ \t]+\S", re.MULTILINE)),
    (("```", "~~~"), re.compile(r"^(?:```|~~~)", re.MULTILINE)),
)


def clean(text: str, *, title: str = "", fmt: TextFormat = "auto") -> CleanedText:
    """Keep the article body of plain text, HTML or markdown and drop what is not the article."""
    source = detect_format(text) if fmt == "auto" else fmt
    text, cut = _truncate(_without_scripts(text) if source == "html" else text, MAX_CHARS[source])
    units, found_title = _units(text, source)
    cleaned = build(units, normalize(title) or found_title)
    return replace(cleaned, removed=(*cleaned.removed, cut)) if cut else cleaned


def _truncate(text: str, limit: int) -> tuple[str, str]:
    """The first `limit` characters (ending at a line break when one is near), and a note."""
    if len(text) <= limit:
        return text, ""
    cut = text.rfind("\n", limit - _CUT_SEARCH, limit)
    cut = cut if cut > 0 else limit
    return text[:cut], f"[not read: {len(text) - cut} characters after the first {cut}]"


def detect_format(text: str) -> SourceFormat:
    """ "html" for markup, "markdown" for markdown syntax, else "text"."""
    sample = text[:_SAMPLE_CHARS]
    tags = sum(1 for _ in islice(_HTML_TAG.finditer(sample), _HTML_TAG_MIN))
    if _HTML_DOCUMENT.search(sample) or tags >= _HTML_TAG_MIN:
        return "html"
    if any(_has_sign(sample, needles, sign) for needles, sign in _MARKDOWN_SIGNS):
        return "markdown"
    return "html" if tags else "text"


def _has_sign(sample: str, needles: tuple[str, ...], sign: re.Pattern[str]) -> bool:
    return any(needle in sample for needle in needles) and sign.search(sample) is not None


# The parsers are imported on first use: lxml, trafilatura and markdown-it add a noticeable
# start-up time that plain text does not need.
def _without_scripts(markup: str) -> str:
    from summarizer.clean_html import drop_script_blocks

    return drop_script_blocks(markup)


def _units(text: str, source: SourceFormat) -> tuple[list[Unit], str]:
    if source == "html":
        from summarizer.clean_html import html_units

        return html_units(text)
    if source == "markdown":
        from summarizer.clean_markdown import markdown_units

        return markdown_units(text)
    return text_units(text), ""
