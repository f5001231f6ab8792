"""Chat round trips and digest rendering: how fast `/news` is acknowledged and answered.

Round trips: the seed articles go into a temporary SQLite store through the real ingest path, and
the real `CommandRouter` answers. Each transport runs the real adapter against the loopback fake
of its platform (tests/fakes), which speaks the real protocol:

    slack http    signed slash-command POSTs to the bolt app served over HTTP (`serving_http`);
                  ack = request sent -> HTTP 200 received
    slack socket  `slash_commands` envelopes over the fake's Socket Mode WebSocket;
                  ack = envelope sent -> ack frame received
    discord       INTERACTION_CREATE dispatches through the fake gateway to discord.py;
                  ack = dispatch -> interaction callback type 5 (defer) received

and reply = sent -> every part of the reply received (Slack: at the response_url sink, seen by
the benchmark's waiter in the same event loop; Discord: the follow-ups' arrival at the fake).
Each transport first answers commands one at a time (the baseline), then 50 sent at once: a mix
of `ask`, `search`, `facts` and `digest`. Questions and search words are drawn without
repetition, so the embedder's cache of recent texts helps no more than in real use; the dozen
`facts` names and four digest periods repeat, so they are run once before timing. The transports
take turns for several rounds (3 by default), so a busy moment of the machine does not fall on one
transport only; latencies are over every round, wall times the median and max of the rounds.

The router runs one command at a time behind a lock, so under load the reply latency grows with
the queue; the ratio of the p50 at once to the p50 one at a time shows by how much. Everything
(fakes, adapters, core) shares this 2-core machine, as a single-process bot would; the 1-minute
load average before and after is printed, since other work on the machine shows in the figures.
A Slack Socket Mode reply can arrive before its ack frame: bolt checks for the ack every 10 ms.

Rendering: a synthetic digest of 200 long stories (four key points, three sources each, text full
of mention and markup attempts) goes through `bot.chat_views.digest_message`, then
`render_slack` and `render_discord`; reported are the messages each produces, the median time of
several renders, the payloads breaking a platform limit (the checkers of
tests/fakes/webhook_fake.py) and the payloads with live mention syntax. Both must be 0.

Targets (issue 5): every ack or defer within 3 s (Slack and Discord drop slower ones); every
reply arrives; every rendered payload within the platform limits.

    .venv/bin/python -m bench.chat [--commands 50] [--single 12] [--rounds 3] [--stories 200]
        [--renders 7]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import re
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any, Final, TypeVar
from urllib.parse import urlencode

import numpy as np
from aiohttp import ClientSession

from bench._common import REPO, print_table, write_results
from bot.app import App, open_app
from bot.chat import Invocation, Message
from bot.chat_views import digest_message
from bot.commands import CommandRouter, split_command
from bot.config import load_config
from bot.config_chat import SlackConfig
from bot.discovery import discover
from bot.models import Digest, Period, Story, StorySource
from bot.platforms.discord_bot import run_discord
from bot.platforms.slack_app import build_slack_app, serving_http, socket_mode_connected
from bot.platforms.slack_reply import RESPONSE_URL_USES
from bot.render_discord import render_discord
from bot.render_slack import render_slack
from tests.fakes.discord_fake import DiscordFake, RecordedCall, slash
from tests.fakes.slack_fake import SlackFake, signed_headers, slash_command_fields
from tests.fakes.webhook_fake import HOSTILE, discord_limit_problems, slack_limit_problems

SEED: Final = 20260505
ACK_TARGET_SECONDS: Final = 3.0
REPLY_TIMEOUT: Final = 60.0
SIGNING_SECRET: Final = "bench-signing-secret"
DISCORD_TOKEN: Final = "bench-bot-token"
DISCORD_USER_BASE: Final = 1500000000000000000
SEEDS: Final = REPO / "seeds"
KINDS: Final = ("ask", "search", "facts", "digest")
OPTION_OF: Final = {"ask": "question", "search": "terms", "facts": "entity", "digest": "period"}
ENTITIES: Final = (
    "Xiaomi",
    "Rudolf Dittrich",
    "BMW",
    "Tesla",
    "Munich",
    "Germany",
    "Europe",
    "China",
    "Porsche",
    "Beijing",
    "Xiaomi Automobile",
    "Xiaomi Auto",
    "Lei Jun",
    "Spain",
)
QUESTIONS: Final = (
    "Who leads {}?",
    "Where does {} build its cars?",
    "When will {} sell cars in Europe?",
    "How much does {} invest?",
    "What did {} announce?",
    "Who works for {}?",
    "What does {} plan in Europe?",
    "Where is the research centre of {}?",
    "How many cars did {} deliver?",
    "Which executives joined {}?",
    "What is the price of the car from {}?",
    "When did {} launch its first car?",
)
SEARCH_WORDS: Final = (
    "SU7 price Europe Munich factory sedan Tesla BMW deliveries research centre electric "
    "market executives sales SUV stores China"
).split()
PERIODS: Final = ("today", "24h", "7d", "all")
# Live mention syntax left after rendering: Slack's <!channel>, <@U…>, <#C…>; Discord's
# @everyone/@here and <@id>, <@!id>, <@&id>, <#id>.
SLACK_LIVE: Final = re.compile(r"<[!@#]")
DISCORD_LIVE: Final = re.compile(r"@(everyone|here)|<(@[!&]?|#)\d")
T = TypeVar("T")


# -- commands ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Command:
    """One `/news` subcommand and its argument, as typed on Slack or given as a Discord option."""

    name: str
    argument: str = ""

    @property
    def text(self) -> str:
        """The slash command text (Slack, console)."""
        return f"{self.name} {self.argument}".strip()

    def options(self) -> dict[str, str | bool]:
        """The Discord options of the subcommand."""
        return {OPTION_OF[self.name]: self.argument} if self.argument else {}


class CommandPool:
    """Commands in the order ask, search, facts, digest; each kind's texts drawn in a shuffled
    order, so questions and search words do not repeat until their pool is used up."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        pools = {
            "ask": [q.format(e) for q in QUESTIONS for e in ENTITIES],
            "search": [" ".join(p) for p in itertools.combinations(SEARCH_WORDS, 2)],
            "facts": list(ENTITIES),
            "digest": list(PERIODS),
        }
        for texts in pools.values():
            rng.shuffle(texts)
        self._texts = {kind: itertools.cycle(texts) for kind, texts in pools.items()}
        self._kinds = itertools.cycle(KINDS)

    def take(self, count: int) -> list[Command]:
        """The next `count` commands."""
        return [self._next() for _ in range(count)]

    def _next(self) -> Command:
        kind = next(self._kinds)
        return Command(kind, next(self._texts[kind]))


