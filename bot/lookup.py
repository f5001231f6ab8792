"""Lookups over the stored news: `ask` a question, list the `facts` about an entity, `search`.

Each answer cites its evidence (article, source, sentence). `ask` answers only from extracted
facts in retrieved sentences and says so when nothing supports an answer; `facts` flags where
sources disagree. Nothing here writes to the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.article_index import ArticleVectorIndex
from bot.errors import QueryError
from bot.models import ArticleRef, FactRecord
from bot.retrieval import RankedSentence, RetrievalOptions, Retriever, SentenceSource
from summarizer import Fact
from summarizer.answer import Passage, choose_answer
from summarizer.conflicts import SourcedFact, find_conflicts
from summarizer.embeddings import Embedder
from summarizer.errors import QuestionError
from summarizer.question import analyze_question
from summarizer.sentences import words
from summarizer.stopwords import stop_words

MAX_QUERY_CHARS = 5_000
MAX_ENTITY_CHARS = 200
NO_ANSWER = "Nothing in the stored news answers that question."
WARM_UP_QUESTION = "Who leads the city council?"


# How each fact kind is headed when facts are listed (terminal and chat).
KIND_HEADINGS = {
    "person": "People",
    "org": "Organisations",
    "place": "Places",
    "role": "Roles",
    "money": "Money",
    "quantity": "Quantities",
    "percent": "Percentages",
    "date": "Dates",
    "event": "Events",
}


class LookupStore(SentenceSource, Protocol):
    """The store queries lookups need."""

    def facts_in_sentences(self, keys: Sequence[tuple[str, int]]) -> list[FactRecord]:
        """The facts of these (article id, position) sentences."""
        ...

    def entity_facts(self, name: str, limit: int) -> tuple[list[str], list[FactRecord]]:
        """The canonical names `name` refers to and the facts around them."""
        ...

    def article_refs(self, article_ids: Sequence[str]) -> dict[str, ArticleRef]:
        """Source, title, URL and story of the stored articles among these ids."""
        ...


@dataclass(frozen=True, slots=True)
class LookupOptions:
    """Sizes of each lookup's work and output."""

    retrieval: RetrievalOptions = field(default_factory=RetrievalOptions)
    passages: int = 10
    results: int = 10
    min_search_score: float = 0.2
    entity_mentions: int = 400


