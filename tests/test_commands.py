"""The `/news` command core on a real SQLite store holding the seeds, one core for the module.

Feeds come from a loopback server that the config allow-lists, as an operator would for a feed
server of their own; nothing of the bot is patched.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from bot.app import App, open_app
from bot.chat import Context, Invocation, Item, Message, Platform, Text, Title
from bot.chat_views import FACTS_PER_KIND
from bot.clock import utc_now
from bot.commands import (
    COMMANDS,
    GENERIC_FAILURE,
    CommandRouter,
    is_ephemeral,
    needs_admin,
    split_command,
)
from bot.config import load_config
from bot.discovery import discover
from bot.models import SourceText
from tests.conftest import SEEDS_DIR, MovableClock
from tests.feed_samples import feed_route, items, rss20
from tests.loopback_http import LoopbackServer, Route

DITTRICH_QUESTION = "Who leads Xiaomi's European R&D centre?"
MENTIONS = "<!channel> @everyone <@U123> <@&456> [bold red]loud[/bold red]"
CRAFTED = (
    f"Quorvex Robotics opened a test track in Utrecht on Monday. {MENTIONS} said the "
    "Quorvex spokesperson, who promised more tracks. The Quorvex track cost 12 million euros. "
    "Engineers from Quorvex Robotics will test delivery robots there for two years."
)


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        yield server


@pytest.fixture(scope="module")
def clock() -> MovableClock:
    return MovableClock(utc_now())


@pytest.fixture(scope="module")
def core(
    tmp_path_factory: pytest.TempPathFactory, server: LoopbackServer, clock: MovableClock
) -> Iterator[App]:
    folder = tmp_path_factory.mktemp("commands")
    server.routes["/configured"] = feed_route(rss20(items(2, server.url("").rstrip("/"))))
    config_file = folder / "newsbot.toml"
    config_file.write_text(
        '[fetch]\nallow_networks = ["127.0.0.1/32"]\n[feeds]\nmax_item_age = "off"\n'
        f'[[sources]]\nurl = "{server.url("/configured")}"\nname = "Configured news"\n'
    )
    config = load_config(config_file, {"HOME": str(folder)})
    with open_app(config, clock=clock, store_url=str(folder / "news.db")) as app:
        for item in discover([str(SEEDS_DIR)]).items:
            assert app.ingestor.ingest(item).status == "new"
        crafted = SourceText("crafted/quorvex.txt", CRAFTED, title=f"Quorvex {MENTIONS}")
        assert app.ingestor.ingest_source(crafted).status == "new"
        yield app


@pytest.fixture(scope="module")
def router(core: App) -> CommandRouter:
    return CommandRouter(core)


def run(
    router: CommandRouter,
    text: str,
    *,
    admin: bool = True,
    platform: Platform = "slack",
    channel: str = "C1",
) -> Message:
    command, rest = split_command(text)
    return router.handle(Invocation(command, rest, "U1", channel, admin, platform))


def items_of(message: Message) -> list[Item]:
    return [block for block in message.blocks if isinstance(block, Item)]


def only_text(message: Message) -> str:
    assert len(message.blocks) == 1
    block = message.blocks[0]
    assert isinstance(block, Text)
    assert message.fallback == block.text
    return block.text


def assert_error(message: Message, *fragments: str) -> str:
    assert message.error
    assert message.ephemeral
    sentence = only_text(message)
    assert sentence[0].isupper() or sentence.startswith(("http", "'"))
    assert sentence.endswith((".", "?"))
    assert "Traceback" not in sentence
    for fragment in fragments:
        assert fragment in sentence
    return sentence


def test_split_command_separates_the_subcommand_and_drops_the_prefix() -> None:
    """The first word is the subcommand (lower case); "/news" in front and blank text are fine."""
    assert split_command("ask who leads X?") == ("ask", "who leads X?")
    assert split_command("  /news   Digest   7d ") == ("digest", "7d")
    assert split_command("/news") == ("help", "")
    assert split_command("   ") == ("help", "")
    assert split_command("sources") == ("sources", "")


def test_only_admin_source_changes_are_public() -> None:
    """Replies are ephemeral except sources add/remove by an admin; refusals are ephemeral."""
    assert is_ephemeral("ask")
    assert is_ephemeral("digest")
    assert is_ephemeral("help")
    assert is_ephemeral("sources")
    assert is_ephemeral("sources", "list")
    assert not is_ephemeral("sources", "add https://example.com/feed")
    assert not is_ephemeral("sources add", "https://example.com/feed")
    assert not is_ephemeral("sources", "remove https://example.com/feed")
    assert is_ephemeral("sources", "add https://example.com/feed", is_admin=False)
    assert is_ephemeral("nonsense")
    assert is_ephemeral("ask", "x" * 2_001)
    assert needs_admin("sources", "add x")
    assert needs_admin("schedule", "09:00")
    assert not needs_admin("sources", "list")
    assert not needs_admin("subscribe", "EVs")


def test_empty_text_and_help_list_every_command(router: CommandRouter) -> None:
    """Blank text shows the help: every command's usage, only to the caller."""
    reply = router.handle(Invocation("", "", "U1", "C1", False, "discord"))
    assert reply.ephemeral
    assert not reply.error
    assert reply.blocks[0] == Title("News bot commands")
    body = next(block.text for block in reply.blocks if isinstance(block, Text))
    for spec in COMMANDS:
        assert f"/news {spec.usage} - {spec.summary}" in body
    assert run(router, "help") == reply