class Replies:
    """The handler given to the adapters: the real router, keeping each reply by user id, so the
    benchmark knows how many parts the platform should receive. Every command is sent by a new
    user (`new_user`), so its reply is told apart from all others of the run."""

    def __init__(self, handle: Callable[[Invocation], Message]) -> None:
        self._handle = handle
        self._messages: dict[str, Message] = {}
        self._users = itertools.count(1)

    def new_user(self) -> int:
        """A user number no command of this run has used."""
        return next(self._users)

    def __call__(self, invocation: Invocation) -> Message:
        message = self._handle(invocation)
        self._messages[invocation.user_id] = message
        return message

    def failed(self, user_ids: Sequence[str]) -> int:
        """How many of these users got an error reply (a refusal or a failure sentence)."""
        return sum(m.error for u in user_ids if (m := self._messages.get(u)) is not None)

    def slack_parts(self, user_id: str) -> int | None:
        """How many response_url posts the reply to `user_id` makes (None: not answered yet)."""
        message = self._messages.get(user_id)
        return None if message is None else min(len(render_slack(message)), RESPONSE_URL_USES)

    def first_text(self, user_id: str, platform: str) -> str | None:
        """The fallback text (Slack) or content (Discord) the first part of the reply must carry."""
        message = self._messages.get(user_id)
        if message is None:
            return None
        if platform == "slack":
            return render_slack(message)[0]["text"]
        return render_discord(message)[0]["content"]

    def discord_parts(self, user_id: str) -> int | None:
        """How many follow-ups the reply to `user_id` makes (None: not answered yet)."""
        message = self._messages.get(user_id)
        return None if message is None else len(render_discord(message))


