"""Which terms a full-text search matches on in a large store (`bot.search_terms`).

The limits are scaled down so that a handful of sentences makes a word common; the rules are the
same as at the default sizes (5,000 sentences make a word common).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, event, text

from bot.engine import open_engine
from bot.fingerprint import fingerprint
from bot.migrations import SEARCH_STATISTICS
from bot.models import Article, ArticleIndex, IndexedSentence, StoredKeyPoint
from bot.search_index import phrase_pattern, tsquery_terms
from bot.search_terms import CommonTerms, FtsQuery, TermLimits
from bot.store import Store

SMALL = TermLimits(common=3, ranked=6, budget=4, paired=4)


class Counts:
    """Sentence counts per quoted term, capped as FTS5's count would be; records each count."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self.asked: list[str] = []

    def __call__(self, quoted: str, most: int) -> int:
        self.asked.append(quoted)
        return min(self.counts.get(quoted.strip('"'), 0), most)


def query(terms: list[str], counts: dict[str, int], limits: TermLimits = SMALL) -> FtsQuery:
    return CommonTerms(limits).query(terms, Counts(counts))


def test_rare_terms_only_is_the_plain_query() -> None:
    assert query(["xiaomi", "munich"], {"xiaomi": 1, "munich": 2}) == FtsQuery(
        '"xiaomi" OR "munich"'
    )


def test_rare_terms_match_and_every_term_but_the_commonest_ranks() -> None:
    """ "new" (3 to 5 sentences) still weighs in the ranking; "year" (6 or more) does not."""
    found = query(["new", "xiaomi", "year"], {"new": 4, "xiaomi": 1, "year": 50})
    assert found == FtsQuery('("xiaomi") AND ("new" OR "xiaomi")')


def test_rare_terms_are_taken_rarest_first_within_the_budget() -> None:
    """Budget 4: "b" (1) and "a" (2) fit, "c" (2) would make 5; the query's order is kept."""
    found = query(["c", "a", "b"], {"a": 2, "b": 1, "c": 2})
    assert found.expression == '("a" OR "b") AND ("c" OR "a" OR "b")'


def test_the_rarest_term_is_kept_even_beyond_the_budget() -> None:
    limits = TermLimits(common=10, ranked=20, budget=4, paired=4)
    found = query(["x", "y"], {"x": 9, "y": 8}, limits)
    assert found.expression == '("y") AND ("x" OR "y")'


def test_common_terms_only_match_in_pairs_newest_first() -> None:
    found = query(["star", "wars", "film"], {"star": 9, "wars": 7, "film": 30})
    assert found == FtsQuery(
        '("star" AND "wars") OR ("star" AND "film") OR ("wars" AND "film")', ranked=False
    )
    assert query(["news"], {"news": 99}) == FtsQuery('"news"', ranked=False)


def test_a_phrase_with_a_common_word_is_left_out() -> None:
    """ "covid-19" is FTS5's phrase "covid 19": with "19" common it would read every "19"."""
    counts = {"covid": 1, "19": 40, "covid-19": 1, "jean-luc": 1, "jean": 1, "luc": 1}
    found = query(["covid-19", "covid", "jean-luc"], counts)
    assert found == FtsQuery('"covid" OR "jean-luc"')


def test_common_words_are_counted_once_rare_ones_every_time() -> None:
    """The store only grows: a common word stays common, a rare one may become common."""
    counter = Counts({"year": 50, "xiaomi": 1})
    common = CommonTerms(SMALL)
    for _ in range(3):
        common.query(["year", "xiaomi"], counter)
    assert counter.asked.count('"xiaomi"') == 3
    assert counter.asked.count('"year"') == 2  # up to `common`, then up to `ranked`, once


def test_nothing_left_is_an_empty_query() -> None:
    assert query(["", '"', "  "], {}) == FtsQuery("")


# On a real store, SQLite and PostgreSQL ----------------------------------------------------------

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
STORE_LIMITS = TermLimits(common=4, ranked=20, budget=6, paired=4)


