"""HTML to cleaning units: trafilatura's main text, or a plain lxml pass when it finds little.

Nothing here fetches anything: the markup is a string, and trafilatura only parses it.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree, html  # type: ignore[import-untyped]

from summarizer.clean_units import Unit, chunk_units, normalize
from summarizer.models import BlockKind

# Precision over recall: a news summary is better without a stray comment than with it.
_TRAFILATURA_OPTIONS: dict[str, Any] = {
    "output_format": "xml",
    "favor_precision": True,
    "include_comments": False,
    "include_tables": False,
    "include_images": False,
    "include_links": False,
    "include_formatting": False,
    "with_metadata": False,
    "deduplicate": False,  # trafilatura's cache is process-global: it would break determinism
}

# trafilatura XML: block elements carry their own text; the rest is inline.
_XML_BLOCKS = frozenset({"p", "head", "item", "quote", "list", "table", "code", "graphic"})
_XML_TEXT_BLOCKS = ("p", "head", "item", "quote")
_XML_KINDS: dict[str, BlockKind] = {"head": "heading", "item": "bullet"}

# Fallback extraction: elements that hold text, and containers that are never the article.
_HTML_TARGETS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote")
_HTML_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_HTML_JUNK_TAGS = frozenset(
    {"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template"}
    | {"iframe", "svg", "button", "select"}
)
_HTML_JUNK_ATTR = re.compile(
    r"comment|related|share|social|advert|promo|newsletter|sidebar|cookie|footer|\bnav|menu|"
    r"reacties|gerelateerd",
    re.IGNORECASE,
)
# Script-like blocks hold no article text and can be most of a page's size; an unclosed one runs
# to the end (as in a browser), which also keeps this pattern linear.
_SCRIPT_BLOCKS = re.compile(
    r"<(script|style|svg|noscript|template)\b[^>]*(?:>.*?(?:</\1\s*>|\Z)|\Z)|<!--.*?(?:-->|\Z)",
    re.IGNORECASE | re.DOTALL,
)
# Below this many characters of main text, the plain lxml pass is tried as well.
_SHORT_EXTRACT = 500
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Characters lxml refuses in a text it sets (drop_tree moves tails): controls, surrogates,
# U+FFFE/U+FFFF. Cleaning turns controls into spaces anyway, so they become spaces up front.
_NOT_XML_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|·|::|»)\s+")


def drop_script_blocks(markup: str) -> str:
    """The markup without <script>, <style>, <svg>, <noscript>, <template> and comments."""
    return _SCRIPT_BLOCKS.sub(" ", markup)


def html_units(markup: str) -> tuple[list[Unit], str]:
    """Units of an HTML page's article and its headline (from <h1> or <title>), never raising."""
    markup = _NOT_XML_TEXT.sub(" ", markup)
    tree = _parse(markup)
    title = page_title(tree) if tree is not None else ""
    units = _trafilatura_units(markup)
    if tree is not None and _chars(units) < _SHORT_EXTRACT:
        # On fragments (feed summaries) and tiny pages trafilatura's precision mode drops
        # headings and list items, or everything: the plain pass then keeps more.
        fallback = _fallback_units(tree)
        if _chars(fallback) > _chars(units):
            units = fallback
    return units, title


def _chars(units: list[Unit]) -> int:
    return sum(len(unit.text) for unit in units)


def _parse(markup: str) -> Any:
    """The lxml tree of `markup`, or None for markup lxml cannot make a document of."""
    try:
        return html.fromstring(_XML_DECLARATION.sub("", markup, count=1))
    except (etree.LxmlError, ValueError):
        return None


def page_title(tree: Any) -> str:
    """The page headline: the first <h1> when <title> agrees or is missing, else <title>."""
    heading = _first_text(tree, "h1")
    title = _first_text(tree, "title")
    if heading and (not title or _squash(heading) in _squash(title)):
        return heading
    # "<headline> | <site name>": the headline is the longest part.
    parts = _TITLE_SEPARATORS.split(title)
    return max(parts, key=len) if title else heading


def _first_text(tree: Any, tag: str) -> str:
    for element in tree.iter(tag):
        text = normalize(element.text_content())
        if text:
            return text
    return ""


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def _trafilatura_units(markup: str) -> list[Unit]:
    # Imported here: trafilatura takes about half a second to import, and plain text needs none.
    import trafilatura

    try:
        xml = trafilatura.extract(markup, **_TRAFILATURA_OPTIONS)
        root = etree.fromstring(xml.encode("utf-8")) if xml else None
    # trafilatura parses arbitrary markup; any failure there means "no main text found".
    except Exception:
        return []
    if root is None:
        return []
    main = root.find("main")
    return _xml_units(main if main is not None else root)


def _xml_units(main: Any) -> list[Unit]:
    units: list[Unit] = []
    for element in main.iter(*_XML_TEXT_BLOCKS):
        lines = [line for line in map(normalize, _own_text(element).split("\n")) if line]
        kind = _XML_KINDS.get(element.tag)
        if kind is None:
            units.extend(chunk_units([(0, line) for line in lines]))
        elif lines:
            units.append(Unit(" ".join(lines), kind))
    return units


def _own_text(element: Any) -> str:
    """Text of `element` and its inline children, without nested blocks; <lb/> as a newline."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag not in _XML_BLOCKS:
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts)


def _fallback_units(tree: Any) -> list[Unit]:
    """Text of <p>, <li> and <h*> outside navigation, comments and asides."""
    _drop_junk(tree)
    units: list[Unit] = []
    for element in tree.iter(*_HTML_TARGETS):
        if next(element.iterancestors(*_HTML_TARGETS), None) is not None:
            continue  # its text is already part of the enclosing block
        text = normalize(element.text_content())
        if not text:
            continue
        if element.tag in _HTML_HEADINGS:
            units.append(Unit(text, "heading"))
        elif element.tag == "li":
            units.append(Unit(text, "bullet"))
        else:
            units.extend(chunk_units([(0, text)]))
    return units


def _drop_junk(tree: Any) -> None:
    junk = [
        element
        for element in tree.iter()
        if isinstance(element.tag, str) and element.getparent() is not None and _is_junk(element)
    ]
    for element in junk:
        element.drop_tree()


def _is_junk(element: Any) -> bool:
    if element.tag in _HTML_JUNK_TAGS:
        return True
    marks = f"{element.get('class', '')} {element.get('id', '')}"
    return _HTML_JUNK_ATTR.search(marks) is not None
