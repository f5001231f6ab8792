"""Hostile articles: random HTML, markdown and text through the cleaning functions and
`summarizer.summarize`.

Nested junk, scripts, unclosed tags, control characters, RTL marks, zero-width joiners, NUL bytes
and lone surrogates never raise anything but the summariser's own `SummarizerError`; key points
are passages of the cleaned text; and rendered for chat, no key point mentions anyone.
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from bot.chat import Item, Message
from bot.render_discord import render_discord
from bot.render_slack import render_slack
from summarizer import SummarizerError, Summary, summarize
from summarizer.clean_html import html_units
from summarizer.clean_markdown import markdown_units
from summarizer.clean_units import normalize, text_units
from summarizer.cleaning import TextFormat, clean, detect_format
from tests.hostile_checks import (
    discord_mentions,
    discord_texts,
    slack_markup_problems,
    slack_texts,
)
from tests.hostile_strategies import (
    article_texts,
    hostile,
    hostile_text,
    html_documents,
    markdown_documents,
)

FORMATS: tuple[TextFormat, ...] = ("auto", "text", "html", "markdown")


def flat(text: str) -> str:
    """Whitespace collapsed, as cleaning does."""
    return " ".join(text.split())


@hostile(200)
@given(article_texts(), st.sampled_from(FORMATS), st.one_of(st.just(""), hostile_text(6)))
@example(  # lxml refused the control character in a tail that drop_tree moved
    "<p>Acme opened a plant in Lisbon on Monday.</p><nav>x</nav>\x1c b", "auto", ""
)
@example("<div>a<nav>x</nav>\ud800b</div><p>Surrogates in the tail.</p>", "html", "")
@example(
    "The council met. <!channel> <@U123> @everyone and <#C1> were told about it today.", "text", ""
)
def test_summaries_of_hostile_articles_quote_the_cleaned_text(
    text: str, fmt: TextFormat, title: str
) -> None:
    """summarize() either refuses the article with a SummarizerError or returns key points, each
    a non-empty passage of the cleaned body, in document order, without duplicates; rendered on
    Slack and Discord, no key point mentions anyone."""
    summary: Summary | None = None
    refusal = ""
    try:
        summary = summarize(text, title=title, fmt=fmt)
    except SummarizerError as error:
        refusal = str(error)
    if summary is None:
        assert refusal.strip()  # the summariser's own refusal says why
        return
    body = flat(clean(text, title=title, fmt=fmt).text)
    positions = [point.position for point in summary.key_points]
    assert positions == sorted(set(positions))
    for point in summary.key_points:
        assert point.text.strip()
        assert flat(point.text) in body
    assert_inert(tuple(point.text for point in summary.key_points), summary.title)


def assert_inert(points: tuple[str, ...], title: str) -> None:
    """Points and title rendered on Slack and Discord mention no one."""
    message = Message((Item(title, points),), title)
    for slack in render_slack(message):
        for shown in slack_texts(slack):
            assert slack_markup_problems(shown) == []
    for discord in render_discord(message):
        for shown in discord_texts(discord):
            assert discord_mentions(shown) == []


@hostile(100)
@given(st.one_of(html_documents(), markdown_documents(), hostile_text()), hostile_text(4))
def test_cleaning_functions_never_raise(text: str, title: str) -> None:
    """Each cleaning stage takes any string: units have normalised text, and the cleaned title
    and blocks hold no control or zero-width characters."""
    assert detect_format(text) in ("text", "html", "markdown")
    for units in (html_units(text)[0], markdown_units(text)[0], text_units(text)):
        for unit in units:
            assert unit.text == normalize(unit.text)
    cleaned = clean(text, title=title)
    for block in cleaned.blocks:
        assert block.text.strip()
        assert not any(ch in block.text for ch in "\x00\x1b\u200b\ufeff")
