"""The lookup index inside the store: sentences (full-text searchable), facts, entities, vectors.

Functions here take an open Connection so that `Store` decides transactions. Entities are keyed by
kind and a folded form of their canonical name, so "München" in a Dutch article and "Munich" in an
English one (both canonically "Munich") are one entity.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import combinations
from typing import Any

from sqlalchemy import (
    Connection,
    LargeBinary,
    Row,
    String,
    bindparam,
    func,
    insert,
    or_,
    select,
    text,
    union,
)

from bot.engine import dialect_insert, insert_ignoring
from bot.models import ArticleIndex, FactRecord, SentenceHit
from bot.schema import (
    ALL_ARTICLES_KEY,
    UtcDateTime,
    article_vectors,
    articles,
    entities,
    entity_aliases,
    facts,
    near_duplicate_keys,
    sentences,
    specific_counts,
)
from bot.search_terms import MAX_MATCH_TERMS, CommonTerms, TermLimits
from summarizer import Fact
from summarizer.signature import specific_keys

PAIRS_PER_QUERY = 1_000  # (article id, position) pairs whose facts one query reads
POSTGRES_CANDIDATES = 200  # matching sentences re-scored per PostgreSQL search
# A prefix the planner has no statistics on is counted, up to this many rows (about 1-2 ms for a
# rare name, 30-40 ms for a common prefix, at 100,000 articles).
PREFIX_COUNTED = 2_000
_UNKNOWN_PREFIX = "qxzqxzqxz:*"  # no sentence holds it: its estimate is the planner's default
ENTITY_KINDS = frozenset({"person", "org", "place"})
_KEY_DROP = re.compile(r"[^\w&+]+")
_TSQUERY_DROP = re.compile(r"[\W_]+")


def entity_key(name: str) -> str:
    """The folded form entities are matched by: no accents, no case, no punctuation."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_KEY_DROP.sub(" ", plain).split())


def write_index(connection: Connection, article_id: str, index: ArticleIndex) -> None:
    """Store an article's sentences, facts and vector (the article row must exist)."""
    rows = [
        {"article_id": article_id, "position": s.position, "text": s.text} for s in index.sentences
    ]
    if rows:
        connection.execute(insert(sentences), rows)
        if connection.dialect.name == "sqlite":
            connection.execute(
                text(
                    "INSERT INTO sentence_search (text, article_id, position) "
                    "VALUES (:text, :article_id, :position)"
                ),
                rows,
            )
    ids = _entity_ids(connection, [pair for fact in index.facts for pair in _entities_of(fact)])
    fact_rows = [_fact_row(article_id, fact, ids) for fact in index.facts]
    if fact_rows:
        connection.execute(insert(facts), fact_rows)
    aliases = alias_rows(_surfaces(index.facts, ids))
    if aliases:
        connection.execute(insert_ignoring(connection, entity_aliases), aliases)
    count_specifics(connection, index.facts)
    if index.vector is not None:
        connection.execute(
            insert(article_vectors).values(article_id=article_id, vector=index.vector)
        )
    if index.near_keys:
        key_rows = [{"key": key, "article_id": article_id} for key in index.near_keys]
        connection.execute(insert(near_duplicate_keys), key_rows)


def alias_rows(named: Iterable[tuple[int | None, str, str]]) -> list[dict[str, object]]:
    """`entity_aliases` rows for (entity id, the entity's key, a name a fact wrote it under):
    the written name's key, where it is not the entity's own; each pair once."""
    found = {
        (alias, entity_id)
        for entity_id, key, written in named
        if entity_id is not None and (alias := entity_key(written)) and alias != key
    }
    return [{"key": alias, "entity_id": entity_id} for alias, entity_id in sorted(found)]


def _surfaces(
    found: Iterable[Fact], ids: dict[tuple[str, str], int]
) -> Iterator[tuple[int | None, str, str]]:
    """(entity id, entity key, the fact's text) of the facts that name a person, organisation
    or place (a role's text is the role, not a name)."""
    for fact in found:
        if fact.kind in ENTITY_KINDS:
            key = entity_key(fact.entity)
            yield ids.get((fact.kind, key)), key, fact.text


def count_specifics(connection: Connection, found: Iterable[Fact]) -> None:
    """Count one more article holding each of these facts' names and figures, and one more
    article (the key ""); an article is indexed once, so each of its keys counts once."""
    names, figures = specific_keys(found)
    rows = [{"key": key, "articles": 1} for key in sorted({ALL_ARTICLES_KEY, *names, *figures})]
    upsert = dialect_insert(connection, specific_counts)
    counted = upsert.on_conflict_do_update(
        index_elements=["key"], set_={"articles": specific_counts.c.articles + 1}
    )
    connection.execute(counted, rows)


