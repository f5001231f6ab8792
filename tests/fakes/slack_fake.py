"""A fake Slack on loopback: Web API, response_url sink and Socket Mode, over real HTTP/WebSocket.

It runs an aiohttp server on 127.0.0.1 and an ephemeral port in the caller's event loop, so a
test (or a benchmark) drives it from `asyncio.run` without any plugin:

    async with SlackFake(admins={"UADMIN"}) as slack:
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
        ...
        url = slack.response_url("r1")            # put it in a slash command payload
        await slack.wait_until(lambda: slack.responses("r1"))
        slack.responses("r1")[0]["text"]           # what respond() posted there

What it records (all in arrival order): `calls` (every Web API call: method, arguments, headers,
time), `posted` (accepted chat.postMessage messages with their `ts`), `responses(id)` (bodies
POSTed to a response_url), `acks` (Socket Mode ack frames). Leaving the `async with` block (or
`await slack.stop()`) closes WebSockets and frees the port.

Slack behaviour it keeps: tokens are checked (`invalid_auth` otherwise; `apps.connections.open`
wants the app-level token), `users.info` reports `is_admin` for the configured admins, a
response_url takes 5 uses, chat.postMessage rejects blocks over Slack's limits with
`invalid_blocks`, and `rate_limit_posts(n)` answers the next n chat.postMessage calls with HTTP 429
and a `Retry-After` header. Helpers `slash_command_fields` and `signed_headers` build what Slack
sends to an app in HTTP mode.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

HOST = "127.0.0.1"
RESPONSE_URL_USES = 5
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150


@dataclass(frozen=True)
class ApiCall:
    """One Web API request: the method, its arguments (query, form and JSON merged), headers."""

    method: str
    args: Mapping[str, Any]
    headers: Mapping[str, str]
    at: float


@dataclass(frozen=True)
class AckFrame:
    """One frame the app sent back over the Socket Mode WebSocket."""

    envelope_id: str
    payload: Any
    at: float


@dataclass
class _State:
    calls: list[ApiCall] = field(default_factory=list)
    posted: list[dict[str, Any]] = field(default_factory=list)
    responses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    refused_responses: dict[str, int] = field(default_factory=dict)
    acks: list[AckFrame] = field(default_factory=list)
    envelopes_sent: dict[str, float] = field(default_factory=dict)


class SlackFake:
    """The Slack side of the wire, for tests and benchmarks; see the module docstring."""

    def __init__(
        self,
        *,
        admins: frozenset[str] | set[str] = frozenset(),
        bot_token: str = "xoxb-fake-bot-token",
        app_token: str = "xapp-fake-app-token",
    ) -> None:
        self.admins = set(admins)
        self.bot_token = bot_token
        self.app_token = app_token
        self._state = _State()
        self._rate_limited = 0
        self._retry_after = 0
        self._ts = itertools.count(1)
        self._changed = asyncio.Condition()
        self._sockets: list[web.WebSocketResponse] = []
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._hold_at = 0
        self.post_held = asyncio.Event()
        self._held_request: web.Request | None = None
        self._released = asyncio.Event()

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> SlackFake:
        """Listen on 127.0.0.1 and a free port (read `port`, `api_url` afterwards)."""
        app = web.Application()
        app.add_routes(
            [
                web.post("/api/{method}", self._api),
                web.get("/api/{method}", self._api),
                web.post("/response/{rid}", self._response),
                web.get("/link", self._link),
            ]
        )
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, HOST, 0).start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        """Close open WebSockets and the server."""
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> SlackFake:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- addresses and scripting -----------------------------------------------------------

    @property
    def api_url(self) -> str:
        """The Web API base URL to give an AsyncWebClient (`base_url`)."""
        return f"http://{HOST}:{self.port}/api/"

    def response_url(self, rid: str) -> str:
        """A response_url whose posts are recorded under `rid`."""
        return f"http://{HOST}:{self.port}/response/{rid}"

    def rate_limit_posts(self, count: int, retry_after: int = 0) -> None:
        """Answer the next `count` chat.postMessage calls with 429 and `Retry-After`."""
        self._rate_limited = count
        self._retry_after = retry_after

    # -- what was recorded -----------------------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        """Every Web API call, in order."""
        return self._state.calls

    @property
    def posted(self) -> list[dict[str, Any]]:
        """Accepted chat.postMessage arguments, each with the `ts` it was given."""
        return self._state.posted

    @property
    def acks(self) -> list[AckFrame]:
        """Socket Mode frames received from the app."""
        return self._state.acks

    @property
    def connections(self) -> int:
        """How many Socket Mode WebSockets are open now."""
        return len(self._sockets)

    def responses(self, rid: str) -> list[dict[str, Any]]:
        """The JSON bodies accepted at response_url `rid`."""
        return self._state.responses.get(rid, [])

    def refused_responses(self, rid: str) -> int:
        """How many posts to response_url `rid` were refused after its 5 uses."""
        return self._state.refused_responses.get(rid, 0)

    def api_calls(self, method: str) -> list[ApiCall]:
        """The calls of one Web API method."""
        return [call for call in self._state.calls if call.method == method]

    def envelope_sent_at(self, envelope_id: str) -> float:
        """When (time.monotonic) an envelope was sent to the app."""
        return self._state.envelopes_sent[envelope_id]

    async def wait_until(self, ready: Callable[[], object], timeout: float = 10.0) -> None:
        """Wait until `ready()` is truthy; it is re-checked whenever something is recorded."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(ready), timeout)

    # -- Socket Mode -----------------------------------------------------------------------

    async def send_envelope(
        self, kind: str, payload: Mapping[str, Any], *, envelope_id: str | None = None
    ) -> str:
        """Send an envelope ("slash_commands", "events_api", ...) to the connected app."""
        await self.wait_until(lambda: self._sockets)
        envelope_id = envelope_id or f"env-{next(self._ts)}"
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "accepts_response_payload": kind == "slash_commands",
            "payload": dict(payload),
        }
        self._state.envelopes_sent[envelope_id] = time.monotonic()
        await self._sockets[-1].send_str(json.dumps(envelope))
        return envelope_id

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        hello = {"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"}}
        await socket.send_str(json.dumps(hello))
        await self._record(lambda: self._sockets.append(socket))
        try:
            async for frame in socket:
                if frame.type == WSMsgType.TEXT:
                    await self._record_ack(json.loads(frame.data))
        finally:
            await self._record(lambda: self._sockets.remove(socket))
        return socket

    async def _record_ack(self, frame: Mapping[str, Any]) -> None:
        ack = AckFrame(str(frame.get("envelope_id")), frame.get("payload"), time.monotonic())
        await self._record(lambda: self._state.acks.append(ack))

    def hold_post(self, number: int) -> None:
        """Hold the `number`-th chat.postMessage from now (1-based) before it is posted, until
        `release_post()`; `post_held` is set when it arrives. A held request whose client has
        gone by then (its process was killed) is dropped unposted: it never reached Slack."""
        self._hold_at = len(self.api_calls("chat.postMessage")) + number
        self.post_held.clear()
        self._released.clear()

    def release_post(self) -> None:
        """Let the held chat.postMessage go on."""
        self._released.set()

    def held_client_gone(self) -> bool:
        """Whether the client of the held post has gone (its connection is closing)."""
        request = self._held_request
        transport = None if request is None else request.transport
        return request is not None and (transport is None or transport.is_closing())

    async def _hold(self, request: web.Request) -> bool:
        """Wait while this is the held post; whether its client is still there to post for."""
        if len(self.api_calls("chat.postMessage")) != self._hold_at:
            return True
        self._held_request = request
        self.post_held.set()
        await self._released.wait()
        transport = request.transport
        return transport is not None and not transport.is_closing()

    # -- Web API ---------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        headers = {key.lower(): value for key, value in request.headers.items()}
        call = ApiCall(method, args, headers, time.monotonic())
        await self._record(lambda: self._state.calls.append(call))
        token = headers.get("authorization", "").removeprefix("Bearer ")
        wanted = self.app_token if method == "apps.connections.open" else self.bot_token
        if token != wanted:
            return _fail("invalid_auth")
        handler = self._methods().get(method)
        if handler is None:
            return _fail("unknown_method")
        if method == "chat.postMessage" and not await self._hold(request):
            return _fail("client_gone")
        return await handler(args)

    def _methods(self) -> dict[str, Callable[[Mapping[str, Any]], Awaitable[web.Response]]]:
        return {
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "chat.postMessage": self._post_message,
            "apps.connections.open": self._connections_open,
        }

    async def _auth_test(self, args: Mapping[str, Any]) -> web.Response:
        return _ok(
            url="https://fake.slack.test/",
            team="Fake",
            team_id="T0FAKE",
            user="newsbot",
            user_id="U0BOT",
            bot_id="B0BOT",
        )

    async def _users_info(self, args: Mapping[str, Any]) -> web.Response:
        user = str(args.get("user", ""))
        if not user:
            return _fail("user_not_found")
        admin = user in self.admins
        return _ok(
            user={
                "id": user,
                "name": user.lower(),
                "is_admin": admin,
                "is_owner": False,
                "is_primary_owner": False,
            }
        )

    async def _post_message(self, args: Mapping[str, Any]) -> web.Response:
        if self._rate_limited > 0:
            self._rate_limited -= 1
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(self._retry_after)},
            )
        if not args.get("channel"):
            return _fail("channel_not_found")
        if not args.get("text") and not args.get("blocks"):
            return _fail("no_text")
        if not _blocks_within_limits(args.get("blocks") or []):
            return _fail("invalid_blocks")
        message = {**args, "ts": f"1700000000.{next(self._ts):06d}"}
        await self._record(lambda: self._state.posted.append(message))
        return _ok(channel=args["channel"], ts=message["ts"], message=message)

    async def _connections_open(self, args: Mapping[str, Any]) -> web.Response:
        return _ok(url=f"ws://{HOST}:{self.port}/link")

    # -- response_url ----------------------------------------------------------------------

    async def _response(self, request: web.Request) -> web.Response:
        rid = request.match_info["rid"]
        body = await request.json()
        used = len(self.responses(rid))
        if used >= RESPONSE_URL_USES:
            count = self.refused_responses(rid) + 1
            await self._record(lambda: self._state.refused_responses.__setitem__(rid, count))
            return web.Response(status=404, text="used_url")
        await self._record(lambda: self._state.responses.setdefault(rid, []).append(body))
        return web.Response(text="ok")

    async def _record(self, change: Callable[[], None]) -> None:
        async with self._changed:
            change()
            self._changed.notify_all()


