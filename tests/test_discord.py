"""The Discord adapter against a fake Discord on loopback (real REST and gateway protocol).

An unmodified discord.py client logs in, identifies on the gateway and receives INTERACTION_CREATE
events; the real command router answers them from the seed articles (plus crafted ones).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import discord
import pytest
from typer.testing import CliRunner

from bot.app import App, open_app
from bot.chat import Invocation, Message, Text
from bot.cli import app as cli_app
from bot.commands import COMMANDS, CommandRouter
from bot.config import load_config
from bot.discovery import discover
from bot.errors import ConfigError
from bot.models import SourceText
from bot.platforms.discord_bot import (
    INVITE_PERMISSIONS,
    discord_token,
    invite_url,
    run_discord,
    sync_commands,
)
from bot.platforms.discord_reply import FAILURE, Handler
from bot.render_discord import render_discord
from tests.conftest import SEEDS_DIR
from tests.fakes.discord_fake import APPLICATION_ID, DiscordFake, RecordedCall, slash

T = TypeVar("T")
TOKEN = "fake-bot-token"
EPHEMERAL = 64
MANAGE_CHANNELS = 1 << 4
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content
PINGS = ("@everyone", "@here", "<@123>", "<@&456>")

TOPICS = (
    "A storm named Ingrid closed every ferry between Bergen and Stavanger on Monday. The "
    "Norwegian coastal authority said waves reached eleven metres near Utsira.",
    "The Prado museum in Madrid opened a new wing for Goya's black paintings. Curator Lucia "
    "Ferrandis said the rooms keep the light below fifty lux.",
    "Iceland's Grindavik evacuated again after lava broke through the Sundhnukur fissure. "
    "Geologists at the Met Office expect the eruption to last two weeks.",
    "Deutsche Bahn drivers began a 48-hour strike over pay. The GDL union under Mario Reiss "
    "demanded a 35-hour week for shift workers.",
    "Brazil's central bank cut the Selic rate to 10.5 percent. Governor Roberto Campos Neto "
    "warned that inflation in Sao Paulo services remains sticky.",
    "The Indian Space Research Organisation launched the Aditya probe from Sriharikota. It "
    "will study the solar corona from the Lagrange point L1.",
    "Winemakers in Bordeaux began the harvest three weeks early after a dry summer. The "
    "Saint-Emilion growers' syndicate expects lower yields but rich merlot.",
    "Researchers in Newfoundland counted forty humpback whales off Witless Bay. Marine "
    "biologist Jenna Hollett tagged six of them with satellite trackers.",
    "Kenyan runner Ruth Chepngetich set a marathon world record of two hours nine minutes in "
    "Chicago. Her pacers dropped out before the thirtieth kilometre.",
    "The Venice film festival gave its Golden Lion to a Romanian drama by director Radu "
    "Jude. The jury was chaired by Isabelle Huppert.",
    "A ransomware attack shut the emergency rooms of Lyon's Hospices Civils for two days. "
    "French cyber agency ANSSI traced it to the LockBit group.",
    "Toyota recalled 280,000 Tacoma pickups in North America over a faulty rear axle. "
    "Dealers in Texas will replace the part free of charge.",
    "Archaeologists near Luxor found a tomb of a Ramesside scribe named Djehutymes. Egypt's "
    "antiquities council said the paintings are almost intact.",
)
MENTIONS_ARTICLE = (
    "The Zorblax cooperative in Tilburg announced <!channel> @everyone @here <@123> <@&456> "
    "in its newsletter about the new Zorblax greenhouse. The greenhouse grows tomatoes all year."
)


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """A real core holding the seeds, thirteen unrelated short articles and one full of pings."""
    home = tmp_path_factory.mktemp("discord")
    config = load_config(None, {"HOME": str(home)})
    with open_app(config, store_url=str(home / "newsbot.db")) as app:
        for item in discover([str(SEEDS_DIR)]).items:
            app.ingestor.ingest(item)
        for number, text in enumerate(TOPICS):
            app.ingestor.ingest_source(SourceText(f"https://news.example/{number}", text))
        pings = SourceText("https://news.example/pings", MENTIONS_ARTICLE, title="@everyone <@123>")
        app.ingestor.ingest_source(pings)
        yield app


@pytest.fixture(scope="module")
def router(core: App) -> CommandRouter:
    """The real `/news` router on the test core."""
    return CommandRouter(core)


def with_bot(handle: Handler, scenario: Callable[[DiscordFake], Awaitable[T]]) -> T:
    """Run the bot against a fresh fake Discord while `scenario` drives it; stop the bot after."""

    async def main(fake: DiscordFake) -> T:
        task = asyncio.create_task(run_discord(handle, TOKEN))
        try:
            await fake.wait_until(lambda: bool(fake.identifies) or task.done())
            if task.done():
                task.result()
            return await scenario(fake)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    with DiscordFake() as fake, fake.pointed_at():
        return asyncio.run(main(fake))


async def answered(
    fake: DiscordFake, interaction: dict[str, Any], count: int = 1
) -> list[RecordedCall]:
    """Dispatch `interaction` and wait for `count` accepted follow-ups to it."""
    await fake.dispatch(interaction)
    await fake.wait_until(lambda: len(followups_of(fake, interaction)) >= count)
    return followups_of(fake, interaction)


def followups_of(fake: DiscordFake, interaction: dict[str, Any]) -> list[RecordedCall]:
    """The accepted follow-ups to one interaction, in order."""
    return [call for call in fake.followups() if call.path.endswith("/" + interaction["token"])]


def callback_of(fake: DiscordFake, interaction: dict[str, Any]) -> RecordedCall:
    """The one interaction response to `interaction`."""
    [call] = [c for c in fake.callbacks() if f"/{interaction['id']}/" in c.path]
    return call


def texts(body: dict[str, Any]) -> str:
    """All the visible text of a message body, as one string."""
    return json.dumps([body.get("content"), body.get("embeds")], ensure_ascii=False)


def assert_within_discord_limits(body: dict[str, Any]) -> None:
    """A message body within every Discord limit of PLATFORM_NOTES.md."""
    assert len(body.get("content") or "") <= 2000
    embeds = body.get("embeds") or []
    assert len(embeds) <= 10
    total = 0
    for embed in embeds:
        title, description = embed.get("title", ""), embed.get("description", "")
        fields = embed.get("fields", [])
        footer = embed.get("footer", {}).get("text", "")
        author = embed.get("author", {}).get("name", "")
        assert len(title) <= 256
        assert len(description) <= 4096
        assert len(fields) <= 25
        assert all(len(f["name"]) <= 256 and len(f["value"]) <= 1024 for f in fields)
        assert len(footer) <= 2048
        assert len(author) <= 256
        total += len(title) + len(description) + len(footer) + len(author)
        total += sum(len(f["name"]) + len(f["value"]) for f in fields)
    assert total <= 6000


def test_ask_is_deferred_then_answered_within_limits_and_without_mentions(
    router: CommandRouter,
) -> None:
    """`/news ask` gets an ephemeral "thinking" deferral, then a follow-up with the answer,
    within Discord's limits and allowing no mentions; the client asks no privileged intent."""
    question = slash("ask", {"question": "Who leads Xiaomi's European R&D centre?"})

    async def scenario(fake: DiscordFake) -> tuple[RecordedCall, list[RecordedCall], Any]:
        followups = await answered(fake, question)
        return callback_of(fake, question), followups, fake.identifies

    callback, [reply], identifies = with_bot(router.handle, scenario)
    assert callback.body == {"type": 5, "data": {"flags": EPHEMERAL}}
    assert callback.at < reply.at
    assert reply.body["allowed_mentions"] == {"parse": []}
    assert reply.body["flags"] & EPHEMERAL
    assert "Dittrich" in texts(reply.body)
    assert_within_discord_limits(reply.body)
    assert identifies[0]["intents"] & PRIVILEGED_INTENTS == 0
    assert identifies[0]["intents"] == discord.Intents(guilds=True).value


