"""Calling the summariser on article text read by the bot."""

from __future__ import annotations

from bot.models import SourceText
from summarizer import Summary, SummaryOptions, summarize


def summarise_source(source: SourceText, points: int) -> Summary:
    """Key points and facts of one article; raises `SummarizerError` for unusable text."""
    options = SummaryOptions(points=points)
    return summarize(source.text, title=source.title, options=options, fmt=source.fmt)


def article_title(summary: Summary, source: SourceText) -> str:
    """The article's title: the one the summariser found, else the one the source gave."""
    return summary.title or source.title
