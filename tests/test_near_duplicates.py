"""Near-duplicate copies: band keys find them, shingle Jaccard confirms, the store folds them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from bot.ingest import IngestOptions, Ingestor
from bot.migrations import MIGRATIONS
from bot.models import SourceText
from bot.near_duplicates import BANDS, SAME_TEXT, jaccard, near_text
from bot.schema import article_copies, near_duplicate_keys
from bot.store import Store

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def clock() -> datetime:
    return T0


def syndicated(text: str) -> str:
    """A copy as another outlet runs it: a credit line, a word changed, the last paragraph cut."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    body = "\n\n".join(paragraphs[:-1])
    body = body.replace("Xiaomi", "XIAOMI", 1).replace(" the ", " a ", 2)
    return f"{body}\n\nThis story was first published by Example Wire. Copyright 2025."


@pytest.fixture
def ingestor(engine: Engine) -> Ingestor:
    return Ingestor(Store(engine), IngestOptions(points=3), clock)


def seed(seeds_dir: Path, prefix: str) -> str:
    return next(seeds_dir.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def test_an_edited_copy_shares_band_keys_and_most_shingles(seeds_dir: Path) -> None:
    """A syndicated copy keeps most 5-word shingles and shares band keys; another article not."""
    original = near_text(seed(seeds_dir, "000"))
    copy = near_text(syndicated(seed(seeds_dir, "000")))
    other = near_text(seed(seeds_dir, "002"))
    assert original is not None
    assert copy is not None
    assert other is not None
    assert len(original.keys) == BANDS
    assert jaccard(original.shingles, copy.shingles) >= SAME_TEXT
    assert set(original.keys) & set(copy.keys)
    assert jaccard(original.shingles, other.shingles) < 0.1
    assert not set(original.keys) & set(other.keys)


def test_keys_are_stable_and_short_texts_are_left_to_exact_matching() -> None:
    """The same text always gives the same keys (they are stored); a short text gives none."""
    text = " ".join(f"word{number}" for number in range(60))
    first, second = near_text(text), near_text(text)
    assert first is not None
    assert second is not None
    assert first.keys == second.keys
    assert near_text("Too short to compare by shingles.") is None


def test_a_syndicated_copy_is_folded_into_the_stored_article(
    ingestor: Ingestor, engine: Engine, seeds_dir: Path
) -> None:
    """The copy is reported as a duplicate of the original, not stored; a re-run says the same."""
    first = ingestor.ingest_source(SourceText("wire/original.txt", seed(seeds_dir, "000")))
    assert first.status == "new"
    assert first.article is not None
    copy_text = syndicated(seed(seeds_dir, "000"))
    copy = SourceText("partner/copy.txt", copy_text, url="https://partner.example/xiaomi")
    outcome = ingestor.ingest_source(copy)
    assert outcome.status == "duplicate"
    assert outcome.article is not None
    assert outcome.article.id == first.article.id
    assert outcome.similarity is not None
    assert outcome.similarity >= SAME_TEXT
    store = Store(engine)
    assert store.counts().articles == 1
    with engine.connect() as connection:
        rows = connection.execute(select(article_copies)).all()
    assert [(r.article_id, r.source, r.url) for r in rows] == [
        (first.article.id, "partner/copy.txt", "https://partner.example/xiaomi")
    ]
    again = ingestor.ingest_source(copy)
    assert again.status == "duplicate"
    assert again.article is not None
    assert again.article.id == first.article.id
    assert store.counts().articles == 1


def test_other_articles_on_the_same_subject_are_not_duplicates(
    ingestor: Ingestor, seeds_dir: Path
) -> None:
    """The seeds (two of them the same story in English and Dutch) are five distinct articles."""
    outcomes = [
        ingestor.ingest_source(SourceText(path.name, path.read_text(encoding="utf-8")))
        for path in sorted(seeds_dir.glob("*.txt"))
    ]
    assert [o.status for o in outcomes] == ["new"] * 5


def test_upgrading_a_store_keys_the_articles_it_already_holds(
    ingestor: Ingestor, engine: Engine, seeds_dir: Path
) -> None:
    """Articles stored before near-duplicate keys existed get keys when the store is upgraded."""
    assert ingestor.ingest_source(SourceText("a.txt", seed(seeds_dir, "000"))).status == "new"
    with engine.begin() as connection:  # back to schema version 5, as an older newsbot left it
        for table in ("near_duplicate_keys", "article_copies", "digest_said_points"):
            connection.execute(text(f"DROP TABLE {table}"))
        connection.execute(text("DROP TABLE digest_said_articles"))
        connection.execute(text("ALTER TABLE articles DROP COLUMN author"))
        connection.execute(text("DROP TABLE specific_counts"))
        connection.execute(text("ALTER TABLE key_points DROP COLUMN vector"))
        connection.execute(text("DROP TABLE entity_aliases"))
        connection.execute(text("CREATE INDEX ix_facts_kind_value ON facts (kind, value)"))
        connection.execute(text("DELETE FROM schema_migrations WHERE version > 5"))
    upgraded = Store(engine)
    assert upgraded.schema_version() == MIGRATIONS[-1].version
    with engine.connect() as connection:
        count = select(func.count()).select_from(near_duplicate_keys)
        assert connection.execute(count).scalar_one() == BANDS
    copy = SourceText("partner/copy.txt", syndicated(seed(seeds_dir, "000")))
    folded = Ingestor(upgraded, IngestOptions(points=3), clock).ingest_source(copy)
    assert folded.status == "duplicate"
