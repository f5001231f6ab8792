"""The digest: stored articles of a period as stories (one article each until stories land)."""

from __future__ import annotations

from bot.models import Article, Digest, Period, Story, StorySource
from bot.store import ArticleStore


def build_digest(store: ArticleStore, period: Period) -> Digest:
    """The stories of `period`, newest first."""
    articles = store.articles_since(period.start)
    newest_first = sorted(articles, key=lambda a: (a.ingested_at, a.id), reverse=True)
    return Digest(period, tuple(story_of(article) for article in newest_first))


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
