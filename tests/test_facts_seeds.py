"""Facts of the five seed articles (English and Dutch news about Xiaomi), checked against what
their sentences say. Each expectation was read from the sentence it names."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.facts import extract_facts
from summarizer.models import Fact
from summarizer.pipeline import split_article

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def seed_facts() -> dict[str, tuple[Fact, ...]]:
    """Facts of every seed by file name prefix ("000" ... "004")."""
    found = {}
    for path in sorted(SEEDS.glob("*.txt")):
        article = split_article(path.read_text(encoding="utf-8"))
        found[path.name[:3]] = extract_facts(article.sentences, article.language)
    return found


def in_sentence(facts: tuple[Fact, ...], fragment: str) -> set[tuple[str, str]]:
    """(kind, value) of the facts of the sentences that contain `fragment`."""
    matching = {f for f in facts if fragment in f.sentence}
    assert matching, f"no facts in a sentence containing {fragment!r}"
    return {(f.kind, f.value) for f in matching}


def role_of(facts: tuple[Fact, ...], fragment: str) -> tuple[str, str, str]:
    """(value, entity, related) of the one role in the sentence that contains `fragment`."""
    [role] = [f for f in facts if f.kind == "role" and fragment in f.sentence]
    return role.value, role.entity, role.related


def test_every_fact_points_at_its_text(seed_facts: dict[str, tuple[Fact, ...]]) -> None:
    """Offsets hold in every seed, and facts come in document order."""
    for facts in seed_facts.values():
        for fact in facts:
            assert fact.sentence[fact.start : fact.start + len(fact.text)] == fact.text
        order = [(fact.position, fact.start) for fact in facts]
        assert order == sorted(order)


def test_seed_000_bmw_hires(seed_facts: dict[str, tuple[Fact, ...]]) -> None:
    """Executives from BMW, Dittrich's 15 years, Munich, the sales target and the brand list."""
    facts = seed_facts["000"]
    assert {("quantity", ">=5 executive"), ("org", "BMW")} <= in_sentence(
        facts, "at least five senior executives"
    )
    assert {("person", "Rudolf Dittrich"), ("quantity", "15 year")} <= in_sentence(
        facts, "Dittrich has worked at the German premium automaker"
    )
    assert {("place", "Munich"), ("place", "Germany")} <= in_sentence(
        facts, "vehicle dynamics engineers in Munich"
    )
    brands = in_sentence(facts, "It wants to sell 350,000 EVs")
    assert {("quantity", "350000 EV"), ("date", "2024"), ("date", "this year")} <= brands
    assert {
        ("org", name) for name in ("Volkswagen", "Audi", "BMW", "Mercedes-Benz", "Porsche")
    } <= (brands)
    assert role_of(facts, "A search through LinkedIn") == (
        "head of European R&D center",
        "Rudolf Dittrich",
        "Xiaomi",
    )


def test_seed_001_dutch_article(seed_facts: dict[str, tuple[Fact, ...]]) -> None:
    """München, Duitsland; the former BMW executive; tegen 2027; four engineers; 50 million."""
    facts = seed_facts["001"]
    assert {("place", "Munich"), ("place", "Germany")} <= in_sentence(
        facts, "Het bedrijf richt een onderzoeks"
    )
    assert ("quantity", ">15 year") in in_sentence(facts, "De voormalige BMW-executive")
    assert role_of(facts, "De voormalige BMW-executive") == (
        "voormalige executive",
        "Rudolf Dittrich",
        "BMW",
    )
    assert ("date", "<=2027") in in_sentence(facts, "internationaal te lanceren tegen 2027")
    assert {("quantity", ">=4 engineer"), ("person", "Rudolf Dittrich")} <= in_sentence(
        facts, "Minstens vier andere ervaren BMW-ingenieurs"
    )
    assert {
        ("org", "Navigant Research"),
        ("date", "<=2030"),
        ("quantity", ">50000000 unit"),
    } <= in_sentence(facts, "Navigant Research suggereert")


