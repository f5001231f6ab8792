"""The Discord renderer: payloads within every limit, nothing lost, nothing that pings or forges."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from bot.chat import Context, Item, Link, Message, Text, Title, error_message
from bot.render_discord import ZWSP, DiscordPayload, escape_discord, render_discord
from tests.fakes.webhook_fake import HOSTILE, big_digest, discord_limit_problems, story_title

# What Discord parses as a mention: @everyone, @here, <@id>, <@!id>, <@&id>, <#id>.
PING = re.compile(r"@(everyone|here)|<(@[!&]?|#)\w", re.IGNORECASE)
MARKDOWN_LINK = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\((?P<url>[^)]*)\)")


def strings(value: Any, skip: frozenset[str] = frozenset({"url"})) -> Iterator[str]:
    """Every string in a JSON-like value except under `skip` keys, depth first, in order."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in skip:
                yield from strings(item, skip)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item, skip)


def embeds(payloads: list[DiscordPayload]) -> list[dict[str, Any]]:
    """Every embed of every payload, in order."""
    return [embed for payload in payloads for embed in payload["embeds"]]


def test_a_long_digest_becomes_several_messages_each_within_every_limit() -> None:
    """200 long stories split into payloads that each respect the PLATFORM_NOTES table."""
    payloads = render_discord(big_digest(200))
    assert len(payloads) > 20
    for payload in payloads:
        assert discord_limit_problems(payload) == []


def test_the_checker_catches_a_payload_over_the_limits() -> None:
    """Self-check: too many embeds, long parts and over 6,000 characters in total are reported."""
    embed = {"title": "t" * 257, "description": "d" * 4097, "fields": [{"name": "n", "value": "v"}]}
    payload = {"content": "c" * 2001, "embeds": [embed] * 11, "allowed_mentions": {}}
    problems = " | ".join(discord_limit_problems(payload))
    for expected in ("content is 2001", "embeds is 11", "title is 257", "description is 4097"):
        assert expected in problems
    assert "embed text in all embeds" in problems
    assert "allowed_mentions" in problems


def test_every_story_is_one_embed_in_order() -> None:
    """Each story is an embed titled with its (escaped) title, in the digest's order."""
    titles = [
        embed["title"] for embed in embeds(render_discord(big_digest(200))) if "title" in embed
    ]
    assert titles == [escape_discord(story_title(n)) for n in range(1, 201)]


def test_the_title_is_the_content_and_the_footnote_comes_last() -> None:
    """The Title and the first Text are the first message's content; the Context ends the last."""
    payloads = render_discord(big_digest(30))
    assert payloads[0]["content"].startswith("**News digest · last 24 hours · 30 stories**\n")
    assert payloads[-1]["embeds"][-1]["description"].startswith("*30 stories from 12 sources")
    assert all(payload["content"] == "" for payload in payloads[1:])


def test_allowed_mentions_is_always_empty() -> None:
    """Every payload, whatever its content, allows no mentions."""
    messages = [big_digest(40), error_message("No."), Message((), ""), Message((Text("x"),), "x")]
    for message in messages:
        for payload in render_discord(message):
            assert payload["allowed_mentions"] == {"parse": []}


def test_mentions_stay_inert_in_every_field() -> None:
    """@everyone, @here, <@U123>, <@&456>, <@!789>, <#C42> are broken by a zero-width space."""
    message = Message(
        (
            Title(HOSTILE),
            Text(HOSTILE),
            Item(HOSTILE, (HOSTILE,), (Link(HOSTILE, "https://e.example/x", HOSTILE),), HOSTILE),
            Context(HOSTILE),
        ),
        HOSTILE,
    )
    checked = 0
    for payload in render_discord(message) + render_discord(big_digest(5)):
        for text in strings(payload):
            assert not PING.search(text), text
            checked += 1
    assert checked > 20
    assert f"@{ZWSP}everyone" in render_discord(message)[0]["content"]