def match_sentences(
    connection: Connection, terms: Sequence[str], limit: int, common: CommonTerms
) -> list[SentenceHit]:
    """The sentences matching `terms`, best first (higher score is better), on the terms
    `common` chooses (see `bot.search_terms`): BM25 over FTS5 on SQLite, `ts_rank` over the
    sentences' tsvector then re-scored on PostgreSQL."""
    if connection.dialect.name == "postgresql":
        return _postgres_match(connection, terms, limit, common)
    search = common.query(terms, lambda term, most: _fts_count(connection, term, most))
    if not search.expression:
        return []
    if not search.ranked:
        newest = text(
            "SELECT article_id, position, text, 1.0 AS rank FROM sentence_search "
            "WHERE sentence_search MATCH :expression ORDER BY rowid DESC LIMIT :limit"
        )
        found = connection.execute(newest, {"expression": search.expression, "limit": limit})
        return [SentenceHit(r.article_id, int(r.position), r.text, 1.0) for r in found]
    query = text(
        "SELECT article_id, position, text, bm25(sentence_search) AS rank FROM sentence_search "
        "WHERE sentence_search MATCH :expression ORDER BY rank LIMIT :limit"
    )
    rows = connection.execute(query, {"expression": search.expression, "limit": limit}).all()
    return [SentenceHit(r.article_id, int(r.position), r.text, -float(r.rank)) for r in rows]


def _fts_count(connection: Connection, quoted: str, most: int) -> int:
    """How many sentences match the quoted term, counting up to `most`."""
    query = text(
        "SELECT count(*) FROM (SELECT rowid FROM sentence_search "
        "WHERE sentence_search MATCH :term LIMIT :most)"
    )
    found: int = connection.execute(query, {"term": quoted, "most": most}).scalar_one()
    return found


def tsquery_terms(terms: Iterable[str]) -> list[tuple[str, ...]]:
    """Each term as tsquery words: reduced to letters and digits (so nothing in it is syntax),
    words of five letters or more as prefixes ("invest:*" also finds "investment", standing in
    for FTS5's stemming); duplicates dropped, at most MAX_MATCH_TERMS.

    A one-word prefix that another one's prefix finds is dropped ("shareholders:*" beside
    "shareholder:*", as a question's lemmas and words give both): it would be counted for
    nothing, and a pair of the two would stand for two terms while matching one word."""
    found: dict[tuple[str, ...], None] = {}
    for term in terms:
        words = _TSQUERY_DROP.sub(" ", term.casefold()).split()
        if words and len(found) < MAX_MATCH_TERMS:
            found[tuple(f"{w}:*" if len(w) >= 5 else w for w in words)] = None
    prefixes = [key[0][:-2] for key in found if len(key) == 1 and key[0].endswith(":*")]
    return [key for key in found if not _subsumed(key, prefixes)]


def _subsumed(key: tuple[str, ...], prefixes: Sequence[str]) -> bool:
    """Whether the one-word prefix key is found by a shorter one of `prefixes`."""
    if len(key) != 1 or not key[0].endswith(":*"):
        return False
    word = key[0][:-2]
    return any(word != prefix and word.startswith(prefix) for prefix in prefixes)


