"""Counts and measures in one sentence: "[op]<number> <unit>".

The unit is the singular lemma of the counted noun or the unit after the number: "300,000
electric cars annually" -> "300000 car", "81,302 vehicles" -> "81302 vehicle", "750Kg" ->
"750 kg". Dutch nouns are lemmatised, and common units are given their English name so that
sources in both languages compare ("15 jaar" -> "15 year", "50 miljoen eenheden" -> "50000000
unit"); other Dutch nouns keep their Dutch lemma ("4 vacature"). The operator comes from the
words before the number: ">=" at least/minstens, "<=" up to/maximaal, ">" more than/meer dan,
"<" less than/minder dan, "~" about/ongeveer. Number words count ("five", "vijf", "a year and a
half" -> 1.5). "X plus four other engineers" counts X too: "5 engineer". A range ("10-15 years")
gives ">=10 year" and "<=15 year" over one span.

A number is not a count when it is a year ("2027" is a date), part of a name ("Formula 1",
"Model 3"), a rank or a label ("No. 5", "top 10"), an ordinal ("17th"), or when no noun follows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from summarizer.fact_numbers import (
    COUNT_SCALE,
    NUMBER,
    OPERATOR,
    WORD_NUMBER,
    format_number,
    has_digit,
    has_number_word,
    operator_of,
    parse_number,
    scale_value,
    word_value,
)
from summarizer.fact_span import Span
from summarizer.lemmas import lemma
from summarizer.stopwords import stop_words


def _count(number: str) -> re.Pattern[str]:
    """An optional comparison, a number or a range, an optional scale."""
    return re.compile(
        rf"(?:(?P<op>{OPERATOR})\s+)?"
        rf"(?P<num>{number})"
        rf"(?:\s?(?:-|–|to|tot)\s?(?P<num2>{number}))?"
        rf"(?:\s?(?P<scale>{COUNT_SCALE}))?",
        re.IGNORECASE,
    )


# Digits only, and digits or number words: the first is much faster and usually enough.
_COUNT = _count(NUMBER)
_COUNT_WORDS = _count(f"{NUMBER}|{WORD_NUMBER}")
_HALF = re.compile(
    rf"(?:(?P<op>{OPERATOR})\s+)?"
    r"(?:(?:a|an|one|(?P<num>[0-9]+|" + WORD_NUMBER + r"))\s+(?P<unit>[^\W\d_]+)\s+and\s+a\s+half"
    rf"|(?P<num2>[0-9]+|{WORD_NUMBER})\s+and\s+a\s+half\s+(?P<unit2>[^\W\d_]+)"
    r"|half\s+an?\s+(?P<unit3>[^\W\d_]+))(?!\w)",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[ \t\u00a0]?([^\W\d_][\w’'&./-]*[\w’']|[^\W\d_])")
_PLURAL_ABBREVIATION = re.compile(r"([A-Z]{2,})(?:s|['’]s)")
_HYPHEN_UNIT = re.compile(r"-([^\W\d_]+)(-old\b)?")
_PREVIOUS_WORD = re.compile(r"([^\W\d_][\w’'.-]*)[ \t\u00a0]+$")
_TEAM_BEFORE = re.compile(
    r"(?P<name>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,2})\s+"
    r"(?:plus|and|along with|together with|with|en|samen met)\s+$"
)

# Units written after numbers, by lower-cased spelling.
_UNIT_WORDS: dict[str, str] = {
    "km": "km", "kg": "kg", "mph": "mph", "km/h": "km/h", "kmh": "km/h", "kw": "kW",
    "kwh": "kWh", "mwh": "MWh", "gwh": "GWh", "twh": "TWh", "mw": "MW", "gw": "GW",
    "mah": "mAh", "ft": "foot", "feet": "foot", "lbs": "lb", "lb": "lb", "cm": "cm",
    "mm": "mm", "ml": "ml", "gb": "GB", "tb": "TB", "mb": "MB", "hp": "hp", "pk": "hp",
    "nm": "Nm",
}  # fmt: skip
# Words between a number and its noun that do not change what is counted.
_OTHER = frozenset({"other", "others", "andere", "anderen", "overige"})
_SKIP = _OTHER | frozenset({"more", "additional", "extra", "further", "new", "meer", "nieuwe"})
# Plural forms that do not end in -s, and English nouns without a distinct plural.
_IRREGULAR = {
    "people": "person", "men": "man", "women": "woman", "children": "child", "feet": "foot",
    "teeth": "tooth", "mice": "mouse", "staff": "staff", "police": "police",
    "personnel": "personnel", "aircraft": "aircraft", "sheep": "sheep", "fish": "fish",
    "deer": "deer", "cattle": "cattle",
}  # fmt: skip
# Dutch nouns that stay singular after a number ("15 jaar", "3 uur").
_DUTCH_INVARIANT = frozenset(
    "jaar uur keer kilo meter kilometer ton man liter gram procent euro dollar stuks".split()
)
# Dutch lemmas with an English name, so that both languages give one unit.
_DUTCH_UNITS = {
    "jaar": "year", "maand": "month", "week": "week", "dag": "day", "uur": "hour",
    "minuut": "minute", "seconde": "second", "eenheid": "unit", "auto": "car",
    "voertuig": "vehicle", "werknemer": "employee", "medewerker": "employee", "mens": "person",
    "persoon": "person", "ingenieur": "engineer", "winkel": "store", "land": "country",
    "stad": "city", "keer": "time", "woning": "home", "huis": "house", "bedrijf": "company",
    "klant": "customer", "gebruiker": "user", "kind": "child", "passagier": "passenger",
    "vlucht": "flight", "baan": "job", "fabriek": "factory", "model": "model",
    "toestel": "device", "telefoon": "phone", "kilo": "kg", "kilometer": "km", "man": "man",
    "student": "student", "leerling": "pupil", "dode": "death", "slachtoffer": "victim",
    "miljoen": "million", "stuks": "piece",
}  # fmt: skip
# Words before a number that make it a label, not a count ("No. 5", "top 10", "page 3").
_LABEL_WORDS = frozenset(
    """
    no no. nr nr. number nummer page pagina chapter hoofdstuk article artikel level niveau season
    seizoen episode aflevering version versie top group groep phase fase gate flight vlucht room
    kamer route line lijn rank ranked pick
    """.split()
)
_MAX_MODIFIERS = 3


@dataclass(frozen=True, slots=True)
class _Noun:
    """The counted noun found after a number: its unit, where it ends, and whether the phrase
    said "other" ("four other engineers")."""

    unit: str
    end: int
    other: bool


def find_quantities(sentence: str, language: str) -> Iterator[Span]:
    """Every count or measure in `sentence`, ranges as two spans over the same range."""
    if "half" in sentence.lower():
        yield from _halves(sentence, language)
    pattern = _COUNT_WORDS if has_number_word(sentence) else _COUNT if has_digit(sentence) else None
    if pattern is not None:
        for match in pattern.finditer(sentence):
            yield from _counts(sentence, match, language)


def _counts(sentence: str, match: re.Match[str], language: str) -> Iterator[Span]:
    """The spans of one number match, if a noun follows and nothing says it is not a count."""
    first = _value(match["num"], language)
    if first is None or _is_year(match) or _is_label(sentence, match, language):
        return
    scale = scale_value(match["scale"])
    noun = _noun_after(sentence, match.end(), language, first * scale)
    if noun is None:
        return
    operator = operator_of(match["op"])
    start = match.start()
    if noun.other:
        team = _TEAM_BEFORE.search(sentence, max(0, start - 60), start)
        if team is not None:
            start, first = team.start("name"), first + 1
    second = _value(match["num2"], language)
    if second is None:
        value = f"{operator}{format_number(first * scale)} {noun.unit}"
        yield Span("quantity", start, noun.end, value)
        return
    for bound, number in ((">=", first), ("<=", second)):
        yield Span(
            "quantity", start, noun.end, f"{bound}{format_number(number * scale)} {noun.unit}"
        )


def _halves(sentence: str, language: str) -> Iterator[Span]:
    """Counts with a half: "a year and a half" (1.5 year), "two and a half years" (2.5),
    "half a year" (0.5)."""
    for match in _HALF.finditer(sentence):
        number = match["num"] or match["num2"]
        whole: Decimal | None = Decimal(1)
        if match["unit3"]:
            whole, unit = Decimal(0), match["unit3"]
        else:
            whole = _value(number, language) if number else Decimal(1)
            unit = match["unit"] or match["unit2"]
        if whole is None:
            continue
        lemma = _lemma(unit.lower(), language)
        value = f"{operator_of(match['op'])}{format_number(whole + Decimal('0.5'))} {lemma}"
        yield Span("quantity", match.start(), match.end(), value)


def _value(text: str | None, language: str) -> Decimal | None:
    """A digit string or a number word as a decimal."""
    if not text:
        return None
    return parse_number(text, language) if text[0].isdigit() else word_value(text)


def _is_year(match: re.Match[str]) -> bool:
    """A bare four-digit number between 1800 and 2099 is a year unless a comparison word or a
    scale makes it a count ("more than 2000 people")."""
    number = match["num"]
    return (
        len(number) == 4
        and number.isdigit()
        and 1800 <= int(number) <= 2099
        and not match["op"]
        and not match["scale"]
    )


def _is_label(sentence: str, match: re.Match[str], language: str) -> bool:
    """Whether the number names or ranks something: after a capitalised word inside the sentence
    ("Formula 1", "Model 3"), a label word ("No. 5", "top 10") or "#", or glued to an ordinal
    ending ("17th")."""
    start = match.start("num") if not match["op"] else match.start()
    before = sentence[max(0, start - 40) : start]
    if before.endswith("#"):
        return True
    previous = _PREVIOUS_WORD.search(before)
    if previous is not None:
        word = previous.group(1)
        at_start = not sentence[: start - len(previous.group(0))].strip(" \"'“‘(")
        if word.lower() in _LABEL_WORDS:
            return True
        if word[:1].isupper() and not (at_start or match["op"] or _is_stop(word, language)):
            return True
    after = sentence[match.end("num") : match.end("num") + 3]
    return re.match(r"(?:st|nd|rd|th|e|ste|de)\b", after) is not None and not match["scale"]


def _is_stop(word: str, language: str) -> bool:
    """Whether a word is a stop word of the article's language or of English."""
    lower = word.lower()
    return lower in stop_words(language) or lower in stop_words("en")


