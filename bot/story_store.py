"""Stories in the store: which articles report the same event, and what the grouping needs.

Functions take an open Connection; `StoryStore` wraps them with transactions and error handling.
A story's id is its first article's id; every article belongs to at most one story.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from sqlalchemy import Connection, Engine, insert, select, update

from bot.engine import reading, writing
from bot.schema import (
    ALL_ARTICLES_KEY,
    article_vectors,
    articles,
    facts,
    specific_counts,
    stories,
    story_articles,
)
from summarizer.signature import specific_keys

# An article's names and figures, as summarizer.signature.specific_keys gives them.
Specifics = tuple[frozenset[str], frozenset[str]]


@dataclass(frozen=True, slots=True)
class Member:
    """An article of a recent story, with its packed vector and the time it was placed."""

    story_id: str
    article_id: str
    vector: bytes
    joined: datetime


@dataclass(frozen=True, slots=True)
class StoryRow:
    """A story as stored: id, first and last time an article joined it, its article ids."""

    id: str
    first_seen: datetime
    last_seen: datetime
    article_ids: tuple[str, ...]


class StoryStore:
    """Story queries on a SQLAlchemy Engine (the same database as `Store`)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def recent_members(self, since: datetime) -> list[Member]:
        """The articles placed in a story at or after `since` (by their ingestion time, which is
        when they were placed), with their vectors, in that order."""
        query = (
            select(
                story_articles.c.story_id,
                story_articles.c.article_id,
                article_vectors.c.vector,
                articles.c.ingested_at,
            )
            .join(articles, articles.c.id == story_articles.c.article_id)
            .join(article_vectors, article_vectors.c.article_id == story_articles.c.article_id)
            .where(articles.c.ingested_at >= since)
            .order_by(articles.c.ingested_at, articles.c.id)
        )
        with self._reading() as connection:
            return [
                Member(r.story_id, r.article_id, r.vector, r.ingested_at)
                for r in connection.execute(query)
            ]

    def specifics(self, article_ids: Sequence[str]) -> dict[str, Specifics]:
        """Each article's names and figures as "kind:value" keys (see summarizer.signature).

        Selected by article id alone (its index); filtering on the kinds in SQL made SQLite
        pick the kind index and read every name and figure fact of the store."""
        query = (
            select(facts.c.article_id, facts.c.kind, facts.c.value)
            .where(facts.c.article_id.in_(article_ids))
            .order_by(facts.c.article_id)
        )
        with self._reading() as connection:
            rows = connection.execute(query).all()
        found: dict[str, Specifics] = {a: (frozenset(), frozenset()) for a in article_ids}
        for article_id, group in groupby(rows, key=lambda row: row.article_id):
            found[article_id] = specific_keys(group)
        return found

    def document_frequencies(self, keys: Sequence[str]) -> tuple[dict[str, int], int]:
        """How many stored articles hold each key, and how many articles are stored: counters
        kept as articles are indexed (bot.search_index.count_specifics), one indexed read."""
        wanted = sorted({ALL_ARTICLES_KEY, *keys})
        query = select(specific_counts.c.key, specific_counts.c.articles).where(
            specific_counts.c.key.in_(wanted)
        )
        with self._reading() as connection:
            counts = {row.key: row.articles for row in connection.execute(query)}
        return {key: counts.get(key, 0) for key in keys}, counts.get(ALL_ARTICLES_KEY, 0)

    def join(self, story_id: str | None, article_id: str, now: datetime, score: float) -> str:
        """Put the article in a story (a new one when `story_id` is None); idempotent."""
        with writing(self._engine, f"save the story of {article_id}") as connection:
            existing = _story_of(connection, article_id)
            if existing is not None:
                return existing
            target = story_id or article_id
            if story_id is None:
                connection.execute(insert(stories).values(id=target, first_seen=now, last_seen=now))
            else:
                connection.execute(
                    update(stories).where(stories.c.id == target).values(last_seen=now)
                )
            row = {"story_id": target, "article_id": article_id, "similarity": score}
            connection.execute(insert(story_articles).values(row))
            return target

    def stories_since(self, since: datetime | None) -> list[StoryRow]:
        """Stories that grew at or after `since` (None: all), with their article ids."""
        query = select(stories).order_by(stories.c.last_seen.desc(), stories.c.id)
        if since is not None:
            query = query.where(stories.c.last_seen >= since)
        members_query = (
            select(story_articles.c.story_id, story_articles.c.article_id)
            .where(story_articles.c.story_id.in_(query.with_only_columns(stories.c.id)))
            .order_by(story_articles.c.article_id)
        )
        with self._reading() as connection:
            rows = connection.execute(query).all()
            members = connection.execute(members_query).all()
        by_story: dict[str, list[str]] = {}
        for member in members:
            by_story.setdefault(member.story_id, []).append(member.article_id)
        return [
            StoryRow(row.id, row.first_seen, row.last_seen, tuple(by_story.get(row.id, ())))
            for row in rows
        ]

    def story_of(self, article_id: str) -> str | None:
        """The story an article belongs to, or None."""
        with self._reading() as connection:
            return _story_of(connection, article_id)

    def _reading(self) -> AbstractContextManager[Connection]:
        return reading(self._engine, "read stories")


def _story_of(connection: Connection, article_id: str) -> str | None:
    query = select(story_articles.c.story_id).where(story_articles.c.article_id == article_id)
    found: str | None = connection.execute(query).scalar_one_or_none()
    return found
