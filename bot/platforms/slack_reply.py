"""Deliver the reply to a `/news` command through its response_url.

A response_url takes at most 5 posts. A public reply longer than that is posted with
chat.postMessage instead (first part in the channel, the rest in its thread, which needs the
first message's `ts` that a response_url never returns); an ephemeral reply cannot be posted that
way for one user, so it is cut to 5 parts and the last part says so.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Final, Literal

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat import Message
from bot.platforms.slack_client import post_slack_messages
from bot.render_slack import SlackPayload, render_slack

RESPONSE_URL_USES: Final = 5
MAX_BLOCKS: Final = 50
UNREACHABLE_CHANNEL: Final = frozenset({"not_in_channel", "channel_not_found"})
ResponseType = Literal["ephemeral", "in_channel"]

log = logging.getLogger(__name__)


async def send_reply(
    message: Message, respond: AsyncRespond, client: AsyncWebClient, channel_id: str
) -> None:
    """Render `message` and deliver it: ephemeral or in the channel, as the message says."""
    payloads = render_slack(message)
    if message.ephemeral:
        await respond_all(respond, cut_to(payloads, RESPONSE_URL_USES), "ephemeral")
    elif len(payloads) <= RESPONSE_URL_USES:
        await respond_all(respond, payloads, "in_channel")
    else:
        await _post_long_public(payloads, respond, client, channel_id)


async def respond_all(
    respond: AsyncRespond, payloads: Sequence[SlackPayload], response_type: ResponseType
) -> None:
    """Post each payload to the response_url, never replacing the command's original message.

    Stops at the first refusal (an expired or used-up response_url) and logs it.
    """
    for payload in payloads:
        response = await respond(
            text=payload["text"],
            blocks=payload["blocks"],
            response_type=response_type,
            replace_original=False,
        )
        if response.status_code != 200:
            log.warning("response_url refused a reply part: HTTP %s", response.status_code)
            return


def cut_to(payloads: Sequence[SlackPayload], limit: int) -> list[SlackPayload]:
    """At most `limit` payloads; when some are dropped the last kept one says how many."""
    if len(payloads) <= limit:
        return list(payloads)
    dropped = len(payloads) - limit
    note = (
        f"This reply was cut short: {dropped} more part{'s' if dropped > 1 else ''} did not fit; "
        "ask for less (a shorter period or narrower words) to see the rest."
    )
    kept = list(payloads[:limit])
    kept[-1] = _with_note(kept[-1], note)
    return kept


def _with_note(payload: SlackPayload, note: str) -> SlackPayload:
    block: dict[str, Any] = {"type": "context", "elements": [{"type": "plain_text", "text": note}]}
    blocks = [*payload["blocks"][: MAX_BLOCKS - 1], block]
    return SlackPayload(text=f"{payload['text']}\n{note}", blocks=blocks)


async def _post_long_public(
    payloads: Sequence[SlackPayload],
    respond: AsyncRespond,
    client: AsyncWebClient,
    channel_id: str,
) -> None:
    try:
        await post_slack_messages(client, channel_id, payloads)
    except SlackApiError as error:
        code = error.response.get("error")
        log.warning("chat.postMessage refused a long reply: %s", code)
        # The bot cannot post here (a private channel it is not in): nothing was posted, so the
        # response_url, which works in any channel, takes a cut reply instead.
        if code not in UNREACHABLE_CHANNEL:
            raise
        await respond_all(respond, cut_to(payloads, RESPONSE_URL_USES), "in_channel")
