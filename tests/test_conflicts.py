"""Conflicts: sources that give different values for the same thing, in any language."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from summarizer.conflicts import SourcedFact, comparable, find_conflicts, same_reading
from summarizer.embeddings import MultilingualEmbedder, Vectors
from summarizer.models import Fact

DUTCH_2027 = (
    "Xiaomi is van plan om zijn EV’s internationaal te lanceren tegen 2027, wat een "
    "strategische stap markeert in de wereldwijde automarkt."
)
ENGLISH_2030 = (
    "During the Paris event, Xiaomi's CEO Lei Jun expressed ambitions to sell "
    "Xiaomi-branded cars in Europe before 2030."
)
DELIVERIES = "Xiaomi delivered 81,302 vehicles in Q2 2025."
FACTORY = "The Beijing factory opened in 2024 and can build 150,000 cars a year."
FIVE = (
    "It is recruiting experienced talent from other brands, including at least five senior "
    "executives from BMW."
)
FOUR_PLUS_ONE = "Xiaomi hired Dittrich plus at least four other BMW engineers."


def fact(kind: str, span: str, value: str, sentence: str) -> Fact:
    return Fact(kind, span, value, sentence, 0, sentence.index(span))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def encode() -> MultilingualEmbedder:
    return MultilingualEmbedder(threads=1)


def test_a_dutch_and_an_english_source_disagree_on_when(encode: MultilingualEmbedder) -> None:
    """ "tegen 2027" in one source and "before 2030" in another are flagged as one conflict."""
    found = find_conflicts(
        [
            SourcedFact(fact("date", "tegen 2027", "<=2027", DUTCH_2027), "nl"),
            SourcedFact(fact("date", "before 2030", "<2030", ENGLISH_2030), "en"),
            SourcedFact(fact("date", "Q2 2025", "2025-Q2", DELIVERIES), "other"),
        ],
        encode.encode,
    )
    assert len(found) == 1
    assert found[0].kind == "date"
    assert found[0].values == ("<=2027", "<2030")
    assert {item.source for item in found[0].facts} == {"nl", "en"}


def test_values_that_agree_once_read_properly_are_not_flagged(
    encode: MultilingualEmbedder,
) -> None:
    """At least five executives and Dittrich plus at least four others agree (>=5)."""
    facts = [
        SourcedFact(
            fact("quantity", "at least five senior executives", ">=5 executive", FIVE), "a"
        ),
        SourcedFact(
            fact(
                "quantity",
                "Dittrich plus at least four other BMW engineers",
                ">=5 engineer",
                FOUR_PLUS_ONE,
            ),
            "b",
        ),
    ]
    assert find_conflicts(facts, encode.encode) == ()
    assert same_reading(facts[0].fact, facts[1].fact)


def test_facts_from_one_article_or_about_different_things_are_not_flagged(
    encode: MultilingualEmbedder,
) -> None:
    same_article = [
        SourcedFact(fact("date", "tegen 2027", "<=2027", DUTCH_2027), "one"),
        SourcedFact(fact("date", "before 2030", "<2030", ENGLISH_2030), "one"),
    ]
    assert find_conflicts(same_article, encode.encode) == ()
    unrelated = [
        SourcedFact(fact("date", "2024", "2024", FACTORY), "a"),
        SourcedFact(fact("date", "Q2 2025", "2025-Q2", DELIVERIES), "b"),
    ]
    assert find_conflicts(unrelated, encode.encode) == ()


def test_only_facts_of_one_event_are_compared(encode: MultilingualEmbedder) -> None:
    """The same two statements disagree within one story; in two stories (months apart, say)
    the later is an update, not a disagreement."""

    def deadlines(first: str, second: str) -> list[SourcedFact]:
        return [
            SourcedFact(fact("date", "tegen 2027", "<=2027", DUTCH_2027), "nl", first),
            SourcedFact(fact("date", "before 2030", "<2030", ENGLISH_2030), "en", second),
        ]

    assert [c.values for c in find_conflicts(deadlines("s1", "s1"), encode.encode)] == [
        ("<=2027", "<2030")
    ]
    assert find_conflicts(deadlines("s1", "s2"), encode.encode) == ()


def test_one_price_in_two_currencies_is_not_a_conflict() -> None:
    sentence = "The SU7 costs RMB 215,900 ($29,700)."
    yuan = fact("money", "RMB 215,900", "CNY 215900", sentence)
    dollars = fact("money", "$29,700", "USD 29700", sentence)
    assert not comparable(yuan, dollars)
    assert comparable(yuan, fact("money", "RMB 215,900", "CNY 199000", sentence))


def test_readings_compare_operator_and_number() -> None:
    assert same_reading(
        fact("money", "RMB 1", "CNY 215900", "RMB 1"),
        fact("money", "RMB 1", "CNY 215900.0", "RMB 1"),
    )
    assert not same_reading(
        fact("quantity", "5", ">=5 car", "5"), fact("quantity", "5", "5 car", "5")
    )
    assert not same_reading(
        fact("date", "Q2", "2025-Q2", "Q2"), fact("date", "Q3", "2025-Q3", "Q3")
    )
    assert same_reading(
        fact("percent", "26.4%", "26.4%", "26.4%"), fact("percent", "26,4%", "26.4%", "26,4%")
    )


def test_deadlines_and_periods_are_different_statements() -> None:
    deadline = fact("date", "by 2027", "<=2027", "by 2027")
    quarter = fact("date", "Q2 2025", "2025-Q2", "Q2 2025")
    assert comparable(deadline, fact("date", "before 2030", "<2030", "before 2030"))
    assert not comparable(deadline, quarter)
    assert comparable(quarter, fact("date", "Q3 2024", "2024-Q3", "Q3 2024"))
    assert not comparable(quarter, fact("date", "2024", "2024", "2024"))


def test_fewer_than_two_comparable_facts_never_call_the_encoder() -> None:
    def refuse(texts: object) -> object:
        raise AssertionError("the encoder must not be called")

    people = [SourcedFact(fact("person", "Lei Jun", "Lei Jun", "Lei Jun spoke."), "a")] * 3
    assert find_conflicts(people, refuse) == ()  # type: ignore[arg-type]


def test_only_facts_that_could_disagree_are_embedded(encode: MultilingualEmbedder) -> None:
    """Of five dates, the encoder sees the two deadlines from two sources with two values: not
    the quarter (no other quarter), nor the years that one source alone gives or all give alike."""
    seen: list[str] = []

    def counting(texts: Sequence[str]) -> Vectors:
        seen.extend(texts)
        return encode.encode(texts)

    facts = [
        SourcedFact(fact("date", "tegen 2027", "<=2027", DUTCH_2027), "nl"),
        SourcedFact(fact("date", "before 2030", "<2030", ENGLISH_2030), "en"),
        SourcedFact(fact("date", "Q2 2025", "2025-Q2", DELIVERIES), "en"),
        SourcedFact(fact("date", "2024", "2024", FACTORY), "en"),
        SourcedFact(fact("date", "2024", "2024", FACTORY), "nl"),
    ]
    found = find_conflicts(facts, counting)
    assert [conflict.values for conflict in found] == [("<=2027", "<2030")]
    assert len(seen) == 2
