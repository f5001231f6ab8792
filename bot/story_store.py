"""Stories in the store: which articles report the same event, and what the grouping needs.

Functions take an open Connection; `StoryStore` wraps them with transactions and error handling.
A story's id is its first article's id; every article belongs to at most one story.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, Engine, and_, func, insert, select, update

from bot.engine import reading, writing
from bot.schema import article_vectors, articles, facts, stories, story_articles
from summarizer.signature import FIGURE_KINDS, NAME_KINDS


@dataclass(frozen=True, slots=True)
class Member:
    """An article of a recent story, with its packed vector and the story's last growth."""

    story_id: str
    article_id: str
    vector: bytes
    last_seen: datetime | None = None


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
        """The articles of stories that grew at or after `since`, with their vectors."""
        query = (
            select(
                story_articles.c.story_id,
                story_articles.c.article_id,
                article_vectors.c.vector,
                stories.c.last_seen,
            )
            .join(stories, stories.c.id == story_articles.c.story_id)
            .join(article_vectors, article_vectors.c.article_id == story_articles.c.article_id)
            .where(stories.c.last_seen >= since)
            .order_by(story_articles.c.story_id, story_articles.c.article_id)
        )
        with self._reading() as connection:
            return [
                Member(r.story_id, r.article_id, r.vector, r.last_seen)
                for r in connection.execute(query)
            ]

    def specifics(self, article_ids: Sequence[str]) -> dict[str, tuple[set[str], set[str]]]:
        """Each article's names and figures as "kind:value" keys (see summarizer.signature).

        Selected by article id alone (its index); filtering on the kinds in SQL made SQLite
        pick the kind index and read every name and figure fact of the store."""
        query = select(facts.c.article_id, facts.c.kind, facts.c.value).where(
            facts.c.article_id.in_(article_ids)
        )
        found: dict[str, tuple[set[str], set[str]]] = {a: (set(), set()) for a in article_ids}
        with self._reading() as connection:
            for row in connection.execute(query):
                names, figures = found[row.article_id]
                if row.kind in NAME_KINDS:
                    names.add(f"{row.kind}:{row.value.casefold()}")
                elif row.kind in FIGURE_KINDS:
                    figures.add(f"{row.kind}:{row.value}")
        return found

    def document_frequencies(self, keys: Sequence[str]) -> tuple[dict[str, int], int]:
        """How many stored articles hold each key, and how many articles are stored.

        Two grouped queries, one for names (compared in lower case) and one for figures.
        """
        split = [key.split(":", 1) for key in keys]
        names = {value for kind, value in split if kind in NAME_KINDS}
        figures = {value for kind, value in split if kind not in NAME_KINDS}
        counts = dict.fromkeys(keys, 0)
        with self._reading() as connection:
            for kinds, column, values in (
                (NAME_KINDS, func.lower(facts.c.value), names),
                (FIGURE_KINDS, facts.c.value, figures),
            ):
                if values:
                    counts.update(_frequencies(connection, kinds, column, values))
            # All stored articles (nearly all hold a fact): a count the database keeps cheap,
            # where counting the distinct articles of every fact read them all.
            total = connection.execute(select(func.count()).select_from(articles)).scalar_one()
        return {key: counts.get(key, 0) for key in keys}, total

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


def _frequencies(
    connection: Connection,
    kinds: frozenset[str],
    column: ColumnElement[str],
    values: set[str],
) -> dict[str, int]:
    query = (
        select(facts.c.kind, column.label("value"), func.count(func.distinct(facts.c.article_id)))
        .where(and_(facts.c.kind.in_(kinds), column.in_(values)))
        .group_by(facts.c.kind, column)
    )
    return {f"{kind}:{value}": count for kind, value, count in connection.execute(query)}


def _story_of(connection: Connection, article_id: str) -> str | None:
    query = select(story_articles.c.story_id).where(story_articles.c.article_id == article_id)
    found: str | None = connection.execute(query).scalar_one_or_none()
    return found