def _postgres_match(
    connection: Connection, terms: Sequence[str], limit: int, common: CommonTerms
) -> list[SentenceHit]:
    """Up to POSTGRES_CANDIDATES sentences matching the chosen terms (most terms first),
    re-scored the way BM25 weighs terms: each weighed term found adds log(1 + candidates /
    sentences with it), so a rare name outweighs a common word, which `ts_rank` alone does
    not do. Common terms only: the newest sentences holding two, unranked (`_postgres_unranked`).

    The candidates are chosen by `ts_rank`, not `ts_rank_cd` (term proximity): 3.3 against
    7.4 ms for 2,039 matches, and bench.lookup --distractors on PostgreSQL answered the same."""
    keys = [" <-> ".join(words) for words in tsquery_terms(terms)]
    if not keys:
        return []
    counter = _TermCounts(connection)
    choice = common.choose(keys, counter.count, _ts_words)
    if not choice.ranked:
        return _postgres_unranked(connection, choice.matching, limit, counter, common.limits)
    query = text(
        "SELECT article_id, position, text, ts_rank(search, weighed) AS rank "
        "FROM sentences, to_tsquery('simple', :matching) AS matching, "
        "to_tsquery('simple', :weighed) AS weighed "
        "WHERE search @@ matching ORDER BY rank DESC, article_id, position LIMIT :candidates"
    )
    values = {
        "matching": " | ".join(f"({key})" for key in choice.matching),
        "weighed": " | ".join(f"({key})" for key in choice.weighed),
        "candidates": max(POSTGRES_CANDIDATES, limit),
    }
    rows = connection.execute(query, values).all()
    phrases = [phrase_pattern(_ts_words(key)) for key in choice.weighed]
    found = [_phrases_in(r.text, phrases) for r in rows]
    counts = [sum(i in hits for hits in found) for i in range(len(phrases))]
    weight = [math.log(1 + len(rows) / count) if count else 0.0 for count in counts]
    scored = [
        SentenceHit(r.article_id, int(r.position), r.text, sum(weight[i] for i in hits))
        for r, hits in zip(rows, found, strict=True)
    ]
    scored.sort(key=lambda hit: (-hit.score, hit.article_id, hit.position))
    return scored[:limit]


def _postgres_unranked(
    connection: Connection,
    keys: Sequence[str],
    limit: int,
    counts: _TermCounts,
    limits: TermLimits,
) -> list[SentenceHit]:
    """The newest sentences holding two of these common terms, the rarest one among them; only
    when there are fewer than `limit` of those, the newest holding any two.

    Any two of four is an OR of six pairs, in which the GIN index gathers each prefix term's
    matches once per pair it is in: 60 ms for "head, state:*, announce:*, resignation:*" at
    100,000 articles, against 1 ms with resignation:* and any of the others (each gathered
    once)."""
    tally = {key: counts.count(key, limits.ranked) for key in keys}
    if len(keys) > 2:
        rarest, *others = sorted(keys, key=lambda key: tally[key])
        expression = f"({rarest}) & ({' | '.join(f'({key})' for key in others)})"
        found = _postgres_newest(connection, expression, limit, few=tally[rarest] < limits.ranked)
        if len(found) >= limit:
            return found
    pairs = [f"(({a}) & ({b}))" for a, b in combinations(keys, 2)]
    expression = " | ".join(pairs) or keys[0]
    return _postgres_newest(connection, expression, limit, few=max(tally.values()) < limits.ranked)


_NEWEST_OF_MANY = (
    "SELECT s.article_id, s.position, s.text FROM sentences AS s "
    "JOIN articles AS a ON a.id = s.article_id "
    "WHERE s.search @@ to_tsquery('simple', :expression) "
    "ORDER BY a.ingested_at DESC, s.article_id, s.position LIMIT :limit"
)
_NEWEST_OF_FEW = (
    "WITH found AS MATERIALIZED (SELECT article_id, position, text FROM sentences "
    "WHERE search @@ to_tsquery('simple', :expression)) "
    "SELECT s.article_id, s.position, s.text FROM found AS s "
    "JOIN articles AS a ON a.id = s.article_id "
    "ORDER BY a.ingested_at DESC, s.article_id, s.position LIMIT :limit"
)


def _postgres_newest(
    connection: Connection, expression: str, limit: int, *, few: bool
) -> list[SentenceHit]:
    """The newest sentences matching the tsquery expression.

    With `few` matches (a term it requires under the ranked limit) the matches are read first
    and sorted by time: a few thousand rows from the index. Otherwise the articles are walked
    newest first until enough of their sentences match, which is what the planner does anyway
    for a word in every tenth sentence, but which for a word in one sentence of 2,000 read
    tens of thousands of sentences (460 ms for "hype" at 100,000 articles)."""
    query = text(_NEWEST_OF_FEW if few else _NEWEST_OF_MANY)
    rows = connection.execute(query, {"expression": expression, "limit": limit})
    return [SentenceHit(r.article_id, int(r.position), r.text, 1.0) for r in rows]


