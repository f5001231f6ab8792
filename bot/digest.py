"""The digest: the stories of a period, most sources and most recent first.

A story merges its articles' key points: a point that says what another already said (in any
language: multilingual embeddings, cosine at or above `SAME_POINT`) is kept once, the better-scored
one. Articles that belong to no story (stored before stories existed, or without an embedder)
stand as stories of their own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.models import Article, Digest, Period, StoredKeyPoint, Story, StorySource
from bot.store import ArticleStore
from bot.story_store import StoryRow, StoryStore
from summarizer.embeddings import Embedder

SAME_POINT = 0.75
MAX_POINTS = 5


@dataclass(frozen=True, slots=True)
class StorySources:
    """What the digest needs to merge stories: their rows and an embedder."""

    stories: StoryStore
    embedder: Embedder


def build_digest(
    store: ArticleStore, period: Period, merging: StorySources | None = None
) -> Digest:
    """The stories of `period`: most sources first, then the most recent."""
    articles = {a.id: a for a in store.articles_since(period.start)}
    rows = merging.stories.stories_since(period.start) if merging else []
    groups = _groups(rows, articles)
    stories = [_story(group, merging.embedder if merging else None) for group in groups]
    return Digest(period, tuple(stories))


def _groups(rows: Sequence[StoryRow], articles: dict[str, Article]) -> list[list[Article]]:
    placed: set[str] = set()
    groups: list[list[Article]] = []
    for row in rows:
        members = [articles[a] for a in row.article_ids if a in articles]
        if members:
            groups.append(sorted(members, key=lambda a: (a.ingested_at, a.id)))
            placed.update(a.id for a in members)
    groups += [[a] for a in articles.values() if a.id not in placed]
    return sorted(groups, key=lambda g: (-len(g), -_newest(g), g[0].id))


def _newest(group: list[Article]) -> float:
    return max(a.ingested_at for a in group).timestamp()


def _story(members: list[Article], embedder: Embedder | None) -> Story:
    title = _headline(members)
    points = [p for a in members for p in a.key_points if p.text != title]
    if embedder is not None and len(members) > 1:
        points = _distinct(points, embedder)
    return Story(
        title, tuple(p.text for p in points[:MAX_POINTS]), tuple(map(story_source, members))
    )


def _headline(members: list[Article]) -> str:
    """The title in the story's main language, from its earliest article that has one."""
    main = Counter(a.language for a in members).most_common(1)[0][0]
    titled = [a for a in members if a.title.strip()]
    preferred = [a for a in titled if a.language == main] or titled
    return headline(preferred[0] if preferred else members[0])


def _distinct(points: list[StoredKeyPoint], embedder: Embedder) -> list[StoredKeyPoint]:
    """The points in their order, a repeat dropped for the better-scored point it repeats."""
    vectors = embedder.encode([p.text for p in points])
    similar = vectors @ vectors.T
    by_score = sorted(range(len(points)), key=lambda i: (-points[i].score, i))
    kept: list[int] = []
    for index in by_score:
        if all(similar[index, other] < SAME_POINT for other in kept):
            kept.append(index)
    return [points[i] for i in sorted(kept)]


def story_of(article: Article) -> Story:
    """A one-article story."""
    return Story(
        headline=headline(article),
        key_points=tuple(point.text for point in article.key_points),
        sources=(story_source(article),),
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