def add(store: Store, number: int, sentence: str) -> None:
    text = f"{sentence} Item {number}."
    article = Article(
        source=f"{number}.txt",
        title=sentence,
        text=text,
        language="en",
        fingerprint=fingerprint(text),
        ingested_at=T0 + timedelta(minutes=number),
        key_points=(StoredKeyPoint(0, sentence, 1.0),),
    )
    assert store.add_article(article, ArticleIndex((IndexedSentence(0, sentence),)))


# As long as each other, so that only "rose" tells them apart.
XIAOMI = (
    "Xiaomi opened a research centre in Munich today.",
    "Xiaomi shares rose on the markets in Munich.",
    "Xiaomi hired a designer from BMW in Munich.",
)


@pytest.fixture
def store(engine: Engine) -> Store:
    """Ten sentences where markets rose (common: 4 make a word common), three about Xiaomi
    (rare), one of them about both, and twenty about neither (so that "rose" still weighs a
    little). The common words are short: PostgreSQL searches longer ones as prefixes, whose
    estimates need a larger table than this."""
    store = Store(engine, STORE_LIMITS)
    for number in range(20, 40):
        add(store, number, f"The weather was mild on day {number}.")
    for number in range(10):
        add(store, number, f"Markets rose in trading session {number} of the stock week.")
    add(store, 10, XIAOMI[0])
    add(store, 11, XIAOMI[1])
    add(store, 12, XIAOMI[2])
    analyze(engine)
    return store


