"""Stop words per language from stopwordsiso (58 languages), minus news content words."""

from __future__ import annotations

from functools import cache

import stopwordsiso

# stopwordsiso merges several web lists; some of them treat words that carry the news as noise.
# A summariser must not ignore them, so they are taken out again (keys are ISO 639-1 codes):
# - magnitudes ("million", "billion", "milioni"...): "$2.87 billion" is the fact of a sentence;
# - "new"/"nuevo"/"neue"...: "a new factory", "the new model" is what news reports;
# - English web and directory words: "world", "home", "state(s)", "group", "year(s)", "system",
#   "research", "members", "information", "problem(s)", "bill", "fire", "test", "open",
#   "important", "young", "old", "high", "low", "big", "large", "small", "early", "great", "best",
#   "value", "order", "number", "point", "side", "part", "present", "today", "buy", "act"...;
# - company and place names and acronyms in the English list: "microsoft", "netscape" and the
#   country-code entries "ai" (AI), "tv" (TV), "uk" (UK);
# - "ansa" in Italian is the name of Italy's main news agency.
_ENGLISH_CONTENT = """
    million billion trillion thousand hundred
    new newer newest old older oldest young younger youngest
    world home homepage state states group groups grouped grouping year years system
    research information invention problem problems members member man men room rooms
    bill fire test open opened opening opens important big large largely small smaller
    smallest early high higher highest low lower great greater greatest best good goods
    value order ordered orders number numbers point points pointed side sides part parts
    present presented presents today area areas case cases fact facts face faces interest
    interests work worked working works place places line name date free half second
    seconds section end ended ending ends run turn top bottom front long longer longest
    buy act microsoft netscape msie computer web webpage website ai tv uk
"""
_CONTENT_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(_ENGLISH_CONTENT.split()),
    "nl": frozenset({"honderd", "duizend"}),
    "de": frozenset({"jahr", "jahre", "jahren", "neue", "neuen", "zeit"}),
    "fr": frozenset({"nouveau", "nouveaux", "mille", "cent"}),
    "es": frozenset({"nuevo", "nueva", "nuevos", "nuevas"}),
    "it": frozenset({"nuovo", "nuovi", "milioni", "miliardi", "mila", "cento", "anno", "ansa"}),
    "pt": frozenset({"mil", "cento"}),
}


@cache
def stop_words(language: str) -> frozenset[str]:
    """Lower-cased stop words for an ISO 639-1 code; an empty set for an unknown language."""
    code = language.strip().lower()
    if len(code) != 2 or not stopwordsiso.has_lang(code):
        return frozenset()
    words = {_clean(w) for w in stopwordsiso.stopwords(code)}
    words = {w for w in words if any(c.isalpha() for c in w)}  # the Spanish list has "1".."9"
    words -= _CONTENT_WORDS.get(code, frozenset())
    return frozenset(words | _apostrophe_variants(words))


def _clean(word: str) -> str:
    """One entry lower-cased and without stray punctuation ("ei," and "o|" in the raw lists)."""
    return word.strip().lower().strip(",|_")


def _apostrophe_variants(words: set[str]) -> set[str]:
    """Curly-apostrophe spellings of entries such as "don't": news text mostly uses "don’t"."""
    return {w.replace("'", "’") for w in words if "'" in w}
