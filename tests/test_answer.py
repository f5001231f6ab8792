"""Choosing an answer among the facts of retrieved sentences: type preference, spans the
question already holds, support across passages, no answer when nothing fits, across languages."""

from __future__ import annotations

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


def test_choosing_is_deterministic() -> None:
    """Analysing a question and choosing among 10 passages gives the same answer every time."""
    text = "Where will Xiaomi build its first European factory?"
    passages = [passage(f"p{i}", MUNICH, *MUNICH_FACTS, score=0.5 + i / 100) for i in range(10)]
    first = choose_answer(analyze_question(text), passages)
    assert first is not None
    for _ in range(5):
        assert choose_answer(analyze_question(text), passages) == first


def test_the_candidate_in_the_answers_place_beats_a_more_relevant_one() -> None:
    """ "Barry Bonds holds the record" answers "Who holds the record?" although a sentence with
    more of the question's words names another slugger nearer to them."""
    question = analyze_question("Who holds the major league record with 73 home runs?")
    chase = "Aaron Judge chased the major league record of 73 home runs all summer."
    bonds = "Barry Bonds holds the major league record."
    passages = [
        passage("judge", chase, fact("person", "Aaron Judge", "Aaron Judge", chase), score=0.9),
        passage("bonds", bonds, fact("person", "Barry Bonds", "Barry Bonds", bonds), score=0.9),
    ]
    answer = choose_answer(question, passages)
    assert answer is not None
    assert answer.text == "Barry Bonds"


def test_the_words_before_an_in_place_wh_word_find_the_answer() -> None:
    """ "the sale of which team" is answered by what follows "the sale of", not by the buyer
    standing nearer to the question's other words."""
    sentence = (
        "The sale of the Denver Broncos to the Walton-Penner Group was approved by NFL owners "
        "this week."
    )
    facts = (
        fact("org", "Walton-Penner Group", "Walton-Penner Group", sentence),
        fact("org", "Denver Broncos", "Denver Broncos", sentence),
    )
    question = analyze_question("NFL owners this week approved the sale of which football team?")
    answer = choose_answer(question, [passage("p", sentence, *facts)])
    assert answer is not None
    assert answer.value == "Denver Broncos"


def test_a_common_noun_in_the_answers_place_answers_an_open_question() -> None:
    """No fact kind fits "which sport" or "which currency": the phrase standing where the answer
    would ("within women’s professional soccer", "The British pound crashed to a record low")
    answers, without the words the question already has."""
    sport = analyze_question("A report found abuse and misconduct within which women’s sport?")
    abuse = "The report found systemic abuse and misconduct within women’s professional soccer."
    answer = choose_answer(sport, [passage("p", abuse)])
    assert answer is not None
    assert (answer.text, answer.kind) == ("professional soccer", "span")
    currency = analyze_question(
        "Which currency recently plummeted to a record low against the US dollar?"
    )
    pound = "The British pound crashed to a record low against the US dollar on Monday."
    others = "Asian currencies also fell against the US dollar."
    answer = choose_answer(currency, [passage("a", pound), passage("b", others, score=0.5)])
    assert answer is not None
    assert answer.text == "British pound"


def test_an_active_subject_does_not_answer_a_passive_question() -> None:
    """ "Which show was renewed?" over "Netflix renewed ...": Netflix did the renewing."""
    sentence = "Netflix renewed the show for a second season on Sunday."
    netflix = fact("org", "Netflix", "Netflix", sentence)
    question = analyze_question("Which show was renewed for a second season?")
    assert choose_answer(question, [passage("p", sentence, netflix)]) is None


MUSTARD = (
    "France’s most famous condiment is running out, and shoppers are angry.",
    "France is the largest consumer of mustard in the world and loves the condiment.",
    "The mustard shortage has left supermarket shelves in France empty.",
    "Mustard seed harvests in Canada fell by half after a drought.",
)


def test_the_storys_noun_answers_an_open_question_about_its_focus() -> None:
    """ "Which condiment?" over a story that names the condiment once beside "mustard" and
    repeats "mustard" in most sentences: mustard. Named in too few sentences, it is not."""
    question = analyze_question("Supermarkets in France are struggling to stock which condiment?")
    passages = [passage(f"p{i}", text, score=0.6) for i, text in enumerate(MUSTARD)]
    answer = choose_answer(question, passages)
    assert answer is not None
    assert (answer.text, answer.kind) == ("mustard", "span")
    assert len(answer.refs) == 3
    assert choose_answer(question, passages[:3]) is None


