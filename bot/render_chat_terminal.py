"""A chat `Message` on the terminal with rich, in the look of `bot.render_terminal`.

Every string of a message is untrusted (it may quote articles): it always goes in `Text` objects,
never through console markup, so "[bold]" or "<!channel>" in an article prints as written.
"""

from __future__ import annotations

from typing import assert_never

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from bot.chat import Block, Context, Item, Link, Message, Title
from bot.chat import Text as TextBlock


def message_view(message: Message) -> RenderableType:
    """The blocks of `message` in order; items are numbered, errors are red."""
    parts: list[RenderableType] = []
    number = 0
    for block in message.blocks:
        if isinstance(block, Item):
            number += 1
            if parts:
                parts.append(Text(""))
        parts.append(block_view(block, number, error=message.error))
    return Group(*parts)


def block_view(block: Block, number: int = 1, *, error: bool = False) -> RenderableType:
    """One block; `number` is the item's place among the message's items."""
    match block:
        case Title(text=text):
            return Rule(Text(text, style="bold"), align="left")
        case TextBlock(text=text):
            return Text(text, style="red" if error else "")
        case Item():
            return item_view(number, block)
        case Context(text=text):
            return Text(text, style="dim")
        case _:
            assert_never(block)


def item_view(number: int, item: Item) -> RenderableType:
    """A numbered item: its title in bold, then its points, sources and note, indented."""
    body: list[RenderableType] = [_hanging("• ", Text(point)) for point in item.points]
    body += [link_line(link) for link in item.links]
    if item.note:
        body.append(Text(item.note, style="yellow"))
    heading = _hanging(f"{number}. ", Text(item.title, style="bold"), marker_style="bold")
    return Group(heading, Padding(Group(*body), (0, 0, 0, 3), expand=False))


def link_line(link: Link) -> Text:
    """ "source: label (language xx) url", dim."""
    line = Text("source: ", style="dim")
    line.append(link.label, style="dim")
    if link.language:
        line.append(f" (language {link.language})", style="dim")
    if link.url and link.url != link.label:
        line.append(f" {link.url}", style="dim")
    return line


def _hanging(marker: str, text: Text, marker_style: str = "") -> RenderableType:
    """`marker` then `text`, wrapped lines indented under the text (a hanging indent)."""
    grid = Table.grid()
    grid.add_column(no_wrap=True, style=marker_style)
    grid.add_column()
    grid.add_row(marker, text)
    return grid
