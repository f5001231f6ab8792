"""Money, percentages and counts: reading numbers in English and Dutch, normalised values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from summarizer.fact_numbers import format_number, parse_number, word_value
from tests.test_facts_support import facts_of, spans, values


@pytest.mark.parametrize(
    ("raw", "language", "expected"),
    [
        ("215,900", "en", "215900"),
        ("8,500", "en", "8500"),
        ("20.6", "en", "20.6"),
        ("1,234.56", "en", "1234.56"),
        ("2,5", "nl", "2.5"),
        ("215.900", "nl", "215900"),
        ("1.5", "nl", "1.5"),
        ("1.234,56", "nl", "1234.56"),
        ("26,4", "nl", "26.4"),
        ("2,87", "en", "2.87"),
        ("1\u00a0000\u00a0000", "fr", "1000000"),
    ],
)
def test_numbers_are_read_with_the_language_s_decimal_mark(
    raw: str, language: str, expected: str
) -> None:
    """A comma or period followed by three digits groups in the language that groups with it."""
    number = parse_number(raw, language)
    assert number is not None
    assert format_number(number) == expected


@pytest.mark.parametrize("raw", ["1.2.3", "12,34,567", "", "abc", "1,2,3"])
def test_malformed_numbers_are_not_read(raw: str) -> None:
    """Version numbers and broken grouping are not numbers."""
    assert parse_number(raw, "en") is None


def test_plain_numbers_have_no_grouping_exponent_or_trailing_zeros() -> None:
    """format_number writes 2.06e10 out in full and drops trailing zeros."""
    assert format_number(Decimal("20.6") * Decimal(10) ** 9) == "20600000000"
    assert format_number(Decimal("26.40")) == "26.4"
    assert format_number(Decimal("100")) == "100"
    assert format_number(Decimal("0.50")) == "0.5"


@pytest.mark.parametrize(
    ("word", "expected"),
    [("five", 5), ("Twenty-five", 25), ("vijf", 5), ("vijfentwintig", 25), ("tweeëntwintig", 22)],
)
def test_number_words_count_in_both_languages(word: str, expected: int) -> None:
    """English and Dutch number words, compounds included, have their values."""
    assert word_value(word) == expected


def test_the_dutch_article_een_is_not_the_number_one() -> None:
    """The Dutch article "een" is no number; only "één" counts."""
    assert word_value("een") is None
    assert word_value("één") == 1


# -- money -----------------------------------------------------------------------------------


def test_a_price_in_yuan_with_dollars_in_brackets_gives_two_amounts() -> None:
    """RMB 215,900 ($29,700): both currencies, ISO codes, no grouping."""
    facts = facts_of("The SU7 has a starting price of RMB 215,900 ($29,700).")
    assert spans(facts, "money") == [("RMB 215,900", "CNY 215900"), ("$29,700", "USD 29700")]


def test_scales_apply_to_both_amounts_of_a_revenue_figure() -> None:
    """RMB 20.6 billion ($2.87 billion) is 20.6e9 yuan and 2.87e9 dollars."""
    facts = facts_of("Revenue was RMB 20.6 billion ($2.87 billion).")
    assert values(facts, "money") == ["CNY 20600000000", "USD 2870000000"]


def test_an_amount_in_millions_of_euros_written_after_the_number() -> None:
    """An amount written before its scale and currency: "8,500 million euros" is 8.5e9 euros."""
    facts = facts_of("It will be endowed with approximately 8,500 million euros.")
    assert spans(facts, "money") == [("8,500 million euros", "EUR 8500000000")]


def test_dutch_amounts_with_scale_words_and_decimal_commas() -> None:
    """€1.5 miljard is 1.5e9 euros; 2,5 miljoen euro is 2.5e6 euros."""
    facts = facts_of("Het bedrijf investeert €1.5 miljard en nog 2,5 miljoen euro.", language="nl")
    assert values(facts, "money") == ["EUR 1500000000", "EUR 2500000"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Profits reached £10bn last year.", "GBP 10000000000"),
        ("The startup raised $5m from investors.", "USD 5000000"),
        ("Salaries start at $50k a year.", "USD 50000"),
        ("Tickets cost 500 yuan each.", "CNY 500"),
        ("Tickets cost ¥500 yuan each.", "CNY 500"),
        ("The console costs ¥30,000 in Tokyo.", "JPY 30000"),
        ("The fine was five million dollars.", "USD 5000000"),
        ("It sold for 5 million pounds.", "GBP 5000000"),
        ("Fuel was sold at 2$ per litre.", "USD 2"),
        ("The fund holds HK$ 20 billion.", "HKD 20000000000"),
    ],
)
def test_money_in_symbols_codes_words_and_abbreviated_scales(text: str, expected: str) -> None:
    """£/€/$/¥ and currency words; bn/m/k scales; ¥ is yuan only when the sentence says so."""
    assert values(facts_of(text), "money") == [expected]


def test_a_weight_in_pounds_is_not_money() -> None:
    """Pounds without a scale may be a weight ("5 pounds"): no money fact."""
    assert values(facts_of("The baby weighed 5 pounds at birth."), "money") == []


def test_a_range_of_money_gives_both_ends_with_the_shared_scale() -> None:
    """$5-10 million is five to ten million dollars."""
    assert values(facts_of("The deal is worth $5-10 million."), "money") == [
        "USD 5000000",
        "USD 10000000",
    ]


# -- percent ---------------------------------------------------------------------------------


def test_percentages_in_english_and_dutch() -> None:
    """26.4% and 26,4 procent are both 26.4%; two decimals are kept."""
    english = facts_of("Deliveries rose 197.73% YoY, with gross margins reaching 26.4%.")
    dutch = facts_of("De brutomarge steeg tot 26,4 procent.", language="nl")
    assert values(english, "percent") == ["197.73%", "26.4%"]
    assert values(dutch, "percent") == ["26.4%"]


def test_percent_words_signs_ranges_and_points() -> None:
    """Percent words ("five percent"), a minus sign, a range and percentage points."""
    facts = facts_of("Sales fell -3.2%, or five percent by another count, 5-10% in all.")
    assert values(facts, "percent") == ["-3.2%", "5%", "5%", "10%"]
    assert values(facts_of("Rates rose 3 percentage points."), "percent") == ["3pp"]


# -- quantity --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The factory can produce 300,000 electric cars annually.", "300000 car"),
        ("Xiaomi delivered a record 81,302 vehicles.", "81302 vehicle"),
        ("Wait times for the YU7 are 58 weeks.", "58 week"),
        ("Dittrich worked at BMW for 15 years.", "15 year"),
        ("The division has a team of 300 employees.", "300 employee"),
        ("It wants to sell 350,000 EVs in China.", "350000 EV"),
        ("The network has over 100 Xiaomi stores worldwide.", ">100 store"),
        ("It can build up to 300,000 cars a year.", "<=300000 car"),
        ("It has been about four years since the launch.", "~4 year"),
        ("The brand hired at least five senior executives from BMW.", ">=5 executive"),
        ("Not for at least a year and a half.", ">=1.5 year"),
        ("Expect this in two years.", "2 year"),
        ("Fewer than 20 people came.", "<20 person"),
        ("It saw 200,000 customer deliveries.", "200000 delivery"),
        ("An F1 car weighs not more than 750Kg.", "<=750 kg"),
        ("Spammers sent 12 million e-mails.", "12000000 e-mail"),
    ],
)
def test_english_counts_have_an_operator_a_plain_number_and_a_singular_unit(
    text: str, expected: str
) -> None:
    """Counts read "[op]<number> <unit>": comparison words, number words, noun lemmas."""
    assert values(facts_of(text), "quantity") == [expected]


def test_the_named_person_counts_with_the_others() -> None:
    """A name plus N others is N + 1: "Dittrich plus at least four other BMW engineers" is at
    least five engineers, as many as "at least five senior executives from BMW"."""
    facts = facts_of("Dittrich plus at least four other BMW engineers joined the team.")
    assert spans(facts, "quantity") == [
        ("Dittrich plus at least four other BMW engineers", ">=5 engineer")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("De wereldwijde verkoop zou meer dan 50 miljoen eenheden bedragen.", ">50000000 unit"),
        ("Hij brengt meer dan 15 jaar ervaring mee.", ">15 year"),
        ("Minstens vier andere ervaren BMW-ingenieurs kwamen erbij.", ">=4 engineer"),
        ("Er werken ongeveer 300 medewerkers.", "~300 employee"),
        ("Het duurt maximaal vijf weken.", "<=5 week"),
        ("Er kwamen minder dan tien auto's.", "<10 car"),
        ("Het project duurt anderhalf jaar.", "1.5 year"),
    ],
)
def test_dutch_counts_use_english_units_where_known(text: str, expected: str) -> None:
    """Dutch comparison words and lemmas; common units get their English name."""
    assert values(facts_of(text, language="nl"), "quantity") == [expected]


def test_a_range_of_counts_gives_a_lower_and_an_upper_bound() -> None:
    """A range of counts ("10-15 years") is at least 10 and at most 15 years."""
    assert sorted(values(facts_of("It takes 10-15 years."), "quantity")) == [
        "<=15 year",
        ">=10 year",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "It has experience at the Williams and Sauber Formula 1 teams.",
        "The Tesla Model 3 sold well.",
        "This is the 17th month in a row.",
        "No. 5 cars were recalled.",
        "A 68-year-old man was hurt.",
        "It is one of the most sought after models.",
        "The combined 2024 EV sales were lower.",
        "Version 1.2.3 fixes it.",
    ],
)
def test_names_ranks_ages_years_and_lone_numbers_are_not_counts(text: str) -> None:
    """Labels are no counts: "Formula 1 teams" is not one team, "one of" counts nothing."""
    assert values(facts_of(text), "quantity") == []


def test_a_year_with_a_comparison_word_is_a_count() -> None:
    """A year-like number after a comparison counts: "more than 2000 people"."""
    assert values(facts_of("More than 2000 people attended."), "quantity") == [">2000 person"]
