"""Key point selection (placeholder: lead-N until the real ranker lands)."""

from __future__ import annotations

from collections.abc import Sequence

from summarizer.models import KeyPoint, Sentence, SummaryOptions


def select_key_points(
    sentences: Sequence[Sentence], *, title: str, language: str, options: SummaryOptions
) -> tuple[KeyPoint, ...]:
    """The best key points of `sentences`, in document order."""
    return tuple(KeyPoint(s.text, s.position, 1.0) for s in sentences[: options.points])