def test_a_rate_limited_follow_up_is_retried_and_arrives_once(router: CommandRouter) -> None:
    """A 429 on the follow-up is waited out (retry_after) and the message is delivered once."""
    question = slash("ask", {"question": "Who leads Xiaomi's European R&D centre?"})

    async def scenario(fake: DiscordFake) -> tuple[list[RecordedCall], list[RecordedCall]]:
        fake.rate_limit_followups(1)
        delivered = await answered(fake, question)
        await asyncio.sleep(0.2)  # room for a duplicate to show up, if one were sent
        limited = fake.recorded("POST", r"/webhooks/\d+/[^/]+", status=429)
        return followups_of(fake, question), limited + delivered

    delivered, attempts = with_bot(router.handle, scenario)
    assert len(delivered) == 1
    assert [call.status for call in attempts] == [429, 200]
    assert attempts[0].body == attempts[1].body


def test_a_digest_too_big_for_one_message_arrives_as_several_within_limits(
    router: CommandRouter,
) -> None:
    """A digest of many stories is split over several follow-ups, each within every limit."""
    digest = slash("digest", {"period": "all"})
    expected = len(render_discord(router.handle(Invocation("digest", "all", "u", "c", False))))

    async def scenario(fake: DiscordFake) -> list[RecordedCall]:
        return await answered(fake, digest, count=expected)

    parts = with_bot(router.handle, scenario)
    assert len(parts) == expected >= 2
    for part in parts:
        assert_within_discord_limits(part.body)
        assert part.body["allowed_mentions"] == {"parse": []}
        assert part.body["flags"] & EPHEMERAL
    everything = " ".join(texts(part.body) for part in parts)
    assert "Chepngetich" in everything
    assert "Bergen" in everything


