"""The `--json` wire formats of the command line (the contract in DESIGN.md), built from values."""

from __future__ import annotations

from typing import TypedDict

from bot.lookup import AskResult, EntityFact, Evidence, FactConflict, FactsResult, SearchResult
from bot.models import Article, Digest, Story, StorySource
from summarizer import Fact, Summary

JsonId = str | int | None


class FactPayload(TypedDict):
    """One fact of a summary."""

    kind: str
    text: str
    value: str
    sentence: str


class SummaryPayload(TypedDict):
    """`newsbot summarize --json`, and each good line of `newsbot summarize -`."""

    id: JsonId
    title: str
    language: str
    key_points: list[str]
    facts: list[FactPayload]


class ErrorPayload(TypedDict):
    """A line of `newsbot summarize -` that could not be summarised."""

    id: JsonId
    error: str


class IngestPayload(TypedDict):
    """One ingested article in `newsbot ingest --json`."""

    id: str
    source: str
    title: str
    language: str
    story_id: str | None
    key_points: list[str]
    status: str  # "new", "unchanged" or "duplicate" (folded into the article shown)


class SourcePayload(TypedDict):
    """One article behind a digest story."""

    id: str
    source: str
    title: str
    language: str
    url: str | None


class StoryPayload(TypedDict):
    """One story of a digest."""

    headline: str
    key_points: list[str]
    sources: list[SourcePayload]
    id: str
    first_seen: str | None
    last_seen: str | None
    update: bool  # an earlier digest told this channel the story: key_points are what is new


class DigestPayload(TypedDict):
    """`newsbot digest --json`."""

    period: str
    stories: list[StoryPayload]
    repeated: int  # stories left out: they only repeat what an earlier digest said
    more: int  # stories past the limit, not shown ([digest] max_stories, --max-stories)


class EvidencePayload(TypedDict):
    """One supporting sentence of an answer."""

    article_id: str
    source: str
    title: str
    sentence: str


class AskPayload(TypedDict):
    """`newsbot ask --json`: `answer` is null when nothing stored supports one."""

    question: str
    answer: str | None
    evidence: list[EvidencePayload]


class SearchHitPayload(EvidencePayload):
    """One ranked sentence of a search."""

    score: float


class SearchPayload(TypedDict):
    """`newsbot search --json`."""

    query: str
    results: list[SearchHitPayload]


class EntityFactPayload(TypedDict):
    """One fact about an entity, with its source."""

    kind: str
    text: str
    value: str
    sentence: str
    article_id: str
    source: str
    title: str


class ConflictPayload(TypedDict):
    """Facts about the same thing that disagree across sources."""

    kind: str
    values: list[str]
    facts: list[EntityFactPayload]


class FactsPayload(TypedDict):
    """`newsbot facts --json`."""

    entity: str
    facts: list[EntityFactPayload]
    conflicts: list[ConflictPayload]


def ask_payload(result: AskResult) -> AskPayload:
    """The JSON form of an answer."""
    return {
        "question": result.question,
        "answer": result.answer,
        "evidence": [evidence_payload(item) for item in result.evidence],
    }


def evidence_payload(evidence: Evidence) -> EvidencePayload:
    """The JSON form of a supporting sentence."""
    return {
        "article_id": evidence.article_id,
        "source": evidence.source,
        "title": evidence.title,
        "sentence": evidence.sentence,
    }


def search_payload(result: SearchResult) -> SearchPayload:
    """The JSON form of search results."""
    return {
        "query": result.query,
        "results": [
            {**evidence_payload(item), "score": round(item.score, 4)} for item in result.results
        ],
    }


def facts_payload(result: FactsResult) -> FactsPayload:
    """The JSON form of the facts about an entity."""
    return {
        "entity": result.entity,
        "facts": [entity_fact_payload(fact) for fact in result.facts],
        "conflicts": [conflict_payload(conflict) for conflict in result.conflicts],
    }


def entity_fact_payload(fact: EntityFact) -> EntityFactPayload:
    """The JSON form of one fact about an entity."""
    return {
        "kind": fact.kind,
        "text": fact.text,
        "value": fact.value,
        "sentence": fact.evidence.sentence,
        "article_id": fact.evidence.article_id,
        "source": fact.evidence.source,
        "title": fact.evidence.title,
    }


def conflict_payload(conflict: FactConflict) -> ConflictPayload:
    """The JSON form of a conflict."""
    return {
        "kind": conflict.kind,
        "values": list(conflict.values),
        "facts": [entity_fact_payload(fact) for fact in conflict.facts],
    }


def summary_payload(summary_id: JsonId, title: str, summary: Summary) -> SummaryPayload:
    """The JSON form of a summary."""
    return {
        "id": summary_id,
        "title": title,
        "language": summary.language,
        "key_points": [point.text for point in summary.key_points],
        "facts": [fact_payload(fact) for fact in summary.facts],
    }


def fact_payload(fact: Fact) -> FactPayload:
    """The JSON form of a fact."""
    return {"kind": fact.kind, "text": fact.text, "value": fact.value, "sentence": fact.sentence}


def error_payload(summary_id: JsonId, message: str) -> ErrorPayload:
    """The JSON form of a failed line."""
    return {"id": summary_id, "error": message}


def ingest_payload(
    article: Article, story_id: str | None = None, status: str = "new"
) -> IngestPayload:
    """The JSON form of an ingested article (`story_id` null when it was not grouped).

    A "duplicate" shows the stored article the item was folded into.
    """
    return {
        "id": article.id,
        "source": article.source,
        "title": article.title,
        "language": article.language,
        "story_id": story_id,
        "key_points": [point.text for point in article.key_points],
        "status": status,
    }


def digest_payload(digest: Digest) -> DigestPayload:
    """The JSON form of a digest."""
    return {
        "period": digest.period.label,
        "stories": [story_payload(s) for s in digest.stories],
        "repeated": digest.repeated,
        "more": digest.more,
    }


def story_payload(story: Story) -> StoryPayload:
    """The JSON form of a story."""
    return {
        "headline": story.headline,
        "key_points": list(story.key_points),
        "sources": [source_payload(source) for source in story.sources],
        "id": story.id,
        "first_seen": story.first_seen.isoformat() if story.first_seen else None,
        "last_seen": story.last_seen.isoformat() if story.last_seen else None,
        "update": story.update,
    }


def source_payload(source: StorySource) -> SourcePayload:
    """The JSON form of a story's source."""
    return {
        "id": source.id,
        "source": source.source,
        "title": source.title,
        "language": source.language,
        "url": source.url,
    }
