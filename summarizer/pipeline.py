"""The summariser's one entry point: text in, `Summary` out."""

from __future__ import annotations

from dataclasses import dataclass

from summarizer.clean_rules import is_noise_line
from summarizer.cleaning import TextFormat, clean
from summarizer.errors import EmptyArticleError
from summarizer.facts import extract_facts
from summarizer.keypoints import select_key_points
from summarizer.language import detect_language
from summarizer.models import Sentence, Summary, SummaryOptions
from summarizer.sentences import segment

DEFAULT_OPTIONS = SummaryOptions()


@dataclass(frozen=True, slots=True)
class SplitArticle:
    """An article ready for ranking: its title, language and the sentences to choose from."""

    title: str
    language: str
    sentences: tuple[Sentence, ...]
    sentence_count: int
    warnings: tuple[str, ...]


def split_article(
    text: str,
    *,
    title: str = "",
    options: SummaryOptions = DEFAULT_OPTIONS,
    fmt: TextFormat = "auto",
) -> SplitArticle:
    """Clean an article, identify its language and split it into the sentences key points use.

    Raises `EmptyArticleError` when nothing of the article is left after cleaning.
    """
    warnings: list[str] = []
    if len(text) > options.max_chars:
        text = text[: options.max_chars]
        warnings.append(f"only the first {options.max_chars:,} characters were read")
    cleaned = clean(text, title=title, fmt=fmt)
    if not cleaned.blocks:
        raise EmptyArticleError("the article has no text once page furniture is removed")
    language = detect_language(cleaned.text).code
    sentences = segment(cleaned.blocks, language, noise=is_noise_line)
    if len(sentences) > options.max_sentences:
        warnings.append(f"key points come from the first {options.max_sentences} sentences")
    return SplitArticle(
        cleaned.title,
        language,
        sentences[: options.max_sentences],
        len(sentences),
        tuple(warnings),
    )


def summarize(
    text: str,
    *,
    title: str = "",
    options: SummaryOptions = DEFAULT_OPTIONS,
    fmt: TextFormat = "auto",
) -> Summary:
    """Condense one article into key points and the facts of all its sentences.

    Raises `EmptyArticleError` when nothing of the article is left after cleaning. Deterministic:
    the same input gives the same summary.
    """
    article = split_article(text, title=title, options=options, fmt=fmt)
    points = select_key_points(
        article.sentences, title=article.title, language=article.language, options=options
    )
    return Summary(
        title=article.title,
        language=article.language,
        key_points=points,
        facts=extract_facts(article.sentences, article.language),
        sentence_count=article.sentence_count,
        warnings=article.warnings,
        sentences=article.sentences,
    )
