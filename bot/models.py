"""Value types of the bot core: frozen dataclasses shared by ingest, store, digest and renderers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from bot.fingerprint import article_id
from summarizer import Fact

TextFormat = Literal["auto", "text", "html", "markdown"]


@dataclass(frozen=True, slots=True)
class SourceText:
    """The text of one article as read from a file or a URL, before summarising."""

    source: str
    text: str
    fmt: TextFormat = "text"
    title: str = ""
    url: str | None = None
    fetched_at: datetime | None = None
    author: str | None = None
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class StoredKeyPoint:
    """One key point of a stored article, with its sentence position in the article."""

    position: int
    text: str
    score: float
    vector: bytes | None = field(default=None, compare=False, repr=False)  # bot.vectors


@dataclass(frozen=True, slots=True)
class Article:
    """One news item, as stored; its id derives from the content fingerprint."""

    source: str
    title: str
    text: str
    language: str
    fingerprint: str
    ingested_at: datetime
    key_points: tuple[StoredKeyPoint, ...] = ()
    url: str | None = None
    published: datetime | None = None
    fetched_at: datetime | None = None
    author: str | None = None

    @property
    def id(self) -> str:
        """The article id: the first 16 hex digits of the fingerprint."""
        return article_id(self.fingerprint)


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """What a citation shows of a stored article: where it came from and its title; and the
    story it is part of ("" before it has one)."""

    id: str
    source: str
    title: str
    url: str | None = None
    story: str = ""


@dataclass(frozen=True, slots=True)
class StoreCounts:
    """How many rows the store holds."""

    articles: int
    key_points: int


@dataclass(frozen=True, slots=True)
class Period:
    """A digest period: its label ("24h", "today", "all"), start (None: no limit) and a phrase."""

    label: str
    start: datetime | None
    phrase: str


@dataclass(frozen=True, slots=True)
class StorySource:
    """One article behind a story, as the digest cites it."""

    id: str
    source: str
    title: str
    language: str
    url: str | None


@dataclass(frozen=True, slots=True)
class Story:
    """Articles about the same event with their merged key points.

    `id` is the story's id (its first article's id); `first_seen`/`last_seen` are when its first
    and latest articles arrived; `update` marks a story an earlier digest already told this
    channel: its key points are then only what is new.
    """

    headline: str
    key_points: tuple[str, ...]
    sources: tuple[StorySource, ...]
    id: str = ""
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    update: bool = False


@dataclass(frozen=True, slots=True)
class Digest:
    """The stories of one period, most important first; `repeated` counts the stories left out
    because they only repeat what an earlier digest told the channel, `more` the stories past
    the digest's limit that were not looked at (some may turn out to repeat)."""

    period: Period
    stories: tuple[Story, ...]
    repeated: int = 0
    more: int = 0


@dataclass(frozen=True, slots=True)
class IndexedSentence:
    """One sentence of a stored article, by its position in the article."""

    position: int
    text: str


@dataclass(frozen=True, slots=True)
class ArticleIndex:
    """What lookups need of an article besides its text, stored with it in one transaction.

    `facts` are the summariser's facts; `vector` is the article's embedding (title and key
    points), packed by bot.vectors, or None when no embedder ran.
    """

    sentences: tuple[IndexedSentence, ...] = ()
    facts: tuple[Fact, ...] = ()
    vector: bytes | None = None
    near_keys: tuple[int, ...] = ()  # MinHash band keys (bot.near_duplicates)


@dataclass(frozen=True, slots=True)
class ArticleCopy:
    """A text folded into a stored article as a near-duplicate copy, not stored again."""

    fingerprint: str
    article_id: str
    source: str
    url: str | None
    similarity: float
    seen_at: datetime


@dataclass(frozen=True, slots=True)
class SentenceHit:
    """A stored sentence that matched a search, with its relevance (higher is better)."""

    article_id: str
    position: int
    text: str
    score: float


@dataclass(frozen=True, slots=True)
class FactRecord:
    """A stored fact with the article and sentence it came from; `entity`/`related` are names."""

    article_id: str
    position: int
    kind: str
    text: str
    value: str
    sentence: str
    entity: str = ""
    related: str = ""
