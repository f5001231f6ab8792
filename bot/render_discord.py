"""Discord message payloads for a `Message`: escaped, within Discord's limits, split when long.

Every untrusted string goes through `escape_discord`: mentions are broken with a zero-width space
(`@everyone`, `@here`, `<@…>`, `<#…>`) and markdown is escaped, so article text can neither ping
nor forge links or formatting; `allowed_mentions` is always `{"parse": []}` as well. Links are
markdown links built only from http(s) URLs. One Item is one embed (continued in further embeds
when it is too big); a message holds at most ten embeds and 6,000 characters of embed text, and a
long `Message` becomes several payloads. Only a single over-long string is truncated, visibly.
"""

from __future__ import annotations

import re
from typing import Any, Final, TypedDict, assert_never

from bot.chat import Block, Context, Item, Link, Message, Text, Title
from bot.render_text import UNTITLED, fit, http_url, join_lines, split

MAX_CONTENT: Final = 2000
MAX_EMBEDS: Final = 10
MAX_EMBED_TOTAL: Final = 6000
MAX_TITLE: Final = 256
MAX_DESCRIPTION: Final = 4096
MAX_FIELDS: Final = 25
MAX_FIELD_VALUE: Final = 1024
MAX_LABEL: Final = 200
MAX_LINK: Final = 900  # a longer link falls back to its label, so it fits a field value
SOURCES: Final = "Sources"
COLOUR: Final = 0x3B82F6
ZWSP: Final = "\u200b"

_MARKDOWN = re.compile(r"([\\*_~`|>#\[\]()])")
_BROADCAST = re.compile(r"@(everyone|here)", re.IGNORECASE)
_TAG = re.compile(r"<([@#])")
_URL_SPECIALS = re.compile(r"[()<>]")

Embed = dict[str, Any]


class AllowedMentions(TypedDict):
    """Which mentions Discord may turn into pings: none."""

    parse: list[str]


class DiscordPayload(TypedDict):
    """One Discord message: its `content`, up to ten `embeds`, and no allowed mentions."""

    content: str
    embeds: list[Embed]
    allowed_mentions: AllowedMentions


def escape_discord(text: str) -> str:
    """`text` that cannot mention anyone or carry markdown: pings broken, markup escaped."""
    inert = _BROADCAST.sub(lambda match: f"@{ZWSP}{match.group(1)}", text)
    inert = _TAG.sub(lambda match: f"<{match.group(1)}{ZWSP}", inert)
    return _MARKDOWN.sub(r"\\\1", inert)


def render_discord(message: Message) -> list[DiscordPayload]:
    """The payloads that show `message` on Discord, in order, each within every Discord limit."""
    packer = _Packer()
    for block in message.blocks:
        _add(packer, block)
    payloads = packer.finish()
    if payloads:
        return payloads
    fallback = fit(message.fallback.strip() or "newsbot", MAX_CONTENT, escape_discord)
    return [_payload(fallback, [])]


def _add(packer: _Packer, block: Block) -> None:
    match block:
        case Title(text=text):
            if text.strip():
                packer.add_heading(f"**{fit(text.strip(), MAX_CONTENT - 4, escape_discord)}**")
        case Text(text=text):
            for piece in split(text, MAX_CONTENT, escape_discord):
                packer.add_prose(piece)
        case Item():
            for embed in _item_embeds(block):
                packer.add_embed(embed)
        case Context(text=text):
            for piece in split(text, MAX_CONTENT - 2, escape_discord):
                packer.add_prose(f"*{piece}*")
        case _:
            assert_never(block)


