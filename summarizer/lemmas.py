"""Lemmas from simplemma's dictionaries, read in their compact form.

simplemma's default dictionaries are Python dicts built from its compressed files: about 100 MiB
per language (Polish over 400 MiB), 835 MiB for eight languages, and its cache keeps only eight,
so a stream of articles in ten languages reloads them in turn (a second each). The same
dictionaries read as front-coded streams cost about 13 MiB per language and give the same lemmas;
a lookup is slower (about 30 microseconds against 5), which the callers' caches of repeated words
absorb. Every language stays loaded once read.
"""

from __future__ import annotations

import simplemma
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries.stream_dictionary_factory import StreamDictionaryFactory

# simplemma knows these; other languages have no lemmas (callers keep the surface form).
LEMMA_LANGUAGES = frozenset(
    "bg ca cs cy da de el en es et fa fi fr ga gd gl gv hu hy id is it ka la lb lt lv mk ms nb "
    "nl nn pl pt ro ru se sk sl sq sv sw tl tr uk".split()
)

_LEMMATIZER = simplemma.Lemmatizer(
    cache_max_size=0,  # the callers cache what they look up, by their own keys
    lemmatization_strategy=DefaultStrategy(
        dictionary_factory=StreamDictionaryFactory(cache_max_size=len(LEMMA_LANGUAGES))
    ),
)


def lemma(word: str, language: str) -> str:
    """simplemma's lemma of `word` in `language` (one of LEMMA_LANGUAGES), lower-cased."""
    return str(_LEMMATIZER.lemmatize(word, lang=language)).lower()
