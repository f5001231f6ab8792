"""Reading questions: wh-word, expected fact kinds and focus in English and Dutch, preambles,
terms for retrieval, and inputs that are not questions."""

from __future__ import annotations

import re
import time

import pytest

from summarizer.errors import QuestionError, SummarizerError
from summarizer.question import MAX_CHARS, MAX_TERMS, analyze_question


@pytest.mark.parametrize(
    ("text", "wh", "first", "focus"),
    [
        ("Where will Xiaomi build its first European factory?", "where", "place", ""),
        ("When will the Munich factory open?", "when", "date", ""),
        ("What year did Xiaomi start selling cars?", "when", "date", "year"),
        ("How many cars did Xiaomi deliver in 2024?", "how_many", "quantity", "car"),
        ("How much does the Xiaomi SU7 cost in China?", "how_much", "money", ""),
        ("What percentage of new cars sold in Norway are electric?", "what", "percent", ""),
        ("Which country was shaken by a strong earthquake?", "which", "place", "country"),
        ("Which automaker recalled 2.9 million vehicles?", "which", "org", "automaker"),
        ("What price did Xiaomi set for the SU7?", "what", "money", "price"),
        ("Which island nation plunged into chaos?", "which", "place", "nation"),
        ("Which popular singer will perform in Las Vegas?", "which", "person", "singer"),
        ("Who won the race in Monaco?", "who", "person", ""),
        ("What was the magnitude of the quake?", "what", "quantity", "magnitude"),
    ],
)
def test_english_questions(text: str, wh: str, first: str, focus: str) -> None:
    """It finds the wh-word, the kind that answers it first and the noun asked for."""
    question = analyze_question(text)
    assert question.language == "en"
    assert question.wh == wh
    assert question.expected[0] == first
    if focus:
        assert question.focus == focus


@pytest.mark.parametrize(
    "text",
    [
        "Who leads Xiaomi's European R&D center?",
        "Who is the CEO of Xiaomi?",
        "Who became the new prime minister of the United Kingdom?",
    ],
)
def test_leadership_questions_prefer_a_role_then_a_person(text: str) -> None:
    """ "Who leads X" and "who is the CEO of X" are answered by a role's holder first."""
    question = analyze_question(text)
    assert question.wh == "who"
    assert question.expected[:2] == ("role", "person")


def test_a_plain_who_question_wants_a_person_not_a_role() -> None:
    """A record holder is a person: no leadership verb, no role."""
    question = analyze_question("Who holds the record with 73 home runs?")
    assert question.expected == ("person", "org")


@pytest.mark.parametrize(
    ("text", "wh", "expected"),
    [
        ("Why did Tesla cut its prices?", "why", ()),
        ("Is Xiaomi profitable this year?", "yesno", ()),
        ("The IRS said it will do what this week?", "what", ()),
    ],
)
def test_questions_no_fact_kind_answers(text: str, wh: str, expected: tuple[str, ...]) -> None:
    """Reasons, yes/no questions and a bare "what" expect no fact kind."""
    question = analyze_question(text)
    assert (question.wh, question.expected) == (wh, expected)


def test_a_how_much_change_is_a_percentage_first() -> None:
    """ "How much have prices increased" asks for a change, usually given in percent."""
    question = analyze_question("How much have gas prices increased over the past year?")
    assert question.wh == "how_much"
    assert question.expected[0] == "percent"


def test_a_title_focus_prefers_quoted_titles() -> None:
    """A show, film or book has a title; adverbs and adjectives before the noun are skipped."""
    question = analyze_question("Which wildly popular show was renewed for a new season?")
    assert question.focus == "show"
    assert question.wants_title
    assert not analyze_question("Which country won the most medals?").wants_title


