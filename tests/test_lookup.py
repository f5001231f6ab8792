"""Lookups end to end over the seeds: ask (English and Dutch), facts with conflicts, search.

The seeds go through the real ingest path into a real SQLite store with the real multilingual
embedder; the questions are the plain factual questions a person who read the five articles
would ask, and the expected answers were read from the articles.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from bot.article_index import ArticleVectorIndex
from bot.discovery import discover
from bot.engine import sqlite_engine
from bot.errors import QueryError
from bot.ingest import IngestOptions, Ingestor
from bot.lookup import Lookup
from bot.schema import articles, entities, facts, sentences, story_articles
from bot.store import Store
from bot.story_store import StoryStore
from summarizer.embeddings import MultilingualEmbedder
from tests.counting_embedder import CountingEmbedder

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
T0 = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def embedder() -> MultilingualEmbedder:
    return MultilingualEmbedder(threads=1)


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, embedder: MultilingualEmbedder
) -> Iterator[tuple[Store, Lookup]]:
    engine = sqlite_engine(tmp_path_factory.mktemp("lookup") / "store.db")
    store = Store(engine)
    ingestor = Ingestor(store, IngestOptions(), lambda: T0, embedder=embedder)
    outcomes = [ingestor.ingest(item) for item in discover([str(SEEDS)]).items]
    assert [outcome.status for outcome in outcomes] == ["new"] * 5
    yield store, Lookup(store, embedder)
    engine.dispose()


@pytest.fixture
def lookup(seeded: tuple[Store, Lookup]) -> Lookup:
    return seeded[1]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who leads Xiaomi's European R&D centre?", "Dittrich"),
        ("Who is the head of Xiaomi's European R&D center?", "Dittrich"),
        ("Where is Xiaomi looking for vehicle dynamics engineers?", "Munich"),
        ("What is the starting price of the Xiaomi SU7?", "215,900"),
        ("How many vehicles did Xiaomi deliver in Q2 2025?", "81,302"),
        ("What were the gross margins of Xiaomi's BEV business?", "26.4%"),
        ("How many electric cars a year can the new factory produce?", "300,000"),
        ("How many years did Dittrich work at BMW?", "15"),
        ("How long is the delivery wait time for the YU7?", "58 weeks"),
        ("Who is the CEO of Xiaomi?", "Lei Jun"),
    ],
)
def test_plain_questions_in_english_get_the_right_answer(
    lookup: Lookup, question: str, expected: str
) -> None:
    """Each answer is the short span a reader would give, with its sentence as evidence."""
    result = lookup.ask(question)
    assert result.answer is not None, question
    assert expected.casefold() in _flat(result.answer), (question, result.answer)
    assert len(result.answer) <= 60
    assert result.evidence
    assert any(expected.casefold() in _flat(e.sentence) for e in result.evidence)
    assert all(Path(e.source).parent.name == "seeds" for e in result.evidence)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Wie leidt het R&D-centrum van Xiaomi?", "Dittrich"),
        ("Waar richt Xiaomi een onderzoeks- en ontwikkelingscentrum op?", "München"),
        ("Hoeveel jaar ervaring heeft Dittrich?", "15"),
        ("Wat kost de Xiaomi SU7?", "215,900"),
        ("Wanneer wil Xiaomi zijn EV's internationaal lanceren?", "2027"),
    ],
)
def test_plain_questions_in_dutch_get_the_right_answer(
    lookup: Lookup, question: str, expected: str
) -> None:
    """Dutch questions are answered from Dutch articles, and from English ones where the
    evidence shares names and numbers with the question (the SU7's price)."""
    result = lookup.ask(question)
    assert result.answer is not None, question
    answer = _flat(result.answer)
    assert expected.casefold() in answer or (expected == "München" and "munich" in answer), (
        question,
        result.answer,
    )


@pytest.mark.parametrize(
    "question",
    [
        "Who won the football World Cup in 2022?",
        "What is the capital of Australia?",
        "Wie is de burgemeester van Rotterdam?",
    ],
)
def test_questions_about_things_never_mentioned_get_no_answer(
    lookup: Lookup, question: str
) -> None:
    """Nothing is invented: no answer, no evidence, and a note that says so."""
    result = lookup.ask(question)
    assert result.answer is None, (question, result.answer)
    assert result.evidence == ()
    assert "Nothing" in result.note


@pytest.mark.parametrize("question", ["", "   ", "Xiaomi", "?"])
def test_empty_and_one_word_questions_are_refused_with_advice(
    lookup: Lookup, question: str
) -> None:
    with pytest.raises(QueryError) as raised:
        lookup.ask(question)
    assert len(str(raised.value).splitlines()) == 1


@pytest.mark.parametrize(
    "question",
    [
        'Who leads "R&D* NEAR centre?',
        "Who leads Xiaomi'; DROP TABLE articles; --",
        "What NEAR(price SU7) OR * costs?",
        "Who " + "leads the centre and " * 300 + "what?",
    ],
)
def test_hostile_and_huge_questions_change_nothing(
    seeded: tuple[Store, Lookup], question: str
) -> None:
    """Query syntax and SQL in questions are words; a 5,000-char question is bounded work."""
    store, lookup = seeded
    before = _counts(store)
    result = lookup.ask(question)
    assert result.question
    assert len(result.question) <= 5_000
    assert _counts(store) == before


def test_facts_about_an_entity_cover_its_kinds_with_sources(lookup: Lookup) -> None:
    """Xiaomi's facts include money, quantities, dates and roles, each citing its article."""
    result = lookup.facts("Xiaomi")
    assert result.names == ("Xiaomi",)
    kinds = {fact.kind for fact in result.facts}
    assert {"money", "quantity", "date", "role", "percent"} <= kinds
    assert all(Path(fact.evidence.source).parent.name == "seeds" for fact in result.facts)
    assert all(fact.text in fact.evidence.sentence for fact in result.facts)


def test_facts_match_other_language_forms_and_short_names(lookup: Lookup) -> None:
    """ "München" finds Munich (mentioned in English and Dutch), "Dittrich" finds his role."""
    munich = lookup.facts("München")
    assert munich.names == ("Munich",)
    assert len({fact.evidence.article_id for fact in munich.facts}) >= 2
    dittrich = lookup.facts("Dittrich")
    assert "Rudolf Dittrich" in dittrich.names
    roles = [fact for fact in dittrich.facts if fact.kind == "role"]
    assert any("head" in fact.value.casefold() or "leid" in fact.value for fact in roles)


def test_sources_that_disagree_on_european_sales_are_flagged(lookup: Lookup) -> None:
    """'tegen 2027' (Dutch source) and 'before 2030' (English source) are a conflict."""
    result = lookup.facts("Xiaomi")
    dates = [c for c in result.conflicts if c.kind == "date"]
    assert any({"<=2027", "<2030"} <= set(conflict.values) for conflict in dates), dates
    for conflict in result.conflicts:
        assert len({fact.evidence.article_id for fact in conflict.facts}) >= 2


def test_conflicts_are_looked_for_within_one_story(
    tmp_path: Path, embedder: MultilingualEmbedder
) -> None:
    """The sources of the 2027/2030 conflict disagree while they report one story; each in a
    story of its own, the other figure is an update, not a disagreement."""
    engine = sqlite_engine(tmp_path / "store.db")
    store = Store(engine)
    ingestor = Ingestor(store, IngestOptions(), lambda: T0, embedder=embedder)
    assert all(ingestor.ingest(item).status == "new" for item in discover([str(SEEDS)]).items)
    lookup = Lookup(store, embedder)

    def deadline_conflicts() -> list[tuple[str, ...]]:
        found = lookup.facts("Xiaomi").conflicts
        return [c.values for c in found if {"<=2027", "<2030"} <= set(c.values)]

    [conflict] = [c for c in lookup.facts("Xiaomi").conflicts if "<2030" in c.values]
    sources = sorted({fact.evidence.article_id for fact in conflict.facts})
    assert len(sources) >= 2
    stories = StoryStore(engine)
    first, *others = [stories.join(None, source, T0, 1.0) for source in sources]
    assert deadline_conflicts() == []  # each source a story of its own
    with engine.begin() as connection:  # the other sources join the first one's story
        connection.execute(
            update(story_articles)
            .where(story_articles.c.story_id.in_(others))
            .values(story_id=first)
        )
    assert len(deadline_conflicts()) == 1
    engine.dispose()


def test_agreeing_counts_of_bmw_hires_are_not_flagged(lookup: Lookup) -> None:
    """'at least five BMW executives' and 'Dittrich plus at least four others' agree."""
    for name in ("Xiaomi", "BMW", "Dittrich"):
        for conflict in lookup.facts(name).conflicts:
            assert not (conflict.kind == "quantity" and ">=5" in " ".join(conflict.values)), (
                name,
                conflict.values,
            )


def test_unknown_and_empty_entities(lookup: Lookup) -> None:
    assert lookup.facts("Stellantis").names == ()
    assert lookup.facts("Stellantis").facts == ()
    with pytest.raises(QueryError):
        lookup.facts("  ")
    with pytest.raises(QueryError):
        lookup.facts("x" * 500)


def test_search_ranks_the_matching_sentence_first(lookup: Lookup) -> None:
    result = lookup.search("SU7 starting price")
    assert result.results
    assert "215,900" in result.results[0].sentence
    scores = [item.score for item in result.results]
    assert scores == sorted(scores, reverse=True)


def test_search_in_dutch_finds_the_dutch_article(lookup: Lookup) -> None:
    result = lookup.search("onderzoekscentrum München")
    assert result.results
    assert "München" in result.results[0].sentence


@pytest.mark.parametrize("terms", ["", "   ", "the of and", '"*"'])
def test_search_without_words_is_refused(lookup: Lookup, terms: str) -> None:
    with pytest.raises(QueryError):
        lookup.search(terms)


def test_an_empty_store_answers_clearly(tmp_path: Path, embedder: MultilingualEmbedder) -> None:
    engine = sqlite_engine(tmp_path / "empty.db")
    try:
        lookup = Lookup(Store(engine), embedder)
        assert lookup.ask("Who leads Xiaomi's R&D centre?").answer is None
        assert lookup.search("Xiaomi").results == ()
        assert lookup.facts("Xiaomi").names == ()
    finally:
        engine.dispose()


def _flat(text: str) -> str:
    return " ".join(text.split()).casefold()


def _counts(store: Store) -> dict[str, int]:
    engine = store._engine  # the test reads the raw tables to prove nothing changed
    with engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (articles, sentences, facts, entities)
        }


