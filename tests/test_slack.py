"""The Slack adapter end to end over loopback: a real bolt app, the real core, a fake Slack.

Slash commands arrive signed over HTTP or as Socket Mode envelopes; replies reach the fake's
response_url sink or its chat.postMessage endpoint, exactly as they would reach Slack.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp import ClientSession
from slack_bolt.async_app import AsyncApp

from bot.app import App
from bot.chat import Block, Context, Invocation, Item, Link, Message, Text, Title
from bot.commands import GENERIC_FAILURE, CommandRouter
from bot.config_chat import SlackConfig
from bot.errors import ConfigError
from bot.models import SourceText
from bot.platforms.slack_admin import SlackAdmins
from bot.platforms.slack_app import (
    SLASH_COMMAND,
    build_slack_app,
    post_slack_messages,
    run_http,
    run_slack,
    run_socket_mode,
    serving_http,
    slack_tokens,
    slack_web_client,
    socket_mode_connected,
)
from bot.render_slack import render_slack
from tests.conftest import REPO_ROOT, seeded_app
from tests.fakes.slack_fake import SlackFake, signed_headers, slash_command_fields
from tests.loopback_http import unused_port

SECRET = "test-signing-secret"
QUESTION = "ask Who leads Xiaomi's European R&D centre?"
MENTIONS = "<!channel> @everyone <@U123> <@&456>"
RAW_MENTIONS = ("<!channel>", "<@U123>", "<@&456>")
CRAFTED = SourceText(
    source="crafted/mentions.txt",
    title=f"Lisbon plant {MENTIONS}",
    text=(
        f"Acme Robotics opened a battery plant in Lisbon on Monday, {MENTIONS} said the company. "
        "The plant will employ 400 people and build 20,000 packs a year. "
        "Acme Robotics chief executive Maria Santos called Lisbon a natural choice."
    ),
)
Handler = Callable[[Invocation], Message]


# -- the core, once per module ---------------------------------------------------------------


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """A real core over the seed articles plus one article full of mention syntax."""
    with seeded_app(tmp_path_factory.mktemp("home")) as app:
        assert app.ingestor.ingest_source(CRAFTED).error is None
        yield app


@pytest.fixture(scope="module")
def router(core: App) -> CommandRouter:
    """The platform-neutral command router on the core."""
    return CommandRouter(core)


class Recording:
    """A handler that records each invocation and passes it to the real router."""

    def __init__(self, handle: Handler) -> None:
        self.handle = handle
        self.invocations: list[Invocation] = []

    def __call__(self, invocation: Invocation) -> Message:
        self.invocations.append(invocation)
        return self.handle(invocation)


# -- harness -----------------------------------------------------------------------------------


@asynccontextmanager
async def http_slack(
    handle: Handler, *, admins: set[str] | None = None, config: SlackConfig | None = None
) -> AsyncIterator[tuple[SlackFake, str]]:
    """A fake Slack and the app served over HTTP on loopback; yields (fake, commands URL)."""
    async with SlackFake(admins=admins or set()) as slack:
        app = build_slack_app(
            handle,
            config or SlackConfig(),
            bot_token=slack.bot_token,
            signing_secret=SECRET,
            base_url=slack.api_url,
        )
        async with serving_http(app, 0, host="127.0.0.1") as port:
            yield slack, f"http://127.0.0.1:{port}/slack/commands"


async def post_command(
    url: str,
    fields: dict[str, str],
    *,
    secret: str = SECRET,
    timestamp: int | None = None,
) -> tuple[int, float]:
    """POST a signed slash command form; returns (HTTP status, seconds until the answer)."""
    body = urlencode(fields)
    headers = signed_headers(secret, body, timestamp)
    started = time.monotonic()
    async with ClientSession() as session, session.post(url, data=body, headers=headers) as reply:
        await reply.read()
        return reply.status, time.monotonic() - started


def command(text: str, rid: str, slack: SlackFake, user_id: str = "U0USER") -> dict[str, str]:
    """A /news command whose replies go to the fake's response_url `rid`."""
    return slash_command_fields(text, response_url=slack.response_url(rid), user_id=user_id)


def shown_text(body: dict[str, Any]) -> str:
    """Everything a reply shows: fallback text and all block text."""
    return str(body.get("text", "")) + json.dumps(body.get("blocks", []), ensure_ascii=False)


