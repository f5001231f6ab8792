"""`newsbot serve` end to end on loopback: a fake Slack (Socket Mode), a fake Discord (gateway and
REST), a feed server that fails, and one real core answering both platforms.

Time is a ticking clock (an hour per reading), so a failing source is due again at every polling
round and its backoff never makes the test wait; rounds are 20 ms apart.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from io import StringIO
from ipaddress import ip_network
from pathlib import Path
from typing import Any

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from bot import cli, cli_serve
from bot.app import App, open_app
from bot.chat import Invocation, Item, Message, Text, Title
from bot.config import load_config
from bot.config_feeds import FeedsConfig, FetchConfig
from bot.delivery import ConsoleDeliverer, Deliveries, DeliveryError
from bot.delivery_ledger import DeliveryLedger, LedgerKey
from bot.discovery import discover
from bot.errors import ConfigError
from bot.platforms.slack_client import slack_web_client
from bot.platforms.slack_deliver import SlackDeliverer
from bot.schedules import DigestTime, ScheduleStore
from bot.serve import STOPPING, CommandGate, running_platforms, serve, start_line
from bot.source_store import ChannelKey, NewSource, SourceStore
from tests.conftest import SEEDS_DIR
from tests.fakes.discord_fake import DiscordFake, message, slash
from tests.fakes.slack_fake import SlackFake, slash_command_fields
from tests.loopback_http import LoopbackServer

THRESHOLD = 2  # [feeds] failure_threshold
POLL_EVERY = 0.02
QUESTION = "Who leads Xiaomi's European R&D centre?"
ANSWER = "Rudolf Dittrich"
DISCORD_TOKEN = "fake-discord-token"
ALERT_CHANNEL = 1300000000000000042
GUILD = 1400000000000000001
PINGS = "<!channel> @everyone <@U123>"


class TickingClock:
    """A clock that moves an hour forward every time it is read (thread-safe)."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            self._now += timedelta(hours=1)
            return self._now


class ChannelsDiscordFake(DiscordFake):
    """The fake Discord plus the two channel endpoints a bot posting to a channel uses."""

    def _routes(self) -> Any:
        return (
            *super()._routes(),
            ({"GET"}, r"/channels/\d+", lambda m, p, b: (200, text_channel(p))),
            ({"POST"}, r"/channels/\d+/messages", lambda m, p, b: (200, message(b))),
        )

    def channel_posts(self, channel: int) -> list[Any]:
        """The bodies of the messages posted to `channel`."""
        calls = self.recorded("POST", rf"/channels/{channel}/messages", status=200)
        return [call.body for call in calls]


def text_channel(path: str) -> dict[str, Any]:
    """GET /channels/{id}: a text channel in the test guild."""
    channel_id = path.split("/")[2]
    return {"id": channel_id, "type": 0, "guild_id": str(GUILD), "name": "alerts", "position": 0}


# -- the core, once per module ---------------------------------------------------------------


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """A real core over the seeds that may fetch from 127.0.0.1 and alerts after 2 failures."""
    home = tmp_path_factory.mktemp("serve")
    config = load_config(None, {"HOME": str(home)})
    config = replace(
        config,
        fetch=FetchConfig(allow_networks=(ip_network("127.0.0.1/32"),), timeout=5.0),
        feeds=FeedsConfig(failure_threshold=THRESHOLD),
    )
    clock = TickingClock(datetime(2025, 7, 1, tzinfo=UTC))
    with open_app(config, store_url=f"sqlite:///{home / 'news.db'}", clock=clock) as app:
        for item in discover([str(SEEDS_DIR)]).items:
            assert app.ingestor.ingest(item).error is None
        yield app


@pytest.fixture
def failing_feeds() -> Iterator[LoopbackServer]:
    """A feed server where every feed is missing (404), so each poll fails at once."""
    with LoopbackServer() as server:
        yield server


