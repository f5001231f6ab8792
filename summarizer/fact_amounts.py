"""Money and percentages in one sentence.

Money is "<ISO 4217 code> <amount>" with the scale applied and no grouping: "RMB 215,900" ->
"CNY 215900", "8,500 million euros" -> "EUR 8500000000", "2,5 miljoen euro" -> "EUR 2500000".
"$" is US dollars unless another dollar is named ("HK$", "A$"); "¥" is Japanese yen unless the
sentence speaks of yuan, RMB or renminbi, then it is Chinese yuan. "pounds" counts as money only
with a scale ("5 million pounds"), since "5 pounds" is as often a weight. A range ("$5-10
million") gives one fact per end, over the same span. Comparison words are not part of a money or
percent value ("about 70 million euros" -> "EUR 70000000").

Percentages are "<number>%" ("26,4 procent" -> "26.4%"); percentage points are "<number>pp".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from summarizer.fact_lexicon import alternation
from summarizer.fact_numbers import (
    NUMBER,
    SCALE,
    WORD_NUMBER,
    format_number,
    has_digit,
    has_number_word,
    lower_words,
    parse_number,
    scale_value,
    word_value,
)
from summarizer.fact_span import Span

_PREFIX_CURRENCIES: dict[str, str] = {
    "US$": "USD",
    "U.S.$": "USD",
    "U.S. $": "USD",
    "HK$": "HKD",
    "NT$": "TWD",
    "CA$": "CAD",
    "C$": "CAD",
    "AU$": "AUD",
    "A$": "AUD",
    "NZ$": "NZD",
    "S$": "SGD",
    "R$": "BRL",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "₽": "RUB",
    "₺": "TRY",
    "Rs.": "INR",
    "Rs": "INR",
    "Rmb": "CNY",
    "RMB": "CNY",
}
_CODES = frozenset(
    "USD EUR GBP CNY JPY HKD CHF CAD AUD INR KRW RUB SEK NOK DKK PLN TRY ZAR BRL MXN SGD TWD "
    "NZD".split()
)
# Currency words after an amount, lower-cased.
_SUFFIX_CURRENCIES: dict[str, str] = {
    "us dollars": "USD",
    "us dollar": "USD",
    "u.s. dollars": "USD",
    "dollars": "USD",
    "dollar": "USD",
    "amerikaanse dollar": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "pounds sterling": "GBP",
    "sterling": "GBP",
    "pounds": "GBP",
    "pound": "GBP",
    "pond": "GBP",
    "yuan": "CNY",
    "renminbi": "CNY",
    "yen": "JPY",
    "swiss francs": "CHF",
    "zwitserse frank": "CHF",
    "francs": "CHF",
    "rupees": "INR",
    "roubles": "RUB",
    "rubles": "RUB",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
}
_NEEDS_SCALE = frozenset({"pounds", "pound", "pond", "francs"})


_PREFIX = rf"(?:{alternation(_PREFIX_CURRENCIES)}|(?:{'|'.join(sorted(_CODES))})(?![A-Za-z]))"


def _amount(number: str, scale: str) -> str:
    """A number with an optional scale word, in named groups."""
    return rf"(?P<{number}>{NUMBER})(?:\s?(?P<{scale}>{SCALE}))?"


_RANGE = r"\s?(?:-|–|to|tot)\s?"
_PREFIX_MONEY = re.compile(
    rf"(?<![\w$€£¥])(?P<cur>{_PREFIX})\s?"
    + _amount("num", "scale")
    + rf"(?:{_RANGE}(?:{_PREFIX})?\s?"
    + _amount("num2", "scale2")
    + ")?"
)


def _suffix_money(number: str) -> re.Pattern[str]:
    """Amounts followed by a currency word ("8,500 million euros", "five million dollars")."""
    return re.compile(
        rf"(?P<num>{number})"
        rf"(?:{_RANGE}(?P<num2>{NUMBER}))?"
        rf"(?:\s?(?P<scale>{SCALE}))?\s?"
        rf"(?P<cur>(?:{alternation(_SUFFIX_CURRENCIES)}|{'|'.join(sorted(_CODES))}))(?!\w)",
        re.IGNORECASE,
    )


# Digits only, and digits or number words: the first is much faster and usually enough.
_SUFFIX_MONEY = _suffix_money(NUMBER)
_SUFFIX_MONEY_WORDS = _suffix_money(f"{NUMBER}|{WORD_NUMBER}")
_YUAN_CONTEXT = re.compile(r"\b(?:yuan|rmb|renminbi|cny)\b", re.IGNORECASE)

_PERCENT_SIGN = (
    r"(?:%|(?:percent|per cent|procent|pct|percentage points?|procentpunt(?:en)?)(?!\w))"
)


def _percent(number: str) -> re.Pattern[str]:
    """Numbers followed by a percent sign or word, with an optional sign and range."""
    return re.compile(
        r"(?:(?<![\w.,])(?P<neg>[-−]))?"
        rf"(?P<num>{number})"
        rf"(?:\s?%?{_RANGE}(?P<num2>{NUMBER}))?"
        rf"\s?(?P<sign>{_PERCENT_SIGN})",
        re.IGNORECASE,
    )


_PERCENT = _percent(NUMBER)
_PERCENT_WORDS = _percent(f"{NUMBER}|{WORD_NUMBER}")
_PERCENT_KEYS = frozenset("percent cent procent pct percentage procentpunt procentpunten".split())


def find_money(sentence: str, language: str) -> Iterator[Span]:
    """Every amount of money in `sentence`, prefix currencies first."""
    digits = has_digit(sentence)
    if digits:
        for match in _PREFIX_MONEY.finditer(sentence):
            code = _prefix_code(match["cur"], sentence)
            yield from _amounts(match, code, language)
    suffix = _SUFFIX_MONEY_WORDS if has_number_word(sentence) else _SUFFIX_MONEY
    if not digits and suffix is _SUFFIX_MONEY:
        return
    for match in suffix.finditer(sentence):
        word = " ".join(match["cur"].lower().split())
        if word in _NEEDS_SCALE and not match["scale"]:
            continue
        code = _SUFFIX_CURRENCIES.get(word) or match["cur"].upper()
        yield from _amounts(match, code, language)


def find_percents(sentence: str, language: str) -> Iterator[Span]:
    """Every percentage (and percentage-point change) in `sentence`."""
    if "%" not in sentence and lower_words(sentence).isdisjoint(_PERCENT_KEYS):
        return
    pattern = _PERCENT_WORDS if has_number_word(sentence) else _PERCENT
    for match in pattern.finditer(sentence):
        unit = "pp" if "point" in match["sign"].lower() or "punt" in match["sign"].lower() else "%"
        sign = "-" if match["neg"] else ""
        for group in ("num", "num2"):
            number = _number(match[group], language)
            if number is not None:
                value = f"{sign}{format_number(number)}{unit}"
                yield Span("percent", match.start(), match.end(), value)


def _prefix_code(symbol: str, sentence: str) -> str:
    """The ISO code of a currency written before the amount."""
    code = _PREFIX_CURRENCIES.get(" ".join(symbol.split()), symbol.upper())
    if symbol == "¥" and _YUAN_CONTEXT.search(sentence):
        return "CNY"
    return code


def _amounts(match: re.Match[str], code: str, language: str) -> Iterator[Span]:
    """One money span per amount of a match (two for a range), the scale applied to both ends
    when only the last names it ("$5-10 million")."""
    groups = match.groupdict()
    last_scale = groups.get("scale2") or groups.get("scale")
    for number_group, scale_group in (("num", "scale"), ("num2", "scale2")):
        number = _number(groups.get(number_group), language)
        if number is None:
            continue
        scale = scale_value(groups.get(scale_group) or last_scale)
        value = f"{code} {format_number(number * scale)}"
        yield Span("money", match.start(), match.end(), value)


def _number(text: str | None, language: str) -> Decimal | None:
    """A digit string or a number word read as a decimal."""
    if not text:
        return None
    if text[0].isdigit():
        return parse_number(text, language)
    return word_value(text)
