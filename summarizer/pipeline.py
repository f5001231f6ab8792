"""The summariser's one entry point: text in, `Summary` out."""

from __future__ import annotations

from summarizer.cleaning import TextFormat, clean
from summarizer.errors import EmptyArticleError
from summarizer.keypoints import select_key_points
from summarizer.language import detect_language
from summarizer.models import Summary, SummaryOptions
from summarizer.sentences import segment

DEFAULT_OPTIONS = SummaryOptions()


def summarize(
    text: str,
    *,
    title: str = "",
    options: SummaryOptions = DEFAULT_OPTIONS,
    fmt: TextFormat = "auto",
) -> Summary:
    """Condense one article into key points.

    Raises `EmptyArticleError` when nothing of the article is left after cleaning. Deterministic:
    the same input gives the same summary.
    """
    cleaned = clean(text, title=title, fmt=fmt)
    if not cleaned.blocks:
        raise EmptyArticleError("the article is empty once page furniture is removed")
    language = detect_language(cleaned.text).code
    sentences = segment(cleaned.blocks, language)
    points = select_key_points(sentences, title=cleaned.title, language=language, options=options)
    return Summary(
        title=cleaned.title,
        language=language,
        key_points=points,
        sentence_count=len(sentences),
    )
