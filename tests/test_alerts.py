"""Topic alerts on a real SQLite store holding the seeds, the real matcher and a recording post.

Seeds 000 (English) and 001 (Dutch) are one story about Xiaomi's European R&D centre, 002 and
003 one story about Xiaomi selling cars abroad, 004 alone about a factory in Beijing. Each test
uses its own channel, so its subscriptions (and their ledger rows) are its own.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.alerts import AlertOptions, AlertRun, AlertRunner, AlertSent, alert_key
from bot.app import App, open_app
from bot.chat import Invocation, Item, Message, Platform, Text
from bot.clock import utc_now
from bot.commands import CommandRouter, is_ephemeral, needs_admin, split_command
from bot.config import load_config
from bot.config_chat import SlackConfig
from bot.delivery import DeliveryError
from bot.delivery_ledger import DeliveryLedger
from bot.models import SourceText
from bot.serve import serve
from bot.source_store import ChannelKey, NewSource, SourceStore
from bot.subscriptions import Subscription, SubscriptionStore
from bot.vectors import unpack_vectors
from tests.conftest import SEEDS_DIR, MovableClock
from tests.fakes.slack_fake import SlackFake
from tests.feed_samples import feed_route, rss20
from tests.feed_samples import items as feed_items
from tests.loopback_http import LoopbackServer
from tests.test_slack import command, http_slack, post_command, shown_text

EUROPE = "Europe expansion"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
LEASE = timedelta(minutes=10)


@dataclass
class Recorder:
    """The `post` callable of the runner: records what it posts; can be told to refuse."""

    posts: list[tuple[ChannelKey, Message]] = field(default_factory=list)
    refuse: bool = False

    async def __call__(self, target: ChannelKey, message: Message) -> int:
        if self.refuse:
            raise DeliveryError(f"Posting to {target.platform} channel {target.channel} failed.")
        self.posts.append((target, message))
        return 1

    def to(self, channel: str) -> list[Message]:
        return [message for target, message in self.posts if target.channel == channel]


@pytest.fixture(scope="module")
def clock() -> MovableClock:
    return MovableClock(utc_now())


@pytest.fixture(scope="module")
def core(
    tmp_path_factory: pytest.TempPathFactory, clock: MovableClock, module_store_url: str
) -> Iterator[App]:
    """The five seeds, ingested once for the module, on SQLite and on PostgreSQL; feeds may come
    from 127.0.0.1."""
    home: Path = tmp_path_factory.mktemp("alerts")
    config_file = home / "newsbot.toml"
    config_file.write_text(
        '[fetch]\nallow_networks = ["127.0.0.1/32"]\n'
        '[feeds]\nmax_item_age = "off"\nkeep_newest = 5\n'
    )
    config = load_config(config_file, {"HOME": str(home)})
    with open_app(config, clock=clock, store_url=module_store_url) as app:
        for path in sorted(SEEDS_DIR.glob("*.txt")):
            source = SourceText(path.name, path.read_text(encoding="utf-8"))
            assert app.ingestor.ingest_source(source).status == "new"
        yield app


@pytest.fixture(scope="module")
def router(core: App) -> CommandRouter:
    return CommandRouter(core)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def runner(core: App, recorder: Recorder, clock: MovableClock, **options: Any) -> AlertRunner:
    ledger = DeliveryLedger(core.engine, lease=LEASE)
    return AlertRunner(core, recorder, ledger, clock, options=AlertOptions(**options))


def seed(core: App, prefix: str) -> str:
    """The article id of the seed file starting with `prefix`."""
    (article,) = [a for a in core.store.articles_since(None) if a.source.startswith(prefix)]
    return article.id


def story(core: App, prefix: str) -> str:
    found = core.merging.stories.story_of(seed(core, prefix))
    assert found is not None
    return found


def subscribe(
    core: App, channel: str, topic: str = EUROPE, user: str | None = "U1"
) -> Subscription:
    store = SubscriptionStore(core.engine)
    subscription, new = store.add(ChannelKey("console", channel), user, topic, core.clock())
    assert new
    return subscription


def run(alerts: AlertRunner, *ids: str) -> AlertRun:
    return asyncio.run(alerts.run(ids))


def sent_to(result: AlertRun, channel: str) -> list[AlertSent]:
    """The alert messages of a run for one test's channel (every test's subscriptions match)."""
    return [sent for sent in result.sent if sent.target_channel == channel]


def items(message: Message) -> list[Item]:
    return [block for block in message.blocks if isinstance(block, Item)]


def texts(message: Message) -> str:
    return " ".join(b.text for b in message.blocks if isinstance(b, Text))


def ask(
    router: CommandRouter,
    text: str,
    *,
    channel: str,
    user: str = "U1",
    admin: bool = False,
    platform: Platform = "console",
) -> Message:
    name, rest = split_command(text)
    return router.handle(Invocation(name, rest, user, channel, admin, platform))


# -- alerts ------------------------------------------------------------------------------------


def test_the_dutch_seed_alerts_europe_expansion_once_and_says_why(
    core: App, recorder: Recorder, clock: MovableClock
) -> None:
    """The Dutch article on Xiaomi's Munich centre alerts "Europe expansion" in the channel it
    was subscribed in, addressed to the user without a mention; a second run posts nothing."""
    subscription = subscribe(core, "dutch")
    alerts = runner(core, recorder, clock)
    first = run(alerts, seed(core, "001"))
    assert len(sent_to(first, "dutch")) == 1
    (message,) = recorder.to("dutch")
    assert "For U1's subscription" in texts(message)
    assert "<@" not in message.fallback + texts(message)
    (item,) = items(message)
    assert item.points
    assert item.points[0].startswith("Matched: ")
    assert len(item.points[0]) > len("Matched: ") + 10
    assert {link.language for link in item.links} == {"en", "nl"}  # the story's two sources
    entry = alerts.ledger.entry(alert_key(subscription, story(core, "001")))
    assert entry is not None
    assert entry.state == "posted"
    assert sent_to(run(alerts, seed(core, "001")), "dutch") == []
    assert len(recorder.to("dutch")) == 1


def test_a_story_that_grows_does_not_alert_again(
    core: App, recorder: Recorder, clock: MovableClock
) -> None:
    """After the Dutch article alerted, the English article of the same story does not."""
    subscribe(core, "grows")
    alerts = runner(core, recorder, clock)
    run(alerts, seed(core, "001"))
    assert story(core, "000") == story(core, "001")
    assert sent_to(run(alerts, seed(core, "000")), "grows") == []
    assert len(recorder.to("grows")) == 1


def test_a_story_off_the_topic_does_not_alert(
    core: App, recorder: Recorder, clock: MovableClock
) -> None:
    """The Beijing factory article does not match "Europe expansion"."""
    subscribe(core, "beijing")
    assert sent_to(run(runner(core, recorder, clock), seed(core, "004")), "beijing") == []
    assert recorder.to("beijing") == []


def test_two_subscriptions_get_one_alert_each(
    core: App, recorder: Recorder, clock: MovableClock
) -> None:
    """A user's and the channel's subscription to the topic each get the story once."""
    mine = subscribe(core, "two", user="U7")
    channels = subscribe(core, "two", user=None)
    result = run(runner(core, recorder, clock), seed(core, "001"))
    assert sorted(sent.subscription_id for sent in sent_to(result, "two")) == sorted(
        [mine.id, channels.id]
    )
    addressed = sorted(texts(message).split(":")[0] for message in recorder.to("two"))
    assert addressed == ["For U7's subscription", "For this channel's subscription"]


def test_stories_matching_at_once_come_in_one_message(
    core: App, recorder: Recorder, clock: MovableClock
) -> None:
    """Two matching stories in one run: one message with an item per story."""
    subscribe(core, "batch")
    result = run(runner(core, recorder, clock), seed(core, "001"), seed(core, "002"))
    (message,) = recorder.to("batch")
    assert len(items(message)) == 2
    (sent,) = sent_to(result, "batch")
    assert set(sent.story_ids) == {story(core, "001"), story(core, "002")}
    assert "2 new stories" in message.fallback


def test_the_rate_limit_holds_stories_back_for_a_later_run(
    core: App, recorder: Recorder, clock: MovableClock
) -> None:
    """With one message an hour, a second story waits unclaimed and goes out an hour later."""
    subscription = subscribe(core, "limited")
    alerts = runner(core, recorder, clock, per_hour=1)
    run(alerts, seed(core, "001"))
    held = run(alerts, seed(core, "002"))
    assert sent_to(held, "limited") == []
    assert alerts.ledger.entry(alert_key(subscription, story(core, "002"))) is None
    start = clock.now
    try:
        clock.now = start + timedelta(hours=1, minutes=1)
        later = run(alerts)
    finally:
        clock.now = start
    assert [sent.story_ids for sent in sent_to(later, "limited")] == [(story(core, "002"),)]
    assert len(recorder.to("limited")) == 2


def test_a_crash_between_claim_and_post_is_retried_after_the_lease_once(
    core: App, recorder: Recorder, clock: MovableClock
) -> None:
    """A run that claimed the story and died: refused while the lease runs, then posted once."""
    subscription = subscribe(core, "crash")
    alerts = runner(core, recorder, clock)
    crashed = alerts.ledger.claim(alert_key(subscription, story(core, "001")), clock.now)
    assert crashed is not None
    start = clock.now
    try:
        busy = run(alerts, seed(core, "001"))
        assert sent_to(busy, "crash") == []
        clock.now = start + LEASE + timedelta(minutes=1)
        retried = run(alerts)
        again = run(alerts, seed(core, "001"))
    finally:
        clock.now = start
    assert [sent.story_ids for sent in sent_to(retried, "crash")] == [(story(core, "001"),)]
    assert sent_to(again, "crash") == []
    assert len(recorder.to("crash")) == 1
    assert alerts.ledger.posted(crashed, clock.now, messages=1) is False  # the dead run lost it


def test_a_refused_post_is_retried_on_the_next_run(
    core: App, recorder: Recorder, clock: MovableClock
) -> None:
    """The platform refuses: the story stays waiting and the next run posts it."""
    subscribe(core, "refused")
    alerts = runner(core, recorder, clock)
    recorder.refuse = True
    failed = run(alerts, seed(core, "001"))
    assert failed.sent == ()
    assert failed.waiting >= 1
    recorder.refuse = False
    assert len(sent_to(run(alerts), "refused")) == 1
    assert len(recorder.to("refused")) == 1


# -- commands ----------------------------------------------------------------------------------


def test_subscribe_shows_what_it_would_have_matched_and_alerts_follow(
    core: App, router: CommandRouter, recorder: Recorder, clock: MovableClock
) -> None:
    """/news subscribe answers privately with up to three stored matches; the alert follows."""
    reply = ask(router, f"subscribe {EUROPE}", channel="cmd")
    assert reply.ephemeral
    assert not reply.error
    assert "You now follow “Europe expansion”" in texts(reply)
    assert "It would have matched" in texts(reply)
    shown = items(reply)
    assert 1 <= len(shown) <= 3
    assert all(item.points[0].startswith("Matched: ") for item in shown)
    again = ask(router, "subscribe  europe EXPANSION ", channel="cmd")
    assert "already follow" in texts(again)
    run(runner(core, recorder, clock), seed(core, "003"))
    assert len(recorder.to("cmd")) == 1


def test_subscriptions_lists_mine_and_the_channels_and_unsubscribe_stops_them(
    router: CommandRouter,
) -> None:
    """The list shows the caller's and the channel's topics, not another user's."""
    assert not ask(router, "subscribe battery recycling", channel="list").error
    assert not ask(router, "subscribe --channel Xiaomi SU7 price", channel="list", admin=True).error
    assert not ask(router, "subscribe Beijing factory", channel="list", user="U2").error
    listed = ask(router, "subscriptions", channel="list")
    assert listed.ephemeral
    assert [(item.title, item.note) for item in items(listed)] == [
        ("Xiaomi SU7 price", "for this channel"),
        ("battery recycling", "for you"),
    ]
    gone = ask(router, "unsubscribe Battery Recycling", channel="list")
    assert "no longer follow" in texts(gone)
    missing = ask(router, "unsubscribe battery recycling", channel="list")
    assert missing.error
    assert "/news subscriptions" in missing.fallback
    assert [item.title for item in items(ask(router, "subscriptions", channel="list"))] == [
        "Xiaomi SU7 price"
    ]


