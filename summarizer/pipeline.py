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
    warnings: list[str] = []
    if len(text) > options.max_chars:
        text = text[: options.max_chars]
        warnings.append(f"only the first {options.max_chars:,} characters were read")
    cleaned = clean(text, title=title, fmt=fmt)
    if not cleaned.blocks:
        raise EmptyArticleError("the article has no text once page furniture is removed")
    language = detect_language(cleaned.text).code
    sentences = segment(cleaned.blocks, language)
    if len(sentences) > options.max_sentences:
        warnings.append(f"key points come from the first {options.max_sentences} sentences")
    considered = sentences[: options.max_sentences]
    points = select_key_points(considered, title=cleaned.title, language=language, options=options)
    return Summary(
        title=cleaned.title,
        language=language,
        key_points=points,
        sentence_count=len(sentences),
        warnings=tuple(warnings),
    )
