"""The digest: the stories of a period, most important first.

A story merges its articles' key points: a point that says what another already said (in any
language: multilingual embeddings, cosine at or above `SAME_POINT`) is kept once, the better-scored
one. Articles that belong to no story (stored before stories existed, or without an embedder)
stand as stories of their own.

With a channel's history (bot.digest_history), a story an earlier digest already told that channel
keeps only the points it did not say (compared the same way): with none left it is left out and
counted in `Digest.repeated`; otherwise it is marked an update. Importance is the number of
sources, plus novelty (1 for a new story, the share of new points for an update), plus recency
(1 for the newest story of the period, falling to 0 for the oldest).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.digest_history import DigestHistory, SaidStory
from bot.models import Article, Digest, Period, StoredKeyPoint, Story, StorySource
from bot.store import ArticleStore
from bot.story_store import StoryRow, StoryStore
from bot.vectors import stored_or_embedded
from summarizer.embeddings import Embedder, Vectors

SAME_POINT = 0.75
MAX_POINTS = 5


@dataclass(frozen=True, slots=True)
class StorySources:
    """What the digest needs to merge stories: their rows and an embedder."""

    stories: StoryStore
    embedder: Embedder


@dataclass(frozen=True, slots=True)
class _Group:
    id: str
    members: list[Article]


def build_digest(
    store: ArticleStore,
    period: Period,
    merging: StorySources | None = None,
    history: DigestHistory | None = None,
    *,
    limit: int | None = None,
) -> Digest:
    """The stories of `period`, most important first; with `history`, only what is new; with
    `limit`, the `limit` most important (`Digest.more` counts the stories not looked at).

    Telling a story (merging its points, comparing them with what was said) is the costly part,
    so stories are told best bound first and telling stops once no story left could outrank
    the last one kept: a story's importance is its number of sources plus novelty and recency,
    each between 0 and 1, so it is at most sources + 2.
    """
    articles = {a.id: a for a in store.articles_since(period.start)}
    rows = merging.stories.stories_since(period.start) if merging else []
    embedder = merging.embedder if merging else None
    groups = sorted(_groups(rows, articles), key=lambda g: (-len(g.members), g.id))
    said = history.said([g.id for g in groups]) if history else {}
    kept: list[tuple[Story, float]] = []
    told = 0
    for group in groups:
        if limit is not None and len(kept) >= limit:
            floor = min(len(story.sources) for story, _ in _top(kept, limit))
            if len(group.members) + 2 <= floor:
                break
        story, novelty = _tell(group, said.get(group.id), embedder)
        told += 1
        if story is not None:
            kept.append((story, novelty))
    ranked = _ranked(kept)
    shown = ranked if limit is None else ranked[:limit]
    more = len(groups) - told + len(ranked) - len(shown)
    return Digest(period, tuple(shown), repeated=told - len(kept), more=more)


def _top(kept: list[tuple[Story, float]], limit: int) -> list[tuple[Story, float]]:
    """The `limit` kept stories with the most sources."""
    return sorted(kept, key=lambda item: -len(item[0].sources))[:limit]


def _groups(rows: Sequence[StoryRow], articles: dict[str, Article]) -> list[_Group]:
    placed: set[str] = set()
    groups: list[_Group] = []
    for row in rows:
        members = [articles[a] for a in row.article_ids if a in articles]
        if members:
            groups.append(_Group(row.id, sorted(members, key=lambda a: (a.ingested_at, a.id))))
            placed.update(a.id for a in members)
    groups += [_Group(a.id, [a]) for a in articles.values() if a.id not in placed]
    return groups


def _ranked(stories: list[tuple[Story, float]]) -> list[Story]:
    """Most sources, then novelty and recency; ties by the most recent, then by id."""
    newest = [story.last_seen.timestamp() for story, _ in stories if story.last_seen]
    latest, earliest = (max(newest), min(newest)) if newest else (0.0, 0.0)
    span = latest - earliest

    def importance(item: tuple[Story, float]) -> tuple[float, int, float, str]:
        story, novelty = item
        seen = story.last_seen.timestamp() if story.last_seen else latest
        recency = 1.0 - (latest - seen) / span if span else 1.0
        return (-(len(story.sources) + novelty + recency), -len(story.sources), -seen, story.id)

    return [story for story, _ in sorted(stories, key=importance)]


def _story(group: _Group, embedder: Embedder | None) -> Story:
    members = group.members
    title = _headline(members)
    points = [p for a in members for p in a.key_points if p.text != title]
    if embedder is not None and len(members) > 1:
        points = _distinct(points, embedder)
    return Story(
        title,
        tuple(p.text for p in points),  # cut to MAX_POINTS once the new ones are known
        tuple(map(story_source, members)),
        id=group.id,
        first_seen=members[0].ingested_at,
        last_seen=max(a.ingested_at for a in members),
    )


def _tell(
    group: _Group, said: SaidStory | None, embedder: Embedder | None
) -> tuple[Story | None, float]:
    """The story as this channel should see it, and its novelty; None when nothing is new.

    A story told before is news again only through articles it was not told with, and only
    with their points that say something not said before.
    """
    story = _story(group, embedder)
    if said is None:
        return replace(story, key_points=story.key_points[:MAX_POINTS]), 1.0
    fresh = {
        point.text: point
        for article in group.members
        if article.id not in said.article_ids
        for point in article.key_points
    }
    new = _unsaid([fresh[p] for p in story.key_points if p in fresh], said.points, embedder)
    if not new:
        return None, 0.0
    novelty = len(new) / len(story.key_points)
    return replace(story, key_points=tuple(new[:MAX_POINTS]), update=True), novelty


def _unsaid(
    points: Sequence[StoredKeyPoint], said: Sequence[str], embedder: Embedder | None
) -> list[str]:
    """The points that say nothing an earlier digest said (same text, or same meaning)."""
    fresh = [p for p in points if p.text not in set(said)]
    if not fresh or not said or embedder is None:
        return [p.text for p in fresh]
    similar = point_vectors(fresh, embedder) @ embedder.encode(list(said)).T
    return [p.text for p, row in zip(fresh, similar, strict=True) if row.max() < SAME_POINT]


def _headline(members: list[Article]) -> str:
    """The title in the story's main language, from its earliest article that has one."""
    main = Counter(a.language for a in members).most_common(1)[0][0]
    titled = [a for a in members if a.title.strip()]
    preferred = [a for a in titled if a.language == main] or titled
    return headline(preferred[0] if preferred else members[0])