def test_seed_002_first_ev(seed_facts: dict[str, tuple[Fact, ...]]) -> None:
    """The SU7's price in two currencies, Lei Jun's role, the YU7's launch window."""
    facts = seed_facts["002"]
    assert {
        ("money", "CNY 215900"),
        ("money", "USD 29700"),
        ("date", "--03"),
        ("place", "China"),
    } <= in_sentence(facts, "debuted in China in March")
    assert role_of(facts, "During the Paris event") == ("CEO", "Lei Jun", "Xiaomi")
    assert {("date", "<2030"), ("place", "Europe"), ("place", "Paris")} <= in_sentence(
        facts, "During the Paris event"
    )
    assert ("date", "2025-06..2025-07") in in_sentence(facts, "will launch in June or July 2025")
    assert ("quantity", ">100 store") in in_sentence(facts, "over 100 Xiaomi stores")


def test_seed_003_deliveries_and_revenue(seed_facts: dict[str, tuple[Fact, ...]]) -> None:
    """Q2 2025 deliveries, growth rates, revenue, William Lu and the wait times."""
    facts = seed_facts["003"]
    assert {
        ("date", "2025-Q2"),
        ("quantity", "81302 vehicle"),
        ("percent", "197.73%"),
        ("percent", "7.16%"),
        ("date", "Q1"),
    } <= in_sentence(facts, "In Q2 2025, Xiaomi delivered")
    assert {
        ("money", "CNY 20600000000"),
        ("money", "USD 2870000000"),
        ("percent", "26.4%"),
    } <= in_sentence(facts, "generated revenue of")
    assert role_of(facts, "Xiaomi president William Lu") == ("president", "William Lu", "Xiaomi")
    assert ("quantity", ">=1.5 year") in in_sentence(facts, "Xiaomi president William Lu")
    assert ("person", "William Lu") in in_sentence(facts, "Lu said that while")
    assert {("quantity", "41 week"), ("quantity", "58 week")} <= in_sentence(
        facts, "current delivery wait times"
    )
    assert ("date", "<=2027") in in_sentence(facts, "Xiaomi is aiming to sell its EVs in Europe")


def test_seed_004_factory(seed_facts: dict[str, tuple[Fact, ...]]) -> None:
    """The factory's capacity, the investment, Beijing, Lei Jun, the deal with Deepmotion."""
    facts = seed_facts["004"]
    assert ("quantity", "300000 car") in in_sentence(facts, "300,000 electric cars annually")
    assert ("quantity", "<=300000 car") in in_sentence(facts, "produce up to 300,000 cars")
    assert ("money", "EUR 8500000000") in in_sentence(facts, "8,500 million euros")
    assert {("place", "Beijing"), ("place", "China")} <= in_sentence(facts, "Beijing (China)")
    assert role_of(facts, "At the helm of Xiaomi EV") == ("CEO and founder", "Lei Jun", "Xiaomi")
    assert ("quantity", "300 employee") in in_sentence(facts, "a team of 300 employees")
    assert {("money", "EUR 70000000"), ("org", "Deepmotion Tech")} <= in_sentence(
        facts, "Deepmotion Tech"
    )


def test_english_and_dutch_seeds_agree_on_the_launch_year(
    seed_facts: dict[str, tuple[Fact, ...]],
) -> None:
    """The English "by 2027" and the Dutch "tegen 2027" have the same value."""
    english = {f.value for f in seed_facts["003"] if f.kind == "date"}
    dutch = {f.value for f in seed_facts["001"] if f.kind == "date"}
    assert "<=2027" in english & dutch


def test_no_seed_has_a_person_that_is_not_a_person(
    seed_facts: dict[str, tuple[Fact, ...]],
) -> None:
    """Every person fact of the seeds names one of the people the articles mention."""
    people = {f.value for facts in seed_facts.values() for f in facts if f.kind == "person"}
    named = {"Rudolf Dittrich", "Dusan Sarac", "Jannis Hellwig", "Lei Jun", "William Lu"}
    assert people <= named
    assert {"Rudolf Dittrich", "Lei Jun", "William Lu"} <= people
