"""How well a sentence stands on its own as a key point: a factor in [0, 1].

A key point is read out of context, in a chat message. Sentences that open with a pronoun or a
connective ("He said ...", "This is ...", "But ..."), questions, quotes without content, lead-ins
ending in a colon, first-person asides and promotions read badly there, so they are demoted
(not forbidden: a short article may have nothing better).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class _Lexicon:
    """Words that make a sentence depend on context, per language."""

    anaphora: frozenset[str]
    connectives: frozenset[str]
    first_person: frozenset[str]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_LEXICONS: dict[str, _Lexicon] = {
    "en": _Lexicon(
        _words("he she it it's it’s they this that that's that’s these those his her its their"),
        _words("but and also however so then yet still meanwhile instead or nor"),
        _words("i i'm i’m i've i’ve i'd i’d we we're we’re you you're you’re my our your us me"),
    ),
    "nl": _Lexicon(
        _words("hij zij ze dit dat deze zijn haar hun hen daar daarmee daarom"),
        _words("maar en ook toch dus echter bovendien daarnaast of"),
        _words("ik we wij je jij u mijn onze ons jouw uw me mij"),
    ),
    "de": _Lexicon(
        _words("er sie es dies diese dieser dieses sein ihr ihre"),
        _words("aber und auch doch also jedoch außerdem oder"),
        _words("ich wir du mein unser dein uns mich"),
    ),
    "fr": _Lexicon(
        _words("il elle ils elles ce cela ceci cette ces son sa ses leur leurs"),
        _words("mais et aussi pourtant donc cependant ou"),
        _words("je nous tu vous mon notre ton votre"),
    ),
}

_PROMOTION = re.compile(
    r"\b(click here|subscribe|sign up|newsletter|follow us|visit (our|the) (web)?site|"
    r"bezoek (onze|de) website|abonneer|volg ons|schrijf je in|download (the|our) app)\b",
    re.IGNORECASE,
)
_QUOTE_OPEN = "\"“„«‘'"
_QUOTED = re.compile(r"[\"“„«‘][^\"”»’]*[\"”»’]")
_WORD = re.compile(r"[\w’']+", re.UNICODE)


def sentence_quality(text: str, language: str) -> float:
    """1.0 for a sentence that reads well alone, lower for each way it depends on context."""
    stripped = text.strip()
    tokens = [t.lower() for t in _WORD.findall(stripped)]
    if len(tokens) < 4:
        return 0.2
    factor = 1.0
    if stripped.endswith("?"):
        factor *= 0.2
    if stripped.endswith(":"):
        factor *= 0.3
    if _PROMOTION.search(stripped):
        factor *= 0.1
    if stripped[0] in _QUOTE_OPEN or _quoted_share(stripped) > 0.6:
        factor *= 0.5
    if not any(ch.islower() for ch in stripped):
        factor *= 0.3
    return factor * _context_factor(tokens, stripped, _LEXICONS.get(language, _LEXICONS["en"]))


def _context_factor(tokens: list[str], text: str, lexicon: _Lexicon) -> float:
    """Demote sentences that open on a pronoun or connective, or speak in the first person."""
    factor = 1.0
    first = tokens[0]
    if first in lexicon.connectives:
        factor *= 0.75
    elif first in lexicon.anaphora and _continues_lowercase(text):
        factor *= 0.55
    if any(t in lexicon.first_person for t in tokens):
        factor *= 0.7
    return factor


def _continues_lowercase(text: str) -> bool:
    """Whether the second word is lower case: "This is ..." leans on context, "This Week" is a name.

    Articles that double as pronouns ("Het", "Die", "Das") are left out of the lexicons instead.
    """
    parts = text.split(maxsplit=2)
    return len(parts) > 1 and parts[1][:1].islower()


def _quoted_share(text: str) -> float:
    """The share of characters inside quotation marks."""
    quoted = sum(len(m.group(0)) for m in _QUOTED.finditer(text))
    return quoted / max(len(text), 1)
