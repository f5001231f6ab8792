"""Candidate answers found in a sentence's text where the facts may have missed them: names,
quoted titles, numbers and dates, weighed lower than a typed fact."""

from __future__ import annotations

import re
from collections.abc import Iterator

from summarizer.answer_context import (
    AnswerKind,
    Context,
    Mention,
    answer_key,
    cap,
    stops,
)
from summarizer.answer_kinds import (
    COUNTRY_FOCUS,
    NAME_KINDS,
    country_of,
    is_place,
    open_ended,
    place_fit,
    rank_weight,
)
from summarizer.answer_slots import weigh
from summarizer.gazetteer import is_first_name
from summarizer.models import FactKind
from summarizer.question import Question

# Weights of spans found here: lower than a typed fact's.
_NAME_SPAN_WEIGHT = 0.45
# A name found in the gazetteer (a country, a US state): nearly as good as a place fact.
_GAZETTEER_WEIGHT = 0.9
_TITLE_SPAN_WEIGHT = 0.7
_QUOTE_SPAN_WEIGHT = 0.35
_NUMBER_SPAN_WEIGHT = 0.5

_CAP_WORD = r"(?:[A-Z]|\d+[A-Z])(?:[\w&'’-]|\.(?=\w))*"
_NAME = re.compile(rf"\b{_CAP_WORD}(?:\s+(?:(?:of|de|van|der|du|la|le|&)\s+)*{_CAP_WORD})*")
# A quoted title: up to 80 characters not ending in punctuation (a quoted remark ends in one).
_QUOTE = re.compile(r"[“\"«„]([^“”\"«»„]{1,79}[^“”\"«»„.,!?;:])[”\"»“]")
_MAGNITUDE = r"(?:\s(?:million|billion|trillion|thousand|miljoen|miljard|mln|mld|bn)\b)?"
_MONEY = re.compile(
    rf"(?:(?:US|C|A|HK)?[$€£¥]\s?\d[\d,.]*\d?{_MAGNITUDE}"
    rf"|\b\d[\d,.]*{_MAGNITUDE}\s(?:dollars?|euros?|pounds?|yuan|yen)\b)"
)
_PERCENT = re.compile(r"\b\d[\d,.]*\s?(?:%|percent\b|per cent\b|procent\b|prozent\b)")
_NUMBER = re.compile(rf"(?<![\w$€£¥.,])\d[\d,.]*\d?{_MAGNITUDE}(?![\w%])")
_MONTHS = (
    "january february march april may june july august september october november december "
    "januari februari maart mei juni juli augustus oktober"
).split()
_DATE = re.compile(
    rf"\b(?:(?:{'|'.join(m.capitalize() for m in _MONTHS)})(?:\s\d{{1,2}})?(?:,?\s(?:19|20)\d\d)?"
    r"|(?:19|20)\d\d|next (?:week|month|year)|(?:volgende|komende) (?:week|maand|jaar))\b"
)
_NUMERIC_PATTERNS: tuple[tuple[FactKind, re.Pattern[str]], ...] = (
    ("money", _MONEY),
    ("percent", _PERCENT),
    ("quantity", _NUMBER),
    ("date", _DATE),
)
NOT_NAMES = frozenset(
    {m.capitalize() for m in _MONTHS}
    | set("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())
)


def span_mentions(
    question: Question, ref: str, context: Context, proper: frozenset[str]
) -> Iterator[tuple[Mention, tuple[int, int]]]:
    """Fallback mentions: names, quoted titles, numbers and dates the facts may have missed."""
    sentence = context.sentence
    for pattern, weight, kind in _span_patterns(question):
        for start, end in _matches(pattern, sentence, kind):
            span = _trimmed(sentence, start, end, kind)
            if span is None:
                continue
            text = sentence[span[0] : span[1]]
            typed: AnswerKind = "span"
            factor = 1.0
            if kind == "name":
                named = _name(question, sentence, span, proper, weight)
                if named is None:
                    continue
                text, typed, factor = named
            score = cap(weight * factor * weigh(question, context, span))
            yield Mention(answer_key(text), text, typed, text, ref, score), span


def _matches(pattern: re.Pattern[str], sentence: str, kind: str) -> Iterator[tuple[int, int]]:
    """The character spans a pattern finds; a name run is cut after a possessive ("Kanye West’s
    Twitter" is two names)."""
    for match in pattern.finditer(sentence):
        group = 1 if pattern.groups else 0
        start, end = match.start(group), match.end(group)
        if kind == "name":
            for cut in _POSSESSIVE_CUT.finditer(sentence, start, end):
                yield start, cut.start()
                start = cut.end()
        yield start, end


_POSSESSIVE_CUT = re.compile(r"(?<=\w)['’]s?\s+")


def _name(
    question: Question,
    sentence: str,
    span: tuple[int, int],
    proper: frozenset[str],
    weight: float,
) -> tuple[str, AnswerKind, float] | None:
    """(text, kind, weight factor) of a name span, None when it answers nothing.

    A country or a US state is a place, weighed as a place fact when a place is asked for; a
    nationality stands for its country when a country or just a place is asked for ("Saudi
    Arabian" gives "Saudi Arabia") and otherwise for nothing. A single capitalised word that
    opens the sentence and is written with a capital nowhere else is probably an ordinary word
    and counts half. A name that starts with a first name ("Adele", "Rob Gronkowski") is a
    person, nearly as good as a person fact when a person is asked for. A numbered part
    ("Game 6") is no name.
    """
    text = sentence[span[0] : span[1]]
    if text in _LABELS and _NUMBERED.match(sentence, span[1]):
        return None  # "Game 6", "Season 2": a numbered part, not a name
    nationality = _demonym(text)
    if "place" in question.expected:
        wants_country = question.focus in COUNTRY_FOCUS or not question.focus
        place = country_of(text) if nationality and wants_country else text
        if place and is_place(place):
            factor = _GAZETTEER_WEIGHT * rank_weight(question.expected.index("place")) / weight
            factor *= place_fit(question.focus, place) * (_DEMONYM_SHARE if nationality else 1.0)
            return place, "place", factor
    if nationality:
        return None
    if "person" in question.expected and is_first_name(text.split(" ", 1)[0]):
        rank = question.expected.index("person")
        return text, "person", _FIRST_NAME_WEIGHT * rank_weight(rank) / weight
    if " " not in text and opens(sentence, span[0]) and text not in proper:
        return text, "span", 0.5
    return text, "span", 1.0


_LABELS = frozenset(
    """Game Season Episode Chapter Stage Round Week Day Phase Level Category Article Section
    Part Volume Act Scene Step Title Gate Room Flight Route Match Heat Lap Race""".split()
)
_NUMBERED = re.compile(r"\s\d")
# A name starting with a first name, when a person is asked for.
_FIRST_NAME_WEIGHT = 0.8
# A nationality standing for its country: weaker than the country's name.
_DEMONYM_SHARE = 0.8


def _span_patterns(question: Question) -> list[tuple[re.Pattern[str], float, str]]:
    """The fallback patterns that fit the question, with their weights."""
    expected = question.expected
    untyped = open_ended(question)
    patterns: list[tuple[re.Pattern[str], float, str]] = []
    if untyped or question.wants_title:
        weight = _TITLE_SPAN_WEIGHT if question.wants_title else _QUOTE_SPAN_WEIGHT
        patterns.append((_QUOTE, weight, "quote"))
    names = [rank for rank, kind in enumerate(expected) if kind in NAME_KINDS]
    if untyped or names:
        patterns.append((_NAME, _NAME_SPAN_WEIGHT * rank_weight(min(names or [0])), "name"))
    for kind, pattern in _NUMERIC_PATTERNS:
        if kind in expected:
            weight = _NUMBER_SPAN_WEIGHT * rank_weight(expected.index(kind))
            patterns.append((pattern, weight, "number"))
    return patterns


def _trimmed(sentence: str, start: int, end: int, kind: str) -> tuple[int, int] | None:
    """A name span without a sentence-opening stop word or possessive; None when nothing is left.

    "But Ford said" gives "Ford"; "The" alone, "Monday" and "January" are no names.
    """
    if kind != "name":
        return (start, end) if end > start else None
    text = sentence[start:end]
    first = text.split(" ", 1)[0]
    if (first.lower() in stops() or _verb_form(first)) and opens(sentence, start):
        if " " not in text:
            return None
        start += len(first) + 1
        text = sentence[start:end]
    for suffix in ("’s", "'s", "’", "'"):
        if text.endswith(suffix):
            end -= len(suffix)
            text = text[: -len(suffix)]
    while " " in text and text.rsplit(" ", 1)[-1] in NOT_NAMES:  # "the Broncos Tuesday"
        end -= len(text.rsplit(" ", 1)[-1]) + 1
        text = sentence[start:end]
    if not text or text in NOT_NAMES or text.lower() in stops():
        return None
    return start, end


def _verb_form(word: str) -> bool:
    """Whether a capitalised word is a verb's "-ing" form opening a sentence ("Buying Parler")."""
    return len(word) > 5 and word.endswith("ing")


def opens(sentence: str, start: int) -> bool:
    """Whether position `start` opens the sentence (after quotes or brackets at most)."""
    return not sentence[:start].strip(" \"“‘'(«[-–—")


def _demonym(text: str) -> bool:
    """Whether a capitalised span is a nationality adjective ("Chinese", "South Korean")."""
    last = text.rsplit(" ", 1)[-1]
    return last.endswith(_DEMONYM_ENDINGS) or last in _DEMONYMS


_DEMONYM_ENDINGS = ("ese", "ish", "ian", "ean", "ische", "iaans", "aanse")
_DEMONYMS = frozenset(
    """American African Mexican Dominican French Dutch Czech Greek Thai Swiss Welsh Iraqi Israeli
    Saudi Pakistani Afghan Filipino Amerikaans Amerikaanse Frans Franse Duits Duitse""".split()
)