async def _arguments(request: web.Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.query)
    if not request.can_read_body:
        return args
    if request.content_type == "application/json":
        args.update(await request.json())
    else:
        args.update(parse_qsl((await request.read()).decode("utf-8")))
    blocks = args.get("blocks")
    if isinstance(blocks, str):
        args["blocks"] = json.loads(blocks)
    return args


def _blocks_within_limits(blocks: list[dict[str, Any]]) -> bool:
    if len(blocks) > MAX_BLOCKS:
        return False
    for block in blocks:
        text = str((block.get("text") or {}).get("text", ""))
        if block.get("type") == "section" and len(text) > MAX_SECTION_TEXT:
            return False
        if block.get("type") == "header" and len(text) > MAX_HEADER_TEXT:
            return False
    return True


def _ok(**fields: Any) -> web.Response:
    return web.json_response({"ok": True, **fields})


def _fail(error: str) -> web.Response:
    return web.json_response({"ok": False, "error": error})


# -- what Slack sends to an app in HTTP mode ---------------------------------------------------


def slash_command_fields(
    text: str, *, response_url: str, user_id: str = "U0USER", channel_id: str = "C0CHAN"
) -> dict[str, str]:
    """The form fields (or Socket Mode payload) of a `/news` slash command."""
    return {
        "token": "deprecated-verification-token",
        "team_id": "T0FAKE",
        "team_domain": "fake",
        "channel_id": channel_id,
        "channel_name": "news",
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": "/news",
        "text": text,
        "api_app_id": "A0FAKE",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": "1.2.3",
    }


def signed_headers(signing_secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's request signature headers for `body` (v0 HMAC-SHA256) at `timestamp`."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    base = f"v0:{stamp}:{body}".encode()
    digest = hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