def _distinct(points: list[StoredKeyPoint], embedder: Embedder) -> list[StoredKeyPoint]:
    """The points in their order, a repeat dropped for the better-scored point it repeats."""
    vectors = point_vectors(points, embedder)
    similar = vectors @ vectors.T
    by_score = sorted(range(len(points)), key=lambda i: (-points[i].score, i))
    kept: list[int] = []
    for index in by_score:
        if all(similar[index, other] < SAME_POINT for other in kept):
            kept.append(index)
    return [points[i] for i in sorted(kept)]


def point_vectors(points: Sequence[StoredKeyPoint], embedder: Embedder) -> Vectors:
    """The points' embeddings: those stored at ingest, the others (stored before schema 13, or
    without an embedder) embedded now."""
    return stored_or_embedded([p.vector for p in points], [p.text for p in points], embedder)


def story_of(article: Article) -> Story:
    """A one-article story."""
    return Story(
        headline=headline(article),
        key_points=tuple(point.text for point in article.key_points),
        sources=(story_source(article),),
        id=article.id,
        first_seen=article.ingested_at,
        last_seen=article.ingested_at,
    )


def headline(article: Article) -> str:
    """The article's title, else its first key point, else its source."""
    if article.title.strip():
        return article.title.strip()
    if article.key_points:
        return article.key_points[0].text
    return article.source


def story_source(article: Article) -> StorySource:
    """How a story cites one of its articles."""
    return StorySource(article.id, article.source, article.title, article.language, article.url)
