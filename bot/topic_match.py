"""Which stored articles a topic subscription would alert on: the topic matcher over the store.

Read-only. Candidates are the stored articles whose vector is closest to the topic plus those
whose sentences share its words (full-text search); each candidate is then scored on its title,
key points and fact sentences by `summarizer.topics.TopicMatcher`. The app's in-memory article
vectors (`ArticleVectorIndex`) are also the matcher's history (what ordinary news looks like
in this store).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from bot.article_index import ArticleVectorIndex, VectorSource
from bot.errors import QueryError
from bot.models import Article, FactRecord, SentenceHit
from summarizer.embeddings import StoredVectors, row_products
from summarizer.topics import Topic, TopicDocument, TopicError, TopicMatcher

CANDIDATES = 100  # closest by article vector; each is then embedded sentence by sentence
LEXICAL_CANDIDATES = 100  # sentences sharing a topic word


class TopicSource(VectorSource, Protocol):
    """The store queries topic matching needs (all reads)."""

    def search_sentences(self, terms: Sequence[str], limit: int) -> list[SentenceHit]:
        """Sentences matching any of `terms`, best first."""
        ...

    def sentences_of(self, article_ids: Sequence[str]) -> list[SentenceHit]:
        """Every sentence of these articles."""
        ...

    def facts_in_sentences(self, keys: Sequence[tuple[str, int]]) -> list[FactRecord]:
        """The facts of these (article id, position) sentences."""
        ...

    def get_articles(self, article_ids: Sequence[str]) -> dict[str, Article]:
        """The stored articles among these ids."""
        ...


@dataclass(frozen=True, slots=True)
class ArticleMatch:
    """A stored article that matches a topic, with its score and the sentence that matched."""

    article_id: str
    source: str
    title: str
    score: float
    sentence: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class TopicMatches:
    """The articles a topic matches, best first."""

    topic: str
    matches: tuple[ArticleMatch, ...]


def topic_matches(
    store: TopicSource,
    matcher: TopicMatcher,
    topic: str,
    *,
    articles: ArticleVectorIndex,
    limit: int = 10,
) -> TopicMatches:
    """The stored articles `topic` matches, best first, at most `limit`, ranked first on the
    article vectors of `articles` (the app's index, topped up from `store` here).

    Raises `QueryError` when `topic` is empty, too long or has no content word.
    """
    articles.refresh(store)
    ids, history = articles.history()
    try:
        prepared = matcher.prepare(topic, history)
    except TopicError as error:
        raise QueryError(str(error)) from None
    candidates = _candidates(store, prepared, ids, history)
    found_articles = store.get_articles(candidates)
    ordered = [found_articles[i] for i in candidates if i in found_articles]
    documents = documents_of(store, ordered)
    rows = {article_id: row for row, article_id in enumerate(ids)}
    own = [rows.get(article.id) for article in ordered]
    scored = matcher.score_many(prepared, documents, history_rows=own)
    found = [
        ArticleMatch(a.id, a.source, a.title, m.score, m.sentence, a.url)
        for a, m in zip(ordered, scored, strict=True)
        if m.matched
    ]
    found.sort(key=lambda item: (-item.score, item.article_id))
    return TopicMatches(prepared.text, tuple(found[:limit]))


def documents_of(store: TopicSource, articles: Sequence[Article]) -> list[TopicDocument]:
    """What the matcher reads of each article: title, key points and the sentences of its
    facts, in the article's language."""
    records = _fact_records(store, [article.id for article in articles])
    documents = []
    for article in articles:
        facts = [record.sentence for record in records.get(article.id, [])]
        points = [point.text for point in article.key_points]
        documents.append(TopicDocument(article.title, [*points, *facts], article.language))
    return documents


def _fact_records(store: TopicSource, ids: Sequence[str]) -> dict[str, list[FactRecord]]:
    keys = [(hit.article_id, hit.position) for hit in store.sentences_of(ids)]
    grouped: dict[str, list[FactRecord]] = {}
    for record in store.facts_in_sentences(keys):
        grouped.setdefault(record.article_id, []).append(record)
    return grouped


def _candidates(
    store: TopicSource, topic: Topic, ids: list[str], history: StoredVectors
) -> list[str]:
    """Articles close to the topic's vector, then those sharing its words."""
    closest: list[str] = []
    if ids:
        similarity = row_products(history, topic.vector)
        order = np.argsort(-similarity, kind="stable")[:CANDIDATES]
        closest = [ids[i] for i in order]
    words = sorted({form for term in topic.terms for form in term.forms})
    lexical = [hit.article_id for hit in store.search_sentences(words, LEXICAL_CANDIDATES)]
    return list(dict.fromkeys([*closest, *lexical]))