@pytest.mark.parametrize(
    ("text", "wh", "first", "focus"),
    [
        ("Wie leidt het Europese R&D-centrum van Xiaomi?", "who", "role", ""),
        ("Wie won de verkiezingen in Taiwan?", "who", "person", ""),
        ("Waar bouwt Xiaomi zijn eerste Europese fabriek?", "where", "place", ""),
        ("Wanneer opent de fabriek in München?", "when", "date", ""),
        ("Hoeveel auto's verkocht Xiaomi vorig jaar?", "how_many", "quantity", "auto"),
        ("Hoeveel procent van de nieuwe auto's is elektrisch?", "how_many", "percent", ""),
        ("Wat kost de Xiaomi SU7 in China?", "what", "money", ""),
        ("Welk land kocht de meeste elektrische auto's?", "which", "place", "land"),
        ("Welk bedrijf bouwt een fabriek in München?", "which", "org", "bedrijf"),
        ("Welke autofabrikant riep auto's terug?", "which", "org", "autofabrikant"),
        ("Welke voetbalclub won de beker?", "which", "org", "club"),
        ("In welke stad staat de nieuwe fabriek?", "which", "place", "stad"),
    ],
)
def test_dutch_questions(text: str, wh: str, first: str, focus: str) -> None:
    """Dutch wh-words and nouns, compounds read by their head ("voetbalclub": a club)."""
    question = analyze_question(text)
    assert question.language == "nl"
    assert question.wh == wh
    assert question.expected[0] == first
    if focus:
        assert question.focus == focus


def test_short_questions_take_the_language_of_their_wh_word() -> None:
    """Three words are too few for the detector; the wh-word settles the language."""
    assert analyze_question("Who leads BMW?").language == "en"
    assert analyze_question("Wie leidt BMW?").language == "nl"


def test_a_preamble_adds_terms_but_the_last_sentence_asks() -> None:
    """The wh-word comes from the final question; the preamble's words still count as terms."""
    question = analyze_question(
        "A bipartisan group of senators announced an agreement on gun safety this week, but "
        "a few reforms were not included. Which measure did lawmakers leave out?"
    )
    assert question.wh == "which"
    assert question.focus == "measure"
    assert {"senator", "bipartisan", "gun", "lawmaker", "measure"} <= set(question.terms)
    assert question.terms.index("lawmaker") < question.terms.index("senator")


def test_a_relative_who_does_not_hide_the_question() -> None:
    """In "X, who changed his name, is buying which platform?" the question is "which"."""
    question = analyze_question("Kanye West, who changed his name to Ye, is buying which platform?")
    assert question.wh == "which"
    assert question.expected[0] == "org"


def test_a_question_without_a_question_mark() -> None:
    """Quiz phrasing without "?" still finds its wh-word, and a comma ends the focus noun."""
    question = analyze_question("Shops in France cannot stock which condiment, sparking outrage.")
    assert question.wh == "which"
    assert question.focus == "condiment"


def test_terms_are_content_lemmas_and_names_without_wh_words() -> None:
    """Terms carry lemmas and names as written (lemmatisers mangle names), no wh-words."""
    question = analyze_question("Which companies did Lei Jun found?")
    assert "company" in question.terms
    assert {"lei", "jun"} <= set(question.terms)
    assert not {"which", "did"} & set(question.terms)


def test_entities_are_the_names_and_quoted_phrases_of_the_question() -> None:
    """Capitalised names and quoted titles are recorded; the opening wh-word is not."""
    question = analyze_question("Which network will stream “Squid Game” in Belgium next year?")
    assert "Squid Game" in question.entities
    assert "Belgium" in question.entities
    assert "Which" not in question.entities


@pytest.mark.parametrize("text", ["", "   \n\t  ", "?!", "Xiaomi", "  Xiaomi?  ", "Who?"])
def test_empty_or_one_word_questions_are_refused(text: str) -> None:
    """No words, or a single one, is not a question; the error says what to ask instead."""
    with pytest.raises(QuestionError) as raised:
        analyze_question(text)
    assert isinstance(raised.value, SummarizerError)
    message = str(raised.value)
    assert message.startswith("Ask ")
    assert "for example" in message
    assert len(re.findall(r"[.!?]\s", message + " ")) == 1  # one sentence


def test_a_long_text_is_bounded_and_keeps_its_final_question() -> None:
    """5,000 characters are read up to `MAX_CHARS` from the end, fast, and still answerable."""
    text = "Xiaomi builds cars and phones in many places. " * 110 + "Who leads Xiaomi?"
    assert len(text) > 5_000
    started = time.perf_counter()
    question = analyze_question(text)
    assert time.perf_counter() - started < 0.5
    assert len(question.text) <= MAX_CHARS
    assert question.text.endswith("Who leads Xiaomi?")
    assert question.wh == "who"
    assert len(question.terms) <= MAX_TERMS