def big_message(items: int = 120, *, ephemeral: bool = False) -> Message:
    """A digest-like message far too big for one Slack message."""
    point = "Xiaomi plans to sell electric cars in Europe from 2027, the company said. " * 3
    stories = tuple(
        Item(
            f"Story {number}: Xiaomi expands",
            points=(point, point),
            links=(Link(f"source {number}", f"https://example.com/{number}", "en"),),
        )
        for number in range(items)
    )
    blocks: tuple[Block, ...] = (Title("Digest " + "x" * 200), *stories, Context("period: 7d"))
    return Message(blocks, "Digest of the week", ephemeral=ephemeral)


# -- HTTP mode ---------------------------------------------------------------------------------


def test_a_signed_command_is_answered_at_the_response_url(router: CommandRouter) -> None:
    """`/news ask` over signed HTTP gets 200, and the answer from the seeds reaches Slack."""

    async def scenario() -> None:
        async with http_slack(router.handle) as (slack, url):
            status, _ = await post_command(url, command(QUESTION, "r1", slack))
            assert status == 200
            await slack.wait_until(lambda: slack.responses("r1"))
            reply = slack.responses("r1")[0]
            assert "Rudolf Dittrich" in shown_text(reply)
            assert reply["response_type"] == "ephemeral"
            assert reply["replace_original"] is False

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("secret", "age"), [("forged-secret", 0), (SECRET, 301)], ids=["forged", "stale"]
)
def test_bad_or_stale_signatures_are_refused(router: CommandRouter, secret: str, age: int) -> None:
    """A wrong signature or a timestamp over 5 minutes old gets 401 and runs nothing."""
    recording = Recording(router.handle)

    async def scenario() -> None:
        async with http_slack(recording) as (slack, url):
            fields = command(QUESTION, "r1", slack)
            stamp = int(time.time()) - age
            status, _ = await post_command(url, fields, secret=secret, timestamp=stamp)
            assert status == 401
            # A good request afterwards is answered, so the sink would have seen a leak.
            good, _ = await post_command(url, command(QUESTION, "r2", slack))
            assert good == 200
            await slack.wait_until(lambda: slack.responses("r2"))
            assert slack.responses("r1") == []
            assert len(recording.invocations) == 1

    asyncio.run(scenario())


def test_an_app_without_a_signing_secret_refuses_every_http_request() -> None:
    """Built for Socket Mode (no secret), the app rejects HTTP requests, even ones signed with an
    empty secret."""

    async def scenario() -> None:
        async with SlackFake() as slack:
            app = build_slack_app(
                lambda invocation: Message((Text("hi"),), "hi"),
                SlackConfig(),
                bot_token=slack.bot_token,
                base_url=slack.api_url,
            )
            async with serving_http(app, 0, host="127.0.0.1") as port:
                url = f"http://127.0.0.1:{port}/slack/commands"
                status, _ = await post_command(url, command("help", "r1", slack), secret="")
                assert status == 401

    asyncio.run(scenario())


def test_a_handler_failure_reaches_the_user_as_one_sentence() -> None:
    """An exception in the handler is logged; the user sees one generic ephemeral sentence."""

    def broken(invocation: Invocation) -> Message:
        raise RuntimeError("Traceback: secret internals")

    async def scenario() -> None:
        async with http_slack(broken) as (slack, url):
            await post_command(url, command("digest", "r1", slack))
            await slack.wait_until(lambda: slack.responses("r1"))
            (reply,) = slack.responses("r1")
            assert reply["text"] == GENERIC_FAILURE
            assert reply["response_type"] == "ephemeral"
            assert "Traceback" not in json.dumps(reply)

    asyncio.run(scenario())


# -- Socket Mode -------------------------------------------------------------------------------


def test_a_socket_mode_command_is_acked_and_answered(router: CommandRouter) -> None:
    """A slash_commands envelope is acked with its envelope_id and the answer reaches Slack."""

    async def scenario() -> None:
        async with SlackFake() as slack:
            app = build_slack_app(
                router.handle, SlackConfig(), bot_token=slack.bot_token, base_url=slack.api_url
            )
            async with socket_mode_connected(app, slack.app_token, base_url=slack.api_url):
                envelope = await slack.send_envelope(
                    "slash_commands", command(QUESTION, "s1", slack)
                )
                # bolt sends the ack frame from its own task: it may land after a fast reply.
                await slack.wait_until(lambda: slack.responses("s1") and slack.acks)
                assert [(ack.envelope_id, ack.payload) for ack in slack.acks] == [(envelope, None)]
                assert "Rudolf Dittrich" in shown_text(slack.responses("s1")[0])
            assert slack.api_calls("apps.connections.open")

    asyncio.run(scenario())


