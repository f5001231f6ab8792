"""Posting a `Message` to a Discord channel with the bot's gateway client (alerts, digests).

The channel comes from the client's cache, else from REST; each rendered payload is one message,
sent without allowed mentions (again, on top of the client's default). discord.py retries rate
limits itself. Refusals become `DeliveryError`.
"""

from __future__ import annotations

import aiohttp
import discord

from bot.chat import Message
from bot.delivery import DeliveryError
from bot.render_discord import DiscordPayload, render_discord


class DiscordDeliverer:
    """Posts to Discord channels through one logged-in client."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def deliver(self, channel_id: str, message: Message) -> int:
        """Post every payload of `message` to `channel_id`; how many messages were posted."""
        try:
            channel = await self._channel(channel_id)
            payloads = render_discord(message)
            for payload in payloads:
                await _send(channel, payload)
        except discord.NotFound:
            raise DeliveryError(
                f"Discord has no channel {channel_id} that the bot can see; check the id, "
                "or invite the bot to that server."
            ) from None
        except discord.Forbidden:
            raise DeliveryError(
                f"Discord does not let the bot post in channel {channel_id}; give it View "
                "Channel, Send Messages and Embed Links there."
            ) from None
        except discord.HTTPException as error:
            raise DeliveryError(
                f"Discord refused a message for channel {channel_id} (HTTP {error.status}); "
                "try again later."
            ) from None
        except (aiohttp.ClientError, TimeoutError) as error:
            raise DeliveryError(
                f"Cannot reach Discord to post in channel {channel_id} "
                f"({type(error).__name__}); check the network."
            ) from None
        return len(payloads)

    async def _channel(self, channel_id: str) -> discord.abc.Messageable:
        if self._client.is_closed():
            raise DeliveryError("The Discord client is closed; restart `newsbot serve`.")
        if not channel_id.isdigit():
            raise DeliveryError(f"{channel_id!r} is not a Discord channel id (a number).")
        number = int(channel_id)
        channel = self._client.get_channel(number) or await self._client.fetch_channel(number)
        if not isinstance(channel, discord.abc.Messageable):
            raise DeliveryError(
                f"Discord channel {channel_id} takes no messages (a category or forum); "
                "follow sources from a text channel."
            )
        return channel


async def _send(channel: discord.abc.Messageable, payload: DiscordPayload) -> None:
    embeds = [discord.Embed.from_dict(embed) for embed in payload["embeds"]]
    await channel.send(
        content=payload["content"] or None,
        embeds=embeds,
        allowed_mentions=discord.AllowedMentions.none(),
    )