def test_a_nationality_stands_for_its_country_and_a_capital_is_no_country() -> None:
    """ "Saudi Arabian officials ... the country’s capital, Riyadh": the country is Saudi Arabia;
    the possessive "country’s" does not name Riyadh."""
    sentence = (
        "Saudi Arabian officials cracked down on rainbow-colored toys in shops in the country’s "
        "capital, Riyadh."
    )
    riyadh = fact("place", "Riyadh", "Riyadh", sentence)
    question = analyze_question("What country announced a crackdown on rainbow-colored toys?")
    answer = choose_answer(question, [passage("p", sentence, riyadh)])
    assert answer is not None
    assert (answer.text, answer.kind) == ("Saudi Arabia", "place")


def test_a_name_inside_a_numbers_span_is_still_a_name() -> None:
    """A quantity fact around "Chinese citizens" does not hide the nationality from "where"."""
    sentence = "A massive database with the data of one billion Chinese citizens leaked online."
    citizens = fact("quantity", "one billion Chinese citizens", "1000000000 citizen", sentence)
    question = analyze_question("Where did the massive data leak occur?")
    answer = choose_answer(question, [passage("p", sentence, citizens)])
    assert answer is not None
    assert answer.value == "China"


def test_a_name_the_question_has_and_no_passage_lowers_confidence() -> None:
    """Asked about Hurricane Roslyn, a sentence about Hurricane Fiona answers with less
    confidence, and not at all when it is only loosely retrieved."""
    sentence = "Hurricane Fiona made landfall in Canada on Saturday."
    canada = fact("place", "Canada", "Canada", sentence)
    fiona = choose_answer(
        analyze_question("Hurricane Fiona made landfall in which country this week?"),
        [passage("p", sentence, canada)],
    )
    roslyn = analyze_question("Hurricane Roslyn made landfall in which country this week?")
    other = choose_answer(roslyn, [passage("p", sentence, canada)])
    assert fiona is not None
    assert other is not None
    assert other.confidence < fiona.confidence - 0.3
    assert choose_answer(roslyn, [passage("p", sentence, canada, score=0.1)]) is None


def test_photo_credits_and_numbered_parts_are_no_answers() -> None:
    """ "Scott Barbour/Getty Images" credits a photographer; "Game 6" is a part of a series."""
    credit = "Scott Barbour/Getty Images Newton-John receives a key to the Las Vegas Strip."
    barbour = fact("person", "Scott Barbour", "Scott Barbour", credit)
    singer = analyze_question("Which singer received a key to the Las Vegas Strip?")
    assert choose_answer(singer, [passage("p", credit, barbour)]) is None
    final = "Avalanche players celebrate after Game 6 of the Stanley Cup Finals in Tampa."
    team = analyze_question("Which team won the Stanley Cup Finals?")
    answer = choose_answer(team, [passage("p", final)])
    assert answer is None or answer.text != "Game"


def test_a_first_name_opening_a_sentence_is_a_person() -> None:
    """ "Adele is returning": a lone capitalised word that opens a sentence is usually an
    ordinary word, but a first name is a person when a person is asked for."""
    sentence = "Adele is returning to Las Vegas for a residency."
    vegas = fact("place", "Las Vegas", "Las Vegas", sentence)
    question = analyze_question("Which popular singer will launch a Las Vegas residency?")
    answer = choose_answer(question, [passage("p", sentence, vegas)])
    assert answer is not None
    assert (answer.text, answer.kind) == ("Adele", "person")


def test_a_phrase_repeated_in_other_passages_gains_support() -> None:
    """Another relevant sentence naming "British pound" raises that answer's confidence."""
    question = analyze_question("Which currency plummeted to a record low against the US dollar?")
    pound = "The British pound crashed to a record low against the US dollar on Monday."
    again = "The previous record low for the British pound against the US dollar was in 1985."
    alone = choose_answer(question, [passage("a", pound)])
    both = choose_answer(question, [passage("a", pound), passage("b", again)])
    assert alone is not None
    assert both is not None
    assert both.text == "British pound"
    assert both.refs == ("a", "b")
    assert both.confidence > alone.confidence