@dataclass(frozen=True, slots=True)
class Evidence:
    """A sentence that supports an answer, with the article it came from."""

    article_id: str
    source: str
    title: str
    sentence: str
    url: str | None = None
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class AskResult:
    """The answer to a question (None when nothing supports one) and its evidence."""

    question: str
    answer: str | None
    kind: str | None
    evidence: tuple[Evidence, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Ranked matching sentences, each with its article."""

    query: str
    results: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class EntityFact:
    """A fact in a sentence about the entity, with the article it came from."""

    kind: str
    text: str
    value: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class FactConflict:
    """Facts about the same thing whose values differ across sources."""

    kind: str
    values: tuple[str, ...]
    facts: tuple[EntityFact, ...]


@dataclass(frozen=True, slots=True)
class FactsResult:
    """Everything known about an entity: its names, its facts by kind, and the conflicts."""

    entity: str
    names: tuple[str, ...]
    facts: tuple[EntityFact, ...]
    conflicts: tuple[FactConflict, ...]


class Lookup:
    """The three lookups on a store and an embedder (both passed in)."""

    def __init__(
        self,
        store: LookupStore,
        embedder: Embedder,
        options: LookupOptions | None = None,
        *,
        articles: ArticleVectorIndex | None = None,
    ) -> None:
        """`articles`: the article vectors in memory, shared with whatever else reads them
        (a new index of its own without)."""
        self._store = store
        self._embedder = embedder
        self._options = options or LookupOptions()
        self._retriever = Retriever(store, embedder, self._options.retrieval, articles)

    def warm_up(self) -> None:
        """Load what the first lookup after a start would otherwise wait for: the question
        analysis's language model and lemmas, the embedding model and the article vectors."""
        analyze_question(WARM_UP_QUESTION)
        self._retriever.warm_up()

    def ask(self, question: str) -> AskResult:
        """Answer from the facts of the best matching sentences; raise `QueryError` for text
        that is not a question."""
        try:
            analysed = analyze_question(_bounded(question))
        except QuestionError as error:
            raise QueryError(str(error)) from None
        ranked = self._retriever.rank(analysed.text, analysed.terms, self._options.passages)
        facts = self._facts_by_sentence(ranked)
        passages = [_passage(item, facts.get(_key(item), ())) for item in ranked]
        answer = choose_answer(analysed, passages)
        if answer is None:
            return AskResult(analysed.text, None, None, (), NO_ANSWER)
        chosen = [item for ref in answer.refs for item in ranked if _ref(item) == ref]
        return AskResult(analysed.text, answer.text, answer.kind, self._evidence(chosen))

    def search(self, query: str) -> SearchResult:
        """The sentences that best match `query`, in any language, best first."""
        text = _bounded(query).strip()
        terms = _search_terms(text)
        if not terms:
            raise QueryError("give some words to search for, for example: newsbot search Xiaomi")
        ranked = self._retriever.rank(text, terms, self._options.results)
        kept = [item for item in ranked if _relevant(item, self._options.min_search_score)]
        return SearchResult(text, self._evidence(kept))

    def facts(self, entity: str) -> FactsResult:
        """The facts in sentences that mention `entity`, grouped by kind, conflicts flagged."""
        name = " ".join(entity.split())
        if not name:
            raise QueryError("name an entity, for example: newsbot facts Xiaomi")
        if len(name) > MAX_ENTITY_CHARS:
            raise QueryError(f"an entity name is at most {MAX_ENTITY_CHARS} characters")
        names, records = self._store.entity_facts(name, self._options.entity_mentions)
        articles = self._store.article_refs([record.article_id for record in records])
        about = {n.casefold() for n in names}
        kept = [r for r in records if not _is_mention_of(r, about)]
        facts = tuple(_entity_fact(record, articles) for record in _ordered(kept))
        return FactsResult(name, tuple(names), facts, self._conflicts(kept, articles))

    def _facts_by_sentence(
        self, ranked: Sequence[RankedSentence]
    ) -> dict[tuple[str, int], tuple[Fact, ...]]:
        records = self._store.facts_in_sentences([_key(item) for item in ranked])
        grouped: dict[tuple[str, int], list[Fact]] = {}
        for record in records:
            grouped.setdefault((record.article_id, record.position), []).append(_fact(record))
        return {key: tuple(facts) for key, facts in grouped.items()}

    def _evidence(self, ranked: Sequence[RankedSentence]) -> tuple[Evidence, ...]:
        articles = self._store.article_refs([item.article_id for item in ranked])
        return tuple(
            _cite(articles[item.article_id], item.text, item.score)
            for item in ranked
            if item.article_id in articles
        )

    def _conflicts(
        self, records: Sequence[FactRecord], articles: dict[str, ArticleRef]
    ) -> tuple[FactConflict, ...]:
        sourced = [
            SourcedFact(_fact(record), record.article_id, _story(record, articles))
            for record in records
        ]
        by_fact = {id(item.fact): record for item, record in zip(sourced, records, strict=True)}
        return tuple(
            FactConflict(
                conflict.kind,
                conflict.values,
                tuple(_entity_fact(by_fact[id(item.fact)], articles) for item in conflict.facts),
            )
            for conflict in find_conflicts(sourced, self._embedder.encode)
        )


def _bounded(text: str) -> str:
    return text[:MAX_QUERY_CHARS]


def _search_terms(text: str) -> list[str]:
    stops = stop_words("en") | stop_words("nl")
    lowered = (word.lower() for word in words(text, "und"))
    return list(dict.fromkeys(w for w in lowered if w not in stops and any(c.isalnum() for c in w)))


def _relevant(item: RankedSentence, floor: float) -> bool:
    return item.lexical > 0 or item.score >= floor


def _key(item: RankedSentence) -> tuple[str, int]:
    return item.article_id, item.position


def _ref(item: RankedSentence) -> str:
    return f"{item.article_id}:{item.position}"


def _passage(item: RankedSentence, facts: tuple[Fact, ...]) -> Passage:
    return Passage(ref=_ref(item), sentence=item.text, facts=facts, score=item.score)


def _fact(record: FactRecord) -> Fact:
    return Fact(
        kind=record.kind,  # type: ignore[arg-type]
        text=record.text,
        value=record.value,
        sentence=record.sentence,
        position=record.position,
        entity=record.entity,
        related=record.related,
    )


def _is_mention_of(record: FactRecord, names: set[str]) -> bool:
    return record.kind in {"person", "org", "place"} and record.value.casefold() in names


def _ordered(records: Sequence[FactRecord]) -> list[FactRecord]:
    unique = {(r.article_id, r.position, r.kind, r.text): r for r in records}
    return sorted(unique.values(), key=lambda r: (r.kind, r.article_id, r.position))


def _story(record: FactRecord, articles: dict[str, ArticleRef]) -> str:
    """The story of the fact's article: conflicts are looked for within one story."""
    article = articles.get(record.article_id)
    return article.story if article is not None else ""


def _cite(article: ArticleRef, sentence: str, score: float) -> Evidence:
    return Evidence(article.id, article.source, article.title, sentence, article.url, score)


def _entity_fact(record: FactRecord, articles: dict[str, ArticleRef]) -> EntityFact:
    article = articles.get(record.article_id)
    evidence = (
        _cite(article, record.sentence, 0.0)
        if article is not None
        else Evidence(record.article_id, "", "", record.sentence)
    )
    return EntityFact(record.kind, record.text, record.value, evidence)
