"""Ingest articles: read, fingerprint, summarise, store; a bad item never stops the batch."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain, islice
from typing import Literal, TypeVar

from bot.clock import Clock
from bot.discovery import IngestItem
from bot.errors import InputError, StoreError
from bot.fingerprint import article_id, fingerprint
from bot.models import (
    Article,
    ArticleCopy,
    ArticleIndex,
    IndexedSentence,
    SourceText,
    StoredKeyPoint,
)
from bot.near_duplicates import NearText, is_copy, jaccard, shingles_of
from bot.store import ArticleStore
from bot.stories import StoryGrouper
from bot.summaries import article_title, summarise_source
from bot.summary_pool import Prepared, SummaryPool, prepare
from bot.textfile import DEFAULT_READ_OPTIONS, ReadOptions, read_text_file
from bot.url_source import fetch_source_text
from bot.vectors import pack_vector
from summarizer import SummarizerError, Summary
from summarizer.embeddings import Embedder
from summarizer.signature import Signature, signature

log = logging.getLogger(__name__)

IngestStatus = Literal["new", "unchanged", "duplicate", "failed"]
NEAR_CANDIDATES = 5
MIN_POOLED_BATCH = 32  # smaller batches are summarised here, not in worker processes
Fetcher = Callable[[str, datetime], SourceText]


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """How items are read and summarised; `debug` lets unexpected errors propagate."""

    points: int = 4
    read: ReadOptions = field(default=DEFAULT_READ_OPTIONS)
    debug: bool = False
    # Seconds to wait before each retry of an item while the database is unreachable (~30 s).
    store_retry_waits: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """What happened to one item: the stored article, or the reason it failed."""

    source: str
    status: IngestStatus
    article: Article | None = None
    error: str | None = None
    story_id: str | None = None
    similarity: float | None = None  # for a duplicate: shingle Jaccard with `article`


_Item = TypeVar("_Item", IngestItem, SourceText)


@dataclass(frozen=True, slots=True)
class _Pending:
    """An item of a batch read and handed to the summary pool, waiting for its turn."""

    name: str
    source: SourceText | None
    error: Exception | None = None
    prepared: Future[Prepared] | None = None


class Ingestor:
    """Ingests items into a store, with its dependencies passed in; a batch can have its
    summaries made ahead in worker processes (`pool`)."""

    def __init__(
        self,
        store: ArticleStore,
        options: IngestOptions,
        clock: Clock,
        *,
        fetch: Fetcher = fetch_source_text,
        embedder: Embedder | None = None,
        stories: StoryGrouper | None = None,
        pool: SummaryPool | None = None,
    ) -> None:
        self._store = store
        self._pool = pool
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

    def ingest_all(self, items: Iterable[IngestItem]) -> Iterator[IngestOutcome]:
        """`ingest` for each item, in order, as a batch (see `ingest_sources`)."""
        return self._batch(items, self._read)

    def ingest_sources(self, sources: Iterable[SourceText]) -> Iterator[IngestOutcome]:
        """`ingest_source` for each text, in order. With a summary pool, the texts coming next
        are summarised ahead in worker processes while this one embeds and stores; the outcomes
        are the same as one at a time, and each is yielded once its article is stored."""
        return self._batch(sources, lambda source: source)

    def _batch(
        self, items: Iterable[_Item], read: Callable[[_Item], SourceText]
    ) -> Iterator[IngestOutcome]:
        pool = self._pool
        stream = iter(items)
        first = list(islice(stream, MIN_POOLED_BATCH))
        if pool is None or len(first) < MIN_POOLED_BATCH:  # workers take a second to start
            for item in chain(first, stream):
                yield self._finish(self._read_pending(item, read))
            return
        ahead: deque[_Pending] = deque()
        for item in chain(first, stream):
            ahead.append(self._prepare(item, read, pool))
            while len(ahead) > pool.ahead:
                yield self._finish(ahead.popleft())
        while ahead:
            yield self._finish(ahead.popleft())

    def _prepare(
        self, item: _Item, read: Callable[[_Item], SourceText], pool: SummaryPool
    ) -> _Pending:
        """Read the item and hand its text to the pool, unless it is stored already."""
        pending = self._read_pending(item, read)
        source = pending.source
        if source is None:
            return pending
        try:
            known = self._store.get_article(article_id(fingerprint(source.text))) is not None
        except StoreError:
            known = False  # found out (and retried) in its turn
        return _Pending(item.source, source, prepared=None if known else pool.submit(source))

    def _read_pending(self, item: _Item, read: Callable[[_Item], SourceText]) -> _Pending:
        try:
            return _Pending(item.source, read(item))
        except Exception as error:  # raised again, and reported, in its turn
            return _Pending(item.source, None, error)

    def _finish(self, pending: _Pending) -> IngestOutcome:
        def work() -> IngestOutcome:
            if pending.source is None:
                raise pending.error or InputError(f"{pending.name} could not be read")
            return self._ingest(pending.source, pending.prepared)

        return self._guarded(pending.name, work)

    def _guarded(self, name: str, work: Callable[[], IngestOutcome]) -> IngestOutcome:
        """`work`, retried while the database is briefly unreachable (a restart): an item is
        written in one transaction and found "unchanged" if it had been, so a retry neither
        loses nor doubles it. A store that stays unreachable, or any other StoreError, stops
        the batch (every later item would fail the same way)."""
        waits = iter(self._options.store_retry_waits)
        while True:
            try:
                return self._attempt(name, work)
            except StoreError as error:
                wait = next(waits, None)
                if not error.transient or wait is None:
                    raise
                log.warning("%s; trying %s again in %g s", error, name, wait)
                time.sleep(wait)

    def _attempt(self, name: str, work: Callable[[], IngestOutcome]) -> IngestOutcome:
        try:
            return work()
        except (InputError, SummarizerError) as error:
            return IngestOutcome(name, "failed", error=_sentence(name, error))
        except StoreError:
            raise
        except Exception as error:  # a bug in one item must not lose the rest of the batch
            if self._options.debug:
                raise
            reason = f"unexpected {type(error).__name__}: {error} (run with --debug for details)"
            return IngestOutcome(name, "failed", error=f"{name}: {reason}")

    def _read(self, item: IngestItem) -> SourceText:
        if item.path is None:
            return self._fetch(item.source, self._clock())
        return read_text_file(item.path, self._options.read)

    def _prepare_text(self, source: SourceText, made: Future[Prepared] | None) -> Prepared:
        if self._pool is not None:
            return self._pool.prepared(source, made)
        return prepare(source, self._options.points, embed=False)

    def _ingest(self, source: SourceText, made: Future[Prepared] | None = None) -> IngestOutcome:
        content = fingerprint(source.text)
        existing = self._store.get_article(article_id(content))
        if existing is not None:
            return self._unchanged(source, existing)
        folded = self._folded_copy(source, content)
        if folded is not None:
            return folded
        prepared = self._prepare_text(source, made)
        summary, near = prepared.summary, prepared.near
        original = None if near is None else self._near_duplicate(near)
        if original is not None:
            return self._fold(source, content, *original)
        signature = self._signature(summary, prepared.signature)
        article = _new_article(source, summary, content, self._clock(), signature)
        index = self._index(article, summary, signature, near)
        if self._store.add_article(article, index):
            story_id = self._place(article, signature)
            return IngestOutcome(source.source, "new", article, story_id=story_id)
        stored = self._store.get_article(article.id)
        return IngestOutcome(source.source, "unchanged", stored or article)

    def _unchanged(self, source: SourceText, existing: Article) -> IngestOutcome:
        """A stored article; one whose story was never assigned (the process or the database
        stopped between the two writes) gets it now."""
        story_id = self._story_of(existing.id)
        if self._stories is not None and story_id is None:
            summary = summarise_source(source, self._options.points)
            story_id = self._place(existing, self._signature(summary))
        return IngestOutcome(source.source, "unchanged", existing, story_id=story_id)

    def _folded_copy(self, source: SourceText, content: str) -> IngestOutcome | None:
        """The outcome of a copy folded before: this exact text was seen as a near-duplicate."""
        original_id = self._store.copy_of(content)
        original = None if original_id is None else self._store.get_article(original_id)
        if original is None:
            return None
        return IngestOutcome(
            source.source, "duplicate", original, story_id=self._story_of(original.id)
        )

    def _near_duplicate(self, near: NearText) -> tuple[Article, float] | None:
        """The stored article this text copies (see `is_copy`), with their Jaccard similarity."""
        candidates = self._store.near_candidates(near.keys, NEAR_CANDIDATES)
        if not candidates:
            return None
        texts: dict[str, list[str]] = {}
        for hit in self._store.sentences_of(candidates):
            texts.setdefault(hit.article_id, []).append(hit.text)
        copies = [
            (jaccard(near.shingles, stored), candidate)
            for candidate in candidates
            if is_copy(near.shingles, stored := shingles_of(texts.get(candidate, [])))
        ]
        if not copies:
            return None
        similarity, best = max(copies, key=lambda pair: pair[0])
        original = self._store.get_article(best)
        return None if original is None else (original, similarity)

    def _fold(
        self, source: SourceText, content: str, original: Article, similarity: float
    ) -> IngestOutcome:
        copy = ArticleCopy(
            content, original.id, source.source, source.url, similarity, self._clock()
        )
        self._store.add_copy(copy)
        story_id = self._story_of(original.id)
        return IngestOutcome(
            source.source, "duplicate", original, story_id=story_id, similarity=similarity
        )

    def _story_of(self, article_id: str) -> str | None:
        return None if self._stories is None else self._stories.story_of(article_id)

    def _signature(self, summary: Summary, made: Signature | None = None) -> Signature | None:
        """The article's signature: the one a worker made, else one made here."""
        if self._embedder is None:
            return None
        return made if made is not None else signature(summary, self._embedder)

    def _index(
        self,
        article: Article,
        summary: Summary,
        signature: Signature | None,
        near: NearText | None,
    ) -> ArticleIndex:
        sentences = tuple(IndexedSentence(s.position, s.text) for s in summary.sentences)
        vector = None if signature is None else pack_vector(signature.vector)
        keys = () if near is None else near.keys
        return ArticleIndex(sentences, summary.facts, vector, keys)

    def _place(self, article: Article, signature: Signature | None) -> str | None:
        if self._stories is None or signature is None:
            return None
        return self._stories.assign(article.id, signature, article.ingested_at)


def _sentence(name: str, error: Exception) -> str:
    if isinstance(error, SummarizerError):
        return f"{name} cannot be summarised: {error}"
    return str(error)


def _new_article(
    source: SourceText,
    summary: Summary,
    content: str,
    now: datetime,
    signature: Signature | None = None,
) -> Article:
    vectors = signature.points if signature is not None else None
    points = tuple(
        StoredKeyPoint(
            p.position,
            p.text,
            p.score,
            None if vectors is None else pack_vector(vectors[index]),
        )
        for index, p in enumerate(summary.key_points)
    )
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
        author=source.author,
        published=source.published,
    )