def test_a_channel_subscription_needs_an_admin_and_is_public(router: CommandRouter) -> None:
    """--channel is refused to members in one sentence; an admin's is answered publicly."""
    assert needs_admin("subscribe", "--channel EVs")
    assert not needs_admin("subscribe", "EVs")
    assert not is_ephemeral("subscribe", "--channel EVs")
    assert is_ephemeral("subscribe", "EVs")
    refused = ask(router, "subscribe --channel battery recycling", channel="admin")
    assert refused.error
    assert "Only channel admins" in refused.fallback
    assert "without --channel" in refused.fallback
    done = ask(router, "subscribe --channel battery recycling", channel="admin", admin=True)
    assert not done.ephemeral
    assert not done.error
    assert "This channel now follows" in texts(done)
    stop = ask(router, "unsubscribe --channel battery recycling", channel="admin")
    assert stop.error  # a member cannot stop the channel's either


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("subscribe", "Give a topic"),
        ("subscribe the of and", "words that carry meaning"),
        ("subscribe " + "x" * 201, "at most 200 characters"),
        ("unsubscribe", "Name the topic"),
    ],
)
def test_a_bad_topic_gets_one_sentence(router: CommandRouter, text: str, expected: str) -> None:
    reply = ask(router, text, channel="bad")
    assert reply.error
    assert expected in reply.fallback
    assert "\n" not in reply.fallback
    assert reply.fallback[-1] in ".”"


