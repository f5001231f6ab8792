"""newsbot's summariser: a pure library that turns article text into key points and facts.

No network, no database, no chat types: strings in, frozen dataclasses out.
"""

from __future__ import annotations

from summarizer.errors import EmptyArticleError, SummarizerError
from summarizer.models import Fact, KeyPoint, Summary, SummaryOptions
from summarizer.pipeline import summarize

__all__ = [
    "EmptyArticleError",
    "Fact",
    "KeyPoint",
    "SummarizerError",
    "Summary",
    "SummaryOptions",
    "summarize",
]
