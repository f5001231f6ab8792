"""A fake Discord on loopback: the REST API under /api/v10 and the gateway WebSocket at /gateway.

An unmodified discord.py `Client` with a `CommandTree` talks to it once `pointed_at` has set
`discord.http.Route.BASE` and `discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY` (configuration,
not a patch of the bot). The fake runs its own event loop in a background thread, so the code
under test may run in `asyncio.run` or in a synchronous CLI call alike. Every HTTP request is
recorded, in arrival order, with the time it arrived.

    with DiscordFake() as fake, fake.pointed_at():
        asyncio.run(scenario(fake))        # run the bot, `await fake.dispatch(interaction)`
        fake.calls                          # every request: method, path, query, body, status, at
        fake.callbacks(), fake.followups()  # the interaction responses and follow-up messages
        fake.command_puts()                 # the bodies of slash command registrations

`rate_limit_followups(n)` answers the next n follow-up POSTs with 429 (`Via` header, JSON
`retry_after`), as Discord's per-route limits do. Leaving the `with` block stops the server.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import discord
import yarl
from aiohttp import WSMsgType, web

HOST = "127.0.0.1"
APPLICATION_ID = 1100000000000000001
BOT_USER_ID = 1100000000000000002
RETRY_AFTER = 0.05
_HEARTBEAT_MS = 41250
_ids = itertools.count(1200000000000000000)

Json = dict[str, Any]
_Reply = Callable[[str, str, Any], tuple[int, Any]]  # (method, path, body) -> status, JSON


@dataclass(frozen=True)
class RecordedCall:
    """One HTTP request the fake received, and the status it answered with."""

    method: str
    path: str  # below /api/v10, without the query string
    query: dict[str, str]
    body: Any  # the parsed JSON body, or None
    headers: dict[str, str]
    status: int
    at: float  # time.monotonic() on arrival


@dataclass
class _Gateway:
    """The gateway sessions: open sockets, the sequence number and what IDENTIFY said."""

    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    identifies: list[Json] = field(default_factory=list)
    sequence: int = 0


class DiscordFake:
    """The fake Discord: start it with `with`, point discord.py at it with `pointed_at()`."""

    def __init__(self, *, application_id: int = APPLICATION_ID, reject_token: bool = False) -> None:
        self.application_id = application_id
        self.reject_token = reject_token  # answer 401 to every REST call, as for a revoked token
        self.calls: list[RecordedCall] = []
        self.port = 0
        self._gateway = _Gateway()
        self._rate_limited = 0
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> DiscordFake:
        self._thread.start()
        self._on_loop(self._start())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._on_loop(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    @property
    def api_base(self) -> str:
        """The REST base URL, for `discord.http.Route.BASE`."""
        return f"http://{HOST}:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        """The gateway URL, for `DiscordWebSocket.DEFAULT_GATEWAY`."""
        return f"ws://{HOST}:{self.port}/gateway"

    @contextmanager
    def pointed_at(self) -> Iterator[None]:
        """Point discord.py's REST and gateway base URLs at this fake; restore them afterwards."""
        old_base = discord.http.Route.BASE
        old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    # -- what the tests drive and read -----------------------------------------------------------

    def rate_limit_followups(self, count: int) -> None:
        """Answer the next `count` follow-up POSTs with 429 Too Many Requests."""
        with self._lock:
            self._rate_limited = count

    @property
    def identifies(self) -> list[Json]:
        """The `d` of every IDENTIFY received on the gateway."""
        return list(self._gateway.identifies)

    def recorded(
        self, method: str, pattern: str, *, status: int | None = None
    ) -> list[RecordedCall]:
        """The calls whose method matches and whose path matches the regex `pattern` fully."""
        with self._lock:
            calls = list(self.calls)
        return [
            call
            for call in calls
            if call.method == method
            and re.fullmatch(pattern, call.path)
            and (status is None or call.status == status)
        ]

    def callbacks(self) -> list[RecordedCall]:
        """The interaction responses (defer and friends) that were accepted."""
        return self.recorded("POST", r"/interactions/\d+/[^/]+/callback", status=200)

    def followups(self) -> list[RecordedCall]:
        """The follow-up messages that were accepted (429 answers left out)."""
        return self.recorded("POST", r"/webhooks/\d+/[^/]+", status=200)

    def command_puts(self) -> list[RecordedCall]:
        """The slash command registrations, global or per guild."""
        return self.recorded("PUT", r"/applications/\d+(/guilds/\d+)?/commands")

    async def wait_identified(self, timeout: float = 10.0) -> None:
        """Wait until a client has identified on the gateway (READY has been sent)."""
        await self.wait_until(lambda: bool(self._gateway.identifies), timeout)

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Poll `condition` from the caller's event loop until it holds; TimeoutError if not."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("the fake Discord did not see what the test waited for")
            await asyncio.sleep(0.01)

    async def dispatch(self, interaction: Json) -> float:
        """Send an INTERACTION_CREATE to every identified client; the monotonic time it was sent."""
        future = asyncio.run_coroutine_threadsafe(
            self._dispatch("INTERACTION_CREATE", interaction), self._loop
        )
        return await asyncio.wrap_future(future)

    # -- the server, on the fake's own loop ------------------------------------------------------

    def _on_loop(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway_socket)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, HOST, 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def _stop(self) -> None:
        for socket in list(self._gateway.sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _dispatch(self, event: str, data: Json) -> float:
        self._gateway.sequence += 1
        frame = {"op": 0, "t": event, "s": self._gateway.sequence, "d": data}
        for socket in list(self._gateway.sockets):
            await socket.send_str(json.dumps(frame))
        return time.monotonic()

    async def _gateway_socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json(
            {"op": 10, "s": None, "t": None, "d": {"heartbeat_interval": _HEARTBEAT_MS}}
        )
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    await self._gateway_frame(socket, json.loads(message.data))
        finally:
            if socket in self._gateway.sockets:
                self._gateway.sockets.remove(socket)
        return socket

    async def _gateway_frame(self, socket: web.WebSocketResponse, frame: Json) -> None:
        op = frame.get("op")
        if op == 1:
            await socket.send_json({"op": 11, "s": None, "t": None, "d": None})
        elif op == 2:
            self._gateway.identifies.append(frame["d"])
            self._gateway.sockets.append(socket)
            self._gateway.sequence += 1
            ready = {"op": 0, "t": "READY", "s": self._gateway.sequence, "d": self._ready()}
            await socket.send_json(ready)

    def _ready(self) -> Json:
        return {
            "v": 10,
            "user": bot_user(),
            "guilds": [],
            "session_id": "fake-session",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
        }

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        body = json.loads(raw) if raw and request.content_type == "application/json" else None
        path = "/" + request.match_info["tail"]
        status, payload = self._answer(request.method, path, body)
        call = RecordedCall(
            request.method,
            path,
            dict(request.query),
            body,
            {k.lower(): v for k, v in request.headers.items()},
            status,
            time.monotonic(),
        )
        with self._lock:
            self.calls.append(call)
        return _response(status, payload)

    def _answer(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        if self.reject_token:
            return 401, {"message": "401: Unauthorized", "code": 0}
        for methods, pattern, reply in self._routes():
            if method in methods and re.fullmatch(pattern, path):
                return reply(method, path, body or {})
        return 404, {"message": "404: Not Found", "code": 0}

    def _routes(self) -> tuple[tuple[set[str], str, _Reply], ...]:
        app = self.application_id
        original = rf"/webhooks/{app}/[^/]+/messages/@original"
        return (
            ({"GET"}, "/users/@me", lambda m, p, b: (200, bot_user())),
            ({"GET"}, "/oauth2/applications/@me", lambda m, p, b: (200, application_info(app))),
            ({"GET"}, "/gateway(/bot)?", lambda m, p, b: (200, self._gateway_info())),
            (
                {"PUT"},
                rf"/applications/{app}(/guilds/\d+)?/commands",
                lambda m, p, b: (200, [registered(command, app, p) for command in b]),
            ),
            (
                {"POST"},
                r"/interactions/\d+/[^/]+/callback",
                lambda m, p, b: (200, callback_answer(p, b)),
            ),
            ({"DELETE"}, original, lambda m, p, b: (204, None)),
            ({"GET", "PATCH"}, original, lambda m, p, b: (200, message(b))),
            ({"POST"}, rf"/webhooks/{app}/[^/]+", lambda m, p, b: self._followup(b)),
        )

    def _followup(self, body: Json) -> tuple[int, Any]:
        with self._lock:
            limited = self._rate_limited > 0
            self._rate_limited -= 1 if limited else 0
        if limited:
            return 429, {
                "message": "You are being rate limited.",
                "retry_after": RETRY_AFTER,
                "global": False,
            }
        return 200, message(body)

    def _gateway_info(self) -> Json:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return {"url": self.gateway_url, "shards": 1, "session_start_limit": limit}


def _response(status: int, payload: Any) -> web.Response:
    """A response whose JSON carries exactly `Content-Type: application/json`, as Discord's do."""
    if payload is None:
        return web.Response(status=status)
    headers = {"Content-Type": "application/json"}
    if status == 429:
        headers["Via"] = "1.1 google"
        headers["X-RateLimit-Scope"] = "user"
    return web.Response(status=status, body=json.dumps(payload).encode(), headers=headers)


def bot_user() -> Json:
    """The bot's own user object."""
    return {
        "id": str(BOT_USER_ID),
        "username": "newsbot",
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
        "bot": True,
        "flags": 0,
    }


def application_info(application_id: int) -> Json:
    """GET /oauth2/applications/@me."""
    return {
        "id": str(application_id),
        "name": "newsbot",
        "description": "",
        "icon": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": {**bot_user(), "id": "1100000000000000003", "username": "owner", "bot": False},
        "verify_key": "0" * 64,
        "flags": 0,
    }


def registered(command: Json, application_id: int, path: str) -> Json:
    """A registered command as Discord echoes it: the body plus ids and a version."""
    guild = re.search(r"/guilds/(\d+)/", path)
    extra = {"id": str(next(_ids)), "application_id": str(application_id), "version": "1"}
    if guild:
        extra["guild_id"] = guild.group(1)
    return {"type": 1, "default_member_permissions": None, **command, **extra}


def callback_answer(path: str, body: Json) -> Json:
    """The `with_response` answer to an interaction callback."""
    flags = int((body.get("data") or {}).get("flags", 0))
    interaction_id = path.split("/")[2]
    return {
        "interaction": {
            "id": interaction_id,
            "type": 2,
            "response_message_loading": body.get("type") == 5,
            "response_message_ephemeral": bool(flags & 64),
        }
    }


def message(body: Json) -> Json:
    """The message Discord would create from a webhook or follow-up body."""
    return {
        "id": str(next(_ids)),
        "type": 20,
        "channel_id": "1300000000000000001",
        "author": bot_user(),
        "content": body.get("content") or "",
        "embeds": body.get("embeds") or [],
        "attachments": [],
        "components": [],
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": False,
        "flags": int(body.get("flags", 0)),
        "timestamp": "2026-01-01T00:00:00+00:00",
        "edited_timestamp": None,
        "webhook_id": str(APPLICATION_ID),
    }


def slash(
    subcommand: str,
    options: dict[str, str | bool] | None = None,
    *,
    guild_id: int | None = 1400000000000000001,
    channel_id: int = 1300000000000000001,
    user_id: int = 1500000000000000001,
    permissions: int = 0,
    application_id: int = APPLICATION_ID,
) -> Json:
    """An INTERACTION_CREATE payload for `/news <subcommand> <options>`, as Discord sends it.

    `permissions` is the member's resolved permission integer in the channel; `guild_id=None`
    makes it a direct message (a `user` instead of a `member`).
    """
    arguments = [_option(name, value) for name, value in (options or {}).items()]
    user = {"id": str(user_id), "username": "reader", "discriminator": "0", "avatar": None}
    payload: Json = {
        "id": str(next(_ids)),
        "application_id": str(application_id),
        "type": 2,
        "token": f"tok-{next(_ids)}",
        "version": 1,
        "locale": "en-US",
        "app_permissions": "0",
        "attachment_size_limit": 8388608,
        "entitlements": [],
        "authorizing_integration_owners": {},
        "channel_id": str(channel_id),
        "data": {
            "id": "1600000000000000001",
            "name": "news",
            "type": 1,
            "options": [{"name": subcommand, "type": 1, "options": arguments}],
        },
    }
    if guild_id is None:
        payload["channel"] = {"id": str(channel_id), "type": 1, "recipients": [user]}
        payload["user"] = user
        payload["context"] = 1
        return payload
    payload["guild_id"] = str(guild_id)
    payload["guild_locale"] = "en-US"
    payload["context"] = 0
    payload["channel"] = _text_channel(channel_id, guild_id)
    payload["member"] = {
        "user": user,
        "roles": [],
        "joined_at": "2025-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "permissions": str(permissions),
    }
    return payload


def _option(name: str, value: str | bool) -> Json:
    kind = 5 if isinstance(value, bool) else 3
    return {"name": name, "type": kind, "value": value}


def _text_channel(channel_id: int, guild_id: int) -> Json:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": "news",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "flags": 0,
    }
