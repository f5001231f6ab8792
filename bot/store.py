"""The article store: articles and key points in SQL (SQLAlchemy Core), behind a Protocol."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Row,
    exists,
    func,
    insert,
    or_,
    select,
    true,
)
from sqlalchemy.exc import DatabaseError, IntegrityError

from bot import search_index
from bot.engine import database_reason, reading, store_error, write_transaction
from bot.errors import StoreError
from bot.migrations import open_schema, schema_version
from bot.models import (
    Article,
    ArticleCopy,
    ArticleIndex,
    ArticleRef,
    FactRecord,
    SentenceHit,
    StoreCounts,
    StoredKeyPoint,
)
from bot.schema import article_copies, articles, key_points, near_duplicate_keys, story_articles
from bot.search_terms import POSTGRES_TERM_LIMITS, CommonTerms, TermLimits

NO_INDEX = ArticleIndex()


class ArticleStore(Protocol):
    """What the core needs from a store; ids are plain strings, never chat types.

    Implementations raise `StoreError` when the database cannot be used.
    """

    def add_article(self, article: Article, index: ArticleIndex = NO_INDEX) -> bool:
        """Store the article, its key points and its lookup index atomically; False if its
        content was already stored."""
        ...

    def get_article(self, article_id: str) -> Article | None:
        """The article with this id, or None."""
        ...

    def articles_since(self, since: datetime | None) -> tuple[Article, ...]:
        """Articles ingested at or after `since` (None: all), oldest first."""
        ...

    def counts(self) -> StoreCounts:
        """How many articles and key points are stored."""
        ...

    def search_sentences(self, terms: Sequence[str], limit: int) -> list[SentenceHit]:
        """Stored sentences matching any of `terms`, best first; terms are never query syntax."""
        ...

    def sentences_of(self, article_ids: Sequence[str]) -> list[SentenceHit]:
        """Every sentence of these articles, in order."""
        ...

    def facts_in_sentences(self, keys: Sequence[tuple[str, int]]) -> list[FactRecord]:
        """The facts of these (article id, position) sentences."""
        ...

    def key_point_vectors(self, keys: Sequence[tuple[str, int]]) -> dict[tuple[str, int], bytes]:
        """The stored embeddings of those of these (article id, position) sentences that are
        key points."""
        ...

    def entity_facts(self, name: str, limit: int) -> tuple[list[str], list[FactRecord]]:
        """The canonical names `name` refers to, and the facts in sentences mentioning them."""
        ...

    def vector_count(self) -> int:
        """How many article vectors are stored."""
        ...

    def get_articles(self, article_ids: Sequence[str]) -> dict[str, Article]:
        """The stored articles among these ids, by id."""
        ...

    def near_candidates(self, keys: Sequence[int], limit: int) -> list[str]:
        """Articles sharing any of these MinHash band keys, most shared keys first."""
        ...

    def copy_of(self, content_fingerprint: str) -> str | None:
        """The article a copy with this fingerprint was folded into, or None."""
        ...

    def add_copy(self, copy: ArticleCopy) -> None:
        """Record a near-duplicate copy of a stored article (idempotent)."""
        ...


class Store:
    """`ArticleStore` on a SQLAlchemy Engine; opening it applies pending migrations."""

    def __init__(self, engine: Engine, term_limits: TermLimits | None = None) -> None:
        self._engine = engine
        if term_limits is None and engine.dialect.name == "postgresql":
            term_limits = POSTGRES_TERM_LIMITS
        self._common_terms = CommonTerms(term_limits)
        open_schema(engine)

    def schema_version(self) -> int:
        """The schema version of the database."""
        with self._engine.connect() as connection:
            return schema_version(connection)

    def add_article(self, article: Article, index: ArticleIndex = NO_INDEX) -> bool:
        """Store the article, its key points and its lookup index in one transaction; False if
        already stored.

        Idempotent: the same content (same fingerprint) is stored once.
        """
        try:
            with write_transaction(self._engine) as connection:
                if connection.execute(select(_is_stored(article))).scalar():
                    return False
                connection.execute(insert(articles).values(_article_row(article)))
                if article.key_points:
                    connection.execute(insert(key_points), _key_point_rows(article))
                search_index.write_index(connection, article.id, index)
        except IntegrityError as error:
            if self.get_article(article.id) is not None:
                return False  # another writer stored the same content first
            raise StoreError(
                f"the store refused {article.source}: {database_reason(error)}"
            ) from None
        except DatabaseError as error:
            raise store_error(f"save {article.source}", error) from None
        return True

    def get_article(self, article_id: str) -> Article | None:
        """The article with this id, or None."""
        found = self._select(articles.c.id == article_id)
        return found[0] if found else None

    def articles_since(self, since: datetime | None) -> tuple[Article, ...]:
        """Articles ingested at or after `since` (None: all), oldest first."""
        return self._select(true() if since is None else articles.c.ingested_at >= since)

    def counts(self) -> StoreCounts:
        """How many articles and key points are stored."""
        with self._engine.connect() as connection:
            article_count = connection.execute(select(func.count()).select_from(articles))
            point_count = connection.execute(select(func.count()).select_from(key_points))
            return StoreCounts(article_count.scalar_one(), point_count.scalar_one())

    def search_sentences(self, terms: Sequence[str], limit: int) -> list[SentenceHit]:
        """Stored sentences matching any of `terms`, best first; terms are never query syntax."""
        with self._reading() as connection:
            return search_index.match_sentences(connection, terms, limit, self._common_terms)

    def sentences_of(self, article_ids: Sequence[str]) -> list[SentenceHit]:
        """Every sentence of these articles, in order."""
        with self._reading() as connection:
            return search_index.article_sentences(connection, article_ids)

    def facts_in_sentences(self, keys: Sequence[tuple[str, int]]) -> list[FactRecord]:
        """The facts of these (article id, position) sentences."""
        with self._reading() as connection:
            return search_index.facts_in_sentences(connection, keys)

    def key_point_vectors(self, keys: Sequence[tuple[str, int]]) -> dict[tuple[str, int], bytes]:
        """The stored embeddings of those of these (article id, position) sentences that are
        key points (selected by article id, the primary key's first column)."""
        wanted = set(keys)
        query = select(key_points.c.article_id, key_points.c.position, key_points.c.vector).where(
            key_points.c.article_id.in_(sorted({article for article, _ in wanted})),
            key_points.c.vector.is_not(None),
        )
        with self._reading() as connection:
            rows = connection.execute(query).all()
        return {
            (row.article_id, row.position): row.vector
            for row in rows
            if (row.article_id, row.position) in wanted
        }

    def entity_facts(self, name: str, limit: int) -> tuple[list[str], list[FactRecord]]:
        """The canonical names `name` refers to, and the facts in sentences mentioning them."""
        with self._reading() as connection:
            ids = search_index.find_entities(connection, name)
            if not ids:
                return [], []
            names = search_index.entity_names(connection, ids)
            records = search_index.entity_fact_records(connection, ids, limit)
        return sorted(set(names.values())), records

    def article_vectors_since(
        self, since: datetime | None, after: str = "", limit: int | None = None
    ) -> list[tuple[str, bytes, datetime | None]]:
        """(article id, vector, ingested at) of the articles ingested at or after `since`
        whose ids sort after `after`, by id, at most `limit` (None: all); `since` None: every
        vector, its time None."""
        with self._reading() as connection:
            return search_index.vectors_since(connection, since, after, limit)

    def latest_ingestion(self) -> datetime | None:
        """When the newest stored article was ingested (None in an empty store)."""
        with self._reading() as connection:
            return search_index.latest_ingestion(connection)

    def indexed_articles(self) -> int:
        """How many articles were ever indexed: grows with every article stored, so a change
        shows in one cheap read."""
        with self._reading() as connection:
            return search_index.indexed_articles(connection)

    def vector_count(self) -> int:
        """How many article vectors are stored."""
        with self._reading() as connection:
            return search_index.vector_count(connection)

    def article_refs(self, article_ids: Sequence[str]) -> dict[str, ArticleRef]:
        """Source, title, URL and story of the stored articles among these ids, by id: what a
        lookup cites, without the texts and key points of hundreds of articles."""
        wanted = list(dict.fromkeys(article_ids))
        refs: dict[str, ArticleRef] = {}
        columns = (
            articles.c.id,
            articles.c.source,
            articles.c.title,
            articles.c.url,
            story_articles.c.story_id,
        )
        joined = articles.outerjoin(story_articles, story_articles.c.article_id == articles.c.id)
        with self._reading() as connection:
            for start in range(0, len(wanted), 1_000):
                chunk = wanted[start : start + 1_000]
                query = select(*columns).select_from(joined).where(articles.c.id.in_(chunk))
                for row in connection.execute(query):
                    refs[row.id] = ArticleRef(
                        row.id, row.source, row.title, row.url, row.story_id or ""
                    )
        return refs

    def get_articles(self, article_ids: Sequence[str]) -> dict[str, Article]:
        """The stored articles among these ids, by id (key points included)."""
        if not article_ids:
            return {}
        found = self._select(articles.c.id.in_(list(dict.fromkeys(article_ids))))
        return {article.id: article for article in found}

    def near_candidates(self, keys: Sequence[int], limit: int) -> list[str]:
        """Articles sharing any of these MinHash band keys, most shared keys first."""
        if not keys:
            return []
        shared = func.count().label("shared")
        query = (
            select(near_duplicate_keys.c.article_id, shared)
            .where(near_duplicate_keys.c.key.in_(list(keys)))
            .group_by(near_duplicate_keys.c.article_id)
            .order_by(shared.desc(), near_duplicate_keys.c.article_id)
            .limit(limit)
        )
        with self._reading() as connection:
            return [row.article_id for row in connection.execute(query)]

    def copy_of(self, content_fingerprint: str) -> str | None:
        """The article a copy with this fingerprint was folded into, or None."""
        query = select(article_copies.c.article_id).where(
            article_copies.c.fingerprint == content_fingerprint
        )
        with self._reading() as connection:
            found: str | None = connection.execute(query).scalar_one_or_none()
        return found

    def add_copy(self, copy: ArticleCopy) -> None:
        """Record a near-duplicate copy of a stored article (idempotent)."""
        row = {
            "fingerprint": copy.fingerprint,
            "article_id": copy.article_id,
            "source": copy.source,
            "url": copy.url,
            "similarity": copy.similarity,
            "seen_at": copy.seen_at,
        }
        try:
            with write_transaction(self._engine) as connection:
                stored = select(article_copies.c.fingerprint).where(
                    article_copies.c.fingerprint == copy.fingerprint
                )
                if connection.execute(stored).first() is None:
                    connection.execute(insert(article_copies).values(row))
        except IntegrityError:
            return  # another writer recorded the same copy first
        except DatabaseError as error:
            raise store_error(f"save {copy.source}", error) from None

    def _reading(self) -> AbstractContextManager[Connection]:
        return reading(self._engine, "be searched")

    def _select(self, where: ColumnElement[bool]) -> tuple[Article, ...]:
        order = (articles.c.ingested_at, articles.c.id)
        point_query = (
            select(key_points)
            .where(key_points.c.article_id.in_(select(articles.c.id).where(where)))
            .order_by(key_points.c.article_id, key_points.c.position)
        )
        with reading(self._engine, "be read") as connection:
            rows = connection.execute(select(articles).where(where).order_by(*order)).all()
            if not rows:  # ingest asks first for every new article
                return ()
            points = _group_points(connection.execute(point_query).all())
        return tuple(_stored_article(row, points.get(row.id, ())) for row in rows)


def _is_stored(article: Article) -> ColumnElement[bool]:
    return exists().where(
        or_(articles.c.fingerprint == article.fingerprint, articles.c.id == article.id)
    )


def _article_row(article: Article) -> dict[str, object]:
    return {
        "id": article.id,
        "source": article.source,
        "url": article.url,
        "title": article.title,
        "text": article.text,
        "language": article.language,
        "fingerprint": article.fingerprint,
        "published": article.published,
        "fetched_at": article.fetched_at,
        "author": article.author,
        "ingested_at": article.ingested_at,
    }


def _key_point_rows(article: Article) -> list[dict[str, object]]:
    return [
        {
            "article_id": article.id,
            "position": p.position,
            "text": p.text,
            "score": p.score,
            "vector": p.vector,
        }
        for p in article.key_points
    ]


def _group_points(rows: Sequence[Row[tuple[object, ...]]]) -> dict[str, tuple[StoredKeyPoint, ...]]:
    grouped: dict[str, list[StoredKeyPoint]] = {}
    for row in rows:
        point = StoredKeyPoint(row.position, row.text, row.score, row.vector)
        grouped.setdefault(row.article_id, []).append(point)
    return {article_id: tuple(points) for article_id, points in grouped.items()}


def _stored_article(row: Row[tuple[object, ...]], points: tuple[StoredKeyPoint, ...]) -> Article:
    return Article(
        source=row.source,
        title=row.title,
        text=row.text,
        language=row.language,
        fingerprint=row.fingerprint,
        ingested_at=row.ingested_at,
        key_points=points,
        url=row.url,
        published=row.published,
        fetched_at=row.fetched_at,
        author=row.author,
    )
