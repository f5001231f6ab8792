"""Answering one `/news` interaction: defer at once, run the command off the loop, follow up.

Discord drops an interaction that is not acknowledged within 3 s, and fixes whether the answer is
ephemeral at that moment, so `answer` defers before any work and decides ephemerality from the
command alone (`bot.commands.is_ephemeral`). The command runs in a worker thread; its `Message` is
rendered by `bot.render_discord` and sent as one follow-up per payload, never with mentions. Any
failure is logged and becomes one generic ephemeral sentence: no traceback reaches the chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, TypeAlias

import discord

from bot.chat import Invocation, Message
from bot.commands import is_ephemeral
from bot.render_discord import DiscordPayload, render_discord

Handler: TypeAlias = Callable[[Invocation], Message]
AnyInteraction: TypeAlias = discord.Interaction[Any]

FAILURE = "Something went wrong while answering; please try again in a minute."
_log = logging.getLogger(__name__)


async def answer(interaction: AnyInteraction, handle: Handler, command: str, text: str) -> None:
    """Defer, run `handle` on the invocation in a thread, and send its rendered reply."""
    admin = is_admin(interaction)
    private = is_ephemeral(command, text, admin)
    try:
        await interaction.response.defer(thinking=True, ephemeral=private)
        message = await asyncio.to_thread(handle, invocation(interaction, command, text, admin))
        await send(interaction, message, deferred_private=private)
    except Exception:
        _log.exception("/news %s failed", command)
        await send_failure(interaction, deferred_private=private)


def is_admin(interaction: AnyInteraction) -> bool:
    """A channel admin: the member may manage the server or the channel (or administers the
    server). Never in DMs, where there are no server permissions."""
    if interaction.guild_id is None:
        return False
    permissions = interaction.permissions
    return permissions.administrator or permissions.manage_guild or permissions.manage_channels


def invocation(interaction: AnyInteraction, command: str, text: str, admin: bool) -> Invocation:
    """The neutral `Invocation` of an interaction, with neutral string ids."""
    channel = interaction.channel_id
    return Invocation(
        command=command,
        text=text,
        user_id=str(interaction.user.id),
        channel_id=str(channel) if channel is not None else "",
        is_admin=admin,
        platform="discord",
    )


async def send(interaction: AnyInteraction, message: Message, *, deferred_private: bool) -> None:
    """Send every payload of `message` as a follow-up.

    A private reply to a public deferral (an error or refusal) first removes the public
    "thinking" message, so the follow-up can be shown to the caller only.
    """
    private = deferred_private or message.ephemeral
    if private and not deferred_private:
        await interaction.delete_original_response()
    for payload in render_discord(message):
        await _follow_up(interaction, payload, private=private)


async def send_failure(interaction: AnyInteraction, *, deferred_private: bool) -> None:
    """Tell the caller, privately, that something went wrong; log whatever fails on the way."""
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(FAILURE, ephemeral=True)
            return
        if not deferred_private:
            with contextlib.suppress(discord.HTTPException):
                await interaction.delete_original_response()
        await interaction.followup.send(
            FAILURE, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )
    except Exception:
        _log.exception("could not tell the caller that /news failed")


async def _follow_up(
    interaction: AnyInteraction, payload: DiscordPayload, *, private: bool
) -> None:
    embeds = [discord.Embed.from_dict(embed) for embed in payload["embeds"]]
    await interaction.followup.send(
        content=payload["content"],
        embeds=embeds,
        allowed_mentions=discord.AllowedMentions.none(),
        ephemeral=private,
    )