def test_a_preamble_sets_the_scene_but_the_question_sentence_decides() -> None:
    """A sentence that repeats the preamble is less relevant than one that holds the question
    sentence's own words."""
    question = analyze_question(
        "Yankees slugger Aaron Judge hit his 62nd home run this week in Arlington, Texas. "
        "Who set the major league record?"
    )
    scene = (
        "Yankees slugger Aaron Judge hit his 62nd home run in Arlington, Texas, said Tom Verducci."
    )
    record = "Barry Bonds set the major league record in 2001."
    passages = [
        passage("scene", scene, fact("person", "Tom Verducci", "Tom Verducci", scene), score=0.6),
        passage("record", record, fact("person", "Barry Bonds", "Barry Bonds", record), score=0.6),
    ]
    answer = choose_answer(question, passages)
    assert answer is not None
    assert answer.text == "Barry Bonds"


def test_a_name_in_apposition_to_the_focus_is_named_by_it() -> None:
    """ "Parler, the social media platform ...": the focus noun heading an apposition after a
    name names it, as it does right beside it; after a semicolon it does not."""
    question = analyze_question("Which platform is popular with conservatives?")
    apposition = "Kanye West bought Parler, the social media platform popular with conservatives."
    apart = "Kanye West bought Parler; the social media platform is popular with conservatives."
    named = choose_answer(question, [passage("a", apposition)])
    unnamed = choose_answer(question, [passage("a", apart)])
    assert named is not None
    assert unnamed is not None
    assert named.text == unnamed.text == "Parler"
    assert named.confidence > unnamed.confidence + 0.1


def test_a_verb_opening_a_sentence_is_no_part_of_a_name() -> None:
    """ "Buying Parler could ..." mentions Parler, which answers with its support."""
    question = analyze_question("Kanye West announced he is acquiring which social media platform?")
    first = "Kanye West is acquiring Parler, the alternative social media platform."
    second = "Buying Parler could make West the latest celebrity owner of a platform."
    answer = choose_answer(question, [passage("a", first), passage("b", second, score=0.5)])
    assert answer is not None
    assert answer.text == "Parler"
    assert answer.refs == ("a", "b")


def test_a_possessive_ends_a_name_and_a_possessor_answers_a_possessors_question() -> None:
    """ "Kanye West’s Twitter account" holds two names; "which individual’s account" asks for
    the one before the possessive."""
    question = analyze_question("Which high-profile individual’s Twitter account was locked?")
    sentence = "Twitter locked rapper Kanye West’s Twitter account over an antisemitic post."
    twitter = fact("org", "Twitter", "Twitter", sentence)
    answer = choose_answer(question, [passage("p", sentence, twitter)])
    assert answer is not None
    assert answer.text == "Kanye West"


def test_a_common_noun_or_a_place_is_not_folded_into_a_longer_name() -> None:
    """ "soccer" is not "Soccer League", nor the state Kansas "Kansas Constitutional"."""
    sport = analyze_question("Abuse was found within which women’s sport?")
    found = "Abuse was found within women’s soccer, the report said."
    league = "The Soccer League said it would act on the report about abuse."
    answer = choose_answer(sport, [passage("a", found), passage("b", league, score=0.5)])
    assert answer is not None
    assert answer.text == "soccer"
    state = analyze_question("Voters in which state rejected the amendment?")
    vote = "Voters in Kansas rejected the Kansas Constitutional amendment on Tuesday."
    kansas = fact("place", "Kansas", "Kansas", vote)
    answer = choose_answer(state, [passage("p", vote, kansas)])
    assert answer is not None
    assert answer.text == "Kansas"


def test_a_why_question_is_answered_by_the_cause_its_verb_is_given() -> None:
    """ "recalled over fire risks" answers "Why were the SUVs recalled?"; "over" far from the
    question's words ("over the years") says nothing."""
    question = analyze_question("Why were some Kia and Hyundai SUVs recalled this week?")
    recall = (
        "Owners of Hyundai and Kia SUVs that were recalled over fire risks should park outside."
    )
    answer = choose_answer(question, [passage("p", recall)])
    assert answer is not None
    assert (answer.text, answer.kind) == ("fire risks", "span")
    sales = "Hyundai and Kia SUVs sold well in the US over the years."
    assert choose_answer(question, [passage("p", sales)]) is None
