"""What earlier digests said, per channel: the key points shown and the articles cited per story.

A digest reads it to leave out a story that only repeats itself and to mark one that grew as an
update; a delivered (or `--remember`ed) digest writes it. The channel is any stable name: a chat
channel id, a webhook name, "terminal".
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, Engine, Table, and_, select

from bot.engine import insert_ignoring, reading, writing
from bot.models import Digest
from bot.schema import digest_said_articles, digest_said_points


@dataclass(frozen=True, slots=True)
class SaidStory:
    """What a channel's digests already said about one story."""

    points: tuple[str, ...]
    article_ids: frozenset[str]


class DigestHistory:
    """The per-channel record of what digests said, on a SQLAlchemy Engine."""

    def __init__(self, engine: Engine, channel: str) -> None:
        self._engine = engine
        self.channel = channel

    def said(self, story_ids: Sequence[str]) -> dict[str, SaidStory]:
        """What this channel was told about these stories (stories never told are absent)."""
        if not story_ids:
            return {}
        ids = list(dict.fromkeys(story_ids))
        points: dict[str, list[str]] = {}
        cited: dict[str, set[str]] = {}
        with self._reading() as connection:
            for story_id, point in connection.execute(
                select(digest_said_points.c.story_id, digest_said_points.c.point)
                .where(_this(digest_said_points, self.channel, ids))
                .order_by(digest_said_points.c.said_at, digest_said_points.c.point)
            ):
                points.setdefault(story_id, []).append(point)
            for story_id, article_id in connection.execute(
                select(digest_said_articles.c.story_id, digest_said_articles.c.article_id).where(
                    _this(digest_said_articles, self.channel, ids)
                )
            ):
                cited.setdefault(story_id, set()).add(article_id)
        return {
            story_id: SaidStory(tuple(points.get(story_id, ())), frozenset(cited.get(story_id, ())))
            for story_id in points.keys() | cited.keys()
        }

    def remember(self, digest: Digest, now: datetime) -> None:
        """Record what `digest` said to this channel (idempotent)."""
        point_rows = [
            {"channel": self.channel, "story_id": s.id, "point": point, "said_at": now}
            for s in digest.stories
            for point in dict.fromkeys(s.key_points)
        ]
        article_rows = [
            {"channel": self.channel, "story_id": s.id, "article_id": source.id, "said_at": now}
            for s in digest.stories
            for source in s.sources
        ]
        with writing(self._engine, "record the digest") as connection:
            for table, rows in (
                (digest_said_points, point_rows),
                (digest_said_articles, article_rows),
            ):
                if rows:
                    connection.execute(insert_ignoring(connection, table), rows)

    def _reading(self) -> AbstractContextManager[Connection]:
        return reading(self._engine, "read earlier digests")


def _this(table: Table, channel: str, story_ids: list[str]) -> ColumnElement[bool]:
    return and_(table.c.channel == channel, table.c.story_id.in_(story_ids))
