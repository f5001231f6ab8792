"""The lookup index in the store: sentences, full-text search, facts, entities and vectors."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from sqlalchemy import Engine, event, func, inspect, select, text

from bot.errors import StoreError
from bot.fingerprint import fingerprint
from bot.migrations import MIGRATIONS
from bot.models import Article, ArticleIndex, IndexedSentence, StoredKeyPoint
from bot.schema import entities, entity_aliases, facts, sentences
from bot.search_index import entity_key
from bot.search_terms import quoted_terms
from bot.store import Store
from bot.story_store import StoryStore
from bot.vectors import pack_vector, unpack_vectors
from summarizer import Fact

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)

ENGLISH = (
    "Xiaomi hired Rudolf Dittrich from BMW.",
    "Dittrich will lead the research centre in Munich.",
    "The SU7 costs RMB 215,900.",
)
DUTCH = ("Xiaomi opent een onderzoekscentrum in München.",)


def fact(kind: str, span: str, value: str, sentence: str, position: int, **links: str) -> Fact:
    return Fact(kind, span, value, sentence, position, sentence.index(span), **links)  # type: ignore[arg-type]


def stored(text_lines: tuple[str, ...], source: str = "x.txt") -> Article:
    text = " ".join(text_lines)
    return Article(
        source=source,
        title=text_lines[0],
        text=text,
        language="en",
        fingerprint=fingerprint(text),
        ingested_at=T0,
        key_points=(StoredKeyPoint(0, text_lines[0], 1.0),),
    )


def index_of(
    lines: tuple[str, ...], found: tuple[Fact, ...], vector: bytes | None = None
) -> ArticleIndex:
    return ArticleIndex(tuple(IndexedSentence(i, s) for i, s in enumerate(lines)), found, vector)


ENGLISH_FACTS = (
    fact("org", "Xiaomi", "Xiaomi", ENGLISH[0], 0, entity="Xiaomi"),
    fact("person", "Rudolf Dittrich", "Rudolf Dittrich", ENGLISH[0], 0, entity="Rudolf Dittrich"),
    fact("person", "Dittrich", "Rudolf Dittrich", ENGLISH[1], 1, entity="Rudolf Dittrich"),
    fact("place", "Munich", "Munich", ENGLISH[1], 1, entity="Munich"),
    fact("money", "RMB 215,900", "CNY 215900", ENGLISH[2], 2),
    fact(
        "role",
        "Dittrich will lead the research centre",
        "lead the research centre",
        ENGLISH[1],
        1,
        entity="Rudolf Dittrich",
        related="Xiaomi",
    ),
)
DUTCH_FACTS = (
    fact("org", "Xiaomi", "Xiaomi", DUTCH[0], 0, entity="Xiaomi"),
    fact("place", "München", "Munich", DUTCH[0], 0, entity="Munich"),
)


@pytest.fixture
def store(engine: Engine) -> Store:
    store = Store(engine)
    vector = pack_vector(np.full(4, 0.5, dtype=np.float32))
    store.add_article(stored(ENGLISH, "en.txt"), index_of(ENGLISH, ENGLISH_FACTS, vector))
    store.add_article(stored(DUTCH, "nl.txt"), index_of(DUTCH, DUTCH_FACTS))
    return store


def test_sentences_are_found_by_stemmed_terms_best_first(store: Store) -> None:
    """ "lead" finds "lead", "costs" finds "costs" via the stemmer; the rarer match ranks higher."""
    hits = store.search_sentences(["costs", "Xiaomi"], 10)
    assert hits[0].text == ENGLISH[2]
    assert {hit.text for hit in hits} == {ENGLISH[0], ENGLISH[2], DUTCH[0]}
    assert all(hits[i].score >= hits[i + 1].score for i in range(len(hits) - 1))


@pytest.mark.parametrize(
    "hostile",
    ['"', "*", "NEAR", "NEAR(a b)", "'; DROP TABLE articles; --", "a OR", "(", "^x", "col:x", ""],
)
def test_query_syntax_in_terms_is_never_syntax(store: Store, engine: Engine, hostile: str) -> None:
    """FTS operators and SQL in search terms are searched for as words, never executed."""
    before = _row_counts(engine)
    store.search_sentences([hostile, "Munich"], 5)  # must not raise
    assert _row_counts(engine) == before


def test_terms_are_quoted_and_blank_or_repeated_ones_dropped() -> None:
    assert quoted_terms(['say "hi"', "", "  ", "x", "x"]) == ['"say hi"', '"x"']
    assert quoted_terms([]) == []


def test_one_entity_across_languages_and_short_names(store: Store, engine: Engine) -> None:
    """München (Dutch) and Munich (English) are one entity; "Dittrich" finds Rudolf Dittrich."""
    with engine.connect() as connection:
        places = connection.execute(select(entities.c.name).where(entities.c.kind == "place")).all()
    assert [row.name for row in places] == ["Munich"]
    names, records = store.entity_facts("München", 50)
    assert names == ["Munich"]
    assert {record.article_id for record in records} == {
        stored(ENGLISH).id,
        stored(DUTCH).id,
    }
    names, records = store.entity_facts("dittrich", 50)
    assert names == ["Rudolf Dittrich"]
    assert any(r.kind == "role" and r.related == "Xiaomi" for r in records)


def test_other_names_of_an_entity_are_kept_by_key(store: Store, engine: Engine) -> None:
    """The names facts wrote an entity under, where they are not its own ("München", "Dittrich"),
    are its aliases, found however they are typed; a role's text is not a name."""
    assert _aliases(engine) == {("munchen", "Munich"), ("dittrich", "Rudolf Dittrich")}
    assert store.entity_facts("MUNCHEN", 50)[0] == ["Munich"]


