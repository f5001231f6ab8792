"""The Slack Web API client newsbot uses, and posting rendered messages with it.

Retries live in the client: connection errors are retried, and a 429 (Slack's rate limit, about
one message per second per channel) waits for `Retry-After` and tries again, so callers post as
if the limit did not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.render_slack import SlackPayload

SLACK_API_URL: Final = "https://slack.com/api/"
TIMEOUT_SECONDS: Final = 30
RATE_LIMIT_RETRIES: Final = 3
CONNECTION_RETRIES: Final = 2


def retry_handlers() -> list[AsyncRetryHandler]:
    """Retry connection errors and rate limits (sleeping `Retry-After`)."""
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES),
        AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
    ]


def slack_web_client(token: str | None, *, base_url: str | None = None) -> AsyncWebClient:
    """A Web API client for `token`; `base_url` points it elsewhere than slack.com (tests)."""
    return AsyncWebClient(
        token=token,
        base_url=base_url or SLACK_API_URL,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=retry_handlers(),
    )


async def post_slack_messages(
    client: AsyncWebClient, channel: str, payloads: Sequence[SlackPayload]
) -> list[str]:
    """Post rendered payloads to `channel`: the first as a message, the rest in its thread.

    Used for digests and alerts. Links are not unfurled, and neither `link_names` nor `parse` is
    ever sent, so text that escaped rendering still cannot ping anyone. Returns the `ts` of each
    message in order; raises `slack_sdk.errors.SlackApiError` when Slack refuses one (the ones
    before it stay posted).
    """
    stamps: list[str] = []
    for payload in payloads:
        response = await client.chat_postMessage(
            channel=channel,
            text=payload["text"],
            blocks=payload["blocks"],
            thread_ts=stamps[0] if stamps else None,
            unfurl_links=False,
            unfurl_media=False,
        )
        stamps.append(str(response["ts"]))
    return stamps