def test_mentions_in_article_text_arrive_inert(router: CommandRouter) -> None:
    """Article text with @everyone, <@123> and <@&456> cannot ping anyone on Discord."""
    search = slash("search", {"terms": "Zorblax greenhouse"})

    async def scenario(fake: DiscordFake) -> list[RecordedCall]:
        return await answered(fake, search)

    [reply] = with_bot(router.handle, scenario)
    shown = texts(reply.body)
    assert "Zorblax" in shown
    assert "everyone" in shown
    for ping in PINGS:
        assert ping not in shown
    assert reply.body["allowed_mentions"] == {"parse": []}


def test_a_member_without_manage_permissions_cannot_add_sources(router: CommandRouter) -> None:
    """`sources add` by a plain member is refused, and only the caller sees it."""
    add = slash("sources", {"action": "add", "url": "https://example.com/feed.xml"}, permissions=0)

    async def scenario(fake: DiscordFake) -> tuple[RecordedCall, list[RecordedCall]]:
        replies = await answered(fake, add)
        return callback_of(fake, add), replies

    callback, [reply] = with_bot(router.handle, scenario)
    assert callback.body["data"]["flags"] & EPHEMERAL
    assert reply.body["flags"] & EPHEMERAL
    assert "Manage Channels" in texts(reply.body)


def test_a_member_with_manage_channels_passes_the_admin_check(router: CommandRouter) -> None:
    """With Manage Channels the command runs: the deferral is public; its error is private."""
    remove = slash(
        "sources",
        {"action": "remove", "url": "https://example.com/feed.xml"},
        permissions=MANAGE_CHANNELS,
    )

    async def scenario(
        fake: DiscordFake,
    ) -> tuple[RecordedCall, list[RecordedCall], list[RecordedCall]]:
        replies = await answered(fake, remove)
        deleted = fake.recorded("DELETE", r"/webhooks/\d+/[^/]+/messages/@original")
        return callback_of(fake, remove), deleted, replies

    callback, deleted, [reply] = with_bot(router.handle, scenario)
    assert callback.body == {"type": 5}  # public: removing a source changes the channel
    assert "Manage Channels" not in texts(reply.body)
    assert "does not follow" in texts(reply.body)
    assert len(deleted) == 1  # the public "thinking" message gives way to a private error
    assert reply.body["flags"] & EPHEMERAL


def test_in_a_direct_message_nobody_is_an_admin(router: CommandRouter) -> None:
    """A DM has no server permissions: `sources add` is refused there."""
    add = slash("sources", {"action": "add", "url": "https://example.com/feed.xml"}, guild_id=None)

    async def scenario(fake: DiscordFake) -> list[RecordedCall]:
        return await answered(fake, add)

    [reply] = with_bot(router.handle, scenario)
    assert "Manage Channels" in texts(reply.body)


def test_the_deferral_arrives_within_3_seconds_while_a_slow_command_still_works() -> None:
    """Discord's 3 s deadline is met by deferring first; the slow answer follows later."""
    finished: list[float] = []

    def slow(invocation: Invocation) -> Message:
        time.sleep(4)
        finished.append(time.monotonic())
        return Message((Text(f"slow answer to {invocation.text}"),), "slow answer")

    question = slash("ask", {"question": "anything"})

    async def scenario(fake: DiscordFake) -> tuple[float, float, list[RecordedCall]]:
        sent = await fake.dispatch(question)
        await fake.wait_until(lambda: bool(fake.callbacks()), timeout=3)
        deferred_at = callback_of(fake, question).at
        await fake.wait_until(lambda: bool(followups_of(fake, question)))
        return sent, deferred_at, followups_of(fake, question)

    sent, deferred_at, [reply] = with_bot(slow, scenario)
    assert deferred_at - sent < 3
    assert deferred_at < finished[0]
    assert "slow answer to anything" in texts(reply.body)