def test_acks_come_within_3_seconds_while_a_slow_handler_works() -> None:
    """HTTP 200 and the Socket Mode ack arrive in well under 3 s; the 4 s reply still arrives."""
    finished = threading.Event()

    def slow(invocation: Invocation) -> Message:
        time.sleep(4)
        finished.set()
        return Message((Text("done slowly"),), "done slowly", ephemeral=True)

    async def over_http(slack: SlackFake, url: str) -> None:
        status, seconds = await post_command(url, command("digest", "h1", slack))
        assert (status, seconds < 3, finished.is_set()) == (200, True, False)
        await slack.wait_until(lambda: slack.responses("h1"), timeout=10)

    async def over_socket(slack: SlackFake, app: AsyncApp) -> None:
        async with socket_mode_connected(app, slack.app_token, base_url=slack.api_url):
            envelope = await slack.send_envelope("slash_commands", command("digest", "s1", slack))
            await slack.wait_until(lambda: slack.acks)
            assert slack.acks[0].envelope_id == envelope
            assert slack.acks[0].at - slack.envelope_sent_at(envelope) < 3
            assert not finished.is_set()
            await slack.wait_until(lambda: slack.responses("s1"), timeout=10)

    async def scenario() -> None:
        async with http_slack(slow) as (slack, url):
            app = build_slack_app(
                slow, SlackConfig(), bot_token=slack.bot_token, base_url=slack.api_url
            )
            await asyncio.gather(over_http(slack, url), over_socket(slack, app))
            for rid in ("h1", "s1"):
                assert slack.responses(rid)[0]["text"] == "done slowly"

    asyncio.run(scenario())


# -- admin checks ------------------------------------------------------------------------------


def test_only_admins_pass_the_admin_check(router: CommandRouter) -> None:
    """`sources add` from a member is refused; a workspace admin or a configured user passes."""
    recording = Recording(router.handle)
    # A loopback feed URL: the SSRF guard refuses it without any network, after the admin check.
    add = "sources add http://127.0.0.1:9/feed.xml"
    config = SlackConfig(admins=("UCONFIG",))

    async def scenario() -> None:
        async with http_slack(recording, admins={"UADMIN"}, config=config) as (slack, url):
            for rid, user in [
                ("m", "UMEMBER"),
                ("a", "UADMIN"),
                ("a2", "UADMIN"),
                ("c", "UCONFIG"),
            ]:
                await post_command(url, command(add, rid, slack, user_id=user))
                await slack.wait_until(partial(slack.responses, rid))
            refusal = slack.responses("m")[0]
            assert refusal["response_type"] == "ephemeral"
            assert "admin" in refusal["text"].lower()
            assert "admin" not in slack.responses("a")[0]["text"].lower()
            looked_up = [call.args["user"] for call in slack.api_calls("users.info")]
            assert looked_up == ["UMEMBER", "UADMIN"]  # cached; the configured admin needs none
        admin_of = {call.user_id: call.is_admin for call in recording.invocations}
        assert admin_of == {"UMEMBER": False, "UADMIN": True, "UCONFIG": True}

    asyncio.run(scenario())


def test_admin_answers_are_cached_for_a_few_minutes_only() -> None:
    """users.info is asked once per user per 5 minutes; a failed lookup means "not an admin"."""
    now = [0.0]

    async def scenario() -> None:
        async with SlackFake(admins={"UADMIN"}) as slack:
            client = slack_web_client(slack.bot_token, base_url=slack.api_url)
            admins = SlackAdmins(ttl=300, clock=lambda: now[0])
            for moment in (0.0, 299.0, 301.0):
                now[0] = moment
                assert await admins.is_admin(client, "UADMIN")
            assert len(slack.api_calls("users.info")) == 2
            broken = slack_web_client("xoxb-revoked", base_url=slack.api_url)
            assert not await SlackAdmins().is_admin(broken, "UADMIN")

    asyncio.run(scenario())


