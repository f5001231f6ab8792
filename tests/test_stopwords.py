"""Stop word lists: sane per language, lower-cased, without the content words news relies on."""

from __future__ import annotations

import pytest

from summarizer.stopwords import stop_words


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("nl", {"de", "het", "een", "en", "van", "is", "niet", "zijn"}),
        ("en", {"the", "a", "and", "of", "is", "it", "was", "to"}),
        ("de", {"der", "die", "das", "und", "ist", "nicht"}),
        ("fr", {"le", "la", "les", "et", "est", "une"}),
        ("es", {"el", "la", "los", "y", "es", "una"}),
    ],
)
def test_function_words_are_stop_words(code: str, expected: set[str]) -> None:
    """It lists the articles, conjunctions and common verbs of each language."""
    assert expected <= stop_words(code)


@pytest.mark.parametrize(
    ("code", "content"),
    [
        ("en", {"million", "billion", "new", "world", "home", "state", "year", "microsoft", "ai"}),
        ("en", {"car", "company", "electric", "europe", "sales", "price"}),
        ("nl", {"auto", "bedrijf", "markt", "elektrische", "honderd", "duizend"}),
        ("de", {"neue", "jahr", "auto", "unternehmen"}),
        ("it", {"milioni", "miliardi", "nuovo", "ansa"}),
    ],
)
def test_content_words_are_not_stop_words(code: str, content: set[str]) -> None:
    """It keeps news content words (magnitudes, "new", "world"...) out of the stop words."""
    assert not content & stop_words(code)


def test_unknown_languages_have_no_stop_words() -> None:
    """It returns an empty frozenset for an unknown, empty or undetermined code."""
    for code in ("xx", "", "und", "english"):
        assert stop_words(code) == frozenset()
        assert isinstance(stop_words(code), frozenset)


def test_entries_are_lower_case_words() -> None:
    """It returns lower-cased entries that all contain a letter (no "1" or "o|" from raw data)."""
    for code in ("en", "nl", "de", "fr", "es", "it", "pt"):
        words = stop_words(code)
        assert all(w == w.lower() and any(c.isalpha() for c in w) for w in words), code
        assert not any("|" in w or "," in w for w in words), code


def test_codes_are_case_insensitive_and_results_cached() -> None:
    """It accepts "EN" like "en" and returns the same object on a second call."""
    assert stop_words("EN") == stop_words("en")
    assert stop_words("nl") is stop_words("nl")


def test_curly_apostrophe_spellings_are_included() -> None:
    """It lists "don’t" and "it’s" with a curly apostrophe as well as the straight one."""
    words = stop_words("en")
    assert {"don't", "don’t", "it’s", "it's"} <= words