# -- measurements ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Trip:
    """One command: who sent it, seconds to its ack (or defer) and to its complete reply (None
    if it never came), and whether what arrived differs from the router's reply."""

    user: str
    ack: float | None
    reply: float | None
    mismatched: bool = False  # a reply arrived, but not the one the router gave


SendTrip = Callable[[Command, str], Awaitable[Trip]]


@dataclass(frozen=True, slots=True)
class Batch:
    """The trips of a batch of commands and its wall time (first sent to last answered)."""

    trips: list[Trip]
    wall: float


@dataclass(frozen=True, slots=True)
class TransportRun:
    """One transport: commands one at a time, then a batch sent at once."""

    single: Batch
    concurrent: Batch


def millis(values: Sequence[float | None]) -> dict[str, float | None]:
    """p50, p95 and max in milliseconds of the values present."""
    present = np.array([v * 1000 for v in values if v is not None])
    if not present.size:
        return {"p50": None, "p95": None, "max": None}
    return {
        "p50": round(float(np.percentile(present, 50)), 1),
        "p95": round(float(np.percentile(present, 95)), 1),
        "max": round(float(present.max()), 1),
    }


async def timed_batch(trips: Sequence[Callable[[], Awaitable[Trip]]], concurrent: bool) -> Batch:
    """Run the trip coroutines at once or one after the other; their trips and the wall time."""
    started = time.monotonic()
    if concurrent:
        done = await asyncio.gather(*(trip() for trip in trips))
    else:
        done = [await trip() for trip in trips]
    return Batch(list(done), time.monotonic() - started)


# -- Slack -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SlackSide:
    """The fake Slack and the recording handler: what a Slack trip reads its times from."""

    slack: SlackFake
    replies: Replies

    def fields(self, command: Command, user: str) -> dict[str, str]:
        """A `/news` slash command from `user`, answered at the response_url named after them."""
        url = self.slack.response_url(user)
        return slash_command_fields(command.text, response_url=url, user_id=user)

    async def reply_at(self, user: str) -> float | None:
        """When every part of the reply to `user` had reached the response_url (None: never)."""

        def complete() -> bool:
            parts = self.replies.slack_parts(user)
            return parts is not None and len(self.slack.responses(user)) >= parts

        try:
            await self.slack.wait_until(complete, REPLY_TIMEOUT)
        except TimeoutError:
            return None
        return time.monotonic()

    def mismatched(self, user: str) -> bool:
        """Whether the first part at the response_url is not the router's reply to `user`."""
        received = self.slack.responses(user)
        expected = self.replies.first_text(user, "slack")
        return bool(received) and received[0].get("text") != expected

    async def ack_at(self, envelope: str) -> float | None:
        """When the app's ack frame of `envelope` arrived (None: never)."""

        def ack() -> float | None:
            return next((a.at for a in self.slack.acks if a.envelope_id == envelope), None)

        try:
            await self.slack.wait_until(lambda: ack() is not None, REPLY_TIMEOUT)
        except TimeoutError:
            return None
        return ack()