def test_a_store_from_before_aliases_gets_them_from_its_facts(store: Store, engine: Engine) -> None:
    """Upgrading a store of schema 13 finds the aliases in the facts it holds, and drops the
    (kind, value) index on facts that no query used."""
    before = _aliases(engine)
    with engine.begin() as connection:  # back to schema version 13
        connection.execute(text("DROP TABLE entity_aliases"))
        connection.execute(text("CREATE INDEX ix_facts_kind_value ON facts (kind, value)"))
        connection.execute(text("DELETE FROM schema_migrations WHERE version > 13"))
    upgraded = Store(engine)
    assert upgraded.schema_version() == MIGRATIONS[-1].version
    assert _aliases(engine) == before
    assert upgraded.entity_facts("München", 50)[0] == ["Munich"]
    assert "ix_facts_kind_value" not in {i["name"] for i in inspect(engine).get_indexes("facts")}


def test_an_entity_in_more_sentences_than_the_limit_shows_the_newest(store: Store) -> None:
    """With room for one mention, the facts about Munich are those of the article stored last."""
    _, records = store.entity_facts("Munich", 1)
    assert {record.article_id for record in records} == {stored(DUTCH).id}
    assert {record.text for record in records} == {"Xiaomi", "München"}


def test_entity_facts_include_the_other_facts_of_the_sentences(store: Store) -> None:
    """Facts about an entity include what its sentences say, with the sentence as evidence."""
    _, records = store.entity_facts("Munich", 50)
    kinds = {record.kind for record in records}
    assert {"place", "person", "role"} <= kinds
    assert all(record.sentence in (ENGLISH[1], DUTCH[0]) for record in records)


def test_unknown_entities_and_empty_names_find_nothing(store: Store) -> None:
    assert store.entity_facts("Tesla", 50) == ([], [])
    assert store.entity_facts("  ", 50) == ([], [])
    assert store.entity_facts("%", 50) == ([], [])


def test_facts_in_sentences_returns_only_those_sentences(store: Store) -> None:
    article_id = stored(ENGLISH).id
    records = store.facts_in_sentences([(article_id, 2)])
    assert [(r.kind, r.value, r.sentence) for r in records] == [("money", "CNY 215900", ENGLISH[2])]