def test_full_text_search_syntax_comes_through_as_plain_terms() -> None:
    """Quotes, stars, NEAR and SQL punctuation never reach a term: only lower-case words."""
    question = analyze_question('Who said "NEAR" * OR \'; DROP TABLE articles;-- about Xiaomi*?')
    assert question.terms
    for term in question.terms:
        assert re.fullmatch(r"[\w&'’.,:/%-]+", term), term
        assert term == term.lower()
        assert not set(term) & set('"*;()')
        assert "--" not in term
    assert "drop" in question.terms
    assert "xiaomi" in question.terms


def test_whitespace_is_trimmed_and_squashed() -> None:
    """The question text is kept on one line without surrounding space."""
    question = analyze_question("  Who   leads\n Xiaomi?  ")
    assert question.text == "Who leads Xiaomi?"


def test_a_plural_possessive_classifies_the_focus_and_a_singular_one_is_the_focus() -> None:
    """ "Which women’s sport" asks for a sport; "which individual’s account" for the person."""
    sport = analyze_question("Abuse was found within which women’s professional sport in the US?")
    assert sport.focus == "sport"
    assert sport.expected == ()
    person = analyze_question("Which high-profile individual’s Twitter account was locked?")
    assert person.focus == "individual"
    assert person.expected[0] == "person"
    assert person.after[:3] == ("’s", "twitter", "account")


@pytest.mark.parametrize(
    ("text", "before", "after"),
    [
        # in place: the words before the wh-word
        ("NFL owners approved the sale of which football team?", ("sale", "of"), ()),
        ("Kanye West, who changed his name to Ye, is buying which platform?", ("is", "buying"), ()),
        # fronted, then do + subject + verb: the answer follows the verb (and its particle)
        ("Which major holiday did India celebrate this week?", ("celebrate",), ()),
        ("Which menu item did KFC roll out this week?", ("roll", "out"), ()),
        ("Which measure did lawmakers leave out?", ("leave", "out"), ()),
        ("Which team did he famously call games for?", ("call",), ()),
        # fronted subject: the answer precedes the predicate, adverbs left out
        (
            "Which currency recently plummeted to a record low?",
            (),
            ("plummeted", "to", "a", "record", "low"),
        ),
        ("Who holds the record with 73 home runs?", (), ("holds", "the", "record", "with", "73")),
        # passive: an active sentence puts the answer after the participle
        ("Which show was renewed for a season?", ("renewed",), ("was", "renewed", "for", "a")),
        # nothing to align: a copula question, or one that is not English
        ("What is her name?", (), ()),
        ("Welke voetbalclub won de beker?", (), ()),
    ],
)
def test_the_answers_place_in_a_statement(
    text: str, before: tuple[str, ...], after: tuple[str, ...]
) -> None:
    """`before` and `after` are the words next to the answer when the question is a statement."""
    question = analyze_question(text)
    assert question.before == before
    assert question.after[: len(after)] == after
    assert bool(question.after) == bool(after)


def test_a_green_light_is_not_a_passive() -> None:
    """ "was green lit" has no participle after "was": "green" ends in "-en" but is no verb."""
    question = analyze_question("Which popular show was green lit for a new season?")
    assert question.before == ()
    assert question.after[:3] == ("was", "green", "lit")


def test_a_preamble_s_own_terms_are_counted() -> None:
    """The last `preamble_terms` terms come only from the preamble; a question alone has none."""
    question = analyze_question(
        "Aaron Judge hit his 62nd home run this week. Who holds the record with 73 home runs?"
    )
    own = question.terms[: len(question.terms) - question.preamble_terms]
    scene = question.terms[len(own) :]
    assert {"hold", "record", "73", "home", "run"} <= set(own)
    assert {"aaron", "judge", "62nd"} <= set(scene)
    assert "home" not in scene
    assert analyze_question("Who holds the record with 73 home runs?").preamble_terms == 0
