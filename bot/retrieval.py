"""Finding the stored sentences that best match a query: lexical plus semantic, any language.

Lexical: SQLite FTS5 (BM25) over every stored sentence, with the query's content terms (in a large
store, matched on the rarer ones: `bot.search_terms`). Semantic: the query's multilingual embedding
against each article's vector (title and key points, `bot.article_index`) brings in the sentences
of the closest articles, so a Dutch question reaches an English article. The union is re-ranked by
the sentences' own embeddings; only a few dozen sentences are embedded per query.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from bot.article_index import ArticleVectorIndex, VectorSource
from bot.models import SentenceHit
from bot.vectors import stored_or_embedded
from summarizer.embeddings import Embedder, Vectors


class SentenceSource(VectorSource, Protocol):
    """The store queries retrieval needs (the article vectors' among them)."""

    def search_sentences(self, terms: Sequence[str], limit: int) -> list[SentenceHit]:
        """Sentences matching any of `terms`, best first."""
        ...

    def sentences_of(self, article_ids: Sequence[str]) -> list[SentenceHit]:
        """Every sentence of these articles."""
        ...

    def key_point_vectors(self, keys: Sequence[tuple[str, int]]) -> dict[tuple[str, int], bytes]:
        """Stored embeddings of those of these (article id, position) sentences that are key
        points."""
        ...


# The full-text searches of every retriever; its threads start on first use.
_LEXICAL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="newsbot-lexical")


@dataclass(frozen=True, slots=True)
class RetrievalOptions:
    """How many candidates each stage keeps, and how the final score mixes the signals."""

    lexical: int = 40
    articles: int = 4
    reranked: int = 24
    min_article_similarity: float = 0.3
    lexical_weight: float = 0.45
    semantic_weight: float = 0.45
    article_weight: float = 0.1


@dataclass(frozen=True, slots=True)
class RankedSentence:
    """A candidate sentence with its combined score and the signals behind it."""

    article_id: str
    position: int
    text: str
    score: float
    lexical: float
    semantic: float


class Retriever:
    """Ranks stored sentences for a query; the article vectors are kept in memory and follow
    the store (`ArticleVectorIndex`)."""

    def __init__(
        self,
        store: SentenceSource,
        embedder: Embedder,
        options: RetrievalOptions,
        articles: ArticleVectorIndex | None = None,
    ) -> None:
        self._store = store
        self._embedder = embedder
        self._options = options
        self._articles = (
            articles if articles is not None else ArticleVectorIndex(embedder.dimensions)
        )

    def warm_up(self) -> None:
        """Load the embedding model and the article vectors (seconds in a large store) now
        rather than in the first query."""
        self._embedder.encode(["warm up"])
        self._articles.refresh(self._store)

    def rank(self, query: str, terms: Sequence[str], limit: int) -> list[RankedSentence]:
        """The `limit` best sentences for `query` (its content `terms` drive the lexical part)."""
        # The full-text search runs in the database (which releases the GIL) while this thread
        # embeds the query and finds the closest articles.
        searching = _LEXICAL.submit(self._store.search_sentences, terms, self._options.lexical)
        try:
            query_vector = self._embedder.encode([query])[0]
            close = self._closest_articles(query_vector)
            semantic_hits = self._store.sentences_of(list(close))
        finally:
            lexical = searching.result()
        candidates = _merge(lexical, semantic_hits)
        shortlist = self._shortlist(candidates, close)
        if not shortlist:
            return []
        semantic = self._sentence_vectors(shortlist) @ query_vector
        top_lexical = max((hit.score for hit in lexical), default=0.0)
        ranked = [
            self._combine(hit, top_lexical, float(similarity), close.get(hit.article_id, 0.0))
            for hit, similarity in zip(shortlist, semantic, strict=True)
        ]
        ranked.sort(key=lambda item: (-item.score, item.article_id, item.position))
        return ranked[:limit]

    def _closest_articles(self, query_vector: Vectors) -> dict[str, float]:
        self._articles.refresh(self._store)
        floor = self._options.min_article_similarity
        closest = self._articles.nearest(query_vector, self._options.articles)
        return {article_id: similarity for article_id, similarity in closest if similarity >= floor}

    def _sentence_vectors(self, hits: list[SentenceHit]) -> Vectors:
        """The sentences' embeddings: key points' as stored at ingest, the others made now."""
        stored = self._store.key_point_vectors([(h.article_id, h.position) for h in hits])
        blobs = [stored.get((h.article_id, h.position)) for h in hits]
        return stored_or_embedded(blobs, [h.text for h in hits], self._embedder)

    def _shortlist(self, hits: list[SentenceHit], close: dict[str, float]) -> list[SentenceHit]:
        top = max((hit.score for hit in hits), default=0.0) or 1.0
        ordered = sorted(hits, key=lambda h: -(h.score / top + close.get(h.article_id, 0.0)))
        return ordered[: self._options.reranked]

    def _combine(
        self, hit: SentenceHit, top_lexical: float, semantic: float, article: float
    ) -> RankedSentence:
        lexical = hit.score / top_lexical if top_lexical > 0 else 0.0
        options = self._options
        score = (
            options.lexical_weight * lexical
            + options.semantic_weight * semantic
            + options.article_weight * article
        )
        return RankedSentence(hit.article_id, hit.position, hit.text, score, lexical, semantic)


def _merge(lexical: list[SentenceHit], semantic: list[SentenceHit]) -> list[SentenceHit]:
    merged = {(hit.article_id, hit.position): hit for hit in semantic}
    merged.update({(hit.article_id, hit.position): hit for hit in lexical})
    return list(merged.values())