def _noun_after(sentence: str, position: int, language: str, number: Decimal) -> _Noun | None:
    """The counted noun after a number (and its scale): a unit glued with a hyphen ("20-year",
    not "68-year-old", an age), or the first head noun within a few modifiers."""
    hyphen = _HYPHEN_UNIT.match(sentence, position)
    if hyphen is not None:
        unit = _lemma(hyphen.group(1).lower(), language)
        return None if hyphen.group(2) else _Noun(unit, hyphen.end(1), False)
    return _noun_in(_tokens(sentence, position), language, number)


def _noun_in(tokens: Iterator[tuple[str, int]], language: str, number: Decimal) -> _Noun | None:
    """The first head noun among the words after a number; None at a stop word, an adverb or
    after too many modifiers."""
    stops = stop_words(language) | stop_words("en")
    other = False
    modifiers = 0
    for word, end in tokens:
        lower = word.lower()
        if lower in _SKIP:
            other = other or lower in _OTHER
            continue
        unit = _UNIT_WORDS.get(lower) or (None if lower in stops else _head(word, language, number))
        if unit is not None:
            return _Noun(unit, end, other)
        modifiers += 1
        adverb = language == "en" and lower.endswith("ly") and len(lower) > 4
        if lower in stops or adverb or modifiers >= _MAX_MODIFIERS:
            return None
    return None


