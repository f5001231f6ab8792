"""Ingest articles: read, fingerprint, summarise, store; a bad item never stops the batch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from bot.clock import Clock
from bot.discovery import IngestItem
from bot.errors import InputError, StoreError
from bot.fingerprint import article_id, fingerprint
from bot.models import Article, ArticleIndex, IndexedSentence, SourceText, StoredKeyPoint
from bot.store import ArticleStore
from bot.stories import StoryGrouper
from bot.summaries import article_title, summarise_source
from bot.textfile import DEFAULT_READ_OPTIONS, ReadOptions, read_text_file
from bot.url_source import fetch_source_text
from bot.vectors import pack_vector
from summarizer import SummarizerError, Summary
from summarizer.embeddings import Embedder
from summarizer.signature import Signature, signature

IngestStatus = Literal["new", "unchanged", "failed"]
Fetcher = Callable[[str, datetime], SourceText]


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """How items are read and summarised; `debug` lets unexpected errors propagate."""

    points: int = 4
    read: ReadOptions = field(default=DEFAULT_READ_OPTIONS)
    debug: bool = False


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """What happened to one item: the stored article, or the reason it failed."""

    source: str
    status: IngestStatus
    article: Article | None = None
    error: str | None = None
    story_id: str | None = None


class Ingestor:
    """Ingests items into a store, one at a time, with its dependencies passed in."""

    def __init__(
        self,
        store: ArticleStore,
        options: IngestOptions,
        clock: Clock,
        *,
        fetch: Fetcher = fetch_source_text,
        embedder: Embedder | None = None,
        stories: StoryGrouper | None = None,
    ) -> None:
        self._store = store
        self._options = options
        self._clock = clock
        self._fetch = fetch
        self._embedder = embedder
        self._stories = stories

    def ingest(self, item: IngestItem) -> IngestOutcome:
        """Ingest one item; failures come back as a `failed` outcome with one sentence."""
        return self._guarded(item.source, lambda: self._ingest(self._read(item)))

    def ingest_source(self, source: SourceText) -> IngestOutcome:
        """Ingest text already read (from a feed, a JSON line, a benchmark), like `ingest`."""
        return self._guarded(source.source, lambda: self._ingest(source))

    def _guarded(self, name: str, work: Callable[[], IngestOutcome]) -> IngestOutcome:
        try:
            return work()
        except (InputError, SummarizerError) as error:
            return IngestOutcome(name, "failed", error=_sentence(name, error))
        except StoreError:
            raise  # the store is unusable: every later item would fail the same way
        except Exception as error:  # a bug in one item must not lose the rest of the batch
            if self._options.debug:
                raise
            reason = f"unexpected {type(error).__name__}: {error} (run with --debug for details)"
            return IngestOutcome(name, "failed", error=f"{name}: {reason}")

    def _read(self, item: IngestItem) -> SourceText:
        if item.path is None:
            return self._fetch(item.source, self._clock())
        return read_text_file(item.path, self._options.read)

    def _ingest(self, source: SourceText) -> IngestOutcome:
        content = fingerprint(source.text)
        existing = self._store.get_article(article_id(content))
        if existing is not None:
            return IngestOutcome(source.source, "unchanged", existing)
        summary = summarise_source(source, self._options.points)
        article = _new_article(source, summary, content, self._clock())
        signature = self._signature(summary)
        if self._store.add_article(article, self._index(article, summary, signature)):
            story_id = self._place(article, signature)
            return IngestOutcome(source.source, "new", article, story_id=story_id)
        stored = self._store.get_article(article.id)
        return IngestOutcome(source.source, "unchanged", stored or article)

    def _signature(self, summary: Summary) -> Signature | None:
        return None if self._embedder is None else signature(summary, self._embedder)

    def _index(
        self, article: Article, summary: Summary, signature: Signature | None
    ) -> ArticleIndex:
        sentences = tuple(IndexedSentence(s.position, s.text) for s in summary.sentences)
        vector = None if signature is None else pack_vector(signature.vector)
        return ArticleIndex(sentences, summary.facts, vector)

    def _place(self, article: Article, signature: Signature | None) -> str | None:
        if self._stories is None or signature is None:
            return None
        return self._stories.assign(article.id, signature, article.ingested_at)


def _sentence(name: str, error: Exception) -> str:
    if isinstance(error, SummarizerError):
        return f"{name} cannot be summarised: {error}"
    return str(error)


def _new_article(source: SourceText, summary: Summary, content: str, now: datetime) -> Article:
    points = tuple(StoredKeyPoint(p.position, p.text, p.score) for p in summary.key_points)
    return Article(
        source=source.source,
        title=article_title(summary, source),
        text=source.text,
        language=summary.language,
        fingerprint=content,
        ingested_at=now,
        key_points=points,
        url=source.url,
        fetched_at=source.fetched_at,
    )
