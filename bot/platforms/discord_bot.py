"""The Discord adapter: a gateway client with the `/news` command tree, command registration,
the invite URL and the bot token.

The client asks for the `guilds` intent only: slash commands arrive as interactions whatever the
intents, and `guilds` keeps discord.py's cache of servers and channels sound; no privileged intent
(members, presences, message content) is ever needed. It never lets a message mention anyone
(`AllowedMentions.none()`, and again on every send). Commands are registered by `sync_commands`,
an explicit step (`newsbot discord sync`), not on every start: Discord rate-limits registrations
and a start must not rewrite them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Final

import aiohttp
import discord
from discord import app_commands

from bot.chat import Invocation, Message, error_message
from bot.errors import ConfigError, NewsbotError
from bot.platforms.discord_commands import news_group
from bot.platforms.discord_reply import Handler

TOKEN_VARIABLE: Final = "DISCORD_TOKEN"
INVITE_SCOPES: Final = ("bot", "applications.commands")
INTENTS: Final = discord.Intents(guilds=True)
# View Channels (1 << 10) + Send Messages (1 << 11) + Embed Links (1 << 14)
# + Read Message History (1 << 16) + Send Messages in Threads (1 << 38) = 274877991936.
INVITE_PERMISSIONS: Final = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    read_message_history=True,
    send_messages_in_threads=True,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DiscordBot:
    """A gateway client and the command tree attached to it."""

    client: discord.Client
    tree: app_commands.CommandTree[discord.Client]


def build_bot(handle: Handler) -> DiscordBot:
    """A client with the `guilds` intent only, no mentions, and the `/news` group running
    `handle`."""
    client = discord.Client(intents=INTENTS, allowed_mentions=discord.AllowedMentions.none())
    tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(client)
    tree.add_command(news_group(handle))
    return DiscordBot(client, tree)


async def run_discord(handle: Handler, token: str) -> None:
    """Log in and serve `/news` over the gateway until cancelled; the client is closed on exit.

    Raises ConfigError when Discord refuses the token.
    """
    bot = build_bot(handle)
    async with bot.client:
        await _login(bot.client, token)
        await bot.client.connect(reconnect=True)


@dataclass(frozen=True, slots=True)
class DiscordSession:
    """A logged-in bot and the task that holds its gateway connection."""

    bot: DiscordBot
    connection: asyncio.Task[None]


@asynccontextmanager
async def discord_connected(handle: Handler, token: str) -> AsyncIterator[DiscordSession]:
    """Log in, then hold the gateway connection in a task while inside the block (`newsbot
    serve`); leaving the block closes the client.

    Raises ConfigError when Discord refuses the token, NewsbotError when it cannot be reached.
    The `connection` task reconnects by itself and ends only when Discord refuses the bot for
    good, with a NewsbotError sentence.
    """
    bot = build_bot(handle)
    client = bot.client

    async def on_ready() -> None:
        log.info("Discord: connected as %s", client.user)

    client.event(on_ready)
    async with client:
        await _login(client, token)
        connection = asyncio.create_task(_stay_connected(client), name="discord-gateway")
        try:
            yield DiscordSession(bot, connection)
        finally:
            await client.close()
            connection.cancel()
            await asyncio.wait([connection])
            if not connection.cancelled():
                connection.exception()  # retrieved: whoever watched the task reported it


async def _stay_connected(client: discord.Client) -> None:
    try:
        await client.connect(reconnect=True)
    except discord.ConnectionClosed as error:
        raise NewsbotError(
            f"Discord closed the gateway connection (code {error.code}); check {TOKEN_VARIABLE} "
            "and the bot's settings in the Developer Portal, then start again"
        ) from None
    except (discord.DiscordException, aiohttp.ClientError, OSError) as error:
        raise NewsbotError(
            f"the Discord gateway connection failed ({type(error).__name__}); check the network "
            "and start again"
        ) from None


async def sync_commands(token: str, guild_id: int | None) -> int:
    """Register the commands over REST (no gateway), in one guild or globally; how many.

    Guild commands show at once in that guild; global ones in every guild the bot is in.
    Raises ConfigError for a refused token and NewsbotError when Discord refuses the change.
    """
    bot = build_bot(_not_serving)
    guild = discord.Object(id=guild_id) if guild_id is not None else None
    async with bot.client:
        await _login(bot.client, token)
        if guild is not None:
            bot.tree.copy_global_to(guild=guild)
        try:
            registered = await bot.tree.sync(guild=guild)
        except discord.HTTPException as error:
            raise NewsbotError(_refusal(error, guild_id)) from None
    return len(registered)


async def application_id(token: str) -> int:
    """The id of the application whose bot `token` is, asked of Discord over REST."""
    client = discord.Client(intents=INTENTS)
    async with client:
        await _login(client, token)
        found = client.application_id
    if found is None:
        raise NewsbotError("Discord did not say which application this bot belongs to")
    return found


def invite_url(application_id: int) -> str:
    """The URL that adds the bot to a server: scopes `bot applications.commands` and the
    permissions `INVITE_PERMISSIONS` (274877991936), nothing more."""
    return discord.utils.oauth_url(
        application_id, permissions=INVITE_PERMISSIONS, scopes=INVITE_SCOPES
    )


def discord_token(environ: Mapping[str, str]) -> str:
    """The bot token from DISCORD_TOKEN; ConfigError, without any value, when it is unset."""
    token = environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        raise ConfigError(
            f"{TOKEN_VARIABLE} is not set; copy the bot token from the Discord Developer Portal "
            f"(your application, Bot, Reset Token) into the {TOKEN_VARIABLE} environment variable"
        )
    return token


async def _login(client: discord.Client, token: str) -> None:
    try:
        await client.login(token)
    except discord.LoginFailure:
        raise ConfigError(
            f"Discord refused the token in {TOKEN_VARIABLE}; copy it again from the Developer "
            "Portal (your application, Bot, Reset Token)"
        ) from None
    except (aiohttp.ClientError, OSError) as error:
        raise NewsbotError(
            f"cannot reach Discord ({type(error).__name__}); check the network and try again"
        ) from None


def _refusal(error: discord.HTTPException, guild_id: int | None) -> str:
    where = f"in server {guild_id}" if guild_id is not None else "globally"
    reason = f"{error.status} {error.text}".strip() if error.text else str(error.status)
    hint = "; invite the bot to it first (`newsbot discord invite`)" if guild_id else ""
    return f"Discord refused to register the commands {where} ({reason}){hint}"


def _not_serving(invocation: Invocation) -> Message:
    """The handler of a tree built only to register commands: it never runs."""
    return error_message("This process only registers commands; run `newsbot serve` to answer.")
