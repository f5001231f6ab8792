"""Content terms of a sentence: lower-cased lemmas without stop words, for similarity."""

from __future__ import annotations

from functools import lru_cache

from summarizer.lemmas import LEMMA_LANGUAGES, lemma
from summarizer.sentences import words
from summarizer.stopwords import stop_words


def content_terms(text: str, language: str) -> list[str]:
    """Lemmas of the content words of `text`, in order (numbers kept, stop words dropped)."""
    stops = stop_words(language)
    terms = []
    for word in words(text, language):
        lowered = word.lower()
        if lowered in stops or not any(ch.isalnum() for ch in lowered):
            continue
        if len(lowered) == 1 and not lowered.isdigit():
            continue
        terms.append(_lemma(lowered, language))
    return terms


@lru_cache(maxsize=50_000)
def _lemma(word: str, language: str) -> str:
    """simplemma's lemma of a lower-cased word, cached because news vocabulary repeats (and
    bounded: every summarising process keeps the cache for as long as it runs, and the rare
    words a larger one would add are seldom looked up again)."""
    if language not in LEMMA_LANGUAGES or word.isdigit():
        return word
    return lemma(word, language)