@dataclass(frozen=True, slots=True)
class HttpSender:
    """Signed slash commands POSTed to the bolt app served over HTTP."""

    side: SlackSide
    session: ClientSession
    url: str

    async def trip(self, command: Command, user: str) -> Trip:
        """POST one command; the ack is its HTTP 200."""
        body = urlencode(self.side.fields(command, user))
        headers = signed_headers(SIGNING_SECRET, body)
        started = time.monotonic()
        async with self.session.post(self.url, data=body, headers=headers) as response:
            await response.read()
            acked = time.monotonic() if response.status == 200 else None
        answered = await self.side.reply_at(user)
        wrong = self.side.mismatched(user)
        return Trip(user, _since(started, acked), _since(started, answered), wrong)


@dataclass(frozen=True, slots=True)
class SocketSender:
    """`slash_commands` envelopes sent over the fake's Socket Mode WebSocket."""

    side: SlackSide

    async def trip(self, command: Command, user: str) -> Trip:
        """Send one envelope; the ack is the frame bolt sends back."""
        slack = self.side.slack
        envelope = await slack.send_envelope("slash_commands", self.side.fields(command, user))
        sent = slack.envelope_sent_at(envelope)
        answered = await self.side.reply_at(user)
        acked = await self.side.ack_at(envelope)
        wrong = self.side.mismatched(user)
        return Trip(user, _since(sent, acked), _since(sent, answered), wrong)


async def slack_batches(
    send: SendTrip, replies: Replies, singles: list[Command], batch: list[Command]
) -> TransportRun:
    """A warm-up `help`, the singles one at a time, then the batch at once."""

    def trips(commands: list[Command]) -> list[Callable[[], Awaitable[Trip]]]:
        return [partial(send, command, f"U{replies.new_user():05d}") for command in commands]

    await timed_batch(trips([Command("help")]), concurrent=False)
    single = await timed_batch(trips(singles), concurrent=False)
    concurrent = await timed_batch(trips(batch), concurrent=True)
    return TransportRun(single, concurrent)


async def slack_http_run(
    replies: Replies, singles: list[Command], batch: list[Command]
) -> TransportRun:
    """The commands through the bolt app served over HTTP on loopback."""
    async with SlackFake() as slack, ClientSession() as session:
        app = build_slack_app(
            replies,
            SlackConfig(mode="http"),
            bot_token=slack.bot_token,
            signing_secret=SIGNING_SECRET,
            base_url=slack.api_url,
        )
        async with serving_http(app, 0, host="127.0.0.1") as port:
            url = f"http://127.0.0.1:{port}/slack/commands"
            sender = HttpSender(SlackSide(slack, replies), session, url)
            return await slack_batches(sender.trip, replies, singles, batch)


async def slack_socket_run(
    replies: Replies, singles: list[Command], batch: list[Command]
) -> TransportRun:
    """The commands as envelopes to the bolt app connected over Socket Mode."""
    async with SlackFake() as slack:
        app = build_slack_app(
            replies, SlackConfig(), bot_token=slack.bot_token, base_url=slack.api_url
        )
        async with socket_mode_connected(app, slack.app_token, base_url=slack.api_url):
            sender = SocketSender(SlackSide(slack, replies))
            return await slack_batches(sender.trip, replies, singles, batch)


# -- Discord -----------------------------------------------------------------------------------