def follow(core: App, url: str, follower: ChannelKey) -> None:
    """Make `follower` follow `url`, due now, as `/news sources add` would without its poll."""
    SourceStore(core.engine).add(NewSource(url, "feed", "test", follower=follower), core.clock())


@pytest.fixture
def following(core: App) -> Iterator[Callable[[str, ChannelKey], None]]:
    """`follow`, undone after the test so later tests poll nothing of it."""
    added: list[tuple[str, ChannelKey]] = []

    def add(url: str, follower: ChannelKey) -> None:
        follow(core, url, follower)
        added.append((url, follower))

    yield add
    store = SourceStore(core.engine)
    for url, follower in added:
        store.remove(url, follower)


async def eventually(condition: Callable[[], object], task: asyncio.Task[None]) -> None:
    """Wait until `condition()` holds; fail at once with serve's error if serve ended."""
    deadline = time.monotonic() + 10
    while not condition():
        if task.done():
            task.result()
            raise AssertionError("serve returned before the test saw what it waited for")
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def stop_within(stop: asyncio.Event, task: asyncio.Task[None], seconds: float) -> float:
    """Set `stop` and wait for serve to return; the seconds it took."""
    started = time.monotonic()
    stop.set()
    await asyncio.wait_for(task, seconds)
    return time.monotonic() - started


def other_tasks() -> set[str]:
    """The names (and coroutines) of the tasks still running besides the current one."""
    current = asyncio.current_task()
    return {
        f"{task.get_name()}: {task.get_coro()!r}"
        for task in asyncio.all_tasks()
        if task is not current and not task.done()
    }


def logged(caplog: pytest.LogCaptureFixture, start: str) -> bool:
    """Whether a log message starting with `start` was recorded."""
    return any(record.getMessage().startswith(start) for record in caplog.records)