def test_key_points_are_ranked_with_their_stored_embeddings(
    seeded: tuple[Store, Lookup], embedder: MultilingualEmbedder
) -> None:
    """Sentences that are key points are not embedded again at question time, and the answer
    is the one found when every sentence is embedded."""
    store, plain = seeded
    counting = CountingEmbedder(embedder)
    question = "Who leads Xiaomi's European R&D centre?"
    answer = Lookup(store, counting).ask(question)
    points = {p.text for a in store.articles_since(None) for p in a.key_points}
    embedded = set(counting.texts) - {question}
    assert embedded  # other sentences still are
    assert not embedded & points
    assert answer.answer == plain.ask(question).answer
    assert answer.answer is not None
    assert "Dittrich" in answer.answer


def test_warming_up_loads_the_article_vectors_before_any_question(
    seeded: tuple[Store, Lookup], embedder: MultilingualEmbedder
) -> None:
    """`warm_up` reads the stored article vectors into the index (what the first question after
    a start would otherwise wait for) and embeds no stored text; the first question then embeds
    only itself and the sentences it re-ranks, and gets the same answer."""
    store, plain = seeded
    articles = ArticleVectorIndex(embedder.dimensions)
    counting = CountingEmbedder(embedder)
    warmed = Lookup(store, counting, articles=articles)
    assert len(articles) == 0
    warmed.warm_up()
    assert len(articles) == store.vector_count() == 5
    assert counting.texts == ["warm up"]
    question = "Who leads Xiaomi's European R&D centre?"
    assert warmed.ask(question).answer == plain.ask(question).answer