def test_facts_of_any_number_of_sentences_are_read_by_one_statement(
    store: Store, engine: Engine
) -> None:
    """A statement per count of sentences would each be compiled and kept in SQLAlchemy's cache
    with its parameters, which a process answering lookups then carries (and collects) for good."""
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if "JOIN facts AS f" in statement:
            statements.append(statement)

    english, dutch = stored(ENGLISH).id, stored(DUTCH).id
    asked = [[(english, 2)], [(english, 0), (english, 1)], [(english, 1), (dutch, 0), (dutch, 5)]]
    event.listen(engine, "before_cursor_execute", seen)
    try:
        found = [store.facts_in_sentences(pairs) for pairs in asked]
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(statements) == 3
    assert len(set(statements)) == 1
    assert [{(r.article_id, r.position) for r in records} for records in found] == [
        {(english, 2)},
        {(english, 0), (english, 1)},
        {(english, 1), (dutch, 0)},
    ]


def test_article_refs_cite_each_article_with_its_story(store: Store, engine: Engine) -> None:
    """What a lookup cites of an article, and the story it is in (conflicts are looked for
    within one story): "" until it joins one, and unknown ids are left out."""
    english, dutch = stored(ENGLISH).id, stored(DUTCH).id
    before = store.article_refs([english, dutch, "0" * 16])
    assert set(before) == {english, dutch}
    assert (before[english].source, before[english].title) == ("en.txt", ENGLISH[0])
    assert before[english].story == before[dutch].story == ""
    stories = StoryStore(engine)
    story = stories.join(None, english, T0, 1.0)
    stories.join(story, dutch, T0, 0.8)
    after = store.article_refs([english, dutch])
    assert after[english].story == after[dutch].story == story


def test_sentences_of_lists_every_sentence_in_order(store: Store) -> None:
    hits = store.sentences_of([stored(ENGLISH).id])
    assert [hit.text for hit in hits] == list(ENGLISH)


def test_vectors_round_trip_through_float16(store: Store) -> None:
    ((article_id, blob, _),) = store.article_vectors_since(None)
    assert article_id == stored(ENGLISH).id
    assert store.vector_count() == 1
    matrix = unpack_vectors([blob], 4)
    assert np.allclose(matrix, 0.5)
    assert np.array_equal(unpack_vectors([b"short"], 4), np.zeros((1, 4), dtype=np.float32))


def test_index_is_written_with_the_article_or_not_at_all(engine: Engine) -> None:
    """A sentence that cannot be stored leaves no article, fact or entity behind."""
    store = Store(engine)
    found = (Fact("org", "X", "X", ENGLISH[0], 0, 0, entity="X"),)
    clash = (IndexedSentence(0, ENGLISH[0]), IndexedSentence(0, ENGLISH[1]))
    with pytest.raises(StoreError):
        store.add_article(stored(ENGLISH, "x.txt"), ArticleIndex(clash, found))
    assert _row_counts(engine) == {"sentences": 0, "facts": 0, "entities": 0, "entity_aliases": 0}
    assert store.counts().articles == 0


def test_re_ingesting_the_same_article_adds_no_index_rows(store: Store, engine: Engine) -> None:
    before = _row_counts(engine)
    assert (
        store.add_article(stored(ENGLISH, "again.txt"), index_of(ENGLISH, ENGLISH_FACTS)) is False
    )
    assert _row_counts(engine) == before


def test_entity_keys_fold_case_accents_and_punctuation() -> None:
    assert entity_key("München") == entity_key("MUNCHEN") == "munchen"
    assert entity_key("  Xiaomi  Corp. ") == "xiaomi corp"
    assert entity_key("R&D") == "r&d"
    assert entity_key("...") == ""


def _aliases(engine: Engine) -> set[tuple[str, str]]:
    """(alias key, entity name) of every stored alias."""
    query = select(entity_aliases.c.key, entities.c.name).join(
        entities, entities.c.id == entity_aliases.c.entity_id
    )
    with engine.connect() as connection:
        return {(row.key, row.name) for row in connection.execute(query)}


def _row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (sentences, facts, entities, entity_aliases)
        }