class _TermCounts:
    """How many sentences tsquery terms match, for one search: each planner estimate and each
    count read once (choosing terms asks for a common term's count twice, up to two limits)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._estimates: dict[str, int] = {}
        self._counted: dict[tuple[str, int], int] = {}

    def count(self, key: str, most: int) -> int:
        """About how many sentences match the term (up to `most`): the planner's estimate
        from the column's lexeme statistics, which costs no read of the sentences (counting
        them would read a row per match to recheck it).

        A prefix ("trennlinie:*") that no word of the statistics starts with gets the planner's
        default instead, half the share of the least common word they list: 3,807 sentences at
        100,000 articles with the default statistics (every such rare name looked "common" and
        took the slow unranked query: search p95 475 ms), about 280 with the store's (see
        `bot.migrations.SEARCH_STATISTICS`). Such a prefix is counted, reading at most
        PREFIX_COUNTED rows."""
        estimate = self._estimate(key)
        if ":*" not in key or estimate != self._estimate(_UNKNOWN_PREFIX):
            return min(estimate, most)
        bound = min(most, PREFIX_COUNTED)
        found = self._count(key, bound)
        return found if found < bound else min(max(estimate, bound), most)

    def _estimate(self, key: str) -> int:
        """The planner's estimate of the sentences the tsquery term matches."""
        if key not in self._estimates:
            query = text(
                "EXPLAIN (FORMAT JSON) SELECT 1 FROM sentences "
                "WHERE search @@ to_tsquery('simple', :key)"
            )
            plan = self._connection.execute(query, {"key": key}).scalar_one()
            if isinstance(plan, str):
                plan = json.loads(plan)
            self._estimates[key] = int(plan[0]["Plan"]["Plan Rows"])
        return self._estimates[key]

    def _count(self, key: str, bound: int) -> int:
        """The sentences matching the term, counted up to `bound`."""
        if (key, bound) not in self._counted:
            query = text(
                "SELECT count(*) FROM (SELECT 1 FROM sentences "
                "WHERE search @@ to_tsquery('simple', :key) LIMIT :bound) AS found"
            )
            values = {"key": key, "bound": bound}
            self._counted[key, bound] = int(self._connection.execute(query, values).scalar_one())
        return self._counted[key, bound]


def _ts_words(key: str) -> list[str]:
    """The words of a tsquery term ("covid:* <-> 19")."""
    return key.split(" <-> ")


def _ts_tokens(sentence: str) -> list[str]:
    """The words of a sentence as the 'simple' text search reads them (near enough)."""
    return _TSQUERY_DROP.sub(" ", sentence.casefold()).split()


def phrase_pattern(words: Sequence[str]) -> re.Pattern[str]:
    """A pattern finding the tsquery words in a row (a ":*" word as a prefix) in a sentence's
    tokens joined by single spaces, with a space before and after (see `_phrases_in`)."""
    parts = (re.escape(w[:-2]) + "[^ ]*" if w.endswith(":*") else re.escape(w) for w in words)
    return re.compile(" " + " ".join(parts) + " ")


def _phrases_in(sentence: str, patterns: Sequence[re.Pattern[str]]) -> set[int]:
    """The indexes of the phrase patterns the sentence holds. One regular expression search
    per phrase: comparing token by token in Python took 18 ms for 200 sentences and five
    terms, most of a ranked PostgreSQL search."""
    tokens = f" {' '.join(_ts_tokens(sentence))} "
    return {index for index, pattern in enumerate(patterns) if pattern.search(tokens)}


def article_sentences(connection: Connection, article_ids: Sequence[str]) -> list[SentenceHit]:
    """Every sentence of these articles, in article and position order, with score 0."""
    query = (
        select(sentences)
        .where(sentences.c.article_id.in_(article_ids))
        .order_by(sentences.c.article_id, sentences.c.position)
    )
    return [SentenceHit(r.article_id, r.position, r.text, 0.0) for r in connection.execute(query)]


def facts_in_sentences(connection: Connection, keys: Sequence[tuple[str, int]]) -> list[FactRecord]:
    """The facts of the given (article id, position) sentences, in document order."""
    pairs = sorted(set(keys))
    found: list[FactRecord] = []
    for start in range(0, len(pairs), PAIRS_PER_QUERY):
        found += _fact_records(connection, pairs[start : start + PAIRS_PER_QUERY])
    return found


def find_entities(connection: Connection, name: str) -> list[int]:
    """Ids of the entities `name` refers to: the same key, a shorter form of a name ("Dittrich"
    for "Rudolf Dittrich"), or any other name a stored fact wrote it under ("München")."""
    key = entity_key(name)
    if not key:
        return []
    by_name = select(entities.c.id).where(
        or_(entities.c.key == key, entities.c.key.like(f"% {_like(key)}", escape="\\"))
    )
    by_alias = select(entity_aliases.c.entity_id).where(entity_aliases.c.key == key)
    found = set(connection.execute(by_name).scalars())
    found.update(connection.execute(by_alias).scalars())
    return sorted(found)