def _tokens(sentence: str, position: int) -> Iterator[tuple[str, int]]:
    """The words right after `position`, while only a space separates them (at most 6)."""
    for _ in range(6):
        found = _TOKEN.match(sentence, position)
        if found is None:
            return
        word = found.group(1).rstrip(".")
        position = found.start(1) + len(word)
        yield word, position


def _head(word: str, language: str, number: Decimal) -> str | None:
    """The unit when `word` is the counted noun: a plural form (or a Dutch unit that stays
    singular), a plural abbreviation ("EVs"), or any lower-case word when counting one."""
    head = word.rsplit("-", 1)[-1]
    plural_abbreviation = _PLURAL_ABBREVIATION.fullmatch(head)
    if plural_abbreviation:
        return plural_abbreviation.group(1)
    if head[:1].isupper():
        return None  # a brand or name used as a modifier: "100 Xiaomi stores"
    # A lower-case compound is one noun ("e-mails"); after a name only its tail counts
    # ("BMW-ingenieurs").
    lower = (word if word[:1].islower() else head).lower()
    if language == "en" and lower in _IRREGULAR:
        return _IRREGULAR[lower]
    invariant = language == "nl" and lower in _DUTCH_INVARIANT
    counted_one = number == 1 and language != "nl"
    if invariant or counted_one or _is_plural(lower, language):
        return _lemma(lower, language)
    return None


def _is_plural(word: str, language: str) -> bool:
    """Whether a lower-case word is a plural noun form (its lemma differs, with a plural ending)."""
    if language == "nl":
        endings: tuple[str, ...] = ("en", "s", "’s", "'s")
    else:
        endings = ("s",)
        if word.endswith(("ss", "us", "is", "ous")):
            return False
    return word.endswith(endings) and _lemma(word, language) != word


@lru_cache(maxsize=50_000)
def _lemma(word: str, language: str) -> str:
    """The singular lemma of a noun, with Dutch units given their English name."""
    if word in _UNIT_WORDS:
        return _UNIT_WORDS[word]
    if language == "en" and word in _IRREGULAR:
        return _IRREGULAR[word]
    code = language if language in ("en", "nl", "de", "fr", "es", "it", "pt") else "en"
    found = lemma(word, code)
    if language == "nl":
        return _DUTCH_UNITS.get(found, found)
    return found