@dataclass
class DiscordBatch:
    """Interactions dispatched to the bot, with when each was sent."""

    fake: DiscordFake
    replies: Replies
    sent: dict[str, float] = field(default_factory=dict)  # interaction token -> monotonic
    users: dict[str, str] = field(default_factory=dict)  # interaction token -> user id
    ids: dict[str, str] = field(default_factory=dict)  # interaction token -> interaction id

    async def dispatch(self, command: Command) -> None:
        """Send one `/news` INTERACTION_CREATE from a new user."""
        user = DISCORD_USER_BASE + self.replies.new_user()
        interaction = slash(command.name, command.options(), user_id=user)
        token = str(interaction["token"])
        self.users[token] = str(user)
        self.ids[token] = str(interaction["id"])
        self.sent[token] = await self.fake.dispatch(interaction)

    def followups(self) -> dict[str, list[RecordedCall]]:
        """The accepted follow-ups of this batch, by interaction token."""
        found: dict[str, list[RecordedCall]] = {token: [] for token in self.sent}
        for call in self.fake.followups():
            token = call.path.rsplit("/", 1)[-1]
            if token in found:
                found[token].append(call)
        return found

    def complete(self) -> bool:
        """Whether every interaction has all the follow-ups its reply makes."""
        followups = self.followups()
        for token, user in self.users.items():
            parts = self.replies.discord_parts(user)
            if parts is None or len(followups[token]) < parts:
                return False
        return True

    def trips(self) -> list[Trip]:
        """Defer and complete-reply latency of every interaction."""
        defers = self._defers()
        followups = self.followups()
        trips = []
        for token, sent in self.sent.items():
            user = self.users[token]
            parts = self.replies.discord_parts(user)
            calls = followups[token]
            reply = calls[parts - 1].at if parts and len(calls) >= parts else None
            defer = _since(sent, defers.get(self.ids[token]))
            expected = self.replies.first_text(user, "discord") or ""
            wrong = bool(calls) and self._content(calls[0]) != expected
            trips.append(Trip(user, defer, _since(sent, reply), wrong))
        return trips

    @staticmethod
    def _content(call: RecordedCall) -> object:
        return (call.body or {}).get("content") or ""

    def _defers(self) -> dict[str, float]:
        """When the first type 5 callback of each interaction id arrived."""
        found: dict[str, float] = {}
        for call in self.fake.callbacks():
            interaction_id = call.path.split("/")[2]
            if (call.body or {}).get("type") == 5:
                found.setdefault(interaction_id, call.at)
        return found


async def discord_batch(
    fake: DiscordFake, replies: Replies, commands: list[Command], concurrent: bool
) -> Batch:
    """Dispatch `commands` (all at once, or each after the previous reply) and time them."""
    started = time.monotonic()
    batches = []
    for group in [commands] if concurrent else [[command] for command in commands]:
        batch = DiscordBatch(fake, replies)
        for command in group:
            await batch.dispatch(command)
        with contextlib.suppress(TimeoutError):
            await fake.wait_until(batch.complete, REPLY_TIMEOUT)
        batches.append(batch)
    wall = time.monotonic() - started
    return Batch([trip for batch in batches for trip in batch.trips()], wall)


async def discord_run(
    fake: DiscordFake, replies: Replies, singles: list[Command], batch: list[Command]
) -> TransportRun:
    """Singles then a concurrent batch of interactions through discord.py and the gateway."""
    task = asyncio.create_task(run_discord(replies, DISCORD_TOKEN))
    try:
        await fake.wait_until(lambda: bool(fake.identifies) or task.done())
        if task.done():
            task.result()
        await discord_batch(fake, replies, [Command("help")], concurrent=False)
        single = await discord_batch(fake, replies, singles, concurrent=False)
        concurrent = await discord_batch(fake, replies, batch, concurrent=True)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    return TransportRun(single, concurrent)


def run_discord_transport(
    replies: Replies, singles: list[Command], batch: list[Command]
) -> TransportRun:
    """The Discord transport against a fresh fake Discord."""
    with DiscordFake() as fake, fake.pointed_at():
        return asyncio.run(discord_run(fake, replies, singles, batch))


# -- the core ----------------------------------------------------------------------------------


@contextlib.contextmanager
def seeded_core() -> Iterator[tuple[App, dict[str, float]]]:
    """A real core over a temporary SQLite store holding the seed articles."""
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as folder:
        config = load_config(None, {"HOME": folder})
        with open_app(config, store_url=f"sqlite:///{folder}/news.db") as core:
            started = time.perf_counter()
            outcomes = [core.ingestor.ingest(item) for item in discover([str(SEEDS)]).items]
            failed = [o for o in outcomes if o.error is not None]
            if failed:
                raise SystemExit(f"ingesting the seeds failed: {failed[0].error}")
            ingest = time.perf_counter() - started
            yield core, {"articles": len(outcomes), "ingest_seconds": round(ingest, 2)}