def entity_names(connection: Connection, entity_ids: Sequence[int]) -> dict[int, str]:
    """The canonical names of these entities."""
    rows = connection.execute(
        select(entities.c.id, entities.c.name).where(entities.c.id.in_(entity_ids))
    )
    return {row.id: row.name for row in rows}


def entity_fact_records(
    connection: Connection, entity_ids: Sequence[int], limit: int
) -> list[FactRecord]:
    """Facts mentioning these entities plus every fact in the sentences that mention them: of
    the newest `limit` mentions (the most recently stored facts), so a name in thousands of
    articles shows what is said of it now."""
    mentioning = union(
        select(facts.c.id).where(facts.c.entity_id.in_(entity_ids)),
        select(facts.c.id).where(facts.c.related_id.in_(entity_ids)),
    ).subquery()
    # The ids alone come from the two indexes; only the newest mentions' rows are read.
    newest = select(mentioning.c.id).order_by(mentioning.c.id.desc()).limit(limit)
    ids = list(connection.execute(newest).scalars())
    if not ids:
        return []
    mentions = select(facts.c.article_id, facts.c.position).where(facts.c.id.in_(ids))
    keys = [(row.article_id, row.position) for row in connection.execute(mentions)]
    return facts_in_sentences(connection, keys)


def vectors_since(
    connection: Connection, since: datetime | None, after: str = "", limit: int | None = None
) -> list[tuple[str, bytes, datetime | None]]:
    """(article id, vector, ingested at) of the articles ingested at or after `since` whose ids
    sort after `after`, by id, at most `limit` (None: all). With `since` None: every vector,
    without its time (read from the vectors alone, not the articles with their text)."""
    if since is None:
        every = (
            select(article_vectors.c.article_id, article_vectors.c.vector)
            .where(article_vectors.c.article_id > after)
            .order_by(article_vectors.c.article_id)
            .limit(limit)
        )
        return [(row.article_id, row.vector, None) for row in connection.execute(every)]
    if connection.dialect.name == "sqlite" and _ingested_since(connection, since) <= (
        limit if limit is not None else math.inf
    ):
        values = {"since": since, "after": after, "limit": -1 if limit is None else limit}
        rows = connection.execute(_RECENT_VECTORS, values)
    else:
        query = (
            select(article_vectors.c.article_id, article_vectors.c.vector, articles.c.ingested_at)
            .join(articles, articles.c.id == article_vectors.c.article_id)
            .where(article_vectors.c.article_id > after, articles.c.ingested_at >= since)
            .order_by(article_vectors.c.article_id)
            .limit(limit)
        )
        rows = connection.execute(query)
    return [(row.article_id, row.vector, row.ingested_at) for row in rows]


# The vectors of the articles ingested since a time, found through the articles' ingested_at
# index ("+" keeps SQLite off the id indexes). Without it SQLite walked every vector in id order
# for the ORDER BY and looked up each one's article: 0.4 to 7 s at 100,000 articles for the few
# dozen of the last ten minutes, which every lookup and alert pass after a new article paid.
_RECENT_VECTORS = (
    text(
        "SELECT v.article_id, v.vector, a.ingested_at FROM articles AS a "
        "JOIN article_vectors AS v ON v.article_id = a.id "
        "WHERE a.ingested_at >= :since AND +a.id > :after ORDER BY +a.id LIMIT :limit"
    )
    .bindparams(bindparam("since", type_=UtcDateTime))
    .columns(article_id=String, vector=LargeBinary, ingested_at=UtcDateTime)
)


def _ingested_since(connection: Connection, since: datetime) -> int:
    """How many articles were ingested at or after `since` (read from its index alone)."""
    query = select(func.count()).select_from(articles).where(articles.c.ingested_at >= since)
    found: int = connection.execute(query).scalar_one()
    return found


def latest_ingestion(connection: Connection) -> datetime | None:
    """When the newest stored article was ingested (None in an empty store)."""
    latest: datetime | None = connection.execute(select(func.max(articles.c.ingested_at))).scalar()
    return latest


def indexed_articles(connection: Connection) -> int:
    """How many articles were ever indexed: a counter that only grows, one row to read."""
    query = select(specific_counts.c.articles).where(specific_counts.c.key == ALL_ARTICLES_KEY)
    found: int | None = connection.execute(query).scalar_one_or_none()
    return found or 0


def vector_count(connection: Connection) -> int:
    """How many article vectors are stored."""
    count: int = connection.execute(select(func.count()).select_from(article_vectors)).scalar_one()
    return count


