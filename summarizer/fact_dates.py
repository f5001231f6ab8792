"""Dates in one sentence, normalised to ISO-like values (English and Dutch; German and French
month names too when the article is in those languages).

Values: a year "2027"; a month "2025-06"; a day "2024-03-12"; a quarter "2025-Q2" and a half year
"2025-H1"; a month or day without a year "--03" and "--03-12" (ISO 8601's reduced forms), a
quarter without one "Q1"; a span "2025-06..2025-07" ("June or July 2025", "2020-2025"); a decade
"1990s". A bound is written in front: "by 2030"/"tegen 2027" -> "<=2030", "before 2030"/"vóór
2030" -> "<2030", "after 2027"/"na 2027" -> ">2027", "from 2027"/"vanaf 2027"/"since 2019" ->
">=2027"; the span then includes the bounding word. "in 2027" is "2027".

Relative dates are kept with their words as the value, lower-cased ("yesterday", "next year",
"two years ago", "monday"), so that a reader can still resolve them against the publication date;
they never start with a digit or a bound, which tells them apart from absolute values.
English month names count only when capitalised ("may", "march" are verbs), and a month alone
only after a word that introduces a time ("in March", "since May").
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from functools import cache

from summarizer.fact_lexicon import alternation
from summarizer.fact_numbers import WORD_NUMBER, has_digit, lower_words
from summarizer.fact_span import Span

_EN_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "en": tuple(_EN_MONTHS),
    "nl": tuple(
        "januari februari maart april mei juni juli augustus september oktober november "
        "december".split()
    ),
    "de": tuple(
        "januar februar märz april mai juni juli august september oktober november dezember".split()
    ),
    "fr": tuple(
        "janvier février mars avril mai juin juillet août septembre octobre novembre "
        "décembre".split()
    ),
}
_ABBREVIATIONS: dict[str, int] = {
    "jan": 1, "feb": 2, "mar": 3, "mrt": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "okt": 10, "nov": 11, "dec": 12, "dez": 12,
}  # fmt: skip
_WEEKDAYS_EN = "monday tuesday wednesday thursday friday saturday sunday".split()
_WEEKDAYS_NL = "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag".split()
# Bounding words before a date, with their operator ("" for words that only introduce one).
_BOUNDS: dict[str, str] = {
    "by": "<=",
    "by the end of": "<=",
    "before the end of": "<=",
    "no later than": "<=",
    "not later than": "<=",
    "until": "<=",
    "till": "<=",
    "through": "<=",
    "tegen": "<=",
    "tegen eind": "<=",
    "tegen het einde van": "<=",
    "uiterlijk": "<=",
    "tot en met": "<=",
    "tot": "<=",
    "before": "<",
    "prior to": "<",
    "ahead of": "<",
    "voor": "<",
    "vóór": "<",
    "after": ">",
    "later than": ">",
    "na": ">",
    "from": ">=",
    "starting": ">=",
    "starting in": ">=",
    "starting from": ">=",
    "beginning in": ">=",
    "as of": ">=",
    "as from": ">=",
    "since": ">=",
    "not before": ">=",
    "no earlier than": ">=",
    "vanaf": ">=",
    "sinds": ">=",
    "per": ">=",
}
# Words that introduce a month named alone ("in March", "eind mei").
_MONTH_CUES = (
    "in|since|until|till|by|before|after|from|during|early|late|mid|mid-|of|through|"
    "in early|in late|in mid|at the end of|at the start of|"
    "vanaf|sinds|tot|voor|vóór|na|per|begin|eind|half|medio|in de maand|tegen"
)
_RELATIVE_CUES = (
    "last|next|this|past|coming|previous|this past|"
    "vorige|vorig|volgende|volgend|deze|dit|afgelopen|komende|komend"
)

_QUARTER_HINT = re.compile(r"[QH][1-4]")
_QUARTER_WORDS = frozenset({"quarter", "kwartaal", "half", "helft"})
_DECADE_HINT = re.compile(r"0['’]?s")
_YEAR_HINT = re.compile(r"(?<![0-9])(?:1[89]|20)[0-9]{2}(?![0-9])")
# Words that every relative date contains one of.
_RELATIVE_KEYS = frozenset(
    (
        "yesterday today tonight tomorrow gisteren vandaag overmorgen eergisteren vanavond "
        "vannacht ago geleden last next this past coming previous vorige vorig volgende volgend "
        "deze dit afgelopen komende komend earlier later"
    ).split()
    + _WEEKDAYS_EN
    + _WEEKDAYS_NL
)
_YEAR = (
    r"(?<![\w.,$€£¥#/-])(?<!No\. )(?<!nr\. )(?P<{name}>(?:1[89]|20)[0-9]{{2}})(?![\w%]|[.,][0-9])"
)
_DAY = r"(?<![\w.,])(?P<{name}>[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th|e|ste|de)?"
_ORDINAL_QUARTERS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
    "eerste": 1, "tweede": 2, "derde": 3, "vierde": 4,
}  # fmt: skip


def find_dates(sentence: str, language: str) -> Iterator[Span]:
    """Every date in `sentence` (overlapping readings included; the caller keeps the longest)."""
    patterns = _patterns(language)
    for name in _candidate_patterns(sentence, language):
        for match in patterns[name].finditer(sentence):
            value = _READERS[name](match, language)
            if value is None:
                continue
            start = match.start("m") if name == "month" else match.start()
            if not value[:1].isalpha() and ".." not in value:  # a span has its own bounds
                start, value = _bounded(sentence, start, value)
            yield Span("date", start, _end(sentence, match), value)


def _candidate_patterns(sentence: str, language: str) -> list[str]:
    """The patterns that can match at all, from cheap tests: a month name, a year, a quarter,
    a decade, a word of relative time. Skipping the rest keeps date finding cheap."""
    words = lower_words(sentence)
    names = [] if words.isdisjoint(_RELATIVE_KEYS) else ["relative"]
    if not has_digit(sentence):
        return names + (["month"] if not words.isdisjoint(_month_keys(language)) else [])
    if not words.isdisjoint(_month_keys(language)):
        names += ["dmy", "mdy", "months", "my", "dm", "md", "month"]
    if _QUARTER_HINT.search(sentence) or not words.isdisjoint(_QUARTER_WORDS):
        names.append("quarter")
    if _DECADE_HINT.search(sentence):
        names.append("decade")
    if _YEAR_HINT.search(sentence):
        names += ["iso", "range", "year"]
    return names


@cache
def _month_keys(language: str) -> frozenset[str]:
    """Lower-case month names and abbreviations of English and of `language`."""
    names = set(_MONTH_NAMES["en"]) | set(_MONTH_NAMES.get(language, ())) | set(_ABBREVIATIONS)
    if language == "nl":
        names |= set(_MONTH_NAMES["nl"])
    return frozenset(names)


def _end(sentence: str, match: re.Match[str]) -> int:
    """Where a date ends: a final period belongs to it only after an abbreviation ("Dec.")."""
    end = match.end()
    if sentence[end - 1] == ".":
        word = sentence[: end - 1].rsplit(None, 1)[-1].lower()
        if word not in _ABBREVIATIONS:
            end -= 1
    return end


def _year(name: str) -> str:
    return _YEAR.format(name=name)


def _day(name: str) -> str:
    return _DAY.format(name=name)


@cache
def _patterns(language: str) -> dict[str, re.Pattern[str]]:
    """The date patterns of one language, compiled once."""
    months = alternation(_month_keys(language))
    month = rf"(?P<m>{months})\.?"
    month2 = rf"(?P<m2>{months})\.?"
    quarter_words = alternation(_ORDINAL_QUARTERS)
    weekdays = alternation(_WEEKDAYS_EN + _WEEKDAYS_NL)
    flags = re.IGNORECASE
    return {
        "iso": re.compile(
            r"(?<![\w.-])(?P<y>(?:1[89]|20)[0-9]{2})-(?P<mn>0[1-9]|1[0-2])"
            r"(?:-(?P<dn>0[1-9]|[12][0-9]|3[01]))?(?![\w-])"
        ),
        "dmy": re.compile(rf"{_day('d')}\.?\s+{month},?\s+{_year('y')}", flags),
        "mdy": re.compile(rf"(?<!\w){month}\s+{_day('d')},?\s+{_year('y')}", flags),
        "months": re.compile(
            rf"(?<!\w){month}\s*(?:or|to|through|-|–|of|tot)\s*{month2},?\s+{_year('y')}",
            flags,
        ),
        "my": re.compile(rf"(?<!\w){month},?\s+{_year('y')}", flags),
        "dm": re.compile(rf"{_day('d')}\s+{month}(?!\w)", flags),
        "md": re.compile(rf"(?<!\w){month}\s+{_day('d')}(?![\w.:]|,?\s*[0-9])", flags),
        "month": re.compile(rf"(?<!\w)(?P<cue>{_MONTH_CUES})\s+{month}(?!\w)", flags),
        "quarter": re.compile(
            r"(?<![\w-])(?:(?P<q>[QH][1-4])(?:\s+|\s*')?(?:(?P<y>(?:19|20)[0-9]{2})|(?P<yy>[0-9]{2}))?"
            rf"|{_year('y2')}[\s-]?(?P<q2>[QH][1-4]))(?!\w)"
            rf"|(?<!\w)(?:the\s+|het\s+)?(?P<ord>{quarter_words})\s+(?P<part>quarter|kwartaal|half|helft)"
            rf"\s+(?:of\s+|in\s+|van\s+)?{_year('y3')}",
            flags,
        ),
        "range": re.compile(
            rf"(?:(?P<lead>between|from|tussen|van)\s+)?{_year('a')}\s*(?:-|–|/|to|and|until|tot|en)\s*"
            r"(?P<b>(?:1[89]|20)[0-9]{2}|[0-9]{2})(?![\w%]|[.,][0-9])",
            flags,
        ),
        "decade": re.compile(r"(?<![\w'’])(?P<dec>(?:1[89]|20)[0-9]0)['’]?s(?!\w)"),
        "year": re.compile(_year("y")),
        "relative": re.compile(
            r"(?<!\w)(?:yesterday|today|tonight|tomorrow|gisteren|vandaag|overmorgen|"
            r"eergisteren|vanavond|vannacht"
            rf"|(?:earlier|later)\s+this\s+(?:week|month|year)"
            rf"|(?:{_RELATIVE_CUES})\s+(?:week(?:end)?|month|year|decade|quarter|season|spring|"
            r"summer|autumn|fall|winter|jaar|maand|kwartaal|decennium|seizoen|zomer|winter|"
            rf"lente|herfst|{months}|{weekdays})"
            rf"|(?:[0-9]+|{WORD_NUMBER}|a|an|a few|several)\s+(?:days?|weeks?|months?|years?|"
            r"decades?|dagen|weken|maanden|jaar|jaren)\s+(?:ago|geleden)"
            rf"|(?:on\s+|op\s+)?(?P<wd>{weekdays}))(?!\w)",
            flags,
        ),
    }


def _month_number(word: str, language: str) -> int | None:
    """The month a name or abbreviation denotes; None where case says it is not a month.

    English names must be capitalised ("May", not the verb "may"); abbreviations are not months
    when capitalised in a Dutch text ("Jan" is a first name there).
    """
    lower = word.lower().rstrip(".")
    if (
        lower in _EN_MONTHS
        and not word[:1].isupper()
        and lower not in _MONTH_NAMES.get(language, ())
    ):
        return None
    if lower in _ABBREVIATIONS:
        if language == "nl" and word[:1].isupper() and lower not in _EN_MONTHS:
            return None
        if language == "en" and not word[:1].isupper():
            return None
        return _ABBREVIATIONS[lower]
    for names in (_MONTH_NAMES.get(language, ()), _MONTH_NAMES["en"], _MONTH_NAMES["nl"]):
        if lower in names:
            return names.index(lower) + 1
    return None


def _full_date(year: int, month: int, day: int) -> str | None:
    """YYYY-MM-DD, or None when the day does not exist."""
    if day > calendar.monthrange(year, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _read_iso(match: re.Match[str], language: str) -> str | None:
    if match["dn"]:
        return _full_date(int(match["y"]), int(match["mn"]), int(match["dn"]))
    return f"{match['y']}-{match['mn']}"


def _read_dmy(match: re.Match[str], language: str) -> str | None:
    month = _month_number(match["m"], language)
    if month is None:
        return None
    return _full_date(int(match["y"]), month, int(match["d"]))


def _read_my(match: re.Match[str], language: str) -> str | None:
    month = _month_number(match["m"], language)
    return None if month is None else f"{match['y']}-{month:02d}"


def _read_months(match: re.Match[str], language: str) -> str | None:
    first, second = _month_number(match["m"], language), _month_number(match["m2"], language)
    if first is None or second is None:
        return None
    return f"{match['y']}-{first:02d}..{match['y']}-{second:02d}"


def _read_day_month(match: re.Match[str], language: str) -> str | None:
    month = _month_number(match["m"], language)
    day = int(match["d"])
    if month is None or day > calendar.monthrange(2000, month)[1]:
        return None
    return f"--{month:02d}-{day:02d}"


def _read_month(match: re.Match[str], language: str) -> str | None:
    month = _month_number(match["m"], language)
    return None if month is None else f"--{month:02d}"


def _read_quarter(match: re.Match[str], language: str) -> str | None:
    if match["ord"]:
        number = _ORDINAL_QUARTERS[match["ord"].lower()]
        half = match["part"].lower() in ("half", "helft")
        if half and number > 2:
            return None
        return f"{match['y3']}-{'H' if half else 'Q'}{number}"
    label = (match["q"] or match["q2"]).upper()
    if label[0] == "H" and label[1] not in "12":
        return None
    year = match["y"] or match["y2"] or (f"20{match['yy']}" if match["yy"] else "")
    return f"{year}-{label}" if year else label


def _read_range(match: re.Match[str], language: str) -> str | None:
    first, last = match["a"], match["b"]
    if len(last) == 2:
        last = first[:2] + last
    if last <= first:
        return None
    return f"{first}..{last}"


def _read_decade(match: re.Match[str], language: str) -> str | None:
    return f"{match['dec']}s"


def _read_year(match: re.Match[str], language: str) -> str | None:
    return match["y"]


def _read_relative(match: re.Match[str], language: str) -> str | None:
    weekday = match["wd"]
    if weekday:
        if weekday.lower() in _WEEKDAYS_EN and not weekday[:1].isupper():
            return None
        return weekday.lower()
    text = " ".join(match.group().lower().split())
    words = text.split()
    if words[-1] in _EN_MONTHS and not match.group().split()[-1][:1].isupper():
        return None
    return text


_READERS = {
    "iso": _read_iso,
    "dmy": _read_dmy,
    "mdy": _read_dmy,
    "months": _read_months,
    "my": _read_my,
    "dm": _read_day_month,
    "md": _read_day_month,
    "month": _read_month,
    "quarter": _read_quarter,
    "range": _read_range,
    "decade": _read_decade,
    "year": _read_year,
    "relative": _read_relative,
}

_BOUND = re.compile(
    r"(?:^|(?<=[\s(\"“]))(?P<bound>"
    + alternation(_BOUNDS)
    + r")\s+(?:(?:the\s+)?(?:year|het jaar)\s+)?$",
    re.IGNORECASE,
)


def _bounded(sentence: str, start: int, value: str) -> tuple[int, str]:
    """Extend a date over a bounding word before it ("by 2030") and prefix its operator."""
    found = _BOUND.search(sentence, max(0, start - 30), start)
    if found is None:
        return start, value
    operator = _BOUNDS[found["bound"].lower()]
    return (found.start("bound"), operator + value) if operator else (start, value)
