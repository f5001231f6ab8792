"""Slack Block Kit payloads for a `Message`: escaped, within Slack's limits, split when long.

Every untrusted string is escaped (`&`, then `<` and `>`), so `<!channel>` or `<@U123>` in an
article stays literal text, and mrkdwn objects are `verbatim` so Slack does not link-ify names.
Links are built only from http(s) URLs. A message too big for one Slack message becomes several
payloads, split between Items when possible; an Item too big for one section continues in the
next. Only a single over-long string (a point, a title, a label) is truncated, with an ellipsis.
"""

from __future__ import annotations

from typing import Any, Final, TypedDict, assert_never

from bot.chat import Block, Context, Item, Link, Message, Text, Title
from bot.render_text import UNTITLED, fit, http_url, join_lines, split

MAX_BLOCKS: Final = 50
MAX_SECTION: Final = 3000
MAX_HEADER: Final = 150
MAX_CONTEXT_ELEMENTS: Final = 10
MAX_BLOCK_TEXT: Final = 11_000  # Slack's undocumented `msg_blocks_too_long` starts near 13k
MAX_FALLBACK: Final = 3000
MAX_LABEL: Final = 300
MAX_LINK: Final = 2500  # a longer link falls back to its label, so a piece fits a section
SEPARATOR: Final = " · "

SlackBlock = dict[str, Any]


class SlackPayload(TypedDict):
    """One Slack message: the notification fallback `text` and its Block Kit `blocks`."""

    text: str
    blocks: list[SlackBlock]


def escape_slack(text: str) -> str:
    """`text` with `&`, `<` and `>` escaped, so Slack shows it literally (no mentions, no links)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_slack(message: Message) -> list[SlackPayload]:
    """The payloads that show `message` on Slack, in order, each within every Slack limit."""
    groups = [_blocks_of(block) for block in message.blocks]
    pages = _paginate(groups) or [[]]
    return [
        SlackPayload(text=_fallback(message, number, len(pages)), blocks=blocks)
        for number, blocks in enumerate(pages, start=1)
    ]


def _blocks_of(block: Block) -> list[SlackBlock]:
    match block:
        case Title(text=text):
            return [_header(text)] if text.strip() else []
        case Text(text=text):
            return [_section(piece) for piece in split(text, MAX_SECTION, escape_slack)]
        case Item():
            return _item_blocks(block)
        case Context(text=text):
            return _context_blocks(split(text, MAX_SECTION, escape_slack))
        case _:
            assert_never(block)


def _item_blocks(item: Item) -> list[SlackBlock]:
    """A story: its bold title and bullets in as many sections as needed, then its sources."""
    title = fit(item.title.strip() or UNTITLED, MAX_SECTION - 2, escape_slack)
    lines = [f"*{title}*"]
    points = [point for point in item.points if point.strip()]
    lines += [f"• {fit(point, MAX_SECTION - 2, escape_slack)}" for point in points]
    sections = [_section(text) for text in join_lines(lines, MAX_SECTION)]
    notes = [_link(link) for link in item.links]
    if item.note.strip():
        notes.append(fit(item.note, MAX_SECTION, escape_slack))
    return sections + _context_blocks(notes)


def _link(link: Link) -> str:
    """`<url|label> · language`, or the label alone when the URL is not http(s)."""
    url = http_url(link.url)
    label = fit(link.label.strip() or url or "source", MAX_LABEL, escape_slack)
    text = label
    if url is not None:
        target = escape_slack(url.translate(str.maketrans("", "", "|<>")))
        text = f"<{target}|{label}>" if len(target) + len(label) < MAX_LINK else label
    if link.language:
        text += SEPARATOR + fit(link.language, 20, escape_slack)
    return text


def _context_blocks(texts: list[str]) -> list[SlackBlock]:
    """Context blocks of at most ten elements and `MAX_SECTION` characters each."""
    blocks: list[SlackBlock] = []
    elements: list[dict[str, Any]] = []
    size = 0
    for text in texts:
        full = len(elements) == MAX_CONTEXT_ELEMENTS or size + len(text) > MAX_SECTION
        if elements and full:
            blocks.append({"type": "context", "elements": elements})
            elements, size = [], 0
        elements.append(_mrkdwn(text))
        size += len(text)
    if elements:
        blocks.append({"type": "context", "elements": elements})
    return blocks


def _paginate(groups: list[list[SlackBlock]]) -> list[list[SlackBlock]]:
    """Blocks packed into messages; a group (one Item) moves whole to the next message when it
    fits there, and is split between messages only when it fits in none."""
    pages: list[list[SlackBlock]] = []
    current: list[SlackBlock] = []
    size = 0
    for group in groups:
        group_size = sum(_text_size(block) for block in group)
        crowded = not _fits(len(current) + len(group), size + group_size)
        if current and crowded and _fits(len(group), group_size):
            pages.append(current)
            current, size = [], 0
        for block in group:
            block_size = _text_size(block)
            if current and not _fits(len(current) + 1, size + block_size):
                pages.append(current)
                current, size = [], 0
            current.append(block)
            size += block_size
    if current:
        pages.append(current)
    return pages


def _fits(blocks: int, text_size: int) -> bool:
    return blocks <= MAX_BLOCKS and text_size <= MAX_BLOCK_TEXT


def _text_size(block: SlackBlock) -> int:
    """The characters of text a block carries, as Slack counts them toward a message's total."""
    if "text" in block:
        return len(block["text"]["text"])
    return sum(len(element["text"]) for element in block.get("elements", []))


def _fallback(message: Message, number: int, total: int) -> str:
    """The notification text: the message's fallback, numbered when it spans several messages."""
    suffix = f" ({number}/{total})" if total > 1 else ""
    base = message.fallback.strip() or "newsbot"
    return fit(base, MAX_FALLBACK - len(suffix), escape_slack) + suffix


def _header(text: str) -> SlackBlock:
    plain = {"type": "plain_text", "text": fit(text.strip(), MAX_HEADER, escape_slack)}
    return {"type": "header", "text": plain}


def _section(text: str) -> SlackBlock:
    return {"type": "section", "text": _mrkdwn(text)}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}
