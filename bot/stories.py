"""Grouping articles into stories as they arrive, across sources and languages.

A new article joins the recent story it is most similar to (average similarity to the story's
articles, see summarizer.signature) when that reaches `threshold`, else it starts a story. The
threshold favours precision: two different events in one story hide news, while one event in two
stories only costs a line. On SemEval-2022 Task 8, 0.5 keeps 84% precision for pairs people rated
as the same or nearly the same story (bench/stories.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from bot.story_store import Member, StoryStore
from bot.vectors import pack_vector, unpack_vectors
from summarizer.embeddings import Vectors
from summarizer.signature import Rarity, Signature, similarity


@dataclass(frozen=True, slots=True)
class StoryOptions:
    """When an article joins a story: similarity threshold and how far back stories stay open."""

    threshold: float = 0.5
    window: timedelta = timedelta(days=7)
    candidates: int = 8
    resync: float = 5.0  # seconds between reads of the stories other instances grew


class StoryGrouper:
    """Assigns each new article to a story; the store is passed in.

    The recent stories' members and vectors are kept in memory (`RecentStories`) and topped up
    from the store with the stories that grew since the last assignment (also those another
    instance grew), so an assignment reads what changed, not the whole window.
    """

    def __init__(self, store: StoryStore, options: StoryOptions | None = None) -> None:
        self._store = store
        self._options = options or StoryOptions()
        self._recent = RecentStories(self._options.resync)

    def story_of(self, article_id: str) -> str | None:
        """The story the article belongs to, or None."""
        return self._store.story_of(article_id)

    def assign(self, article_id: str, article: Signature, now: datetime) -> str:
        """The story id the article now belongs to (idempotent for an article already placed)."""
        placed = self._store.story_of(article_id)
        if placed is not None:
            return placed
        since = now - self._options.window
        reread = self._recent.reread_from(since)
        fresh = self._store.recent_members(reread) if reread is not None else []
        members, vectors = self._recent.update(fresh, since, len(article.vector))
        best, score = self._best_story(article, members, vectors, article_id)
        chosen = best if score >= self._options.threshold else None
        story_id = self._store.join(chosen, article_id, now, score)
        self._recent.add(Member(story_id, article_id, pack_vector(article.vector), now))
        return story_id

    def _best_story(
        self, article: Signature, members: list[Member], vectors: Vectors, article_id: str
    ) -> tuple[str | None, float]:
        keep = [i for i, m in enumerate(members) if m.article_id != article_id]
        if not keep:
            return None, 0.0
        if len(keep) < len(members):
            members, vectors = [members[i] for i in keep], vectors[keep]
        closest = _closest_stories(members, vectors @ article.vector, self._options.candidates)
        candidates = [m for m in members if m.story_id in closest]
        signatures = self._signatures(candidates, vectors, members)
        rarity = self._rarity(article, signatures.values())
        scores: dict[str, list[float]] = {}
        for member in candidates:
            value = similarity(article, signatures[member.article_id], rarity)
            scores.setdefault(member.story_id, []).append(value)
        averages = {story: float(np.mean(values)) for story, values in scores.items()}
        story = max(averages, key=lambda key: (averages[key], key))
        return story, averages[story]

    def _signatures(
        self, candidates: list[Member], vectors: Vectors, members: list[Member]
    ) -> dict[str, Signature]:
        row = {m.article_id: i for i, m in enumerate(members)}
        specifics = self._store.specifics([m.article_id for m in candidates])
        return {
            m.article_id: Signature(vectors[row[m.article_id]], *specifics[m.article_id])
            for m in candidates
        }

    def _rarity(self, article: Signature, others: Iterable[Signature]) -> Rarity:
        keys = set(article.names | article.figures)
        for other in others:
            keys |= other.names | other.figures
        counts, total = self._store.document_frequencies(sorted(keys))
        return Rarity(counts, total)


class RecentStories:
    """The members of the stories that grew within the window, with their vectors as one
    matrix, kept between assignments.

    The store is read again at most every `resync` seconds, for the stories that grew since
    the last read less `REREAD` (other instances' articles, committed a little after their
    time); this instance's own placements are added at once. Between reads another instance's
    newest articles can be missed, which at worst splits one event into two stories.
    """

    REREAD = timedelta(seconds=30)

    def __init__(self, resync: float) -> None:
        self._resync = resync
        self._members: dict[str, Member] = {}
        self._last_seen: dict[str, datetime] = {}
        self._synced: datetime | None = None
        self._read_at = 0.0
        self._cached: tuple[list[Member], Vectors] | None = None

    def reread_from(self, since: datetime) -> datetime | None:
        """From when to read stories from the store (None: not now): the window's start at
        first, then the last read's time less REREAD."""
        if self._synced is None:
            self._read_at = time.monotonic()
            return since
        if time.monotonic() - self._read_at < self._resync:
            return None
        self._read_at = time.monotonic()
        return max(since, self._synced - self.REREAD)

    def update(
        self, fresh: Iterable[Member], since: datetime, dimensions: int
    ) -> tuple[list[Member], Vectors]:
        """Merge what the store returned, drop stories that left the window; the members and
        their vectors (rebuilt only when something changed)."""
        changed = False
        for member in fresh:
            changed |= self._put(member)
        old = [story for story, seen in self._last_seen.items() if seen < since]
        if old:
            gone = set(old)
            self._members = {k: m for k, m in self._members.items() if m.story_id not in gone}
            for story in old:
                del self._last_seen[story]
            changed = True
        self._synced = max(since, self._synced or since)
        if changed or self._cached is None:
            members = list(self._members.values())
            self._cached = members, unpack_vectors([m.vector for m in members], dimensions)
        return self._cached

    def add(self, member: Member) -> None:
        """An article this instance just placed."""
        if self._put(member):
            self._cached = None
        if member.last_seen is not None:
            self._synced = max(member.last_seen, self._synced or member.last_seen)

    def _put(self, member: Member) -> bool:
        seen = member.last_seen
        if seen is not None and seen > self._last_seen.get(member.story_id, seen - timedelta(1)):
            self._last_seen[member.story_id] = seen
        if self._members.get(member.article_id) == member:
            return False
        self._members[member.article_id] = member
        return True


def _closest_stories(members: list[Member], cosines: Vectors, count: int) -> set[str]:
    best: dict[str, float] = {}
    for member, cosine in zip(members, cosines, strict=True):
        best[member.story_id] = max(best.get(member.story_id, -1.0), float(cosine))
    return set(sorted(best, key=lambda story: -best[story])[:count])