def test_digest_has_one_item_per_story_with_points_and_sourced_links(
    router: CommandRouter,
) -> None:
    """digest all: a title, each story's key points and its sources with their languages."""
    reply = run(router, "digest all")
    assert reply.ephemeral
    assert not reply.error
    assert reply.blocks[0] == Title("News digest · everything stored")
    stories = items_of(reply)
    assert len(stories) == 4  # three seed stories and the crafted article
    assert reply.blocks[-1] == Context("4 stories")
    assert reply.fallback == "News digest · everything stored · 4 stories"
    bmw = next(item for item in stories if item.title.startswith("Xiaomi Recruiting BMW"))
    assert any("Rudolf Dittrich" in point for point in bmw.points)
    assert {link.language for link in bmw.links} == {"en", "nl"}
    assert {link.label for link in bmw.links} == {
        "000_89d674eb3127cf61.txt",
        "001_2d160cab56e072f1.txt",
    }
    assert all(link.url is None for link in bmw.links)  # files have no web address


def test_digest_defaults_to_the_configured_period_and_says_when_it_is_empty(
    router: CommandRouter, clock: MovableClock
) -> None:
    """Without a period the config's (24h) applies; a period with nothing says so plainly."""
    assert len(items_of(run(router, "digest"))) == 4
    saved = clock.now
    clock.now = saved + timedelta(days=3)
    try:
        empty = run(router, "digest")
        week = run(router, "digest 7d")
    finally:
        clock.now = saved
    assert not empty.error
    assert empty.ephemeral
    assert only_text(empty).startswith("Nothing was ingested in the last 24h; try a longer")
    assert len(items_of(week)) == 4


def test_digest_with_a_wrong_period_explains_the_periods(router: CommandRouter) -> None:
    """A period that is not one gets one sentence listing the periods."""
    assert_error(run(router, "digest fortnight"), "'fortnight' is not a period", "7d")


def test_ask_answers_from_the_facts_with_evidence(router: CommandRouter) -> None:
    """The answer is the title, the question under it, and the cited sentence with its source."""
    reply = run(router, f"ask {DITTRICH_QUESTION}")
    assert reply.ephemeral
    assert not reply.error
    assert reply.blocks[0] == Title("Rudolf Dittrich")
    assert reply.blocks[1] == Context(f"Answer to: {DITTRICH_QUESTION}")
    assert reply.fallback == f"Rudolf Dittrich (answer to: {DITTRICH_QUESTION})"
    evidence = items_of(reply)[0]
    assert evidence.title == "Xiaomi Recruiting BMW Execs For European R&D Center"
    assert "head of its European R&D center" in evidence.points[0]
    assert evidence.links[0].label == "000_89d674eb3127cf61.txt"


def test_ask_needs_a_question(router: CommandRouter) -> None:
    """No question, or a single word, gets a sentence with an example."""
    assert_error(run(router, "ask"), "/news ask Who leads")
    assert_error(run(router, "ask Xiaomi"), "whole question")