def warm_commands(pool: CommandPool) -> list[Command]:
    """What `warm_up` runs: an ask and a search from the pool, every facts name, every period.

    Facts and digests repeat across the run (a dozen names, four periods), so they are run once
    before timing: every transport then meets them equally warm, whatever its place in the order.
    """
    asked = [command for command in pool.take(len(KINDS)) if command.name in {"ask", "search"}]
    facts = [Command("facts", name) for name in ENTITIES]
    return asked + facts + [Command("digest", period) for period in PERIODS]


def warm_up(router: CommandRouter, commands: list[Command]) -> float:
    """Run `commands` directly on the router, untimed by the table; seconds taken."""
    started = time.perf_counter()
    for command in commands:
        name, argument = split_command(command.text)
        router.handle(Invocation(name, argument, "UWARM", "CWARM", False, "console"))
    return time.perf_counter() - started


# -- rendering ---------------------------------------------------------------------------------


def synthetic_digest(count: int) -> Digest:
    """A digest of `count` long stories whose text tries every mention and markup trick."""
    period = Period("24h", datetime(2026, 5, 4, 9, tzinfo=UTC), "in the last 24 hours")
    return Digest(period, tuple(_synthetic_story(number) for number in range(1, count + 1)))


def _synthetic_story(number: int) -> Story:
    filler = "The harbour authority said the works would start in spring and last two years. " * 3
    points = tuple(
        f"Point {number}.{index}: {filler}{HOSTILE} [click](https://evil.example/{number}) "
        "**bold** _it_ ~strike~ `code` > quote | pipe"
        for index in range(1, 5)
    )
    sources = (
        StorySource(
            f"a{number}",
            "https://news.example/feed",
            f"Gazette <@U9> {number}",
            "en",
            f"https://news.example/{number}?a=1&b=(2)",
        ),
        StorySource(
            f"b{number}",
            "https://krant.example/rss",
            f"Krant @everyone {number}",
            "nl",
            f"https://krant.example/{number}",
        ),
        StorySource(f"c{number}", f"wires/wire-{number}.txt", "Wire <!here>", "und", None),
    )
    headline = f"Story {number:03d}: council & port <agree> on *new* harbour plan {HOSTILE}"
    return Story(headline, points, sources, id=f"a{number}")


def median_seconds(work: Callable[[], T], runs: int) -> tuple[float, T]:
    """The median wall time of `runs` calls of `work` (after one untimed call), and its result."""
    times = []
    result = work()
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return float(np.median(times)), result


def render_figures(stories: int, runs: int) -> dict[str, Any]:
    """Build, render and check the synthetic digest on both platforms."""
    digest = synthetic_digest(stories)
    view_seconds, message = median_seconds(lambda: digest_message(digest), runs)
    slack_seconds, slack = median_seconds(lambda: render_slack(message), runs)
    discord_seconds, discord = median_seconds(lambda: render_discord(message), runs)
    return {
        "stories": stories,
        "renders": runs,
        "view_median_ms": round(view_seconds * 1000, 2),
        "slack": _payload_figures(slack, slack_seconds, slack_limit_problems, SLACK_LIVE),
        "discord": _payload_figures(discord, discord_seconds, discord_limit_problems, DISCORD_LIVE),
    }


def _payload_figures(
    payloads: Sequence[Any],
    seconds: float,
    problems_of: Callable[[Any], list[str]],
    live: re.Pattern[str],
) -> dict[str, Any]:
    problems = [problem for payload in payloads for problem in problems_of(payload)]
    mentions = [p for p in payloads if live.search(json.dumps(p, ensure_ascii=False))]
    return {
        "messages": len(payloads),
        "median_ms": round(seconds * 1000, 2),
        "limit_problems": len(problems),
        "first_problems": problems[:5],
        "payloads_with_live_mentions": len(mentions),
    }


