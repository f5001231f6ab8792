"""Choosing an answer among the facts of retrieved sentences: type preference, spans the
question already holds, support across passages, no answer when nothing fits, across languages."""

from __future__ import annotations

import time

from summarizer.answer import MAX_PASSAGES, MIN_CONFIDENCE, Passage, choose_answer
from summarizer.models import Fact, FactKind
from summarizer.question import analyze_question


def fact(
    kind: FactKind, text: str, value: str, sentence: str, *, entity: str = "", related: str = ""
) -> Fact:
    """A fact whose span is found in its sentence."""
    assert text in sentence
    return Fact(kind, text, value, sentence, 0, sentence.index(text), entity, related)


def passage(ref: str, sentence: str, *facts: Fact, score: float = 0.8) -> Passage:
    """A retrieved sentence with its facts."""
    return Passage(ref, sentence, tuple(facts), score)


MUNICH = "Xiaomi will build its first European factory in Munich, chief executive Lei Jun said."
MUNICH_FACTS = (
    fact("org", "Xiaomi", "Xiaomi", MUNICH),
    fact("place", "Munich", "Munich", MUNICH),
    fact("person", "Lei Jun", "Lei Jun", MUNICH),
)


def test_the_expected_kind_wins() -> None:
    """A "where" question is answered by the place, not by the person or organisation."""
    question = analyze_question("Where will Xiaomi build its first European factory?")
    answer = choose_answer(question, [passage("p1", MUNICH, *MUNICH_FACTS)])
    assert answer is not None
    assert (answer.text, answer.kind, answer.value) == ("Munich", "place", "Munich")
    assert answer.refs == ("p1",)
    assert MIN_CONFIDENCE <= answer.confidence <= 1.0


def test_money_comes_first_for_how_much_and_the_unit_decides_how_many() -> None:
    """ "How much" prefers money over a quantity; "how many engineers" the engineers."""
    sentence = "The SU7 costs CNY 215,900, and the plant will employ 300 engineers in 5 buildings."
    facts = (
        fact("money", "CNY 215,900", "CNY 215900", sentence),
        fact("quantity", "300 engineers", "300 engineer", sentence),
        fact("quantity", "5 buildings", "5 building", sentence),
    )
    price = choose_answer(
        analyze_question("How much does the SU7 cost?"), [passage("p", sentence, *facts)]
    )
    assert price is not None
    assert (price.kind, price.value) == ("money", "CNY 215900")
    staff = choose_answer(
        analyze_question("How many engineers will the plant employ?"),
        [passage("p", sentence, *facts)],
    )
    assert staff is not None
    assert staff.value == "300 engineer"


def test_a_span_of_the_question_is_never_its_answer() -> None:
    """Lei Jun is in the question, so the other person in the sentence answers it."""
    sentence = "Lei Jun met Olaf Scholz in Munich on Monday."
    facts = (
        fact("person", "Lei Jun", "Lei Jun", sentence),
        fact("person", "Olaf Scholz", "Olaf Scholz", sentence),
    )
    answer = choose_answer(
        analyze_question("Who did Lei Jun meet in Munich?"), [passage("p", sentence, *facts)]
    )
    assert answer is not None
    assert answer.text == "Olaf Scholz"


def test_no_answer_when_the_only_candidate_is_in_the_question() -> None:
    """ "Who founded Xiaomi?" over a sentence that names only Xiaomi: nothing to say."""
    sentence = "Xiaomi was founded in Beijing in 2010."
    facts = (
        fact("org", "Xiaomi", "Xiaomi", sentence),
        fact("place", "Beijing", "Beijing", sentence),
        fact("date", "2010", "2010", sentence),
    )
    assert (
        choose_answer(analyze_question("Who founded Xiaomi?"), [passage("p", sentence, *facts)])
        is None
    )


def test_support_from_several_passages_adds_up_and_keeps_every_ref() -> None:
    """A value stated in two passages beats one stated once a little more strongly."""
    question = analyze_question("Who leads Xiaomi's European research centre?")
    first = "Anna Berg leads the European research centre, Xiaomi said."
    second = "The European research centre of Xiaomi is led by Anna Berg."
    rival = "Piet Jansen leads Xiaomi's European research centre."
    stronger = passage("r", rival, fact("person", "Piet Jansen", "Piet Jansen", rival), score=0.85)
    once = passage("a", first, fact("person", "Anna Berg", "Anna Berg", first), score=0.7)
    twice = passage("b", second, fact("person", "Anna Berg", "Anna Berg", second), score=0.7)
    alone = choose_answer(question, [stronger, once])
    assert alone is not None
    assert alone.value == "Piet Jansen"
    answer = choose_answer(question, [stronger, once, twice])
    assert answer is not None
    assert answer.value == "Anna Berg"
    assert set(answer.refs) == {"a", "b"}
    single = choose_answer(question, [once])
    assert single is not None
    assert answer.confidence > single.confidence


def test_no_answer_when_no_fact_or_span_fits() -> None:
    """A "when" question over sentences without any date gets no answer: never invent."""
    sentence = "The factory will employ many engineers from across Europe."
    question = analyze_question("When will the factory open?")
    assert choose_answer(question, [passage("p", sentence, score=0.9)]) is None
    assert choose_answer(question, []) is None