def test_facts_group_by_kind_and_flag_disagreements(router: CommandRouter) -> None:
    """facts: the entity's names, its facts by kind, and where the seeds disagree."""
    dittrich = run(router, "facts Dittrich")
    assert dittrich.blocks[0] == Title("Rudolf Dittrich")
    kinds = {item.title: item for item in items_of(dittrich)}
    assert {"Organisations", "Roles", "Quantities"} <= set(kinds)
    assert kinds["Organisations"].points[0].startswith("BMW · ")
    xiaomi = run(router, "facts Xiaomi")
    conflicts = [item for item in items_of(xiaomi) if item.note == "sources disagree"]
    dates = next(item for item in conflicts if "<2030" in item.title)
    assert dates.title.startswith("Sources disagree on a date: ")
    assert any("before 2030" in point and "Lei Jun" in point for point in dates.points)
    assert xiaomi.fallback.startswith("Facts about Xiaomi: ")
    assert "sources disagree on 2 points" in xiaomi.fallback
    dated = next(item for item in items_of(xiaomi) if item.title == "Dates")
    assert len(dated.points) == FACTS_PER_KIND + 1
    assert dated.points[-1].startswith("and ")
    assert dated.points[-1].endswith(" more")
    nothing = run(router, "facts Zyxwvut")
    assert not nothing.error
    assert only_text(nothing) == "Nothing stored mentions 'Zyxwvut'; check the spelling."


def test_search_ranks_sentences_with_their_articles(router: CommandRouter) -> None:
    """search: the best sentence first, each under its article's title."""
    reply = run(router, "search SU7 price")
    assert reply.blocks[0] == Title("Search: SU7 price")
    first = items_of(reply)[0]
    assert first.title == "Xiaomi accelerates its global electric vehicle ambitions"
    assert "RMB 215,900" in first.points[0]
    assert_error(run(router, "search the of"), "Give some words to search for")
    assert_error(run(router, "search"), "/news search")


def test_article_text_with_mentions_stays_plain_text(router: CommandRouter) -> None:
    """Mention and markup syntax from an article reach the Message exactly as written."""
    digest = items_of(run(router, "digest all"))
    story = next(item for item in digest if item.title.startswith("Quorvex"))
    assert story.title == f"Quorvex {MENTIONS}"
    hits = items_of(run(router, "search Quorvex spokesperson"))
    assert any(MENTIONS in point for hit in hits for point in hit.points)


def test_sources_add_list_remove_in_a_channel(
    router: CommandRouter, server: LoopbackServer
) -> None:
    """An admin adds a feed (public reply), the channel lists it, another channel does not."""
    server.routes["/feed"] = feed_route(rss20(items(3, server.url("").rstrip("/"))))
    url = server.url("/feed")
    added = run(router, f"sources add <{url}|feed>", platform="discord", channel="D1")
    assert not added.ephemeral
    assert not added.error
    assert only_text(added).startswith(f"This channel now follows {url}: 3 items already in it")
    again = run(router, f"sources add {url}", platform="discord", channel="D1")
    assert only_text(again) == f"This channel already follows {url}."
    listed = run(router, "sources list", platform="discord", channel="D1")
    assert listed.ephemeral
    by_url = {item.links[0].url: item for item in items_of(listed)}
    assert set(by_url) == {url, server.url("/configured")}
    assert "followed by this channel" in by_url[url].points[0]
    assert by_url[server.url("/configured")].title == "Configured news"
    assert "configured for all" in by_url[server.url("/configured")].points[0]
    elsewhere = items_of(run(router, "sources", platform="discord", channel="D2"))
    assert [item.links[0].url for item in elsewhere] == [server.url("/configured")]
    removed = run(router, f"sources remove {url}", platform="discord", channel="D1")
    assert not removed.ephemeral
    assert only_text(removed) == f"This channel no longer follows {url}."
    assert_error(run(router, f"sources remove {url}", channel="D1"), "does not follow")
    assert_error(run(router, f"sources remove {server.url('/configured')}"), "newsbot.toml")


