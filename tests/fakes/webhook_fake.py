"""A fake of Slack and Discord incoming webhooks on loopback, and the platforms' size limits.

It runs an aiohttp server on 127.0.0.1 and an ephemeral port in the caller's event loop, so a
test drives it from `asyncio.run`:

    async with WebhookFake() as fake:
        await post_webhook(client, "slack", fake.slack_url(), message)
        fake.posts[0].body["blocks"]

Slack webhooks live under `/services/T…/B…/token`, Discord webhooks under
`/api/webhooks/{id}/{token}`. It records every request (`requests`) and the accepted ones
(`posts`), answers like the platforms do (Slack: `ok`; Discord with `?wait=true`: the message as
JSON with exactly `Content-Type: application/json`, else 204) and refuses a payload over a limit
with HTTP 400 (`invalid_blocks`; Discord's `Invalid Form Body`, code 50035). `fail_next(n, 429)`
answers the next n requests with a rate limit (Slack: `Retry-After` header, body
`rate limited`; Discord: JSON `retry_after` with a `Via` header), `fail_next(n, 500)` with a server
error. `empty_bucket_after(seconds)` makes Discord's successful answers say the rate-limit bucket
is empty for that long.

`slack_limit_problems` and `discord_limit_problems` encode the size table of PLATFORM_NOTES.md:
each returns what in a payload breaks a limit (an empty list when it is all within).
`big_digest(n)` builds a digest `Message` of n long stories full of mention and markup attempts.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

from bot.chat import Context, Item, Link, Message, Text, Title

HOST = "127.0.0.1"
SLACK_TOKEN = "T000FAKE/B000FAKE/slackSECRETtoken123"
DISCORD_ID = "112233445566"
DISCORD_TOKEN = "discordSECRETtoken456"
SLACK_ERRORS = {403: "action_prohibited", 404: "no_service", 410: "channel_is_archived"}


@dataclass(frozen=True)
class WebhookRequest:
    """One POST as received: platform, path, query, headers, parsed JSON body and arrival time."""

    platform: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: Any
    at: float


@dataclass(frozen=True)
class _Scripted:
    status: int
    retry_after: float


@dataclass
class _State:
    requests: list[WebhookRequest] = field(default_factory=list)
    posts: list[WebhookRequest] = field(default_factory=list)
    script: deque[_Scripted] = field(default_factory=deque)
    bucket_reset: float | None = None


class WebhookFake:
    """Slack and Discord incoming webhooks on loopback; see the module docstring."""

    def __init__(self) -> None:
        self._state = _State()
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def requests(self) -> list[WebhookRequest]:
        """Every request received, failed ones included, in arrival order."""
        return self._state.requests

    @property
    def posts(self) -> list[WebhookRequest]:
        """The requests the fake accepted, in arrival order."""
        return self._state.posts

    def slack_url(self, token: str = SLACK_TOKEN) -> str:
        """The URL of a Slack incoming webhook on this fake."""
        return f"http://{HOST}:{self.port}/services/{token}"

    def discord_url(self, webhook_id: str = DISCORD_ID, token: str = DISCORD_TOKEN) -> str:
        """The URL of a Discord webhook on this fake."""
        return f"http://{HOST}:{self.port}/api/webhooks/{webhook_id}/{token}"

    def fail_next(self, count: int, status: int = 429, *, retry_after: float = 0.0) -> None:
        """Answer the next `count` requests with `status` (429: asking to wait `retry_after`)."""
        self._state.script.extend(_Scripted(status, retry_after) for _ in range(count))

    def empty_bucket_after(self, seconds: float) -> None:
        """Make Discord's successful answers report an empty bucket that refills in `seconds`."""
        self._state.bucket_reset = seconds

    async def start(self) -> None:
        """Listen on 127.0.0.1 and an ephemeral port."""
        app = web.Application()
        app.router.add_post("/services/{team}/{bot}/{token}", self._slack)
        app.router.add_post("/api/webhooks/{webhook_id}/{token}", self._discord)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, HOST, 0).start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Close the server and free the port."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> WebhookFake:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _record(self, platform: str, request: web.Request) -> WebhookRequest | None:
        try:
            body = json.loads(await request.text())
        except ValueError:
            body = None
        recorded = WebhookRequest(
            platform, request.path, dict(request.query), dict(request.headers), body, time.time()
        )
        self._state.requests.append(recorded)
        return recorded if body is not None else None

    async def _slack(self, request: web.Request) -> web.Response:
        recorded = await self._record("slack", request)
        if recorded is None:
            return web.Response(status=400, text="invalid_payload")
        if self._state.script:
            return _slack_failure(self._state.script.popleft())
        if slack_limit_problems(recorded.body):
            return web.Response(status=400, text="invalid_blocks")
        self._state.posts.append(recorded)
        return web.Response(text="ok")

    async def _discord(self, request: web.Request) -> web.Response:
        recorded = await self._record("discord", request)
        if recorded is None:
            return _json(400, {"message": "Cannot send an empty message", "code": 50006})
        if self._state.script:
            return _discord_failure(self._state.script.popleft())
        if discord_limit_problems(recorded.body):
            return _json(400, {"message": "Invalid Form Body", "code": 50035})
        self._state.posts.append(recorded)
        headers = self._bucket_headers()
        if recorded.query.get("wait") != "true":
            return web.Response(status=204, headers=headers)
        message = {"id": str(next(self._ids)), "content": recorded.body.get("content", "")}
        message["embeds"] = recorded.body.get("embeds", [])
        return _json(200, message, headers)

    def _bucket_headers(self) -> dict[str, str]:
        reset = self._state.bucket_reset
        if reset is None:
            return {"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "4"}
        return {
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": f"{reset:.3f}",
        }


def _slack_failure(scripted: _Scripted) -> web.Response:
    if scripted.status == 429:
        headers = {"Retry-After": f"{scripted.retry_after:g}"}
        return web.Response(status=429, text="rate limited", headers=headers)
    return web.Response(status=scripted.status, text=SLACK_ERRORS.get(scripted.status, "error"))


def _discord_failure(scripted: _Scripted) -> web.Response:
    if scripted.status == 429:
        body = {
            "message": "You are being rate limited.",
            "retry_after": scripted.retry_after,
            "global": False,
        }
        # Like Discord: the header holds whole seconds, rounded up; the JSON is precise.
        headers = {"Via": "1.1 google", "Retry-After": str(int(scripted.retry_after) + 1)}
        return _json(429, body, headers)
    if scripted.status == 404:
        return _json(404, {"message": "Unknown Webhook", "code": 10015})
    return _json(scripted.status, {"message": f"{scripted.status}: Server Error", "code": 0})


def _json(status: int, body: Any, headers: Mapping[str, str] | None = None) -> web.Response:
    """A JSON answer with exactly `Content-Type: application/json`, as Discord sends it."""
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(status=status, body=json.dumps(body).encode(), headers=all_headers)


# The size table of PLATFORM_NOTES.md.
SLACK_MAX_BLOCKS = 50
SLACK_MAX_SECTION = 3000
SLACK_MAX_SECTION_FIELDS = 10
SLACK_MAX_HEADER = 150
SLACK_MAX_CONTEXT_ELEMENTS = 10
SLACK_MAX_BLOCK_TEXT = 12_000
SLACK_MAX_TEXT = 40_000
DISCORD_MAX_CONTENT = 2000
DISCORD_MAX_EMBEDS = 10
DISCORD_MAX_TITLE = 256
DISCORD_MAX_DESCRIPTION = 4096
DISCORD_MAX_FIELDS = 25
DISCORD_MAX_FIELD_NAME = 256
DISCORD_MAX_FIELD_VALUE = 1024
DISCORD_MAX_FOOTER = 2048
DISCORD_MAX_AUTHOR = 256
DISCORD_MAX_EMBED_TOTAL = 6000


def slack_limit_problems(payload: Mapping[str, Any]) -> list[str]:
    """What in a Slack message payload breaks a Block Kit limit."""
    blocks = payload.get("blocks", [])
    problems = _over("blocks", len(blocks), SLACK_MAX_BLOCKS)
    problems += _over("text", len(payload.get("text", "")), SLACK_MAX_TEXT)
    if not payload.get("text") and not blocks:
        problems.append("neither text nor blocks")
    total = 0
    for number, block in enumerate(blocks):
        texts, block_problems = _slack_block(block)
        problems += [f"block {number}: {problem}" for problem in block_problems]
        total += sum(len(text) for text in texts)
    return problems + _over("total block text", total, SLACK_MAX_BLOCK_TEXT - 1)


def _slack_block(block: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """The texts of one block and what in it breaks a limit."""
    kind = block.get("type")
    if kind == "header":
        text = block["text"]
        problems = [] if text.get("type") == "plain_text" else ["header text is not plain_text"]
        return [text["text"]], problems + _text_problems(text["text"], SLACK_MAX_HEADER)
    if kind == "section":
        texts = [block["text"]["text"]] if "text" in block else []
        texts += [item["text"] for item in block.get("fields", [])]
        problems = _over("fields", len(block.get("fields", [])), SLACK_MAX_SECTION_FIELDS)
        for text in texts:
            problems += _text_problems(text, SLACK_MAX_SECTION)
        return texts, problems
    if kind == "context":
        texts = [element["text"] for element in block["elements"]]
        problems = _over("elements", len(texts), SLACK_MAX_CONTEXT_ELEMENTS)
        for text in texts:
            problems += _text_problems(text, SLACK_MAX_SECTION)
        return texts, problems + ([] if texts else ["context without elements"])
    return [], [f"unexpected block type {kind!r}"]


def discord_limit_problems(payload: Mapping[str, Any]) -> list[str]:
    """What in a Discord message payload breaks a message or embed limit."""
    embeds = payload.get("embeds", [])
    content = payload.get("content", "")
    problems = _over("content", len(content), DISCORD_MAX_CONTENT)
    problems += _over("embeds", len(embeds), DISCORD_MAX_EMBEDS)
    if not content and not embeds:
        problems.append("an empty message")
    if payload.get("allowed_mentions") != {"parse": []}:
        problems.append(f"allowed_mentions is {payload.get('allowed_mentions')!r}")
    total = 0
    for number, embed in enumerate(embeds):
        size, embed_problems = _discord_embed(embed)
        problems += [f"embed {number}: {problem}" for problem in embed_problems]
        total += size
    return problems + _over("embed text in all embeds", total, DISCORD_MAX_EMBED_TOTAL)


def _discord_embed(embed: Mapping[str, Any]) -> tuple[int, list[str]]:
    """The characters of an embed that count toward 6,000 and what in it breaks a limit."""
    title = embed.get("title", "")
    description = embed.get("description", "")
    footer = embed.get("footer", {}).get("text", "")
    author = embed.get("author", {}).get("name", "")
    fields = embed.get("fields", [])
    problems = _over("title", len(title), DISCORD_MAX_TITLE)
    problems += _over("description", len(description), DISCORD_MAX_DESCRIPTION)
    problems += _over("footer", len(footer), DISCORD_MAX_FOOTER)
    problems += _over("author", len(author), DISCORD_MAX_AUTHOR)
    problems += _over("fields", len(fields), DISCORD_MAX_FIELDS)
    size = len(title) + len(description) + len(footer) + len(author)
    for item in fields:
        problems += _text_problems(item["name"], DISCORD_MAX_FIELD_NAME)
        problems += _text_problems(item["value"], DISCORD_MAX_FIELD_VALUE)
        size += len(item["name"]) + len(item["value"])
    if size == 0:
        problems.append("an empty embed")
    return size, problems


def _text_problems(text: str, limit: int) -> list[str]:
    if not text:
        return ["an empty text"]
    return _over("text", len(text), limit)


def _over(what: str, size: int, limit: int) -> list[str]:
    return [f"{what} is {size}, over {limit}"] if size > limit else []


HOSTILE = "<!channel> <!here> <@U123> @everyone @here <@&456> <@!789> <#C42>"


def big_digest(stories: int = 200) -> Message:
    """A digest of `stories` long stories, far over one message on either platform.

    Every story's text carries mention and markup attempts (`HOSTILE`, a forged markdown link),
    and each story cites an http link, a javascript: link and a mailto: link.
    """
    items = tuple(_story(number) for number in range(1, stories + 1))
    head = (Title(f"News digest · last 24 hours · {stories} stories"), Text(f"Today {HOSTILE}."))
    tail = (Context(f"{stories} stories from 12 sources · ask with /news ask"),)
    return Message(head + items + tail, f"News digest: {stories} stories {HOSTILE}")


def story_title(number: int) -> str:
    """The title `big_digest` gives story `number`."""
    return f"Story {number:03d}: council & port <agree> on *new* harbour plan (part {number})"


def _story(number: int) -> Item:
    filler = "The harbour authority said the works would start in spring and last two years. " * 3
    points = tuple(
        f"Point {number}.{index}: {filler}{HOSTILE} [click](https://evil.example/{number}) "
        f"**bold** _it_ ~strike~ `code` > quote # head | pipe \\ slash"
        for index in range(1, 6)
    )
    links = (
        Link(f"Gazette {number} <@U9>", f"https://news.example/{number}?a=1&b=(2)", "en"),
        Link("click me", "javascript:alert(1)"),
        Link("write us", "mailto:desk@news.example", "nl"),
    )
    return Item(story_title(number), points, links, note=f"{number % 4 + 1} sources")
