"""A page's own metadata: author, publication date and canonical URL, or nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.page_metadata import PageMetadata, page_metadata

PAGE = """<!doctype html><html><head>
<title>Xiaomi hires BMW engineers</title>
<link rel="canonical" href="https://news.example/tech/xiaomi-munich?utm_source=feed">
<meta name="author" content="Anna  de Vries">
<meta property="article:published_time" content="2025-03-02T08:30:00+01:00">
</head><body><article><h1>Xiaomi hires BMW engineers</h1>
<p>Xiaomi is building a research centre in Munich, and it has hired engineers from BMW.</p>
<p>Posted on 1999-01-01 in the archive of another story.</p>
</article></body></html>"""


def test_author_date_and_canonical_url_come_from_the_markup() -> None:
    """Meta tags give the author (spaces folded), the day and the canonical URL (no tracking)."""
    meta = page_metadata(PAGE, "https://news.example/tech/xiaomi-munich?ref=rss")
    assert meta.author == "Anna de Vries"
    assert meta.published == datetime(2025, 3, 2, tzinfo=UTC)
    assert meta.canonical == "https://news.example/tech/xiaomi-munich"


def test_plain_text_and_garbage_give_no_metadata() -> None:
    """Text without markup and broken markup give empty metadata, never an error."""
    assert page_metadata("Just a sentence about Xiaomi.") == PageMetadata()
    broken = page_metadata("<<<html><meta name=author content=>\x00\x01</", None)
    assert broken.author is None
    assert broken.canonical is None