class _Packer:
    """Fills payloads in order: prose goes in `content` until the first embed, then in embeds
    of its own (Discord shows content above embeds, so this keeps the message's order)."""

    def __init__(self) -> None:
        self._payloads: list[DiscordPayload] = []
        self._content: list[str] = []
        self._embeds: list[Embed] = []
        self._embed_total = 0

    def add_heading(self, text: str) -> None:
        """A heading starts a new message unless the current one holds prose only."""
        if self._embeds:
            self._flush()
        self.add_prose(text)

    def add_prose(self, text: str) -> None:
        """A paragraph (at most `MAX_CONTENT` characters): in the content, or an embed after one."""
        if self._embeds:
            self.add_embed({"description": text, "color": COLOUR})
            return
        if self._content and len("\n".join([*self._content, text])) > MAX_CONTENT:
            self._flush()
        self._content.append(text)

    def add_embed(self, embed: Embed) -> None:
        """An embed, in a new message when this one is full."""
        size = embed_size(embed)
        if len(self._embeds) == MAX_EMBEDS or self._embed_total + size > MAX_EMBED_TOTAL:
            self._flush()
        self._embeds.append(embed)
        self._embed_total += size

    def finish(self) -> list[DiscordPayload]:
        """All payloads, the last one included."""
        self._flush()
        return self._payloads

    def _flush(self) -> None:
        if self._content or self._embeds:
            self._payloads.append(_payload("\n".join(self._content), self._embeds))
        self._content, self._embeds, self._embed_total = [], [], 0


def _item_embeds(item: Item) -> list[Embed]:
    """A story as one embed (title, bullets, sources), continued in more embeds when too big."""
    title = fit(item.title.strip() or UNTITLED, MAX_TITLE, escape_discord)
    points = [point for point in item.points if point.strip()]
    lines = [f"• {fit(point, MAX_DESCRIPTION - 2, escape_discord)}" for point in points]
    if item.note.strip():
        lines.append(f"*{fit(item.note.strip(), MAX_DESCRIPTION - 2, escape_discord)}*")
    descriptions = join_lines(lines, MAX_DESCRIPTION) or [""]
    first: Embed = {"title": title, "description": descriptions[0], "color": COLOUR}
    url = _link_target(next((link.url for link in item.links if http_url(link.url)), None))
    if url:
        first["url"] = url
    embeds = [first] + [{"description": text, "color": COLOUR} for text in descriptions[1:]]
    if not first["description"]:
        del first["description"]
    values = join_lines((_link(link) for link in item.links), MAX_FIELD_VALUE)
    for value in values:
        _add_field(embeds, {"name": SOURCES, "value": value, "inline": False})
    return embeds


def _add_field(embeds: list[Embed], field: dict[str, Any]) -> None:
    """`field` on the last embed, or on a new embed when the last one is full."""
    last = embeds[-1]
    fields = last.get("fields", [])
    field_size = len(field["name"]) + len(field["value"])
    if len(fields) == MAX_FIELDS or embed_size(last) + field_size > MAX_EMBED_TOTAL:
        last = {"color": COLOUR}
        embeds.append(last)
    last.setdefault("fields", []).append(field)


def _link(link: Link) -> str:
    """`[label](url) · language`, or the label alone when the URL is not http(s)."""
    url = _link_target(link.url)
    label = fit(link.label.strip() or url or "source", MAX_LABEL, escape_discord)
    text = f"[{label}]({url})" if url and len(url) + len(label) < MAX_LINK else label
    if link.language:
        text += " · " + fit(link.language, 20, escape_discord)
    return text


def _link_target(url: str | None) -> str | None:
    """An http(s) URL safe inside a markdown link: parentheses and angle brackets encoded."""
    checked = http_url(url)
    if checked is None:
        return None
    return _URL_SPECIALS.sub(lambda match: f"%{ord(match.group()):02X}", checked)


def embed_size(embed: Embed) -> int:
    """The characters of an embed that count toward Discord's 6,000 per message."""
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += len(embed.get("footer", {}).get("text", ""))
    size += len(embed.get("author", {}).get("name", ""))
    return size + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))


def _payload(content: str, embeds: list[Embed]) -> DiscordPayload:
    return DiscordPayload(
        content=content, embeds=embeds, allowed_mentions=AllowedMentions(parse=[])
    )