def test_sources_add_reports_a_feed_that_does_not_work(
    router: CommandRouter, server: LoopbackServer
) -> None:
    """A URL that is not a feed, or not http(s), is refused with the reason; nothing is kept."""
    server.routes["/missing"] = Route(status=404, body=b"gone")
    missing = assert_error(run(router, f"sources add {server.url('/missing')}"), "was not added")
    assert "404" in missing
    assert_error(run(router, "sources add ftp://example.com/feed"), "http:// or https://")
    assert_error(run(router, "sources rename x"), "/news sources add <url>")
    listed = items_of(run(router, "sources list", channel="C1"))
    assert server.url("/missing") not in {item.links[0].url for item in listed}


def test_non_admins_are_refused_channel_changes(
    router: CommandRouter, server: LoopbackServer
) -> None:
    """sources add/remove and schedule by a non-admin: a polite refusal naming who can."""
    url = server.url("/configured")
    slack = run(router, f"sources add {url}", admin=False, platform="slack", channel="C9")
    assert_error(slack, "Only channel admins", "workspace admins", "ask one of them")
    discord = run(router, "schedule 09:00", admin=False, platform="discord")
    assert_error(discord, "Manage Channels", "schedule the digest")
    assert_error(run(router, f"sources remove {url}", admin=False), "Only channel admins")
    assert items_of(run(router, "sources list", admin=False, channel="C9")) != []


def test_subscribe_subscriptions_and_unsubscribe_answer_the_caller_only(
    router: CommandRouter,
) -> None:
    """A personal subscription is answered privately, listed, then stopped."""
    reply = run(router, "subscribe electric cars", channel="C-subs")
    assert reply.ephemeral
    assert not reply.error
    assert [item.title for item in items_of(run(router, "subscriptions", channel="C-subs"))] == [
        "electric cars"
    ]
    stopped = run(router, "unsubscribe electric cars", channel="C-subs")
    assert stopped.ephemeral
    assert "no longer follow" in only_text(stopped)
    assert items_of(run(router, "subscriptions", channel="C-subs")) == []


def test_unknown_and_enormous_commands_get_one_sentence(router: CommandRouter) -> None:
    """An unknown subcommand lists the commands; text over 2,000 characters is refused."""
    unknown = assert_error(run(router, "weather tomorrow"), "'weather'")
    assert "digest, ask, facts, search, sources, schedule" in unknown
    assert_error(run(router, "ask " + "why " * 600), "too long", "2,000")


def test_handle_is_safe_from_several_threads(router: CommandRouter) -> None:
    """Concurrent invocations all get their own complete reply."""
    replies: list[Message] = []

    def ask() -> None:
        replies.append(run(router, f"ask {DITTRICH_QUESTION}"))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [reply.blocks[0] for reply in replies] == [Title("Rudolf Dittrich")] * 4


class BrokenEmbedder:
    """An embedder that breaks its contract (it must never raise), as a bug would."""

    dimensions = 512

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        raise RuntimeError("model file corrupt; token xoxb-secret-123")


def test_a_bug_gives_one_generic_sentence_and_logs_the_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An unexpected exception never reaches the user: a generic sentence, the traceback logged."""
    config = load_config(None, {"HOME": str(tmp_path)})
    with (
        open_app(config, store_url=str(tmp_path / "b.db"), embedder=BrokenEmbedder()) as app,
        caplog.at_level(logging.ERROR, logger="bot.commands"),
    ):
        reply = CommandRouter(app).handle(Invocation("ask", DITTRICH_QUESTION, "U", "C", True))
    assert reply.error
    assert reply.ephemeral
    assert only_text(reply) == GENERIC_FAILURE
    assert "secret" not in reply.fallback
    record = next(r for r in caplog.records if r.name == "bot.commands")
    assert record.exc_info is not None
    assert "xoxb-secret-123" in str(record.exc_info[1])


def test_a_store_that_breaks_gives_the_store_sentence(tmp_path: Path) -> None:
    """A store whose file is no longer a database: its own sentence, not a traceback."""
    config = load_config(None, {"HOME": str(tmp_path)})
    path = tmp_path / "gone.db"
    with open_app(config, store_url=str(path)) as app:
        router = CommandRouter(app)
        assert run(router, "digest all").blocks[0] == Text(
            'Nothing has been ingested yet; a channel admin can add a feed with "/news sources '
            'add URL".'
        )
        app.engine.dispose()
        path.write_bytes(b"this is not a database" * 100)
        broken = run(router, "digest all")
    assert_error(broken, "store")
