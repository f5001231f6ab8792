"""`summarize()` end to end on awkward input: a clear error or a best-effort summary, no crash."""

from __future__ import annotations

import pytest

from summarizer import EmptyArticleError, SummaryOptions, summarize
from summarizer.pipeline import split_article


@pytest.mark.parametrize("text", ["", "   \n\n  ", "\u200b\u200b"])
def test_empty_article_is_a_clear_error(text: str) -> None:
    """Nothing to summarise raises EmptyArticleError with a one-sentence message."""
    with pytest.raises(EmptyArticleError, match="no text"):
        summarize(text)


def test_one_sentence_article() -> None:
    """A one-sentence article gives that sentence as its only key point."""
    summary = summarize("Xiaomi will open a research centre in Munich next year.")
    assert [p.text for p in summary.key_points] == [
        "Xiaomi will open a research centre in Munich next year."
    ]
    assert summary.language == "en"


def test_text_without_sentence_punctuation() -> None:
    """Lines with no full stops still give key points taken from the text."""
    text = "Xiaomi opens a research centre in Munich\nBMW engineers join the team\nSales start 2027"
    summary = summarize(text)
    assert summary.key_points
    assert all(p.text in text for p in summary.key_points)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("小米宣布将在慕尼黑建立研发中心。该中心由前宝马高管领导。小米计划进入欧洲。", "zh"),
        (
            "Компания Xiaomi откроет исследовательский центр в Мюнхене. Центр возглавит бывший "
            "руководитель BMW. Продажи в Европе начнутся в 2027 году.",
            "ru",
        ),
    ],
)
def test_non_latin_scripts(text: str, language: str) -> None:
    """Chinese and Russian articles are identified and summarised from their own sentences."""
    summary = summarize(text)
    assert summary.language == language
    assert summary.key_points
    assert all(p.text in text for p in summary.key_points)


def test_huge_article_is_read_from_its_beginning_with_a_warning() -> None:
    """A 20 MB text is summarised from its beginning, and the summary says so."""
    paragraph = " ".join(f"Sentence number {i} reports on battery plant {i}." for i in range(200))
    text = (paragraph + "\n\n") * 2_100
    assert len(text) > 20_000_000
    summary = summarize(text, options=SummaryOptions(points=3))
    assert len(summary.key_points) == 3
    assert any("first" in w for w in summary.warnings)


def test_page_furniture_glued_to_a_paragraph_is_no_sentence() -> None:
    """ "Scroll down for video" run into a paragraph, at its start or after a sentence, is cut
    off and dropped: neither a key point nor the evidence of a fact; positions stay consecutive."""
    text = (
        "Scroll down for video Xiaomi will open a research centre in Munich next year, "
        "the company said on Monday.\n\n"
        "The centre will employ 400 engineers, many of them hired from BMW. "
        "Scroll down for video The electric SU7 goes on sale in Europe in 2027. "
        "Analysts expect the move to put pressure on European car makers."
    )
    article = split_article(text)
    assert [s.text for s in article.sentences] == [
        "Xiaomi will open a research centre in Munich next year, the company said on Monday.",
        "The centre will employ 400 engineers, many of them hired from BMW.",
        "The electric SU7 goes on sale in Europe in 2027.",
        "Analysts expect the move to put pressure on European car makers.",
    ]
    assert [s.position for s in article.sentences] == [0, 1, 2, 3]
    summary = summarize(text)
    assert summary.facts
    assert all("Scroll" not in p.text for p in summary.key_points)
    assert all("Scroll" not in f.sentence for f in summary.facts)
