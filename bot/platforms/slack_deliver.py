"""Posting a `Message` to a Slack channel with the bot token (alerts, digests).

The first part of a long message goes to the channel and the rest to its thread
(`post_slack_messages`); the client retries rate limits itself. Refusals become `DeliveryError`.
"""

from __future__ import annotations

from typing import Final

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat import Message
from bot.delivery import DeliveryError
from bot.platforms.slack_client import post_slack_messages
from bot.render_slack import render_slack

_HINTS: Final = {
    "not_in_channel": "invite the bot to the channel with /invite @newsbot",
    "channel_not_found": "check the channel id, and invite the bot if the channel is private",
    "is_archived": "unarchive the channel or remove what it follows",
    "invalid_auth": "check SLACK_BOT_TOKEN",
    "token_revoked": "reinstall the app and update SLACK_BOT_TOKEN",
}
_DEFAULT_HINT: Final = "check the bot's access to that channel"


class SlackDeliverer:
    """Posts to Slack channels through one Web API client."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def deliver(self, channel_id: str, message: Message) -> int:
        """Post `message` to `channel_id` (long ones continue in a thread); how many posts."""
        try:
            stamps = await post_slack_messages(self._client, channel_id, render_slack(message))
        except SlackApiError as error:
            code = str(error.response.get("error") or "an error")
            hint = _HINTS.get(code, _DEFAULT_HINT)
            raise DeliveryError(
                f"Slack refused a message for channel {channel_id} ({code}); {hint}."
            ) from None
        except (ClientError, TimeoutError) as error:
            raise DeliveryError(
                f"Cannot reach Slack to post in channel {channel_id} ({type(error).__name__}); "
                "check the network."
            ) from None
        return len(stamps)
