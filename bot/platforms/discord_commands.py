"""The `/news` slash command group: one typed subcommand per entry of `bot.commands.COMMANDS`.

Each subcommand turns its options back into the command text the router parses (the same text
the console takes), so Discord adds typed options and choices without a second command grammar.
"""

from __future__ import annotations

from typing import Literal

from discord import app_commands

from bot.commands import COMMANDS
from bot.platforms.discord_reply import AnyInteraction, Handler, answer

Period = Literal["today", "24h", "7d", "all"]
SourceAction = Literal["add", "remove", "list"]
_DESCRIPTION_LIMIT = 100
_SUMMARIES = {spec.name: spec.summary for spec in COMMANDS}


def news_group(handle: Handler) -> app_commands.Group:
    """The `/news` group whose subcommands run `handle`."""
    news = app_commands.Group(name="news", description="Read the news: digests, answers, alerts.")
    _add_reading(news, handle)
    _add_channel(news, handle)
    _add_alerts(news, handle)
    return news


def describe(name: str) -> str:
    """The description of a subcommand: its summary in `COMMANDS`, within Discord's limit."""
    summary = _SUMMARIES[name]
    text = summary[:1].upper() + summary[1:]
    return text[:_DESCRIPTION_LIMIT]


def _channel_flag(for_channel: bool) -> str | None:
    return "--channel" if for_channel else None


def joined(*words: str | None) -> str:
    """Command text from options, leaving out the ones not given."""
    return " ".join(word.strip() for word in words if word and word.strip())


def _add_reading(news: app_commands.Group, handle: Handler) -> None:
    @news.command(name="digest", description=describe("digest"))
    @app_commands.describe(period="Which stories: today, the last 24 hours (default), 7 days, all")
    async def digest(interaction: AnyInteraction, period: Period | None = None) -> None:
        await answer(interaction, handle, "digest", joined(period))

    @news.command(name="ask", description=describe("ask"))
    @app_commands.describe(question="A question about the stored news")
    async def ask(interaction: AnyInteraction, question: str) -> None:
        await answer(interaction, handle, "ask", joined(question))

    @news.command(name="facts", description=describe("facts"))
    @app_commands.describe(entity="A person, organisation or place")
    async def facts(interaction: AnyInteraction, entity: str) -> None:
        await answer(interaction, handle, "facts", joined(entity))

    @news.command(name="search", description=describe("search"))
    @app_commands.describe(terms="Words to look for, in any language")
    async def search(interaction: AnyInteraction, terms: str) -> None:
        await answer(interaction, handle, "search", joined(terms))

    @news.command(name="help", description=describe("help"))
    async def help_command(interaction: AnyInteraction) -> None:
        await answer(interaction, handle, "help", "")


def _add_channel(news: app_commands.Group, handle: Handler) -> None:
    @news.command(name="sources", description=describe("sources"))
    @app_commands.describe(
        action="Add or remove a feed (channel admins), or list them", url="The feed or page URL"
    )
    async def sources(
        interaction: AnyInteraction, action: SourceAction, url: str | None = None
    ) -> None:
        await answer(interaction, handle, "sources", joined(action, url))

    @news.command(name="schedule", description=describe("schedule"))
    @app_commands.describe(
        time="HH:MM (24-hour), or off to stop the daily digest; leave out to see the schedule",
        timezone="An IANA time zone such as Europe/Amsterdam",
        weekdays="Only Monday to Friday",
    )
    async def schedule(
        interaction: AnyInteraction,
        time: str | None = None,
        timezone: str | None = None,
        weekdays: bool = False,
    ) -> None:
        text = joined(time, timezone, "weekdays" if weekdays else None)
        await answer(interaction, handle, "schedule", text)


def _add_alerts(news: app_commands.Group, handle: Handler) -> None:
    @news.command(name="subscribe", description=describe("subscribe"))
    @app_commands.describe(
        topic="A topic in plain words, such as Europe expansion",
        for_channel="For everyone in this channel (channel admins)",
    )
    async def subscribe(interaction: AnyInteraction, topic: str, for_channel: bool = False) -> None:
        await answer(interaction, handle, "subscribe", joined(_channel_flag(for_channel), topic))

    @news.command(name="unsubscribe", description=describe("unsubscribe"))
    @app_commands.describe(
        topic="The topic, as you subscribed to it",
        for_channel="The channel's subscription (channel admins)",
    )
    async def unsubscribe(
        interaction: AnyInteraction, topic: str, for_channel: bool = False
    ) -> None:
        await answer(interaction, handle, "unsubscribe", joined(_channel_flag(for_channel), topic))

    @news.command(name="subscriptions", description=describe("subscriptions"))
    async def subscriptions(interaction: AnyInteraction) -> None:
        await answer(interaction, handle, "subscriptions", "")
