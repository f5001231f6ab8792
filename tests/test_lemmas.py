"""The compact lemma dictionaries give the lemmas simplemma's default dictionaries give."""

from __future__ import annotations

import simplemma

from summarizer.lemmas import lemma
from summarizer.terms import content_terms

WORDS = {
    "en": ["companies", "said", "were", "children", "factories", "running", "engineers"],
    "nl": ["huizen", "zei", "bedrijven", "fabrieken", "ingenieurs", "werden"],
    "de": ["Häuser", "ging", "Unternehmen", "Ingenieure"],
    "fr": ["maisons", "était", "usines"],
    "es": ["casas", "dijo", "fábricas"],
    "it": ["case", "detto", "fabbriche"],
    "pl": ["domy", "powiedział", "fabryki"],
    "ru": ["дома", "сказал", "заводы"],
}


def test_same_lemmas_as_simplemmas_default_dictionaries() -> None:
    for language, words in WORDS.items():
        for word in words:
            expected = str(simplemma.lemmatize(word, lang=language)).lower()
            assert lemma(word, language) == expected, (language, word)


def test_lemmas_are_real_lemmas_not_the_surface_form() -> None:
    assert lemma("companies", "en") == "company"
    assert lemma("bedrijven", "nl") == "bedrijf"
    assert lemma("powiedział", "pl") == "powiedzieć"


def test_content_terms_lemmatise_and_keep_unknown_languages_as_written() -> None:
    assert content_terms("The companies hired engineers", "en") == ["company", "hire", "engineer"]
    # Japanese has no simplemma dictionary: the words stay as they are.
    assert content_terms("Xiaomi engineers", "ja") == ["xiaomi", "engineers"]
