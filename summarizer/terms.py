"""Content terms of a sentence: lower-cased lemmas without stop words, for similarity."""

from __future__ import annotations

from functools import lru_cache

import simplemma

from summarizer.sentences import words
from summarizer.stopwords import stop_words

# simplemma knows these; other languages fall back to lower-cased surface forms.
_LEMMA_LANGUAGES = frozenset(
    "bg ca cs cy da de el en es et fa fi fr ga gd gl gv hu hy id is it ka la lb lt lv mk ms nb "
    "nl nn pl pt ro ru se sk sl sq sv sw tl tr uk".split()
)


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


@lru_cache(maxsize=200_000)
def _lemma(word: str, language: str) -> str:
    """simplemma's lemma of a lower-cased word, cached because news vocabulary repeats."""
    if language not in _LEMMA_LANGUAGES or word.isdigit():
        return word
    return str(simplemma.lemmatize(word, lang=language)).lower()
