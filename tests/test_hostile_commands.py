"""Enormous and weird `/news` commands through `CommandRouter.handle` on a real core over the
seeds.

Whatever the text (mention syntax, control characters, lone surrogates, numbers past any range,
2,000 characters of junk), the answer is a `Message`, never the generic "something went wrong"
that stands for an unexpected exception; an error is one sentence; and the reply renders within
Slack's and Discord's limits with no live mention.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.app import App
from bot.chat import Invocation, Message, Platform, Text
from bot.commands import GENERIC_FAILURE, MAX_TEXT_CHARS, CommandRouter, split_command
from bot.render_discord import render_discord
from bot.render_slack import render_slack
from tests.conftest import seeded_app
from tests.fakes.webhook_fake import discord_limit_problems, slack_limit_problems
from tests.hostile_checks import (
    discord_mentions,
    discord_texts,
    sentence_problems,
    slack_markup_problems,
    slack_texts,
)
from tests.hostile_strategies import (
    MENTIONS,
    ODD_CHARACTERS,
    hostile,
    hostile_prose,
    hostile_text,
    private_urls,
)

PLATFORMS: tuple[Platform, ...] = ("slack", "discord", "console", "webhook")
SUBCOMMANDS = (
    "digest",
    "ask",
    "facts",
    "search",
    "sources",
    "schedule",
    "subscribe",
    "unsubscribe",
    "subscriptions",
    "help",
    "/news",
    "DIGEST",
    "Ask",
    "",
    "nosuchcommand",
)
ZONES = ("UTC", "Europe/Amsterdam", "etc/gmt+14", "../../etc/passwd", "posix/UTC", "localtime")
numbers = st.one_of(
    st.integers(min_value=0, max_value=10**30).map(str),
    st.sampled_from(["00", "1e3", "٣", "²", "-5", "+5", "0x10", "1_000", "inf", "nan"]),
)
periods = st.builds(str.__add__, numbers, st.sampled_from(["d", "h", "D", "w", "", "dd"]))
clock_times = st.builds("{}:{}".format, numbers, numbers)
schedules = st.builds(
    "{} {} {}".format, clock_times, st.sampled_from(ZONES), st.sampled_from(["weekdays", ""])
)
source_args = st.builds(
    "{} {}".format,
    st.sampled_from(["remove", "list", "delete", ""]),
    st.one_of(private_urls(), hostile_text(4)),
)
junk_words = st.lists(st.sampled_from(MENTIONS + ODD_CHARACTERS + ("--channel", "off")), max_size=8)
arguments = st.one_of(
    periods,
    schedules,
    source_args,
    junk_words.map(" ".join),
    hostile_prose(30),
    st.builds(lambda text, times: text * times, hostile_text(3, 1), st.integers(100, 2_500)),
)


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """A real core over the seed articles, on a SQLite store of its own."""
    with seeded_app(tmp_path_factory.mktemp("hostile-commands")) as app:
        yield app


@pytest.fixture(scope="module")
def router(core: App) -> CommandRouter:
    """The platform-neutral router on the core."""
    return CommandRouter(core)


def answer(router: CommandRouter, invocation: Invocation) -> Message:
    """The router's reply, checked: a Message, no unexpected exception, one-sentence errors,
    renderable within limits on Slack and Discord without a live mention."""
    message = router.handle(invocation)
    assert isinstance(message, Message)
    assert message.fallback != GENERIC_FAILURE
    if message.error:
        assert message.ephemeral
        assert message.blocks == (Text(message.fallback),)
        assert sentence_problems(message.fallback) == [], message.fallback
    for slack in render_slack(message):
        assert slack_limit_problems(slack) == []
        for shown in slack_texts(slack):
            assert slack_markup_problems(shown) == []
    for discord in render_discord(message):
        assert discord_limit_problems(discord) == []
        for shown in discord_texts(discord):
            assert discord_mentions(shown) == []
    return message


@hostile(100)
@given(
    st.sampled_from(SUBCOMMANDS),
    arguments,
    st.booleans(),
    st.sampled_from(PLATFORMS),
)
@example("digest", "1000000d", False, "slack")  # timedelta past year 1: OverflowError
@example("digest", "9" * 30 + "d", False, "slack")  # too large for a C int: OverflowError
@example("search", "Xiaomi \ud800", False, "slack")  # a surrogate reached the embedder
@example("ask", "Who leads \ud800 Xiaomi?", False, "discord")
@example("facts", "Xiaomi\ud800", False, "console")
@example("subscribe", "battery \ud800 recycling", False, "slack")
@example("unsubscribe", "\ud800 topic", False, "slack")
@example("sources", "remove http://a.example/\ud800", True, "slack")
@example("subscribe", "battery \x00 recycling", False, "console")  # NUL stored in a topic
def test_weird_commands_get_a_message(
    router: CommandRouter, command: str, text: str, admin: bool, platform: Platform
) -> None:
    """Any subcommand with any arguments, admin or not, on any platform, gets a proper reply."""
    name, rest = split_command(f"{command} {text}")
    if admin and name == "sources" and split_command(rest)[0] == "add":
        return  # a real fetch; the SSRF test below sends only addresses refused without DNS
    message = answer(router, Invocation(command, text, "U1", "C1", admin, platform))
    if "\x00" in text and not message.error:
        assert "\x00" not in message.fallback


@hostile(15)
@given(st.text(min_size=MAX_TEXT_CHARS - 10, max_size=MAX_TEXT_CHARS + 50), st.booleans())
def test_enormous_commands_are_refused_in_one_sentence(
    router: CommandRouter, text: str, admin: bool
) -> None:
    """A command past 2,000 characters is refused with one sentence, whatever it holds."""
    message = answer(router, Invocation("ask", text, "U1", "C1", admin, "slack"))
    if len("ask") + len(text) > MAX_TEXT_CHARS:
        assert message.error
        assert "too long" in message.fallback


class FailureLog(logging.Handler):
    """Collects the log records that carry an exception (the router logs unexpected ones)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.failures: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.failures.append(record)


@hostile(20)
@given(url=private_urls(), form=st.sampled_from(["add {}", "add <{}|feed>", "ADD {} more words"]))
def test_adding_a_private_feed_address_is_refused(
    router: CommandRouter, url: str, form: str
) -> None:
    """`sources add` by an admin with a URL aimed inside (any encoding, any userinfo trick) is
    refused with one sentence, and no failure is logged."""
    log = FailureLog()
    logging.getLogger("bot").addHandler(log)
    try:
        message = answer(router, Invocation("sources", form.format(url), "U1", "C1", True, "slack"))
    finally:
        logging.getLogger("bot").removeHandler(log)
    assert message.error
    assert log.failures == []