def analyze(engine: Engine) -> None:
    """PostgreSQL's statistics, as autovacuum keeps them: its term counts are their estimates."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE sentences"))


def test_a_rare_word_decides_what_matches_and_a_common_one_how_it_ranks(store: Store) -> None:
    hits = store.search_sentences(["rose", "xiaomi"], 10)
    assert {hit.text for hit in hits} == set(XIAOMI)
    assert hits[0].text == XIAOMI[1]
    assert hits[0].score > hits[1].score


def test_common_words_only_find_the_newest_sentences_with_two_of_them(store: Store) -> None:
    hits = store.search_sentences(["rose", "week"], 2)
    assert [hit.text for hit in hits] == [
        "Markets rose in trading session 9 of the stock week.",
        "Markets rose in trading session 8 of the stock week.",
    ]
    assert {hit.score for hit in hits} == {1.0}


def test_three_common_words_find_sentences_with_two_of_them(store: Store, engine: Engine) -> None:
    """PostgreSQL first looks for the rarest word with any of the others ("rose" in ten
    sentences, "week", "mild" and "day" in ten or twenty); when that finds too few, as for
    "rose mild day", any two of them (SQLite always does)."""
    asked: list[str] = []

    def seen(
        _conn: object, _cursor: object, _statement: str, parameters: object, *_: object
    ) -> None:
        if isinstance(parameters, dict) and "expression" in parameters:
            asked.append(parameters["expression"])

    event.listen(engine, "before_cursor_execute", seen)
    try:
        first = store.search_sentences(["rose", "week", "day"], 2)
        asked_first, asked[:] = list(asked), []
        second = store.search_sentences(["rose", "mild", "day"], 2)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert [hit.text for hit in first] == [
        "Markets rose in trading session 9 of the stock week.",
        "Markets rose in trading session 8 of the stock week.",
    ]
    assert [hit.text for hit in second] == [
        "The weather was mild on day 39.",
        "The weather was mild on day 38.",
    ]
    if engine.dialect.name == "postgresql":
        # One query: the rarest ("rose" or "week", ten sentences each) with either other word.
        assert asked_first in (["(rose) & ((week) | (day))"], ["(week) & ((rose) | (day))"])
        assert asked == [
            "(rose) & ((mild) | (day))",
            "((rose) & (mild)) | ((rose) & (day)) | ((mild) & (day))",
        ]


def test_a_store_below_the_limits_ranks_every_term(engine: Engine) -> None:
    """At the default limits the same sentences are searched on both words."""
    plain = Store(engine)
    for number in range(10):
        add(plain, number, f"Markets rose in trading session {number} of the stock week.")
    add(plain, 10, "Xiaomi opened a research centre in Munich.")
    hits = plain.search_sentences(["rose", "xiaomi"], 20)
    assert len(hits) == 11


def test_a_long_word_the_statistics_do_not_know_is_counted(engine: Engine) -> None:
    """PostgreSQL searches words of five letters or more as prefixes ("tumbled:*"); a prefix
    that none of the column's frequent words starts with gets the planner's default estimate,
    whatever its real count. Here the statistics predate the "tumbled" sentences: counted, ten
    of them make it common, so the rare "xiaomi" alone decides the matches."""
    store = Store(engine, STORE_LIMITS)
    for number in range(20, 40):
        add(store, number, f"The weather was mild on day {number}.")
    add(store, 10, XIAOMI[0])
    analyze(engine)
    for number in range(10):
        add(store, number, f"Markets tumbled in trading session {number} of the stock week.")
    hits = store.search_sentences(["tumbled", "xiaomi"], 20)
    assert [hit.text for hit in hits] == [XIAOMI[0]]


def test_very_common_words_also_find_the_newest_sentences(store: Store) -> None:
    """The words "mild" and "day" are in twenty sentences each, the ranked limit: PostgreSQL then
    walks the articles newest first instead of reading every match (the other query of `rose
    week`)."""
    hits = store.search_sentences(["mild", "day"], 2)
    assert [hit.text for hit in hits] == [
        "The weather was mild on day 39.",
        "The weather was mild on day 38.",
    ]


def test_a_longer_form_of_a_searched_prefix_is_not_a_term_of_its_own() -> None:
    """PostgreSQL searches "shareholder:*", which finds "shareholders": the plural a question's
    words add to its lemma is left out, so that a pair of them is never one word twice. A whole
    word ("area") is not a prefix, and a phrase keeps its words."""
    terms = ["shareholder", "Shareholders", "unite", "united", "area", "areas", "covid-19"]
    assert tsquery_terms(terms) == [
        ("shareholder:*",),
        ("unite:*",),
        ("area",),
        ("areas:*",),
        ("covid:*", "19"),
    ]


def test_postgresql_keeps_finer_statistics_of_the_searched_words(postgres_url: str) -> None:
    """The planner's estimates of search terms come from the statistics of the sentences' words,
    which the store keeps at SEARCH_STATISTICS (the default, 100, lists only words in 0.25% of
    the sentences or more)."""
    engine = open_engine(postgres_url)
    try:
        Store(engine)
        query = text(
            "SELECT attstattarget FROM pg_attribute "
            "WHERE attrelid = 'sentences'::regclass AND attname = 'search'"
        )
        with engine.connect() as connection:
            assert connection.execute(query).scalar_one() == SEARCH_STATISTICS
    finally:
        engine.dispose()


def _holds(tokens: list[str], words: tuple[str, ...]) -> bool:
    """The definition: the words in a row, a ":*" word matching any token it starts."""
    return any(
        all(
            tokens[start + k].startswith(word[:-2])
            if word.endswith(":*")
            else tokens[start + k] == word
            for k, word in enumerate(words)
        )
        for start in range(len(tokens) - len(words) + 1)
    )


_TOKENS = st.lists(
    st.sampled_from(["gun", "guns", "senator", "senators", "19", "covid", "a"]), max_size=12
)
_WORDS = st.lists(
    st.sampled_from(["gun", "gun:*", "senator:*", "senators", "19", "covid:*", "a", "b:*"]),
    min_size=1,
    max_size=3,
).map(tuple)


@given(tokens=_TOKENS, words=_WORDS)
def test_phrase_patterns_find_the_words_in_a_row(tokens: list[str], words: tuple[str, ...]) -> None:
    """PostgreSQL candidates are re-scored by the weighed terms each holds, found with one
    pattern per term in the sentence's tokens: whole words match whole tokens, prefixes match
    the tokens they start, and a phrase's words must come in a row."""
    joined = f" {' '.join(tokens)} "
    assert bool(phrase_pattern(words).search(joined)) == _holds(tokens, words)
