"""Roles: person, role title and organisation, in English and Dutch word orders."""

from __future__ import annotations

import pytest

from summarizer.models import Fact
from tests.test_facts_support import facts_of, values


def roles(facts: tuple[Fact, ...]) -> list[tuple[str, str, str, str]]:
    """(text, value, entity, related) of the role facts."""
    return [(f.text, f.value, f.entity, f.related) for f in facts if f.kind == "role"]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Rudolf Dittrich, head of Xiaomi's European R&D center, spoke.",
            "en",
            (
                "Rudolf Dittrich, head of Xiaomi's European R&D center",
                "head of European R&D center",
                "Rudolf Dittrich",
                "Xiaomi",
            ),
        ),
        (
            "At the helm will be Lei Jun, CEO and founder of Xiaomi.",
            "en",
            ("Lei Jun, CEO and founder of Xiaomi", "CEO and founder", "Lei Jun", "Xiaomi"),
        ),
        (
            "In Paris, Xiaomi's CEO Lei Jun spoke.",
            "en",
            ("Xiaomi's CEO Lei Jun", "CEO", "Lei Jun", "Xiaomi"),
        ),
        (
            "Yesterday, Xiaomi president William Lu confirmed plans.",
            "en",
            ("Xiaomi president William Lu", "president", "William Lu", "Xiaomi"),
        ),
        (
            "William Lu, president, confirmed plans.",
            "en",
            ("William Lu, president", "president", "William Lu", ""),
        ),
        (
            "This led Xiaomi CEO, Lei Jun, to suggest that.",
            "en",
            ("Xiaomi CEO, Lei Jun", "CEO", "Lei Jun", "Xiaomi"),
        ),
        (
            "Dat zegt Lei Jun, topman van Xiaomi.",
            "nl",
            ("Lei Jun, topman van Xiaomi", "topman", "Lei Jun", "Xiaomi"),
        ),
        (
            "Volgens CEO Lei Jun van Xiaomi gaat het goed.",
            "nl",
            ("CEO Lei Jun van Xiaomi", "CEO", "Lei Jun", "Xiaomi"),
        ),
        (
            "De voormalige BMW-executive, Rudolf Dittrich, leidt het initiatief.",
            "nl",
            (
                "voormalige BMW-executive, Rudolf Dittrich",
                "voormalige executive",
                "Rudolf Dittrich",
                "BMW",
            ),
        ),
    ],
)
def test_role_patterns(text: str, language: str, expected: tuple[str, str, str, str]) -> None:
    """Apposition, possessive, prefixed and Dutch roles give title, person and organisation."""
    assert roles(facts_of(text, language=language)) == [expected]


def test_a_role_s_person_and_organisation_are_facts_of_their_own() -> None:
    """A role's person and organisation are facts of their own as well."""
    facts = facts_of("At the helm will be Lei Jun, CEO and founder of Xiaomi.")
    assert values(facts, "person") == ["Lei Jun"]
    assert values(facts, "org") == ["Xiaomi"]


def test_its_refers_to_the_organisation_before_the_person() -> None:
    """In "Xiaomi hired Rudolf Dittrich ... to serve as the head of its European R&D center", the
    center is Xiaomi's."""
    facts = facts_of(
        "Xiaomi hired Rudolf Dittrich from BMW last year to serve as the head of its European "
        "R&D center."
    )
    [(_, value, entity, related)] = roles(facts)
    assert (value, entity, related) == ("head of European R&D center", "Rudolf Dittrich", "Xiaomi")


def test_a_description_may_end_at_the_organisation() -> None:
    """A description may end at an organisation: "head of UK equities at Standard Life
    Investments" gives the title with its description, and the organisation after "at"."""
    facts = facts_of("David Cummings, head of UK equities at Standard Life Investments, said.")
    [(_, value, entity, related)] = roles(facts)
    assert (value, entity, related) == (
        "head of UK equities",
        "David Cummings",
        "Standard Life Investments",
    )


def test_no_role_without_a_person() -> None:
    """A role without a person ("a spokesperson for Xiaomi") is no role fact."""
    facts = facts_of("A spokesperson for Xiaomi confirmed the plan.")
    assert roles(facts) == []
