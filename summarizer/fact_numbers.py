"""Numbers as news writes them: digits with either decimal convention, number words, scale
words and the comparison words in front of them, read into exact decimals.

`parse_number("8,500", "en")` is 8500 and `parse_number("2,5", "nl")` is 2.5; `format_number`
writes a plain number without grouping ("20600000000", "26.4"). Regex fragments (`NUMBER`,
`WORD_NUMBER`, `SCALE`, `OPERATOR`) are shared by the money, percent and quantity recognisers.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from summarizer.fact_lexicon import alternation

# Languages that write a decimal comma and group thousands with a period or a space.
DECIMAL_COMMA = frozenset(
    "nl de fr es it pt da sv nb nn no fi pl cs sk sl hr sr bs hu ro bg ru uk be lt lv et tr el "
    "id ca gl eu is af az kk".split()
)

# Digits with optional grouping and decimals; never inside a longer run of digits and separators
# ("1.2.3" and version numbers yield nothing), never glued to a letter before ("SU7", "Q2").
NUMBER = (
    r"(?<![\w.,])"
    r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?"
    r"|[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?"
    r"|[0-9]{1,3}(?:[\u00a0\u202f][0-9]{3})+(?:[.,][0-9]+)?"
    r"|[0-9]+(?:[.,][0-9]+)?)"
    r"(?![0-9]|[.,][0-9])"
)

_UNITS_EN = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS_EN = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_UNITS_NL = (
    "nul één twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien vijftien "
    "zestien zeventien achttien negentien"
).split()
_TENS_NL = "twintig dertig veertig vijftig zestig zeventig tachtig negentig".split()


def _word_values() -> dict[str, Decimal]:
    """Every number word of English and Dutch up to 99, plus hundreds, dozens and halves."""
    values: dict[str, Decimal] = {}
    for index, word in enumerate(_UNITS_EN):
        values[word] = Decimal(index)
    for index, word in enumerate(_UNITS_NL):
        values[word] = Decimal(index)
    values["eén"] = Decimal(1)
    for position, tens in enumerate(_TENS_EN):
        base = 20 + 10 * position
        values[tens] = Decimal(base)
        for unit in range(1, 10):
            values[f"{tens}-{_UNITS_EN[unit]}"] = Decimal(base + unit)
    for position, tens in enumerate(_TENS_NL):
        base = 20 + 10 * position
        values[tens] = Decimal(base)
        for unit in range(1, 10):
            word = "een" if unit == 1 else _UNITS_NL[unit]
            joiner = "ën" if word.endswith("e") else "en"
            values[f"{word}{joiner}{tens}"] = Decimal(base + unit)
    values.update(
        {
            "a dozen": Decimal(12),
            "dozen": Decimal(12),
            "a hundred": Decimal(100),
            "one hundred": Decimal(100),
            "hundred": Decimal(100),
            "honderd": Decimal(100),
            "anderhalf": Decimal("1.5"),
            "tweeënhalf": Decimal("2.5"),
            "drieënhalf": Decimal("3.5"),
        }
    )
    return values


WORD_VALUES = _word_values()
WORD_NUMBER = rf"(?<![\w-])(?:{alternation(WORD_VALUES)})(?![\w-])"

# Scale words and abbreviations, lower-cased. "billion" is 10^9 (short scale, as in English
# news); the Dutch "biljoen" is 10^12.
SCALES: dict[str, Decimal] = {
    "thousand": Decimal(10) ** 3,
    "k": Decimal(10) ** 3,
    "duizend": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "millions": Decimal(10) ** 6,
    "m": Decimal(10) ** 6,
    "mn": Decimal(10) ** 6,
    "mln": Decimal(10) ** 6,
    "miljoen": Decimal(10) ** 6,
    "mio": Decimal(10) ** 6,
    "millionen": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "billions": Decimal(10) ** 9,
    "bn": Decimal(10) ** 9,
    "b": Decimal(10) ** 9,
    "miljard": Decimal(10) ** 9,
    "mld": Decimal(10) ** 9,
    "mrd": Decimal(10) ** 9,
    "milliarden": Decimal(10) ** 9,
    "milliard": Decimal(10) ** 9,
    "milliards": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12,
    "tn": Decimal(10) ** 12,
    "biljoen": Decimal(10) ** 12,
}


# Every scale after a currency ("$5m", "€1,5 mld"); only written-out scales after a bare count,
# where "5 m" is five metres ("300,000 million" but not "300 m").
SCALE = rf"(?:{alternation(SCALES)})(?!\w)"
COUNT_SCALE = (
    rf"(?:{alternation(s for s in SCALES if len(s) > 3 or s in ('mln', 'mld', 'mrd'))})(?!\w)"
)

# Comparison words in front of a number, with the operator they mean (lower case).
OPERATORS: dict[str, str] = {
    "at least": ">=",
    "no fewer than": ">=",
    "no less than": ">=",
    "not less than": ">=",
    "a minimum of": ">=",
    "minstens": ">=",
    "ten minste": ">=",
    "tenminste": ">=",
    "minimaal": ">=",
    "op zijn minst": ">=",
    "at most": "<=",
    "up to": "<=",
    "no more than": "<=",
    "not more than": "<=",
    "a maximum of": "<=",
    "as many as": "<=",
    "maximaal": "<=",
    "hoogstens": "<=",
    "ten hoogste": "<=",
    "tot wel": "<=",
    "more than": ">",
    "over": ">",
    "above": ">",
    "in excess of": ">",
    "upwards of": ">",
    "meer dan": ">",
    "ruim": ">",
    "boven de": ">",
    "less than": "<",
    "fewer than": "<",
    "under": "<",
    "below": "<",
    "minder dan": "<",
    "onder de": "<",
    "about": "~",
    "around": "~",
    "approximately": "~",
    "roughly": "~",
    "nearly": "~",
    "almost": "~",
    "some": "~",
    "an estimated": "~",
    "close to": "~",
    "circa": "~",
    "ca.": "~",
    "ongeveer": "~",
    "zo'n": "~",
    "zo’n": "~",
    "rond de": "~",
    "rond": "~",
    "bijna": "~",
    "ruwweg": "~",
    "pakweg": "~",
    "naar schatting": "~",
}
OPERATOR = rf"(?<![\w])(?:{alternation(OPERATORS)})(?=\s)"


_DIGIT = re.compile(r"[0-9]")
_LOWER_WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# The last word of every number word, to tell quickly whether a sentence has any.
_NUMBER_WORD_ENDS = frozenset(word.split()[-1] for word in WORD_VALUES)


def has_digit(text: str) -> bool:
    """Whether `text` has an ASCII digit (the recognisers of digits need one)."""
    return _DIGIT.search(text) is not None


@lru_cache(maxsize=64)
def lower_words(text: str) -> frozenset[str]:
    """The lower-cased words of `text`, hyphenated compounds split (cached: every recogniser of
    a sentence asks), so that recognisers can skip sentences without their key words."""
    return frozenset(_LOWER_WORDS.findall(text.lower()))


def has_number_word(text: str) -> bool:
    """Whether `text` has a number word ("five", "vijftien", "dozen")."""
    return not lower_words(text).isdisjoint(_NUMBER_WORD_ENDS)


def parse_number(raw: str, language: str) -> Decimal | None:
    """The value of a digit string, read with the decimal convention of `language`.

    With both separators the last one is the decimal mark ("1,234.5", "1.234,5"). With one kind,
    repeated means grouping ("1,234,567"); once, followed by exactly three digits, it groups
    where that is the language's habit ("215,900" in English, "215.900" in Dutch) and is a
    decimal mark otherwise ("2,5" in Dutch, "26.4" anywhere). Returns None for malformed input.
    """
    text = raw.replace("\u00a0", "").replace("\u202f", "")
    if not text or not text[0].isdigit():
        return None
    comma_decimal = language in DECIMAL_COMMA
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        text = text.replace(grouping, "").replace(decimal_mark, ".")
    elif "," in text or "." in text:
        mark = "," if "," in text else "."
        groups = text.split(mark)
        grouping_habit = "." if comma_decimal else ","
        if len(groups) > 2 or (len(groups[1]) == 3 and mark == grouping_habit):
            if any(len(group) != 3 for group in groups[1:]):
                return None
            text = "".join(groups)
        else:
            text = text.replace(mark, ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def word_value(word: str) -> Decimal | None:
    """The value of a number word ("five", "vijfentwintig", "a dozen"), case-insensitive."""
    return WORD_VALUES.get(" ".join(word.lower().split()))


def scale_value(word: str | None) -> Decimal:
    """The multiplier of a scale word ("billion", "mld", "k"); 1 when there is none."""
    if not word:
        return Decimal(1)
    return SCALES.get(word.lower(), Decimal(1))


def operator_of(phrase: str | None) -> str:
    """The operator (">=", "<=", ">", "<", "~") of a comparison phrase; "" for none."""
    if not phrase:
        return ""
    return OPERATORS.get(" ".join(phrase.lower().split()), "")


def format_number(value: Decimal) -> str:
    """A plain number: no grouping, no exponent, no trailing zeros ("20600000000", "26.4")."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"
