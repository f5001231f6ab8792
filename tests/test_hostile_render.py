"""Hostile chat text: mention syntax, markdown injection, control characters and enormous strings
in every field of a `Message`, through the Slack and Discord renderers and the text helpers.

No mention survives rendering, untrusted text cannot forge a link or formatting, and every payload
is within the platform's limits (the size table of PLATFORM_NOTES.md, as the webhook fake checks
it).
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from bot.chat import Block, Context, Item, Link, Message, Text, Title
from bot.render_discord import escape_discord, render_discord
from bot.render_slack import escape_slack, render_slack
from bot.render_text import ELLIPSIS, Escape, fit, http_url, join_lines, split
from tests.fakes.webhook_fake import HOSTILE as FAKE_HOSTILE
from tests.fakes.webhook_fake import discord_limit_problems, slack_limit_problems
from tests.hostile_checks import (
    discord_markdown_problems,
    discord_mentions,
    discord_texts,
    slack_markup_problems,
    slack_texts,
)
from tests.hostile_strategies import chat_text, hostile, hostile_text

URLS = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>",
    "mailto:x@example.com",
    "https://x.example/a?b=(1)&c=<2>|3",
    "https://x.example/<@U1>/<!channel>",
    "http://[::1",
    "http://",
    "https://" + "a" * 3000,
    "https://x.example/\u202egnp.exe",
    " https://x.example/",
)

urls = st.one_of(
    st.none(),
    st.sampled_from(URLS),
    hostile_text(4).map("https://news.example/".__add__),
)
links = st.builds(Link, chat_text(), urls, st.one_of(st.none(), hostile_text(3)))
items = st.builds(
    Item,
    chat_text(),
    st.lists(chat_text(), max_size=6).map(tuple),
    st.lists(links, max_size=4).map(tuple),
    hostile_text(),
)
blocks: st.SearchStrategy[Block] = st.one_of(
    st.builds(Title, chat_text()),
    st.builds(Text, chat_text()),
    items,
    st.builds(Context, chat_text()),
)
messages = st.builds(
    Message,
    st.lists(blocks, max_size=8).map(tuple),
    chat_text(),
    st.booleans(),
    st.booleans(),
)
ATTACK = Message(
    (
        Title(f"Digest {FAKE_HOSTILE}"),
        Text("[x](javascript:alert(1)) <http://evil.example|click> ``` ~~ ||spoiler||"),
        Item(FAKE_HOSTILE, (FAKE_HOSTILE * 300,), (Link(FAKE_HOSTILE, "javascript:alert(1)"),)),
        Context("\x00\x1b[2J\u202e\ud800 @here"),
    ),
    FAKE_HOSTILE,
)


@hostile(150)
@given(messages)
@example(ATTACK)
def test_slack_payloads_are_inert_and_within_limits(message: Message) -> None:
    """Every Slack payload is within Block Kit's limits, and its only markup is the renderer's
    own http(s) links: no `<!channel>`, `<@U…>`, forged `<url|label>` or stray `&`."""
    payloads = render_slack(message)
    assert payloads
    for payload in payloads:
        assert slack_limit_problems(payload) == []
        for text in slack_texts(payload):
            assert slack_markup_problems(text) == []


@hostile(150)
@given(messages)
@example(ATTACK)
def test_discord_payloads_are_inert_and_within_limits(message: Message) -> None:
    """Every Discord payload is within the message and embed limits, allows no mentions, holds no
    resolvable mention and no markdown that untrusted text wrote."""
    payloads = render_discord(message)
    assert payloads
    for payload in payloads:
        assert discord_limit_problems(payload) == []
        assert payload["allowed_mentions"] == {"parse": []}
        for text in discord_texts(payload):
            assert discord_mentions(text) == []
            assert discord_markdown_problems(text) == []
        for embed in payload["embeds"]:
            assert "url" not in embed or http_url(embed["url"]) is not None


ESCAPES: dict[str, Escape] = {"slack": escape_slack, "discord": escape_discord}


@hostile(150)
@given(
    chat_text(),
    st.integers(min_value=4, max_value=4000),
    st.sampled_from(sorted(ESCAPES)),
)
def test_fit_and_split_stay_within_the_limit(text: str, limit: int, platform: str) -> None:
    """`fit` cuts visibly and `split` loses no word: every piece is escaped and within `limit`."""
    escape = ESCAPES[platform]
    fitted = fit(text, limit, escape)
    assert len(fitted) <= limit
    assert fitted == escape(text) or fitted.endswith(ELLIPSIS)
    pieces = split(text, limit, escape)
    assert all(0 < len(piece) <= limit for piece in pieces)
    assert bool(pieces) == bool(text.strip())
    if platform == "slack":
        unescaped = "".join(pieces).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        assert "".join(unescaped.split()) == "".join(text.split())
    assert all(len(line) <= limit for line in join_lines(pieces, limit))


@hostile(150)
@given(st.one_of(st.sampled_from(URLS), hostile_text(), hostile_text(4).map("http://".__add__)))
def test_only_plain_http_urls_become_links(url: str) -> None:
    """`http_url` passes only absolute http(s) URLs with a host and no whitespace or controls."""
    checked = http_url(url)
    if checked is not None:
        assert checked == url
        assert url.lower().startswith(("http://", "https://"))
        assert not any(ch.isspace() or ord(ch) < 32 for ch in url)