# The facts of the sentences in `wanted`, each with its sentence and the names of its entities.
_FACTS_OF_SENTENCES = (
    "SELECT f.article_id, f.position, f.kind, f.text, f.value, s.text AS sentence, "
    "entity.name AS entity, related.name AS related FROM wanted "
    "JOIN facts AS f ON f.article_id = wanted.article_id AND f.position = wanted.position "
    "JOIN sentences AS s ON s.article_id = f.article_id AND s.position = f.position "
    "LEFT OUTER JOIN entities AS entity ON entity.id = f.entity_id "
    "LEFT OUTER JOIN entities AS related ON related.id = f.related_id "
    "ORDER BY f.article_id, f.position, f.start"
)


def _fact_records(connection: Connection, pairs: Sequence[tuple[str, int]]) -> list[FactRecord]:
    """The facts of these (article id, position) sentences, in document order.

    The pairs are a table whose rows probe the facts' (article_id, position) index one by one:
    a row-value IN makes SQLite scan every fact, and two IN lists (article ids, positions) read
    every fact of the articles at any of the positions (16,000 rows for the 1,000 facts about
    "London" at 100,000 articles).

    The pairs go in as one or two parameters, so the statement is the same for any number of
    them. A VALUES list of one parameter per value made a new statement for every count of
    pairs, and SQLAlchemy cached each compiled one (up to 500) with its 800 bind parameters:
    34,000 objects that every full garbage collection walked through, in a process answering
    lookups. It also ran half as fast (10.6 against 5.5 ms for 400 pairs on SQLite)."""
    if connection.dialect.name == "postgresql":
        # Two arrays: psycopg took longer to read a query of 800 parameters than to run it.
        wanted = "SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:positions AS integer[]))"
        values: dict[str, object] = {
            "ids": [article_id for article_id, _ in pairs],
            "positions": [position for _, position in pairs],
        }
    else:
        wanted = (
            "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(:pairs)"
        )
        values = {"pairs": json.dumps(pairs)}
    query = text(f"WITH wanted (article_id, position) AS ({wanted}) {_FACTS_OF_SENTENCES}")
    return [_record(row) for row in connection.execute(query, values)]


def _record(row: Row[*tuple[Any, ...]]) -> FactRecord:
    return FactRecord(
        article_id=row.article_id,
        position=row.position,
        kind=row.kind,
        text=row.text,
        value=row.value,
        sentence=row.sentence,
        entity=row.entity or "",
        related=row.related or "",
    )


def _entities_of(fact: Fact) -> tuple[tuple[str, str], tuple[str, str]]:
    """The (kind, name) of the fact's entity and of its related organisation."""
    entity_kind = fact.kind if fact.kind in ENTITY_KINDS else "person"
    return (entity_kind, fact.entity), ("org", fact.related)


def _fact_row(article_id: str, fact: Fact, ids: dict[tuple[str, str], int]) -> dict[str, object]:
    (kind, name), (_, related) = _entities_of(fact)
    return {
        "article_id": article_id,
        "position": fact.position,
        "kind": fact.kind,
        "text": fact.text,
        "value": fact.value,
        "start": fact.start,
        "entity_id": ids.get((kind, entity_key(name))),
        "related_id": ids.get(("org", entity_key(related))),
    }


def _entity_ids(
    connection: Connection, named: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """The ids of these (kind, name) entities by (kind, key), adding the new ones: one insert
    and one select per article, not two statements per fact."""
    wanted: dict[tuple[str, str], str] = {}
    for kind, name in named:
        key = entity_key(name)
        if key:
            wanted.setdefault((kind, key), name)
    if not wanted:
        return {}
    rows = [{"kind": kind, "key": key, "name": name} for (kind, key), name in wanted.items()]
    connection.execute(insert_ignoring(connection, entities, keys=["kind", "key"]), rows)
    ids: dict[tuple[str, str], int] = {}
    pairs = list(wanted)
    for start in range(0, len(pairs), 200):
        chunk = pairs[start : start + 200]
        # Two IN lists the (kind, key) unique index serves; a row-value IN scans in SQLite.
        kinds, keys = sorted({kind for kind, _ in chunk}), sorted({key for _, key in chunk})
        query = select(entities.c.kind, entities.c.key, entities.c.id).where(
            entities.c.kind.in_(kinds), entities.c.key.in_(keys)
        )
        found = connection.execute(query)
        ids.update({(r.kind, r.key): r.id for r in found if (r.kind, r.key) in wanted})
    return ids


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
