"""Helpers shared by the fact extraction tests (sentences in, (kind, text, value) out), and the
contract every fact keeps: its text stands at its offset in its sentence."""

from __future__ import annotations

from summarizer.facts import extract_facts
from summarizer.models import Fact, Sentence


def facts_of(*texts: str, language: str = "en") -> tuple[Fact, ...]:
    """The facts of one article made of these sentences (one paragraph each)."""
    sentences = [Sentence(text, index, index) for index, text in enumerate(texts)]
    return extract_facts(sentences, language)


def values(facts: tuple[Fact, ...], kind: str) -> list[str]:
    """The values of the facts of one kind, in document order."""
    return [fact.value for fact in facts if fact.kind == kind]


def spans(facts: tuple[Fact, ...], kind: str) -> list[tuple[str, str]]:
    """(text, value) of the facts of one kind, in document order."""
    return [(fact.text, fact.value) for fact in facts if fact.kind == kind]


def test_positions_and_offsets_point_into_each_sentence() -> None:
    """Every fact carries its sentence's position and the offset of its text there."""
    facts = facts_of(
        "Xiaomi hired Rudolf Dittrich from BMW.",
        "Dittrich has worked at the German premium automaker for 15 years.",
    )
    assert {fact.position for fact in facts} == {0, 1}
    for fact in facts:
        assert fact.sentence[fact.start : fact.start + len(fact.text)] == fact.text