def test_commands_that_need_no_admin_do_not_look_anyone_up(router: CommandRouter) -> None:
    """`ask` runs as a non-admin without a users.info call."""
    recording = Recording(router.handle)

    async def scenario() -> None:
        async with http_slack(recording, admins={"UADMIN"}) as (slack, url):
            await post_command(url, command(QUESTION, "r1", slack, user_id="UADMIN"))
            await slack.wait_until(lambda: slack.responses("r1"))
            assert slack.api_calls("users.info") == []
        assert [call.is_admin for call in recording.invocations] == [False]

    asyncio.run(scenario())


# -- long replies ------------------------------------------------------------------------------


def test_a_long_ephemeral_reply_is_cut_to_five_parts_and_says_so() -> None:
    """A response_url takes 5 posts: the reply is cut to 5 and the last part says so."""
    message = big_message(ephemeral=True)
    assert len(render_slack(message)) > 5

    async def scenario() -> None:
        async with http_slack(lambda invocation: message) as (slack, url):
            await post_command(url, command("digest", "r1", slack))
            await slack.wait_until(lambda: len(slack.responses("r1")) == 5)
            await asyncio.sleep(0.2)  # a sixth post would have been refused by now
            assert slack.refused_responses("r1") == 0
            assert "cut short" in shown_text(slack.responses("r1")[-1])
            assert slack.posted == []

    asyncio.run(scenario())


def test_a_long_public_reply_is_posted_as_a_thread() -> None:
    """A public reply of more than 5 parts goes out with chat.postMessage, in one thread."""
    message = big_message()
    parts = len(render_slack(message))

    async def scenario() -> None:
        async with http_slack(lambda invocation: message) as (slack, url):
            await post_command(url, command("schedule 09:00", "r1", slack))
            await slack.wait_until(lambda: len(slack.posted) == parts)
            first, *rest = slack.posted
            assert "thread_ts" not in first
            assert {post["thread_ts"] for post in rest} == {first["ts"]}
            assert slack.responses("r1") == []

    asyncio.run(scenario())


# -- posting digests and alerts ----------------------------------------------------------------


def test_an_oversize_digest_arrives_as_several_messages_within_limits() -> None:
    """post_slack_messages posts every part, threaded, each within Slack's block limits."""
    payloads = render_slack(big_message())

    async def scenario() -> None:
        async with SlackFake() as slack:
            client = slack_web_client(slack.bot_token, base_url=slack.api_url)
            stamps = await post_slack_messages(client, "C0CHAN", payloads)
            assert stamps == [post["ts"] for post in slack.posted]
            assert len(slack.posted) == len(payloads) > 1
            for post in slack.posted:
                blocks = post["blocks"]
                assert len(blocks) <= 50
                for block in blocks:
                    text = block.get("text", {}).get("text", "")
                    assert len(text) <= (150 if block["type"] == "header" else 3000)
                assert post["unfurl_links"] is False
                assert post["unfurl_media"] is False

    asyncio.run(scenario())


def test_a_rate_limited_post_is_retried_and_arrives_once() -> None:
    """A 429 with Retry-After is waited out and retried; the message is posted exactly once."""
    (payload,) = render_slack(Message((Text("hello"),), "hello"))

    async def scenario() -> None:
        async with SlackFake() as slack:
            slack.rate_limit_posts(1, retry_after=0)
            client = slack_web_client(slack.bot_token, base_url=slack.api_url)
            await post_slack_messages(client, "C0CHAN", [payload])
            assert len(slack.api_calls("chat.postMessage")) == 2
            assert [post["text"] for post in slack.posted] == ["hello"]

    asyncio.run(scenario())


def test_mention_syntax_from_articles_stays_inert(router: CommandRouter) -> None:
    """Article text with <!channel>, <@U123>, @everyone, <@&456> arrives escaped everywhere."""

    async def scenario() -> None:
        async with http_slack(router.handle) as (slack, url):
            await post_command(url, command("search Acme battery plant Lisbon", "r1", slack))
            await slack.wait_until(lambda: slack.responses("r1"))
            digest = router.handle(Invocation("digest", "all", "U0USER", "C0CHAN", False, "slack"))
            client = slack_web_client(slack.bot_token, base_url=slack.api_url)
            await post_slack_messages(client, "C0CHAN", render_slack(digest))
            bodies = [*slack.responses("r1"), *slack.posted]
            shown = " ".join(shown_text(body) for body in bodies)
            assert "&lt;!channel&gt;" in shown
            assert "@everyone" in shown
            assert not [raw for raw in RAW_MENTIONS if raw in shown]
            for call in slack.api_calls("chat.postMessage"):
                assert not {"link_names", "parse"} & set(call.args)

    asyncio.run(scenario())


