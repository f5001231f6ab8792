"""Odd input never crashes fact extraction and never yields spans outside their sentence."""

from __future__ import annotations

import time

import pytest

from summarizer.facts import extract_facts
from summarizer.models import Fact, Sentence
from tests.test_facts_support import facts_of, values


def assert_well_formed(facts: tuple[Fact, ...]) -> None:
    """Every fact's text is at its offset, with a value."""
    for fact in facts:
        assert fact.sentence[fact.start : fact.start + len(fact.text)] == fact.text
        assert fact.text
        assert fact.value


def test_no_sentences_give_no_facts() -> None:
    """An empty article has no facts."""
    assert extract_facts([], "en") == ()


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "$",
        "%",
        "€ £ ¥ $ %",
        "1.2.3",
        "1.2.3.4 and 1,2,3 and 1..2 and 2,,5",
        "$ 1.2.3 % 12,34,567",
        "—",
        "'s",
        "’s Xiaomi’s ’’",
        "Q5 2025 H3 2024 Q0",
        "99999999999999999999999999 cars and 10^400 euros",
        "2024-13-45 and 2024-02-30",
        "::: ;;; ((( )))",
        "A. B. C. D.",
        "\u00a0\u202f\u2009",
        "小米汽车在北京发布了SU7，售价21.59万元。",
        "Компания Xiaomi выпустила 300 000 автомобилей в 2024 году.",
        "شركة شاومي باعت ٣٠٠ سيارة في عام ٢٠٢٤",
        "😀 Xiaomi 🚗 sold 5 cars 💶 for €10",
        "ALL CAPS HEADLINE ABOUT XIAOMI AND BMW IN MUNICH",
        "van der de het van",
        "Mr. Mrs. Dr.",
    ],
)
@pytest.mark.parametrize("language", ["en", "nl", "und", "zh", ""])
def test_odd_sentences_do_not_crash(text: str, language: str) -> None:
    """Punctuation only, broken numbers, other scripts and emoji give well-formed facts or none."""
    assert_well_formed(facts_of(text, language=language))


def test_other_scripts_still_give_their_numbers() -> None:
    """A Russian sentence still yields its year and its Latin-script company name."""
    facts = facts_of("Компания Xiaomi выпустила много автомобилей в 2024 году.", language="ru")
    assert values(facts, "date") == ["2024"]


def test_a_sentence_of_five_thousand_words_is_handled_in_reasonable_time() -> None:
    """A pathological 5,000-word sentence (names, numbers, roles) ends quickly: no regex blows
    up on it."""
    chunk = (
        "Xiaomi CEO Lei Jun said Rudolf Dittrich, head of R&D at BMW, sold 300,000 cars for "
        "RMB 20.6 billion ($2.87 billion) by 2030, up 26.4% in Q2 2025 in München, "
    )
    text = chunk * (5_000 // len(chunk.split()) + 1)
    started = time.perf_counter()
    facts = facts_of(text)
    elapsed = time.perf_counter() - started
    assert_well_formed(facts)
    assert len(values(facts, "money")) >= 2 * 150
    assert elapsed < 10.0


def test_sentences_keep_their_own_positions() -> None:
    """Facts carry the position of the `Sentence` they came from, not their index."""
    sentences = [Sentence("Xiaomi sold 5 cars.", 7, 2), Sentence("BMW sold 6 cars.", 9, 3)]
    facts = extract_facts(sentences, "en")
    assert {(f.value, f.position) for f in facts if f.kind == "quantity"} == {
        ("5 car", 7),
        ("6 car", 9),
    }


def test_extraction_is_deterministic() -> None:
    """The same sentences give the same facts, in the same order."""
    text = ("Lei Jun, CEO of Xiaomi, said 81,302 vehicles were delivered in Q2 2025.",)
    assert facts_of(*text) == facts_of(*text)