def test_subscribe_through_the_fake_slack(router: CommandRouter) -> None:
    """A signed /news subscribe over HTTP is answered ephemerally at the response_url."""

    async def scenario() -> None:
        async with http_slack(router.handle, config=SlackConfig()) as (slack, url):
            assert isinstance(slack, SlackFake)
            await post_command(url, command("subscribe battery recycling", "sub", slack))
            await slack.wait_until(lambda: slack.responses("sub"))
            reply = slack.responses("sub")[0]
            assert reply["response_type"] == "ephemeral"
            assert "You now follow" in shown_text(reply)

    asyncio.run(scenario())


# -- serve -------------------------------------------------------------------------------------


def test_serve_alerts_on_what_a_poll_round_ingested(
    core: App, clock: MovableClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """A followed feed brings an article on a new research centre in Europe; after the round
    that ingested it, the console channel's "Europe expansion" subscription is alerted once."""
    subscription = subscribe(core, "served", user=None)
    target = ChannelKey("console", "served")
    store = SubscriptionStore(core.engine)
    with LoopbackServer() as server:
        server.routes["/feed.xml"] = feed_route(rss20(feed_items(1, server.url("").rstrip("/"))))
        url = server.url("/feed.xml")
        SourceStore(core.engine).add(NewSource(url, "feed", "test", follower=target), clock.now)

        async def scenario() -> None:
            stop = asyncio.Event()
            task = asyncio.create_task(serve(core, {}, poll_every=0.05, stop=stop))
            deadline = time.monotonic() + 15
            while not store.sends_since(subscription.id, EPOCH) and time.monotonic() < deadline:
                assert not task.done()
                await asyncio.sleep(0.05)
            stop.set()
            await task

        try:
            asyncio.run(scenario())
        finally:
            SourceStore(core.engine).remove(url, target)
    printed = capsys.readouterr().out
    assert printed.count("to served:") == 1
    assert "Topic alert: Europe expansion" in printed
    assert "For this channel's subscription" in printed


def test_an_alert_pass_reads_the_vectors_lookups_keep_in_memory(
    core: App, recorder: Recorder, clock: MovableClock, module_store_url: str
) -> None:
    """Matching tops up the app's article index, the one lookups rank with, instead of reading
    every stored vector again each pass: after one pass on a fresh app it holds them all."""
    with open_app(core.config, clock=clock, store_url=module_store_url) as fresh:
        assert len(fresh.articles) == 0
        subscribe(fresh, "shared index")
        assert sent_to(run(runner(fresh, recorder, clock), seed(fresh, "001")), "shared index")
        ids, history = fresh.articles.history()
        stored = fresh.store.article_vectors_since(None)
        stored_ids, blobs = [row[0] for row in stored], [row[1] for row in stored]
        assert sorted(ids) == sorted(stored_ids)
        rows = dict(zip(ids, history, strict=True))
        expected = unpack_vectors(blobs, history.shape[1])
        for article_id, vector in zip(stored_ids, expected, strict=True):
            assert np.allclose(rows[article_id], vector)