# -- tokens and runners ------------------------------------------------------------------------


def test_tokens_come_from_the_environment_by_mode() -> None:
    """Each mode reads its variables; a missing one is named, and no value is ever shown."""
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-2", "SLACK_SIGNING_SECRET": "s3"}
    assert slack_tokens(env, "socket").app == "xapp-2"
    assert slack_tokens(env, "http").signing_secret == "s3"
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN is not set") as missing:
        slack_tokens({"SLACK_BOT_TOKEN": "xoxb-1"}, "socket")
    assert "xoxb-1" not in str(missing.value)
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        slack_tokens({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-2"}, "http")
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN") as wrong:
        slack_tokens({"SLACK_BOT_TOKEN": "xapp-oops", "SLACK_APP_TOKEN": "xapp-2"}, "socket")
    assert "oops" not in str(wrong.value)
    assert "xapp-2" not in repr(slack_tokens(env, "socket"))


def test_both_runners_stop_cleanly_when_cancelled() -> None:
    """run_http frees its port and run_socket_mode closes its WebSocket on cancellation."""

    async def scenario() -> None:
        async with SlackFake() as slack:
            app = build_slack_app(
                lambda invocation: Message((Text("hi"),), "hi"),
                SlackConfig(),
                bot_token=slack.bot_token,
                signing_secret=SECRET,
                base_url=slack.api_url,
            )
            port = unused_port()
            http = asyncio.create_task(run_http(app, port, host="127.0.0.1"))
            socket = asyncio.create_task(
                run_socket_mode(app, slack.app_token, base_url=slack.api_url)
            )
            await slack.wait_until(lambda: slack.connections == 1)
            url = f"http://127.0.0.1:{port}/slack/commands"
            status, _ = await _retry_post(url, command("help", "r1", slack))
            assert status == 200
            for task in (http, socket):
                task.cancel()
            results = await asyncio.gather(http, socket, return_exceptions=True)
            assert all(isinstance(result, asyncio.CancelledError) for result in results)
            await slack.wait_until(lambda: slack.connections == 0)
            server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", port)
            server.close()
            await server.wait_closed()

    asyncio.run(scenario())


async def _retry_post(url: str, fields: dict[str, str]) -> tuple[int, float]:
    """POST once the server listens (it starts in a task)."""
    for _ in range(100):
        try:
            return await post_command(url, fields)
        except OSError:
            await asyncio.sleep(0.02)
    raise AssertionError(f"nothing listens at {url}")


def test_run_slack_connects_in_socket_mode_and_refuses_a_bad_bot_token() -> None:
    """run_slack checks the bot token, then holds a Socket Mode connection until cancelled."""

    def hello(invocation: Invocation) -> Message:
        return Message((Text("hi"),), "hi")

    async def scenario() -> None:
        async with SlackFake() as slack:
            env = {"SLACK_BOT_TOKEN": slack.bot_token, "SLACK_APP_TOKEN": slack.app_token}
            running = asyncio.create_task(
                run_slack(hello, SlackConfig(), env, base_url=slack.api_url)
            )
            await slack.wait_until(lambda: slack.connections == 1)
            running.cancel()
            with pytest.raises(asyncio.CancelledError):
                await running
            await slack.wait_until(lambda: slack.connections == 0)
            wrong = {**env, "SLACK_BOT_TOKEN": "xoxb-revoked"}
            with pytest.raises(ConfigError, match="Slack refused SLACK_BOT_TOKEN") as refused:
                await run_slack(hello, SlackConfig(), wrong, base_url=slack.api_url)
            assert "revoked" not in str(refused.value)

    asyncio.run(scenario())


def test_the_manifest_declares_the_command_and_scopes_the_adapter_uses() -> None:
    """slack_manifest.yml: /news, Socket Mode on, and the scopes for commands, posting and
    the admin check."""
    manifest = (REPO_ROOT / "slack_manifest.yml").read_text(encoding="utf-8")
    lines = {line.strip() for line in manifest.splitlines()}
    assert f"- command: {SLASH_COMMAND}" in lines
    assert "socket_mode_enabled: true" in lines
    assert {"- commands", "- chat:write", "- users:read"} <= lines