# -- report ------------------------------------------------------------------------------------


def transport_figures(runs: Sequence[TransportRun], replies: Replies) -> dict[str, Any]:
    """Counts, latencies (over every round) and the concurrent/single reply ratio."""
    single = _batch_figures([run.single for run in runs], replies)
    concurrent = _batch_figures([run.concurrent for run in runs], replies)
    single_p50, concurrent_p50 = single["reply_ms"]["p50"], concurrent["reply_ms"]["p50"]
    ratio = concurrent_p50 / single_p50 if single_p50 and concurrent_p50 else None
    batches = [batch for run in runs for batch in (run.single, run.concurrent)]
    acks = [trip.ack for batch in batches for trip in batch.trips if trip.ack is not None]
    return {
        "single": single,
        "concurrent": concurrent,
        "reply_p50_ratio": round(ratio, 1) if ratio else None,
        "ack_max_ms": round(max(acks) * 1000, 1) if acks else None,
        "acks_within_target": sum(ack <= ACK_TARGET_SECONDS for ack in acks),
    }


def _batch_figures(batches: Sequence[Batch], replies: Replies) -> dict[str, Any]:
    trips = [trip for batch in batches for trip in batch.trips]
    walls = [batch.wall for batch in batches]
    return {
        "batches": len(batches),
        "commands_per_batch": len(batches[0].trips),
        "commands": len(trips),
        "error_replies": replies.failed([trip.user for trip in trips]),
        "mismatched_replies": sum(trip.mismatched for trip in trips),
        "acks": sum(trip.ack is not None for trip in trips),
        "replies": sum(trip.reply is not None for trip in trips),
        "wall_seconds_median": round(float(np.median(walls)), 2),
        "wall_seconds_max": round(max(walls), 2),
        "ack_ms": millis([trip.ack for trip in trips]),
        "reply_ms": millis([trip.reply for trip in trips]),
    }


def print_round_trips(transports: dict[str, dict[str, Any]]) -> None:
    """The round-trip table and, per transport, the ack target and the queueing ratio."""
    rows = []
    for name, figures in transports.items():
        for mode in ("single", "concurrent"):
            f = figures[mode]
            size = "1 at a time" if mode == "single" else f"{f['commands_per_batch']} at once"
            label = f"{f['batches']} x {size}"
            walls = f"{f['wall_seconds_median']:.2f} / {f['wall_seconds_max']:.2f}"
            counts = [f"{f['replies']}/{f['commands']}", f["error_replies"]]
            counts += [f["mismatched_replies"], walls]
            rows.append([name, label, *counts, *_cells(f["ack_ms"]), *_cells(f["reply_ms"])])
    headers = ["transport", "sent", "replies", "errors", "mismatched", "wall s med/max"]
    headers += ["ack p50", "ack p95", "ack max", "reply p50", "reply p95", "reply max"]
    print("round trips in ms (ack: HTTP 200 / ack frame / defer; reply: every part received)")
    print_table(headers, rows)
    for name, figures in transports.items():
        print(
            f"{name}: max ack {figures['ack_max_ms']} ms vs {ACK_TARGET_SECONDS:.0f} s target "
            f"({figures['acks_within_target']} within); reply p50 at once / one at a time "
            f"= {figures['reply_p50_ratio']}x"
        )


def _cells(stats: dict[str, float | None]) -> list[str]:
    return ["-" if stats[key] is None else f"{stats[key]:.1f}" for key in ("p50", "p95", "max")]