def test_markdown_in_article_text_is_escaped() -> None:
    """Article text cannot forge a link or formatting: every markdown character is escaped."""
    raw = "[click](https://evil.example) **bold** _it_ ~s~ `c` > q # h | p \\ (x)"
    assert escape_discord(raw) == (
        r"\[click\]\(https://evil.example\) \*\*bold\*\* \_it\_ \~s\~ \`c\` \> q \# h \| p "
        r"\\ \(x\)"
    )
    payloads = render_discord(big_digest(10))
    forged = [
        match["url"]
        for payload in payloads
        for text in strings(payload)
        for match in MARKDOWN_LINK.finditer(text)
        if "evil.example" in match["url"]
    ]
    assert forged == []


def test_only_http_urls_become_links() -> None:
    """javascript:, mailto: and ftp: links show their label only; the http one is a link."""
    links = (
        Link("click", "javascript:alert(1)"),
        Link("mail", "mailto:desk@news.example"),
        Link("files", "ftp://files.example/a"),
        Link("paper", "https://e.example/a(b)<c>", "en"),
    )
    [payload] = render_discord(Message((Item("story", (), links),), "x"))
    [embed] = payload["embeds"]
    assert embed["fields"] == [
        {
            "name": "Sources",
            "value": "click\nmail\nfiles\n[paper](https://e.example/a%28b%29%3Cc%3E) · en",
            "inline": False,
        }
    ]
    assert embed["url"] == "https://e.example/a%28b%29%3Cc%3E"
    everything = " ".join(strings(payload, skip=frozenset()))
    assert "javascript" not in everything
    assert "mailto" not in everything


def test_a_story_without_an_http_link_has_no_embed_url() -> None:
    """The embed title links to the story only through an http(s) URL."""
    [payload] = render_discord(Message((Item("s", ("p",), (Link("x", "javascript:1"),)),), "x"))
    assert "url" not in payload["embeds"][0]


def test_an_item_too_big_for_one_embed_continues_without_loss() -> None:
    """A story of 40 long points continues in further embeds and messages; no point is lost."""
    points = tuple(f"point {index:02d} " + "word " * 180 for index in range(40))
    payloads = render_discord(Message((Item("One big story", points),), "Big"))
    assert len(payloads) >= 2
    assert all(discord_limit_problems(payload) == [] for payload in payloads)
    descriptions = "\n".join(embed.get("description", "") for embed in embeds(payloads))
    assert all(f"• {point}" in descriptions for point in points)
    assert [embed.get("title") for embed in embeds(payloads)].count("One big story") == 1


def test_a_single_overlong_string_is_truncated_visibly() -> None:
    """A 300-character title and a 5,000-character point are cut, with an ellipsis."""
    [payload] = render_discord(Message((Item("T" * 300, ("p" * 5000,)),), "x"))
    [embed] = payload["embeds"]
    assert embed["title"] == "T" * 255 + "…"
    assert len(embed["description"]) == 4096
    assert embed["description"].endswith("p…")


def test_long_content_is_split_between_words_without_loss() -> None:
    """A 7,000-character Text becomes several messages' content that together hold every word."""
    words = [f"w{index}" for index in range(1200)]
    payloads = render_discord(Message((Text(" ".join(words)),), "x"))
    assert len(payloads) == 4
    assert all(len(payload["content"]) <= 2000 for payload in payloads)
    assert " ".join(payload["content"] for payload in payloads).split() == words


def test_an_error_is_plain_content() -> None:
    """An error message is its one sentence as content, escaped, without embeds."""
    [payload] = render_discord(error_message("Try /news help (or ask an admin)."))
    assert payload["content"] == r"Try /news help \(or ask an admin\)."
    assert payload["embeds"] == []


def test_an_empty_message_falls_back_to_its_fallback() -> None:
    """A message without blocks still renders as one non-empty message."""
    [payload] = render_discord(Message((), "Nothing new @here"))
    assert payload["content"] == f"Nothing new @{ZWSP}here"