def test_a_failing_command_becomes_one_private_sentence_without_a_traceback() -> None:
    """An exception in the handler is logged; the caller sees one generic ephemeral sentence."""

    def broken(invocation: Invocation) -> Message:
        raise RuntimeError("secret internals at /srv/newsbot")

    question = slash("ask", {"question": "anything"})

    async def scenario(fake: DiscordFake) -> list[RecordedCall]:
        return await answered(fake, question)

    [reply] = with_bot(broken, scenario)
    assert reply.body["content"] == FAILURE
    assert reply.body["flags"] & EPHEMERAL
    assert "secret" not in texts(reply.body)
    assert "Traceback" not in texts(reply.body)


def test_newsbot_discord_sync_registers_news_and_its_subcommands_in_one_guild() -> None:
    """`newsbot discord sync --guild 123` PUTs /news with every subcommand to that guild."""
    with DiscordFake() as fake, fake.pointed_at():
        result = CliRunner().invoke(
            cli_app, ["discord", "sync", "--guild", "123"], env={"DISCORD_TOKEN": TOKEN}
        )
        puts = fake.command_puts()
    assert result.exit_code == 0, result.output
    assert "registered 1 slash command" in result.stdout
    assert "server 123" in result.stdout
    [put] = puts
    assert put.path == f"/applications/{APPLICATION_ID}/guilds/123/commands"
    assert put.headers["authorization"] == f"Bot {TOKEN}"
    [news] = put.body
    assert news["name"] == "news"
    options = {option["name"]: option for option in news["options"]}
    assert set(options) == {spec.name for spec in COMMANDS}
    assert all(option["type"] == 1 for option in options.values())  # subcommands
    period = options["digest"]["options"][0]
    assert [c["value"] for c in period["choices"]] == ["today", "24h", "7d", "all"]
    assert not period.get("required")
    action = options["sources"]["options"][0]
    assert [c["value"] for c in action["choices"]] == ["add", "remove", "list"]
    assert action["required"]
    assert all(len(option["description"]) <= 100 for option in options.values())


def test_sync_without_a_guild_registers_globally() -> None:
    """Without a guild the commands go to the global endpoint."""
    with DiscordFake() as fake, fake.pointed_at():
        count = asyncio.run(sync_commands(TOKEN, None))
        puts = fake.command_puts()
    assert count == 1
    assert [put.path for put in puts] == [f"/applications/{APPLICATION_ID}/commands"]


def test_newsbot_discord_sync_without_a_token_says_which_variable_to_set() -> None:
    """No DISCORD_TOKEN: one sentence naming it, exit code 1, nothing sent anywhere."""
    result = CliRunner().invoke(cli_app, ["discord", "sync"], env={"DISCORD_TOKEN": ""})
    assert result.exit_code == 1
    assert "DISCORD_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.output


def test_newsbot_discord_invite_asks_discord_for_the_application_id() -> None:
    """Without --client-id the invite URL carries the application id Discord reports."""
    with DiscordFake() as fake, fake.pointed_at():
        result = CliRunner().invoke(cli_app, ["discord", "invite"], env={"DISCORD_TOKEN": TOKEN})
    assert result.exit_code == 0, result.output
    assert f"client_id={APPLICATION_ID}" in result.stdout


def test_the_invite_url_asks_for_both_scopes_and_only_the_needed_permissions() -> None:
    """Scopes bot + applications.commands; View Channels, Send Messages (and in threads),
    Embed Links, Read Message History: 274877991936, and nothing else."""
    url = invite_url(42)
    assert url.startswith("https://discord.com/oauth2/authorize?client_id=42&")
    assert "scope=bot+applications.commands" in url
    assert "permissions=274877991936" in url
    expected = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 38)
    assert INVITE_PERMISSIONS.value == expected == 274877991936
    granted = {name for name, on in INVITE_PERMISSIONS if on}
    assert granted == {
        "read_messages",  # discord.py's name for View Channels
        "send_messages",
        "send_messages_in_threads",
        "embed_links",
        "read_message_history",
    }
    assert not INVITE_PERMISSIONS.administrator
    assert discord.Permissions(274877991936) == INVITE_PERMISSIONS


def test_the_token_comes_from_discord_token_and_is_never_echoed() -> None:
    """An unset or blank DISCORD_TOKEN is one sentence naming the variable."""
    assert discord_token({"DISCORD_TOKEN": " abc.def "}) == "abc.def"
    with pytest.raises(ConfigError, match="DISCORD_TOKEN is not set") as raised:
        discord_token({"DISCORD_TOKEN": "   "})
    assert str(raised.value).count(".") <= 1


def test_a_refused_token_is_a_config_error() -> None:
    """Discord answering 401 to the login is a ConfigError that names DISCORD_TOKEN."""
    with DiscordFake(reject_token=True) as fake, fake.pointed_at():
        with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
            asyncio.run(sync_commands(TOKEN, 123))
        assert fake.command_puts() == []
