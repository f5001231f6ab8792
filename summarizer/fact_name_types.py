"""What a name is on its own, before the article has its say: gazetteers, head words, shape.

`static_entity("Navigant Research")` is an organisation by its head word, `static_entity(
"München")` the place Munich, `person_shape(["Rudolf", "Dittrich"])` a person by a first name.
No context is read here; `summarizer.fact_entities` adds the article's evidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from summarizer.fact_lexicon import (
    CALENDAR_WORDS,
    COMMON_ACRONYMS,
    DEMONYM_ENDINGS,
    DEMONYMS,
    LEGAL_SUFFIXES,
    ORG_HEADS,
    ORG_OF_HEADS,
    PLACE_HEADS,
    PLACE_OF_HEADS,
    ROLE_HEADS,
)
from summarizer.gazetteer import is_first_name, lookup_org, lookup_place

EntityKind = Literal["person", "org", "place"]
# A one-word city smaller than this (thousands) needs a place preposition before it.
TOWN = 100
_PLURAL_ABBREVIATION = re.compile(r"[A-Z]{2,}(?:s|['’]s)")


@dataclass(frozen=True, slots=True)
class Entity:
    """A typed name: person, organisation or place, with its canonical name. `weak` marks a
    one-word town that is also a common surname or word ("Martinez", "Crystal"): it counts only
    where the article puts it after a place preposition ("in Martinez")."""

    kind: EntityKind
    name: str
    weak: bool = False


@lru_cache(maxsize=20_000)
def static_entity(text: str) -> Entity | None:
    """What a name is on its own: a known organisation, a place, or an organisation or feature
    by its head word ("Navigant Research", "Times Square")."""
    return known_entity(text) or _by_head(text)


@lru_cache(maxsize=20_000)
def known_entity(text: str) -> Entity | None:
    """A name of the organisation list or of the place gazetteer."""
    org = lookup_org(text)
    if org is not None:
        return Entity("org", org)
    place = lookup_place(text)
    if place is None:
        return None
    weak = place.kind == "city" and place.population < TOWN and " " not in text
    return Entity("place", place.name, weak)


def _by_head(text: str) -> Entity | None:
    """An organisation or a feature by its head word: the last word ("Navigant Research", "Times
    Square") or the first of an "X of Y" name ("Bank of England", "Gulf of Mexico")."""
    parts = text.split()
    if len(parts) < 2:
        return None
    head, last = parts[0].lower(), parts[-1].lower()
    of_form = len(parts) >= 3 and parts[1] in ("of", "van")
    if last in ORG_HEADS or (of_form and head in ORG_OF_HEADS):
        return Entity("org", org_name(text))
    if last in PLACE_HEADS or (of_form and head in PLACE_OF_HEADS):
        return Entity("place", text)
    return None


def org_name(text: str) -> str:
    """An organisation's canonical name: a leading article, legal forms and "Group" dropped
    ("Xiaomi Corp." -> "Xiaomi", "The Yankee Group" -> "Yankee"), unless nothing is left."""
    parts = text.split()
    if len(parts) > 1 and parts[0] in ("The", "De", "Het"):
        parts.pop(0)
    while len(parts) > 1 and parts[-1].lower().rstrip(",") in LEGAL_SUFFIXES:
        parts.pop()
    return " ".join(parts).rstrip(",")


def breaks_name(word: str) -> bool:
    """Whether a capitalised word cannot be part of a name: a demonym, a month or weekday, a
    common abbreviation ("EV", "YoY"; as an abbreviation, so "New" in "New Line" is not "NEW"),
    a plural abbreviation ("SUVs")."""
    lower = word.lower()
    return (
        lower in DEMONYMS
        or (lower in COMMON_ACRONYMS and not word.istitle())
        or lower in CALENDAR_WORDS
        or (lower.endswith(DEMONYM_ENDINGS) and lookup_org(word) is None and len(word) > 5)
        or _PLURAL_ABBREVIATION.fullmatch(word) is not None
    )


def person_shape(words: Sequence[str]) -> bool:
    """A person by the shape of the name: a first name and one to four more capitalised words,
    none of them an abbreviation, a head word, a demonym; not a region ("Africa Finance") nor a
    known organisation ("Mercedes Benz") first."""
    if not 2 <= len(words) <= 5 or words[0].isupper() or not is_first_name(words[0]):
        return False
    place = lookup_place(words[0])
    if place is not None and place.kind == "region":
        return False
    return name_words(words[1:]) and lookup_org(words[0]) is None


def name_words(words: Sequence[str]) -> bool:
    """Whether words can end a personal name: capitalised words (initials, particles inside)."""
    if not words or not words[-1][:1].isupper() or not any(c.islower() for c in words[-1]):
        return False
    for word in words:
        lower = word.lower()
        if len(word) == 2 and word.endswith("."):
            continue
        if lower in ORG_HEADS or lower in PLACE_HEADS or lower in ROLE_HEADS or breaks_name(word):
            return False
        if word.isupper() and len(word) > 1:
            return False
    return True
