"""The Slack renderer: Block Kit payloads within every limit, nothing lost, nothing that pings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from bot.chat import Context, Item, Link, Message, Text, Title, error_message
from bot.render_slack import SlackPayload, escape_slack, render_slack
from tests.fakes.webhook_fake import HOSTILE, big_digest, slack_limit_problems, story_title

OUR_LINK = re.compile(r"<https?://[^|<>\s]+\|[^<>]*>")


def strings(value: Any) -> Iterator[str]:
    """Every string in a JSON-like value, depth first, in order."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def block_texts(payloads: list[SlackPayload]) -> list[str]:
    """The text of every block of every payload, in order."""
    return [text for payload in payloads for text in strings(payload["blocks"])]


def test_a_long_digest_becomes_several_messages_each_within_every_limit() -> None:
    """200 long stories split into payloads that each respect the PLATFORM_NOTES table."""
    payloads = render_slack(big_digest(200))
    assert len(payloads) > 5
    for payload in payloads:
        assert slack_limit_problems(payload) == []
        assert 0 < len(payload["text"]) <= 3000


def test_the_checker_catches_a_payload_over_the_limits() -> None:
    """Self-check: the limit checker reports too many blocks, a long header and a long section."""
    header = {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "s" * 3001}}
    problems = slack_limit_problems({"text": "x", "blocks": [header, section] * 26})
    assert any("blocks is 52" in problem for problem in problems)
    assert any("over 150" in problem for problem in problems)
    assert any("over 3000" in problem for problem in problems)
    assert any("total block text" in problem for problem in problems)


def test_every_story_arrives_once_and_in_order() -> None:
    """Each story title is in exactly one section, and the stories keep their order."""
    texts = "\n".join(block_texts(render_slack(big_digest(200))))
    positions = [texts.find(f"*{escape_slack(story_title(n))}*") for n in range(1, 201)]
    assert all(position >= 0 for position in positions)
    assert positions == sorted(positions)
    assert texts.count(escape_slack(story_title(7))) == 1


def test_an_item_too_big_for_one_section_continues_in_the_next() -> None:
    """A story of 40 long points fills several sections, even several messages, and loses none."""
    points = tuple(f"point {index:02d} " + "word " * 180 for index in range(40))
    message = Message((Title("Big"), Item("One big story", points)), "Big")
    payloads = render_slack(message)
    texts = block_texts(payloads)
    assert len(payloads) >= 2
    assert all(slack_limit_problems(payload) == [] for payload in payloads)
    joined = "\n".join(texts)
    assert all(f"• {point}" in joined for point in points)
    assert joined.count("*One big story*") == 1


def test_a_single_overlong_string_is_truncated_visibly() -> None:
    """A 5,000-character point and a 400-character title are cut, with an ellipsis."""
    message = Message((Title("T" * 400), Item("story", ("p" * 5000,))), "fallback")
    [payload] = render_slack(message)
    header, title, point = (block["text"]["text"] for block in payload["blocks"])
    assert header == "T" * 149 + "…"
    assert title == "*story*"
    assert len(point) == 3000
    assert point.startswith("• ppp")
    assert point.endswith("p…")


def test_a_long_paragraph_is_split_between_words_without_loss() -> None:
    """A 7,000-character Text becomes three sections that together hold every word."""
    words = [f"w{index}" for index in range(1200)]
    [payload] = render_slack(Message((Text(" ".join(words)),), "x"))
    sections = [block["text"]["text"] for block in payload["blocks"]]
    assert len(sections) == 3
    assert " ".join(sections).split() == words


def test_mentions_stay_inert_in_every_field() -> None:
    """<!channel>, <!here>, <@U123>, <@&456> and friends reach Slack as escaped, literal text."""
    message = Message(
        (
            Title(HOSTILE),
            Text(HOSTILE),
            Item(HOSTILE, (HOSTILE,), (Link(HOSTILE, "https://e.example/x", HOSTILE),), HOSTILE),
            Context(HOSTILE),
        ),
        HOSTILE,
    )
    [payload] = render_slack(message)
    for text in strings(payload):
        assert "<" not in OUR_LINK.sub("", text), text
        assert ">" not in OUR_LINK.sub("", text), text
    assert "&lt;!channel&gt;" in payload["text"]
    assert "&lt;@&amp;456&gt;" in payload["blocks"][0]["text"]["text"]


def test_only_http_urls_become_links() -> None:
    """javascript:, mailto: and ftp: links show their label only; `|<>` are stripped from URLs."""
    links = (
        Link("click", "javascript:alert(1)"),
        Link("mail", "mailto:desk@news.example"),
        Link("files", "ftp://files.example/a"),
        Link("odd", "https://e.example/a|b<c>d?x=1&y=2"),
    )
    [payload] = render_slack(Message((Item("story", (), links),), "x"))
    context = [element["text"] for element in payload["blocks"][1]["elements"]]
    assert context == ["click", "mail", "files", "<https://e.example/abcd?x=1&amp;y=2|odd>"]
    assert not any("javascript" in text or "mailto" in text for text in strings(payload))


def test_the_digest_links_are_links_and_bad_ones_are_not() -> None:
    """In the big digest every story links its http source and never its javascript: one."""
    texts = block_texts(render_slack(big_digest(3)))
    links = [match for text in texts for match in OUR_LINK.findall(text)]
    assert links == [
        f"<https://news.example/{n}?a=1&amp;b=(2)|Gazette {n} &lt;@U9&gt;>" for n in (1, 2, 3)
    ]
    assert not any("javascript:" in text for text in texts)


def test_escaping_replaces_the_ampersand_first() -> None:
    """`&` is escaped before `<` and `>`, so an escape is never escaped twice."""
    assert escape_slack("a & b < c > d") == "a &amp; b &lt; c &gt; d"
    assert escape_slack("&lt;") == "&amp;lt;"


def test_the_fallback_text_is_numbered_when_split() -> None:
    """Each part of a split message says which part it is in its notification text."""
    payloads = render_slack(big_digest(60))
    total = len(payloads)
    assert total > 1
    assert [payload["text"][-len(f"({n}/{total})") :] for n, payload in enumerate(payloads, 1)] == [
        f"({n}/{total})" for n in range(1, total + 1)
    ]


def test_mrkdwn_is_verbatim_and_headers_are_plain_text() -> None:
    """Slack is told not to link-ify names in any mrkdwn text; headers are plain_text."""
    for payload in render_slack(big_digest(20)):
        for block in payload["blocks"]:
            objects = [block["text"]] if "text" in block else block["elements"]
            for text in objects:
                expected = "plain_text" if block["type"] == "header" else "mrkdwn"
                assert text["type"] == expected
                assert text.get("verbatim", True) is True


def test_an_empty_message_is_one_payload_with_its_fallback() -> None:
    """A message without blocks still renders as one message with its fallback text."""
    expected = SlackPayload(text="Nothing new &lt;!here&gt;", blocks=[])
    assert render_slack(Message((), "Nothing new <!here>")) == [expected]


def test_an_error_is_one_short_section() -> None:
    """An error message renders as its one sentence."""
    [payload] = render_slack(error_message("Try `/news help` & see."))
    assert payload["blocks"] == [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "Try `/news help` &amp; see.", "verbatim": True},
        }
    ]