def serve_log(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The messages `bot.serve` and its polling logged, in order."""
    names = ("bot.serve", "bot.serve_polling")
    return [record.getMessage() for record in caplog.records if record.name in names]


def slack_alerts(slack: SlackFake, channel: str) -> list[dict[str, Any]]:
    """The messages posted to a Slack channel with chat.postMessage."""
    return [post for post in slack.posted if post["channel"] == channel]


def followups_of(fake: DiscordFake, interaction: dict[str, Any]) -> list[Any]:
    """The follow-up messages answering one interaction."""
    return [call for call in fake.followups() if call.path.endswith("/" + interaction["token"])]


# -- serve -------------------------------------------------------------------------------------


def test_one_core_answers_both_platforms_and_alerts_each_follower_once(
    core: App,
    failing_feeds: LoopbackServer,
    following: Callable[[str, ChannelKey], None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Slack over Socket Mode and Discord over the gateway are answered by the one core; a source
    failing THRESHOLD times alerts its Slack or Discord channel exactly once; `stop` ends serve
    within 2 s with no task left running."""
    caplog.set_level(logging.INFO, logger="bot")
    slack_feed, discord_feed = "/slack-feed.xml", "/discord-feed.xml"
    following(failing_feeds.url(slack_feed), ChannelKey("slack", "C0ALERTS"))
    following(failing_feeds.url(discord_feed), ChannelKey("discord", str(ALERT_CHANNEL)))
    interaction = slash("ask", {"question": QUESTION})

    def polled_past_the_threshold() -> bool:
        # Two rounds after the alerting one: a second alert would have been posted by now.
        return min(failing_feeds.hits(slack_feed), failing_feeds.hits(discord_feed)) >= (
            THRESHOLD + 2
        )

    async def scenario(discord: ChannelsDiscordFake) -> None:
        async with SlackFake() as slack:
            environ = {
                "SLACK_BOT_TOKEN": slack.bot_token,
                "SLACK_APP_TOKEN": slack.app_token,
                "DISCORD_TOKEN": DISCORD_TOKEN,
            }
            stop = asyncio.Event()
            task = asyncio.create_task(
                serve(core, environ, poll_every=POLL_EVERY, stop=stop, slack_base_url=slack.api_url)
            )
            # discord.py says it is ready 2 s after READY (guild_ready_timeout, no guilds here).
            await eventually(
                lambda: slack.connections and logged(caplog, "Discord: connected"), task
            )
            command = slash_command_fields(f"ask {QUESTION}", response_url=slack.response_url("s"))
            await slack.send_envelope("slash_commands", command)
            await discord.dispatch(interaction)
            await eventually(
                lambda: slack.responses("s") and followups_of(discord, interaction), task
            )
            await eventually(polled_past_the_threshold, task)
            assert await stop_within(stop, task, 3) < 2
            assert other_tasks() == set()
            assert slack.connections == 0

            assert ANSWER in json.dumps(slack.responses("s"))
            assert ANSWER in json.dumps([call.body for call in followups_of(discord, interaction)])
            [alert] = slack_alerts(slack, "C0ALERTS")
            assert "failed 2 times in a row" in alert["text"]
            assert failing_feeds.url(slack_feed) in alert["text"]
            assert alert["unfurl_links"] in (False, "0", "false")
            [posted] = discord.channel_posts(ALERT_CHANNEL)
            assert posted["allowed_mentions"] == {"parse": []}
            assert failing_feeds.url(discord_feed) in json.dumps(posted)

    discord = ChannelsDiscordFake()
    with discord, discord.pointed_at():
        asyncio.run(scenario(discord))


@pytest.mark.parametrize(
    ("variable", "wrong", "sentence"),
    [
        ("SLACK_BOT_TOKEN", "xoxb-revoked-token", "Slack refused SLACK_BOT_TOKEN (invalid_auth)"),
        ("SLACK_APP_TOKEN", "xapp-revoked-token", "Slack refused SLACK_APP_TOKEN (invalid_auth)"),
    ],
    ids=["bot-token", "app-token"],
)
def test_a_refused_slack_token_stops_serve_with_one_sentence(
    core: App, variable: str, wrong: str, sentence: str
) -> None:
    """A token Slack refuses stops serve before anything runs, naming the variable, not the
    value; Slack is never connected."""

    async def scenario() -> None:
        async with SlackFake() as slack:
            environ = {"SLACK_BOT_TOKEN": slack.bot_token, "SLACK_APP_TOKEN": slack.app_token}
            environ[variable] = wrong
            with pytest.raises(ConfigError) as refused:
                await asyncio.wait_for(serve(core, environ, slack_base_url=slack.api_url), 5)
            text = str(refused.value)
            assert sentence in text
            assert wrong not in text
            assert text.endswith(".")
            assert "\n" not in text
            assert slack.connections == 0

    asyncio.run(scenario())


def test_a_refused_discord_token_stops_serve_with_one_sentence(core: App) -> None:
    """Discord answering 401 at login stops serve with the Discord sentence."""

    async def scenario() -> None:
        with pytest.raises(ConfigError, match="Discord refused the token in DISCORD_TOKEN"):
            await asyncio.wait_for(serve(core, {"DISCORD_TOKEN": DISCORD_TOKEN}), 5)

    with ChannelsDiscordFake(reject_token=True) as discord, discord.pointed_at():
        asyncio.run(scenario())
        assert discord.identifies == []


def test_without_tokens_it_polls_only_and_logs_what_it_cannot_deliver(
    core: App,
    failing_feeds: LoopbackServer,
    following: Callable[[str, ChannelKey], None],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With no token set serve says it polls only; an alert for a Slack channel is logged as not
    delivered (Slack is not running) and polling goes on; an alert for the console is printed."""
    caplog.set_level(logging.INFO, logger="bot")
    following(failing_feeds.url("/slack.xml"), ChannelKey("slack", "C0NOSLACK"))
    following(failing_feeds.url("/console.xml"), ChannelKey("console", "console"))

    async def scenario() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(serve(core, {}, poll_every=POLL_EVERY, stop=stop))
        await eventually(lambda: failing_feeds.hits("/slack.xml") >= THRESHOLD + 2, task)
        await stop_within(stop, task, 3)

    asyncio.run(scenario())
    lines = serve_log(caplog)
    assert lines[0] == (
        "newsbot serve: no SLACK_BOT_TOKEN or DISCORD_TOKEN set, so feed polling every 0.02 s only"
    )
    [undelivered] = [line for line in lines if line.startswith("source alert not delivered")]
    assert "slack channel C0NOSLACK: slack is not running here" in undelivered
    assert any(line.startswith("feed polling: polled") for line in lines)
    assert lines[-1] == "newsbot serve: stopped"
    printed = capsys.readouterr().out
    assert printed.count("A source keeps failing") == 1
    assert failing_feeds.url("/console.xml") in printed


def rename_table(core: App, old: str, new: str) -> None:
    """Rename a table of the core's store (to make the store fail for a while, for real)."""
    with core.engine.begin() as connection:
        connection.exec_driver_sql(f"ALTER TABLE {old} RENAME TO {new}")


def test_a_failed_polling_round_is_logged_and_the_next_round_runs(
    core: App,
    failing_feeds: LoopbackServer,
    following: Callable[[str, ChannelKey], None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """While the store cannot be read, each round logs one warning with the store's sentence;
    once it can again, polling goes on without a restart."""
    caplog.set_level(logging.INFO, logger="bot")
    following(failing_feeds.url("/flaky.xml"), ChannelKey("slack", "C0FLAKY"))

    async def scenario() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(serve(core, {}, poll_every=POLL_EVERY, stop=stop))
        await eventually(lambda: failing_feeds.hits("/flaky.xml") >= 1, task)
        rename_table(core, "sources", "sources_away")
        try:
            await eventually(lambda: logged(caplog, "feed polling failed"), task)
        finally:
            rename_table(core, "sources_away", "sources")
        before = failing_feeds.hits("/flaky.xml")
        await eventually(lambda: failing_feeds.hits("/flaky.xml") > before, task)
        await stop_within(stop, task, 3)

    asyncio.run(scenario())
    failure = next(line for line in serve_log(caplog) if line.startswith("feed polling failed"))
    assert "the store cannot" in failure
    assert failure.endswith(f"; trying again in {POLL_EVERY:g} s")


def test_cancelling_serve_still_finishes_the_poll_and_closes(
    core: App, caplog: pytest.LogCaptureFixture
) -> None:
    """Cancelling the serve task unwinds like `stop`: it logs stopping, then stopped, and leaves
    no task behind; the cancellation propagates."""
    caplog.set_level(logging.INFO, logger="bot")

    async def scenario() -> None:
        task = asyncio.create_task(serve(core, {}, poll_every=POLL_EVERY))
        await eventually(lambda: logged(caplog, "newsbot serve: no SLACK"), task)
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, 3)
        assert other_tasks() == set()

    asyncio.run(scenario())
    assert serve_log(caplog)[-2:] == [
        "newsbot serve: stopping (finishing the current poll)",
        "newsbot serve: stopped",
    ]


def test_serve_posts_an_owed_digest_once_across_a_restart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """A console channel's digest fell due half an hour ago (the schedule was set two days
    earlier): serve posts it at start-up, on the real clock, next to feed polling; a second
    serve on the same store posts nothing more, and the ledger row says posted."""
    caplog.set_level(logging.INFO, logger="bot")
    config = load_config(None, {"HOME": str(tmp_path)})
    target = ChannelKey("console", "morning")
    with open_app(config, store_url=f"sqlite:///{tmp_path / 'news.db'}") as app:
        for item in discover([str(SEEDS_DIR)]).items:
            assert app.ingestor.ingest(item).error is None
        now = app.clock()
        due = (now - timedelta(minutes=30)).astimezone(UTC)
        when = DigestTime(due.hour, due.minute, "UTC")
        ScheduleStore(app.engine).set(target, when, set_by="U1", now=now - timedelta(days=2))

        def started() -> int:
            return sum("scheduled digests running" in r.getMessage() for r in caplog.records)

        async def one_serve() -> None:
            # Start-up returns once the owed digests are out; the first loads the embedder.
            before = started()
            stop = asyncio.Event()
            task = asyncio.create_task(serve(app, {}, poll_every=POLL_EVERY, stop=stop))
            deadline = time.monotonic() + 120
            while started() == before:
                assert not task.done()
                assert time.monotonic() < deadline
                await asyncio.sleep(0.05)
            await stop_within(stop, task, 3)

        asyncio.run(one_serve())
        first = capsys.readouterr().out
        asyncio.run(one_serve())
        second = capsys.readouterr().out
        slot = when.latest(app.clock())
        entry = DeliveryLedger(app.engine).entry(LedgerKey.digest(target, slot.period))
    assert first.count("to morning:") == 1
    assert "Xiaomi" in first
    assert "to morning:" not in second
    assert entry is not None
    assert (entry.state, entry.messages) == ("posted", 1)


def test_serve_loads_the_lookups_article_vectors_in_the_background(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """At start-up serve loads what the first lookup would wait for (the article vectors, the
    models) beside connecting, logs when lookups are ready, and stops cleanly after."""
    caplog.set_level(logging.INFO, logger="bot")
    config = load_config(None, {"HOME": str(tmp_path)})
    with open_app(config, store_url=f"sqlite:///{tmp_path / 'news.db'}") as app:
        for item in discover([str(SEEDS_DIR)]).items:
            assert app.ingestor.ingest(item).error is None
        assert len(app.articles) == 0  # nothing has looked anything up yet

        async def scenario() -> None:
            stop = asyncio.Event()
            task = asyncio.create_task(serve(app, {}, poll_every=POLL_EVERY, stop=stop))
            await eventually(lambda: logged(caplog, "newsbot serve: lookups ready"), task)
            await stop_within(stop, task, 3)
            assert other_tasks() == set()

        asyncio.run(scenario())
        assert len(app.articles) == len(app.store.articles_since(None)) == 5


# -- pieces ------------------------------------------------------------------------------------


def test_running_platforms_follow_the_tokens_that_are_set() -> None:
    """Slack runs with SLACK_BOT_TOKEN, Discord with DISCORD_TOKEN; blank values do not count."""
    assert running_platforms({}) == ()
    assert running_platforms({"SLACK_BOT_TOKEN": "  ", "DISCORD_TOKEN": "t"}) == ("discord",)
    both = running_platforms({"SLACK_BOT_TOKEN": "xoxb-1", "DISCORD_TOKEN": "t"})
    assert both == ("slack", "discord")
    assert start_line(both, 60) == "newsbot serve: Slack and Discord, and feed polling every 60 s"


def test_a_closed_gate_refuses_commands_with_one_sentence() -> None:
    """After `close`, every command gets the ephemeral shutting-down sentence."""
    gate = CommandGate(lambda invocation: Message((Text("answer"),), "answer"))
    invocation = Invocation("help", "", "U1", "C1", is_admin=False)
    assert gate(invocation).fallback == "answer"
    gate.close()
    refusal = gate(invocation)
    assert (refusal.fallback, refusal.ephemeral, refusal.error) == (STOPPING, True, True)


def test_deliveries_refuse_a_platform_that_is_not_running() -> None:
    """Delivering to a platform without a deliverer is one DeliveryError sentence."""
    deliveries = Deliveries({"console": ConsoleDeliverer(Console(file=StringIO()))})
    with pytest.raises(DeliveryError, match="discord is not running here"):
        asyncio.run(deliveries.deliver(ChannelKey("discord", "1"), Message((), "x")))


def test_the_console_deliverer_prints_untrusted_text_as_written() -> None:
    """The console shows the channel and the message; markup and mentions print literally."""
    out = StringIO()
    deliveries = Deliveries({"console": ConsoleDeliverer(Console(file=out, width=120))})
    text = f"[bold]{PINGS}[/bold]"
    count = asyncio.run(
        deliveries.deliver(ChannelKey("console", "team"), Message((Text(text),), text))
    )
    assert count == 1
    assert "to team:" in out.getvalue()
    assert text in out.getvalue()


def test_the_slack_deliverer_threads_a_long_message_and_keeps_mentions_inert() -> None:
    """A message too big for one Slack post goes out as a post and replies in its thread; no
    mention syntax reaches Slack unescaped."""
    points = (f"{PINGS} Xiaomi plans to sell electric cars in Europe from 2027. " * 4,) * 2
    items = tuple(Item(f"Story {n}", points=points) for n in range(80))
    big = Message((Title("Alerts"), *items), "Alerts")

    async def scenario() -> None:
        async with SlackFake() as slack:
            deliverer = SlackDeliverer(slack_web_client(slack.bot_token, base_url=slack.api_url))
            count = await deliverer.deliver("C0TEAM", big)
            assert count == len(slack.posted) > 1
            first = slack.posted[0]["ts"]
            assert all(post.get("thread_ts") == first for post in slack.posted[1:])
            shown = json.dumps(slack.posted)
            assert "<!channel>" not in shown
            assert "<@U123>" not in shown

    asyncio.run(scenario())


def test_a_refused_slack_post_is_one_sentence_without_the_token() -> None:
    """Slack refusing the token becomes a DeliveryError naming the channel and what to check."""

    async def scenario() -> None:
        async with SlackFake() as slack:
            client = slack_web_client("xoxb-not-this-one", base_url=slack.api_url)
            with pytest.raises(DeliveryError) as refused:
                await SlackDeliverer(client).deliver("C0TEAM", Message((Text("hi"),), "hi"))
            text = str(refused.value)
            assert text == (
                "Slack refused a message for channel C0TEAM (invalid_auth); check SLACK_BOT_TOKEN."
            )

    asyncio.run(scenario())


# -- the command line --------------------------------------------------------------------------


def serve_cli() -> typer.Typer:
    """`newsbot` with its global options and only the serve command."""
    app = typer.Typer(pretty_exceptions_enable=False)
    app.callback()(cli._global_options)
    cli_serve.register(app)
    return app


def test_newsbot_serve_with_a_malformed_token_fails_in_one_sentence_and_logs_json(
    isolated: Path, tmp_path: Path
) -> None:
    """`newsbot serve --log-json` logs its start as one JSON object, then a token that is not a
    bot token ends it with exit code 1 and one sentence that does not echo the value."""
    env = {"SLACK_BOT_TOKEN": "secret-value-123", "SLACK_APP_TOKEN": "xapp-1", "COLUMNS": "200"}
    result = CliRunner().invoke(
        serve_cli(), ["--db", str(tmp_path / "news.db"), "serve", "--log-json"], env=env
    )
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    start = json.loads(lines[0])
    assert set(start) == {"time", "level", "logger", "message"}
    assert (start["level"], start["logger"]) == ("INFO", "bot.serve")
    assert start["message"].startswith("newsbot serve: Slack, and feed polling")
    assert re.fullmatch(r"error: SLACK_BOT_TOKEN does not start with 'xoxb-'; [^.]*\.", lines[-1])
    assert "secret-value-123" not in result.stderr + result.stdout


def test_newsbot_serve_help_says_what_runs_when() -> None:
    """--help names each token variable and says that without them only polling runs."""
    result = CliRunner().invoke(serve_cli(), ["serve", "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    for needle in ("SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN", "--poll-every"):
        assert needle in result.stdout
    assert "feed polling only" in result.stdout