def print_rendering(figures: dict[str, Any]) -> None:
    """The rendering table."""
    print(f"\ndigest of {figures['stories']} stories (view {figures['view_median_ms']} ms)")
    rows = [
        [
            platform,
            f["messages"],
            f["median_ms"],
            f["limit_problems"],
            f["payloads_with_live_mentions"],
        ]
        for platform, f in ((p, figures[p]) for p in ("slack", "discord"))
    ]
    print_table(
        ["platform", "messages", "render median ms", "limit problems", "live mentions"], rows
    )


# -- main --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How many commands, rounds and renders to run."""

    commands: int = 50
    single: int = 12
    rounds: int = 3
    stories: int = 200
    renders: int = 7


def run(options: RunOptions) -> dict[str, Any]:
    """Measure the three transports on a seeded core, then rendering; print and return."""
    pool = CommandPool(SEED)
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    with seeded_core() as (core, store):
        router = CommandRouter(core)
        warm_seconds = warm_up(router, warm_commands(pool))
        replies = Replies(router.handle)
        runs, mix = round_trips(replies, pool, options)
    transports = {name: transport_figures(r, replies) for name, r in runs.items()}
    load_after = os.getloadavg()[0]
    print(
        f"seeds: {store['articles']} articles ingested in {store['ingest_seconds']} s; warm-up "
        f"{warm_seconds:.2f} s; load average {load_before:.1f} before, {load_after:.1f} after; "
        f"{options.rounds} rounds, each batch {_words(mix)}"
    )
    print_round_trips(transports)
    rendering = render_figures(options.stories, options.renders)
    print_rendering(rendering)
    total = time.perf_counter() - started
    print(f"\nbenchmark took {total:.1f} s")
    return {
        "store": store,
        "warm_up_seconds": round(warm_seconds, 2),
        "cpus": os.cpu_count(),
        "load_average_1min": {"before": round(load_before, 2), "after": round(load_after, 2)},
        "rounds": options.rounds,
        "batch_mix": mix,
        "ack_target_seconds": ACK_TARGET_SECONDS,
        "round_trips": transports,
        "rendering": rendering,
        "total_seconds": round(total, 1),
    }


def round_trips(
    replies: Replies, pool: CommandPool, options: RunOptions
) -> tuple[dict[str, list[TransportRun]], dict[str, int]]:
    """Every transport once per round, in turn (so a busy moment of the machine does not fall on
    one transport only); the runs and the mix of kinds in a batch."""
    runs: dict[str, list[TransportRun]] = {name: [] for name in TRANSPORTS}
    mix: Counter[str] = Counter()
    for _ in range(options.rounds):
        for name, transport in TRANSPORTS.items():
            singles, batch = pool.take(options.single), pool.take(options.commands)
            runs[name].append(transport(replies, singles, batch))
            mix = Counter(command.name for command in batch)
    return runs, dict(mix)


def _words(mix: dict[str, int]) -> str:
    return ", ".join(f"{count} {kind}" for kind, count in mix.items())


TRANSPORTS: Final[dict[str, Callable[[Replies, list[Command], list[Command]], TransportRun]]] = {
    "slack http": lambda *work: asyncio.run(slack_http_run(*work)),
    "slack socket": lambda *work: asyncio.run(slack_socket_run(*work)),
    "discord": run_discord_transport,
}


def _since(start: float, end: float | None) -> float | None:
    return None if end is None else end - start


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commands", type=int, default=50, help="commands sent at once")
    parser.add_argument("--single", type=int, default=12, help="commands sent one at a time")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every transport")
    parser.add_argument("--stories", type=int, default=200, help="stories in the rendered digest")
    parser.add_argument("--renders", type=int, default=7, help="renders timed per platform")
    arguments = parser.parse_args()
    options = RunOptions(
        arguments.commands,
        arguments.single,
        arguments.rounds,
        arguments.stories,
        arguments.renders,
    )
    results = run(options)
    print(f"wrote {write_results('chat', results)}")


if __name__ == "__main__":
    main()