def test_no_answer_from_an_unrelated_sentence() -> None:
    """A person in a sentence about something else does not answer a "who" question."""
    sentence = "Forecaster Kari Nordmann said the weather in Oslo stayed sunny."
    person = fact("person", "Kari Nordmann", "Kari Nordmann", sentence)
    question = analyze_question("Who leads Xiaomi's European R&D centre?")
    assert choose_answer(question, [passage("p", sentence, person, score=0.1)]) is None


def test_a_dutch_question_over_english_evidence() -> None:
    """ "Wie leidt ..." is answered by the holder of the role in an English sentence."""
    sentence = "Xiaomi named Anna Berg head of its European R&D center in Munich."
    facts = (
        fact("org", "Xiaomi", "Xiaomi", sentence),
        fact("person", "Anna Berg", "Anna Berg", sentence),
        fact(
            "role",
            "head of its European R&D center",
            "head of European R&D center",
            sentence,
            entity="Anna Berg",
            related="Xiaomi",
        ),
        fact("place", "Munich", "Munich", sentence),
    )
    question = analyze_question("Wie leidt het Europese R&D-centrum van Xiaomi?")
    answer = choose_answer(question, [passage("en-1", sentence, *facts)])
    assert answer is not None
    assert (answer.text, answer.kind) == ("Anna Berg", "person")
    assert answer.refs == ("en-1",)


def test_an_english_question_over_dutch_evidence_keeps_the_dutch_span() -> None:
    """The span is quoted as the sentence writes it; the value is the canonical name."""
    sentence = "Xiaomi opent zijn eerste Europese fabriek in München."
    facts = (fact("place", "München", "Munich", sentence),)
    question = analyze_question("Where will Xiaomi open its first European factory?")
    answer = choose_answer(question, [passage("nl-1", sentence, *facts)])
    assert answer is not None
    assert (answer.text, answer.value) == ("München", "Munich")


def test_who_is_a_person_is_answered_with_the_role() -> None:
    """ "Who is Lei Jun?" asks what he is: the role's title, not the person again."""
    sentence = "Lei Jun, the chief executive of Xiaomi, unveiled the car."
    facts = (
        fact("person", "Lei Jun", "Lei Jun", sentence),
        fact(
            "role",
            "chief executive",
            "chief executive",
            sentence,
            entity="Lei Jun",
            related="Xiaomi",
        ),
    )
    answer = choose_answer(analyze_question("Who is Lei Jun?"), [passage("p", sentence, *facts)])
    assert answer is not None
    assert (answer.kind, answer.value) == ("role", "chief executive")


def test_a_quoted_title_stands_in_when_no_fact_has_the_kind() -> None:
    """Without facts, a show's quoted title is found in the sentence itself."""
    sentence = "Netflix renewed the South Korean show “Squid Game” for a second season."
    question = analyze_question("Which show was renewed for a second season?")
    answer = choose_answer(question, [passage("p", sentence)])
    assert answer is not None
    assert (answer.text, answer.kind) == ("Squid Game", "span")


def test_a_state_question_prefers_a_state_to_a_country() -> None:
    """Of two places side by side, "which state" takes the US state."""
    sentence = "Voters in the United States approved the measure in Maryland on Tuesday."
    facts = (
        fact("place", "United States", "United States", sentence),
        fact("place", "Maryland", "Maryland", sentence),
    )
    question = analyze_question("Which state approved the measure?")
    answer = choose_answer(question, [passage("p", sentence, *facts)])
    assert answer is not None
    assert answer.value == "Maryland"


def test_a_surname_later_on_supports_the_full_name() -> None:
    """ "Gronkowski" in a second passage is the same answer as "Rob Gronkowski"."""
    first = "NFL star Rob Gronkowski announced his retirement on Tuesday."
    second = "Gronkowski announced his retirement after eleven seasons."
    question = analyze_question("Which NFL star announced his retirement?")
    answer = choose_answer(question, [passage("a", first), passage("b", second)])
    assert answer is not None
    assert answer.text == "Rob Gronkowski"
    assert set(answer.refs) == {"a", "b"}


def test_passages_beyond_the_bound_are_not_read() -> None:
    """Work is bounded: only the first `MAX_PASSAGES` passages count."""
    filler = [passage(f"f{i}", "Nothing happened today.", score=0.0) for i in range(MAX_PASSAGES)]
    late = passage("late", MUNICH, *MUNICH_FACTS)
    question = analyze_question("Where will Xiaomi build its first European factory?")
    assert choose_answer(question, [late, *filler]) is not None
    assert choose_answer(question, [*filler, late]) is None


def test_choosing_is_fast_and_deterministic() -> None:
    """Analysing a question and choosing among 10 passages takes well under 10 ms."""
    text = "Where will Xiaomi build its first European factory?"
    passages = [passage(f"p{i}", MUNICH, *MUNICH_FACTS, score=0.5 + i / 100) for i in range(10)]
    first = choose_answer(analyze_question(text), passages)
    started = time.perf_counter()
    for _ in range(20):
        again = choose_answer(analyze_question(text), passages)
    assert (time.perf_counter() - started) / 20 < 0.010
    assert again == first
