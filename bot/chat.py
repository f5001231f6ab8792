"""The platform-neutral chat model: what a user asked (`Invocation`) and what the bot says
(`Message`).

Command handlers take an `Invocation` and return a `Message`; one renderer per platform (Slack
Block Kit, Discord embeds, the terminal) turns a `Message` into that platform's payloads, enforces
its size limits and escapes every string in it. Everything in a `Message` is untrusted text (it
may quote articles): no block carries platform markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Platform = Literal["slack", "discord", "console", "webhook"]


@dataclass(frozen=True, slots=True)
class Invocation:
    """One `/news` command: the subcommand, the rest of its text, and who asked where.

    `is_admin` is decided by the platform adapter (Slack: workspace admin or owner, or the
    configured allow-list; Discord: Manage Server or Manage Channels; console: always).
    """

    command: str
    text: str
    user_id: str
    channel_id: str
    is_admin: bool
    platform: Platform = "console"


@dataclass(frozen=True, slots=True)
class Link:
    """A reference to a source: a label and, when the source has one, an http(s) URL."""

    label: str
    url: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Title:
    """The message's heading."""

    text: str


@dataclass(frozen=True, slots=True)
class Text:
    """A paragraph of plain text."""

    text: str


@dataclass(frozen=True, slots=True)
class Item:
    """A titled unit kept together when a message is split: a story, an answer, a search hit.

    `points` are bullet lines; `links` its sources; `note` a short line under it ("update",
    "sources disagree", a score).
    """

    title: str
    points: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Context:
    """A small footnote line (period, counts, hints)."""

    text: str


Block = Title | Text | Item | Context


@dataclass(frozen=True, slots=True)
class Message:
    """What the bot says: blocks in order, a plain-text fallback, and who sees it.

    `ephemeral` replies are shown only to the caller; `error` marks a one-sentence refusal or
    failure (renderers may style it).
    """

    blocks: tuple[Block, ...]
    fallback: str
    ephemeral: bool = False
    error: bool = False


def error_message(sentence: str) -> Message:
    """An ephemeral one-sentence error that says what to do."""
    return Message((Text(sentence),), sentence, ephemeral=True, error=True)
