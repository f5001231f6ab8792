"""Running a Slack app: tokens from the environment, Socket Mode, or signed HTTP requests.

Socket Mode (the default) needs no public URL: the app opens a WebSocket to Slack with the
app-level token. HTTP mode serves `/slack/events` and `/slack/commands` on a port; bolt checks
each request's signature and rejects a wrong or stale (older than 5 minutes) one with 401.
Both runners run until cancelled and then close their connections.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Final

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.config_chat import SlackMode
from bot.errors import ConfigError
from bot.platforms.slack_client import slack_web_client

SLACK_PATHS: Final = ("/slack/events", "/slack/commands")
# What Slack sends: Unix seconds, and "v0=" with a hex HMAC-SHA256. Both are checked as ASCII:
# bolt's int() takes other digits and its compare_digest raises on non-ASCII text.
_TIMESTAMP: Final = re.compile(r"[0-9]{1,12}", re.ASCII)
_SIGNATURE: Final = re.compile(r"v0=[0-9a-f]{64}", re.ASCII)
_TOKEN_HINTS: Final = {
    "SLACK_BOT_TOKEN": ("xoxb-", "the Bot User OAuth Token from OAuth & Permissions"),
    "SLACK_APP_TOKEN": (
        "xapp-",
        "an app-level token with connections:write from Basic Information",
    ),
    "SLACK_SIGNING_SECRET": ("", "the Signing Secret from Basic Information"),
}

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SlackTokens:
    """The secrets one Slack mode needs: the bot token, plus the app token or signing secret."""

    bot: str
    app: str | None = None
    signing_secret: str | None = None

    def __repr__(self) -> str:
        return "SlackTokens(<hidden>)"


def slack_tokens(environ: Mapping[str, str], mode: SlackMode) -> SlackTokens:
    """Read the tokens `mode` needs; raises ConfigError naming a missing or malformed variable.

    Socket Mode needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN, HTTP mode SLACK_BOT_TOKEN and
    SLACK_SIGNING_SECRET. Messages name variables only, never a value.
    """
    bot = _token(environ, "SLACK_BOT_TOKEN")
    if mode == "socket":
        return SlackTokens(bot, app=_token(environ, "SLACK_APP_TOKEN"))
    return SlackTokens(bot, signing_secret=_token(environ, "SLACK_SIGNING_SECRET"))


def _token(environ: Mapping[str, str], name: str) -> str:
    prefix, what = _TOKEN_HINTS[name]
    value = environ.get(name, "").strip()
    if not value:
        raise ConfigError(f"{name} is not set; export it with {what} of your Slack app.")
    if not value.startswith(prefix):
        raise ConfigError(f"{name} does not start with {prefix!r}; set it to {what}.")
    return value


def slack_web_app(app: AsyncApp) -> web.Application:
    """An aiohttp application that hands POSTs on SLACK_PATHS to the bolt app.

    A request whose signature headers are not shaped like Slack's, or whose body bolt cannot read,
    is refused with 401 before bolt sees it: bolt's verifier and body parser raise on those
    (a 500 and a logged traceback), though no such request can be Slack's.
    """

    async def dispatch(request: web.Request) -> web.Response:
        if not signature_headers_well_formed(request.headers):
            return _refused()
        try:
            bolt_request = await to_bolt_request(request)
        # Undecodable UTF-8 or JSON (ValueError), or JSON of another shape than an object, which
        # bolt reads as one while building the request (the rest).
        except (ValueError, AttributeError, TypeError, LookupError):
            return _refused()
        response = await app.async_dispatch(bolt_request)
        return await to_aiohttp_response(response)

    web_app = web.Application()
    web_app.add_routes([web.post(path, dispatch) for path in SLACK_PATHS])
    return web_app


def signature_headers_well_formed(headers: Mapping[str, str]) -> bool:
    """Whether the timestamp is a plain number and the signature `v0=` and 64 hex digits."""
    timestamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    return bool(_TIMESTAMP.fullmatch(timestamp) and _SIGNATURE.fullmatch(signature))


def _refused() -> web.Response:
    """Bolt's own answer to a request that fails verification."""
    return web.json_response({"error": "invalid request"}, status=401)


@asynccontextmanager
async def serving_http(app: AsyncApp, port: int, *, host: str = "0.0.0.0") -> AsyncIterator[int]:
    """Serve the app over HTTP while inside the block; yields the bound port (useful with 0)."""
    runner = web.AppRunner(slack_web_app(app), handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        yield int(runner.addresses[0][1])
    finally:
        await runner.cleanup()


async def run_http(app: AsyncApp, port: int, *, host: str = "0.0.0.0") -> None:
    """Serve signed Slack requests on `host:port` until cancelled."""
    async with serving_http(app, port, host=host) as bound:
        log.info("Slack: serving signed requests on %s:%s %s", host, bound, SLACK_PATHS)
        await asyncio.Event().wait()


@asynccontextmanager
async def socket_mode_connected(
    app: AsyncApp, app_token: str, *, base_url: str | None = None
) -> AsyncIterator[AsyncSocketModeHandler]:
    """Hold a Socket Mode connection while inside the block.

    `apps.connections.open` goes to `base_url` when given, else through the app's own client.
    """
    web_client = slack_web_client(None, base_url=base_url) if base_url else None
    handler = AsyncSocketModeHandler(app, app_token, web_client=web_client)
    try:
        # bolt leaves these two unannotated; they return None.
        await handler.connect_async()  # type: ignore[no-untyped-call]
        yield handler
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]


async def run_socket_mode(app: AsyncApp, app_token: str, *, base_url: str | None = None) -> None:
    """Receive Slack requests over Socket Mode until cancelled."""
    async with socket_mode_connected(app, app_token, base_url=base_url):
        log.info("Slack: connected over Socket Mode")
        await asyncio.Event().wait()
