"""Dates: ISO-like values, bounds from the words before a date, English and Dutch."""

from __future__ import annotations

import pytest

from tests.test_facts_support import facts_of, spans, values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Xiaomi will expand in 2027.", "2027"),
        ("Xiaomi aims to sell its EVs in Europe by 2030.", "<=2030"),
        ("It wants to sell cars in Europe before 2030.", "<2030"),
        ("Sales will only start after 2027.", ">2027"),
        ("The plant runs from 2027.", ">=2027"),
        ("The rule applies no later than 2030.", "<=2030"),
        ("Prices have risen since 2019.", ">=2019"),
        ("Xiaomi delivered 81,302 vehicles in Q2 2025.", "2025-Q2"),
        ("Revenue rose in the second quarter of 2025.", "2025-Q2"),
        ("Profits fell in the first half of 2024.", "2024-H1"),
        ("The YU7 will launch in June 2025.", "2025-06"),
        ("The YU7 SUV will launch in June or July 2025.", "2025-06..2025-07"),
        ("The deal closed on 12 March 2024.", "2024-03-12"),
        ("The deal closed on March 12, 2024.", "2024-03-12"),
        ("The comment was posted on 14 Dec 2024.", "2024-12-14"),
        ("The plan covers 2020-2025.", "2020..2025"),
        ("It was popular in the 1990s.", "1990s"),
        ("The archive says date 2025-03.", "2025-03"),
    ],
)
def test_english_dates_are_normalised(text: str, expected: str) -> None:
    """Years, quarters, halves, months, days, spans and bounds in their value formats."""
    assert values(facts_of(text), "date") == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Xiaomi wil zijn EV's tegen 2027 internationaal lanceren.", "<=2027"),
        ("Het moet vóór 2030 klaar zijn.", "<2030"),
        ("Het moet voor 2030 klaar zijn.", "<2030"),
        ("Pas na 2027 komt er meer.", ">2027"),
        ("De fabriek draait vanaf 2027.", ">=2027"),
        ("De omzet steeg in het tweede kwartaal van 2025.", "2025-Q2"),
        ("Het contract is getekend op 12 maart 2024.", "2024-03-12"),
        ("De auto komt in juni 2025.", "2025-06"),
    ],
)
def test_dutch_dates_are_normalised(text: str, expected: str) -> None:
    """tegen/vóór/voor/na/vanaf bounds, kwartaal, Dutch month names."""
    assert values(facts_of(text, language="nl"), "date") == [expected]


def test_a_bound_is_part_of_the_span_and_a_plain_in_is_not() -> None:
    """The span of "<=2030" is "by 2030"; the span of "2027" in "in 2027" is "2027"."""
    facts = facts_of("Xiaomi will launch in 2027 and sell in Europe by 2030.")
    assert spans(facts, "date") == [("2027", "2027"), ("by 2030", "<=2030")]


def test_months_without_a_year_use_the_reduced_iso_form() -> None:
    """A month alone is --03 ("in March"), a day --03-12 ("March 12"); "in" stays out."""
    facts = facts_of("It debuted in March and again on March 12 in Paris.")
    assert spans(facts, "date") == [("March", "--03"), ("March 12", "--03-12")]


def test_a_quarter_without_a_year_stays_a_quarter() -> None:
    """A quarter without a year stays "Q1": the year is not guessed."""
    facts = facts_of("In Q2 2025 deliveries rose 7.16% compared to Q1.")
    assert values(facts, "date") == ["2025-Q2", "Q1"]


def test_relative_dates_keep_their_words_lower_cased() -> None:
    """Relative dates are kept as written (lower case) for a reader to resolve."""
    facts = facts_of("Yesterday, Lu said the second model comes next year, two years ago it was")
    assert values(facts, "date") == ["yesterday", "next year", "two years ago"]
    dutch = facts_of("Gisteren zei hij dat het volgend jaar komt, op maandag.", language="nl")
    assert values(dutch, "date") == ["gisteren", "volgend jaar", "maandag"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("You may go now.", "en"),
        ("Troops march on the capital.", "en"),
        ("The tower is 2024% taller.", "en"),
        ("Jan de Vries werkt hier.", "nl"),
    ],
)
def test_words_that_look_like_dates_are_not_dates(text: str, language: str) -> None:
    """The verbs "may" and "march", a percentage, the first name "Jan" in Dutch are no dates."""
    assert values(facts_of(text, language=language), "date") == []


def test_a_month_alone_needs_a_word_that_introduces_it() -> None:
    """A month after "in" is a month ("In May"); "May" opening a question is not."""
    assert values(facts_of("In May we trust."), "date") == ["--05"]
    assert values(facts_of("May we come in?"), "date") == []


def test_an_amount_of_money_is_not_a_year() -> None:
    """An amount ("$2024") is money, not a year; only "today" is a date."""
    facts = facts_of("It costs $2024 today.")
    assert values(facts, "date") == ["today"]
    assert values(facts, "money") == ["USD 2024"]


def test_a_year_is_a_date_not_a_count() -> None:
    """A year before a noun is a date: "the combined 2024 EV sales"."""
    facts = facts_of("It will surpass the combined 2024 EV sales of Volkswagen.")
    assert values(facts, "date") == ["2024"]
    assert values(facts, "quantity") == []


def test_two_months_joined_by_and_are_two_dates_not_a_span() -> None:
    """Two months joined by "and" are two dates ("in August and November 2001"); "June to
    July 2002" is a span."""
    facts = facts_of("It happened in August and November 2001, and again from June to July 2002.")
    assert values(facts, "date") == ["--08", "2001-11", "2002-06..2002-07"]
