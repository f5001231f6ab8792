"""The Slack adapter: the `/news` slash command on a bolt `AsyncApp`, and how to run it.

A command is acknowledged at once (Slack wants an answer within 3 s), turned into a neutral
`Invocation`, answered by the platform-neutral handler in a worker thread, rendered to Block Kit
and delivered through the command's response_url. Nothing the handler or Slack does wrong
reaches the user as a traceback: it is logged, and the user gets one sentence.

`newsbot serve` runs it inside `slack_connected`; tests build the app with `build_slack_app` and
run it with `serving_http` or `socket_mode_connected` against a fake Slack (`base_url`).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from typing import Any, Final

from aiohttp import ClientError
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat import Invocation, Message
from bot.commands import GENERIC_FAILURE, needs_admin, split_command
from bot.config_chat import SlackConfig
from bot.errors import ConfigError, NewsbotError
from bot.platforms.slack_admin import SlackAdmins
from bot.platforms.slack_client import post_slack_messages, slack_web_client
from bot.platforms.slack_reply import send_reply
from bot.platforms.slack_run import (
    SlackTokens,
    run_http,
    run_socket_mode,
    serving_http,
    slack_tokens,
    socket_mode_connected,
)

__all__ = [
    "SlackTokens",
    "build_slack_app",
    "invocation_from_command",
    "post_slack_messages",
    "run_http",
    "run_slack",
    "run_socket_mode",
    "serving_http",
    "slack_connected",
    "slack_tokens",
    "slack_web_client",
    "socket_mode_connected",
]

Handler = Callable[[Invocation], Message]
SLASH_COMMAND: Final = "/news"

log = logging.getLogger(__name__)


def build_slack_app(
    handle: Handler,
    config: SlackConfig,
    *,
    bot_token: str,
    signing_secret: str | None = None,
    base_url: str | None = None,
) -> AsyncApp:
    """A bolt app answering `/news` with `handle`; constructing it makes no request.

    Without a `signing_secret` (Socket Mode) every HTTP request fails verification, so the app
    is never open to unsigned requests. `base_url` points the Web API client at a fake Slack.
    """
    app = AsyncApp(
        name="newsbot",
        client=slack_web_client(bot_token, base_url=base_url),
        signing_secret=signing_secret or secrets.token_hex(32),
    )
    news = NewsCommand(handle, SlackAdmins(config.admins))

    # bolt passes listener arguments by parameter name: ack, command, respond, client.
    async def on_news(
        ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        await news.answer(command, respond, client)

    app.command(SLASH_COMMAND)(on_news)
    return app


class NewsCommand:
    """Answers one acknowledged `/news` command: invocation, handler, reply."""

    def __init__(self, handle: Handler, admins: SlackAdmins) -> None:
        self._handle = handle
        self._admins = admins

    async def answer(
        self, payload: Mapping[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """Run the command and deliver its reply; any failure is logged and told in a sentence."""
        try:
            invocation = await invocation_from_command(payload, client, self._admins)
            message = await asyncio.to_thread(self._handle, invocation)
            await send_reply(message, respond, client, invocation.channel_id)
        except Exception:
            log.exception("the /news command failed")
            with suppress(Exception):
                await respond(
                    text=GENERIC_FAILURE, response_type="ephemeral", replace_original=False
                )


async def invocation_from_command(
    payload: Mapping[str, Any], client: AsyncWebClient, admins: SlackAdmins
) -> Invocation:
    """The neutral `Invocation` of a slash command payload; admin is looked up only if needed."""
    command, text = split_command(str(payload.get("text") or ""))
    user_id = str(payload.get("user_id") or "")
    is_admin = needs_admin(command, text) and await admins.is_admin(client, user_id)
    channel_id = str(payload.get("channel_id") or "")
    return Invocation(command, text, user_id, channel_id, is_admin, platform="slack")


async def run_slack(
    handle: Handler,
    config: SlackConfig,
    environ: Mapping[str, str],
    *,
    base_url: str | None = None,
) -> None:
    """Run the Slack app in the configured mode until cancelled (`newsbot serve`).

    Raises ConfigError when a token is missing or Slack refuses the bot token, NewsbotError
    when Slack cannot be reached at start.
    """
    tokens = slack_tokens(environ, config.mode)
    app = build_slack_app(
        handle,
        config,
        bot_token=tokens.bot,
        signing_secret=tokens.signing_secret,
        base_url=base_url,
    )
    await check_bot_token(app.client)
    if tokens.app is not None:
        await run_socket_mode(app, tokens.app, base_url=base_url)
    else:
        await run_http(app, config.port)


async def check_bot_token(client: AsyncWebClient) -> None:
    """Call auth.test: ConfigError when Slack refuses the token, NewsbotError if unreachable."""
    await _check_token(
        client.auth_test(),
        "SLACK_BOT_TOKEN",
        "copy the Bot User OAuth Token again from the app's OAuth & Permissions page.",
    )


async def _check_token(call: Awaitable[object], variable: str, remedy: str) -> None:
    """Await a Slack call made with the token in `variable`: ConfigError naming the variable
    (never its value) when Slack refuses it, NewsbotError when Slack cannot be reached."""
    try:
        await call
    except (ClientError, TimeoutError) as error:
        raise NewsbotError(
            f"Cannot reach Slack ({type(error).__name__}); check the network and try again."
        ) from None
    except SlackApiError as error:
        code = error.response.get("error")
        raise ConfigError(f"Slack refused {variable} ({code}); {remedy}") from None


@asynccontextmanager
async def slack_connected(
    handle: Handler,
    config: SlackConfig,
    environ: Mapping[str, str],
    *,
    base_url: str | None = None,
) -> AsyncIterator[AsyncWebClient]:
    """Run the Slack app in the configured mode while inside the block (`newsbot serve`).

    Yields the app's Web API client, to post with outside of command replies. Both tokens are
    checked before connecting: raises ConfigError when one is missing or Slack refuses it,
    NewsbotError when Slack cannot be reached at start. Leaving the block closes the Socket Mode
    connection or stops the HTTP server.
    """
    tokens = slack_tokens(environ, config.mode)
    app = build_slack_app(
        handle,
        config,
        bot_token=tokens.bot,
        signing_secret=tokens.signing_secret,
        base_url=base_url,
    )
    await check_bot_token(app.client)
    async with AsyncExitStack() as stack:
        if tokens.app is not None:
            await check_app_token(tokens.app, base_url=base_url)
            await stack.enter_async_context(
                socket_mode_connected(app, tokens.app, base_url=base_url)
            )
            log.info("Slack: connected over Socket Mode")
        else:
            port = await stack.enter_async_context(serving_http(app, config.port))
            log.info("Slack: serving signed requests on port %s", port)
        yield app.client


async def check_app_token(app_token: str, *, base_url: str | None = None) -> None:
    """Call apps.connections.open: ConfigError when Slack refuses the app-level token.

    The Socket Mode client itself retries a refused token forever; this check makes a wrong
    SLACK_APP_TOKEN stop the start with one sentence instead.
    """
    client = slack_web_client(None, base_url=base_url)
    await _check_token(
        client.apps_connections_open(app_token=app_token),
        "SLACK_APP_TOKEN",
        "create an app-level token with connections:write under Basic Information and set "
        "it again.",
    )
