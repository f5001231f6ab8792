"""The SQLite store: migrations, idempotent inserts, atomicity, queries and connection setup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, inspect, select

from bot.engine import open_engine, sqlite_engine
from bot.errors import StoreError
from bot.fingerprint import fingerprint
from bot.migrations import MIGRATIONS, Migration, migrate
from bot.models import Article, StoredKeyPoint
from bot.schema import articles, key_points, metadata, schema_migrations
from bot.store import ArticleStore, Store
from tests.loopback_http import unused_port

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def article(text: str = "Xiaomi opens a research centre in Munich.", **changes: object) -> Article:
    values: dict[str, object] = {
        "source": "seeds/x.txt",
        "title": "Xiaomi in Munich",
        "text": text,
        "language": "en",
        "fingerprint": fingerprint(text),
        "ingested_at": T0,
        "key_points": (StoredKeyPoint(0, "Xiaomi opens a research centre in Munich.", 0.9),),
    }
    values.update(changes)
    return Article(**values)  # type: ignore[arg-type]


def test_opening_applies_every_migration_once(engine: Engine) -> None:
    """A new store gets the latest schema; opening it again changes nothing."""
    assert Store(engine).schema_version() == MIGRATIONS[-1].version
    Store(engine)
    with engine.connect() as connection:
        versions = connection.execute(select(schema_migrations.c.version)).scalars().all()
    assert versions == [m.version for m in MIGRATIONS]


def test_migrations_build_the_schema_the_code_queries(engine: Engine) -> None:
    """The tables the migrations create match the tables in schema.py, indexes included (on
    PostgreSQL `sentences` also has its generated full-text column, which the code never writes)."""
    Store(engine)
    inspector = inspect(engine)
    for table in metadata.sorted_tables:
        columns = {column["name"] for column in inspector.get_columns(table.name)}
        if engine.dialect.name == "postgresql" and table.name == "sentences":
            columns.remove("search")
        assert columns == set(table.columns.keys()), table.name
    indexes = {index["name"] for index in inspector.get_indexes("articles")}
    assert {index.name for index in articles.indexes} <= indexes


def test_an_old_store_is_upgraded_with_its_data(engine: Engine) -> None:
    """A store left at version 1 is migrated to the latest version and keeps its articles."""
    assert migrate(engine, MIGRATIONS[:1]) == 1
    with engine.begin() as connection:
        row = article()
        connection.execute(
            insert(articles).values(
                id=row.id,
                source=row.source,
                title=row.title,
                text=row.text,
                language=row.language,
                fingerprint=row.fingerprint,
                ingested_at=row.ingested_at,
            )
        )
    assert "ix_articles_ingested_at" not in {
        i["name"] for i in inspect(engine).get_indexes("articles")
    }
    store = Store(engine)
    assert store.schema_version() == MIGRATIONS[-1].version
    assert "ix_articles_ingested_at" in {i["name"] for i in inspect(engine).get_indexes("articles")}
    stored = store.get_article(article().id)
    assert stored is not None
    assert stored.title == "Xiaomi in Munich"


def test_a_failing_migration_leaves_the_store_untouched(engine: Engine) -> None:
    """Pending migrations run in one transaction: if one fails, none is recorded or applied."""

    def broken(connection: object) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        migrate(engine, (*MIGRATIONS[:1], Migration(2, "broken", broken)))
    assert not inspect(engine).has_table("articles")
    assert Store(engine).schema_version() == MIGRATIONS[-1].version


def test_a_newer_store_is_refused(engine: Engine) -> None:
    """A store migrated by a newer newsbot is not opened by an older one."""
    Store(engine)
    with engine.begin() as connection:
        connection.execute(insert(schema_migrations).values(version=99, applied_at=T0))
    with pytest.raises(StoreError, match="schema version 99"):
        Store(engine)


def test_adding_the_same_content_twice_stores_it_once(engine: Engine) -> None:
    """add_article says whether the article was new; the same fingerprint is stored once."""
    store = Store(engine)
    assert store.add_article(article()) is True
    assert store.add_article(article(source="elsewhere.txt")) is False
    assert store.counts().articles == 1
    assert store.counts().key_points == 1


def test_article_and_key_points_are_stored_atomically(engine: Engine) -> None:
    """If a key point cannot be stored, the article is not stored either."""
    store = Store(engine)
    clash = (StoredKeyPoint(0, "One.", 1.0), StoredKeyPoint(0, "Two.", 0.5))
    with pytest.raises(StoreError, match="refused"):
        store.add_article(article(key_points=clash))
    assert store.counts().articles == 0
    assert store.counts().key_points == 0


def test_stored_articles_round_trip(engine: Engine) -> None:
    """What goes in comes back: text, key points in order, aware UTC datetimes."""
    store = Store(engine)
    points = (StoredKeyPoint(0, "First.", 0.5), StoredKeyPoint(3, "Fourth.", 0.25))
    published = datetime(2025, 2, 28, 23, 0, tzinfo=UTC) + timedelta(hours=0)
    new = article(key_points=points, url="https://example.com/a", published=published)
    store.add_article(new)
    stored = store.get_article(new.id)
    assert stored is not None
    assert stored.id == new.fingerprint[:16]
    assert stored.key_points == points
    assert stored.url == "https://example.com/a"
    assert stored.published == published
    assert stored.ingested_at == T0
    assert stored.ingested_at.tzinfo is not None
    assert store.get_article("0" * 16) is None


def test_articles_since_filters_by_ingestion_time(engine: Engine) -> None:
    """articles_since returns articles ingested at or after the start, oldest first."""
    store = Store(engine)
    old = article("An old story. It happened.", ingested_at=T0 - timedelta(days=3))
    new = article("A new story. It is happening.", ingested_at=T0)
    store.add_article(new)
    store.add_article(old)
    assert [a.id for a in store.articles_since(None)] == [old.id, new.id]
    assert [a.id for a in store.articles_since(T0 - timedelta(days=1))] == [new.id]
    assert store.articles_since(T0 + timedelta(seconds=1)) == ()


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    """Storing a datetime without a timezone is a programming error, not a silent guess."""
    store = Store(engine)
    with pytest.raises(Exception, match="naive datetime"):
        store.add_article(article(ingested_at=datetime(2025, 1, 1)))


def test_sqlite_connections_are_configured(tmp_path: Path) -> None:
    """Every SQLite connection has WAL, foreign keys and a busy timeout."""
    engine = sqlite_engine(tmp_path / "store.db")
    Store(engine)
    with engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA foreign_keys").scalar() == 1
        assert pragma("PRAGMA busy_timeout").scalar() == 5000


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    """A key point cannot point at a missing article."""
    Store(engine)
    with pytest.raises(Exception, match=r"(?i)foreign key"), engine.begin() as connection:
        connection.execute(
            insert(key_points).values(article_id="missing", position=0, text="x", score=1.0)
        )


def test_two_stores_on_one_file_share_the_articles(tmp_path: Path) -> None:
    """Two engines on one file (two processes, say) see each other's articles, without doubles."""
    first, second = sqlite_engine(tmp_path / "s.db"), sqlite_engine(tmp_path / "s.db")
    try:
        assert Store(first).add_article(article()) is True
        assert Store(second).add_article(article()) is False
        with second.connect() as connection:
            assert connection.execute(select(func.count()).select_from(articles)).scalar() == 1
    finally:
        first.dispose()
        second.dispose()


def test_store_satisfies_the_protocol(engine: Engine) -> None:
    """Store is an ArticleStore (checked by mypy through this assignment)."""
    store: ArticleStore = Store(engine)
    assert store.counts().articles == 0


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "postgresql+psycopg"])
def test_an_unreachable_postgresql_server_is_one_sentence_without_the_password(
    scheme: str,
) -> None:
    """Nothing listens on the URL's port: opening the store says so in one line, and never
    repeats the password."""
    engine = open_engine(f"{scheme}://newsbot:s3cret@127.0.0.1:{unused_port()}/news")
    try:
        with pytest.raises(StoreError, match="the store cannot be opened: ") as raised:
            Store(engine)
    finally:
        engine.dispose()
    message = str(raised.value)
    assert "s3cret" not in message
    assert "\n" not in message
    assert "127.0.0.1" in message


def test_a_postgresql_url_without_a_database_is_refused() -> None:
    """postgresql://host/ with no database name is refused before connecting."""
    with pytest.raises(StoreError, match="names no database"):
        open_engine("postgresql://u:s3cret@db.example.com/")


def test_other_url_schemes_are_refused() -> None:
    """Only SQLite and PostgreSQL stores are supported."""
    with pytest.raises(StoreError, match="mysql:// are not supported") as raised:
        open_engine("mysql://u:p@h/db")
    assert "postgresql://" in str(raised.value)


def test_sqlite_urls_and_paths_both_work(tmp_path: Path) -> None:
    """A plain path and a sqlite:/// URL open the same kind of store; folders are created."""
    for url in (str(tmp_path / "a" / "x.db"), f"sqlite:///{tmp_path / 'b' / 'y.db'}"):
        engine = open_engine(url)
        try:
            assert Store(engine).counts().articles == 0
        finally:
            engine.dispose()
    assert (tmp_path / "a" / "x.db").exists()
    assert (tmp_path / "b" / "y.db").exists()


def test_a_file_that_is_not_a_database_is_reported(tmp_path: Path) -> None:
    """Opening a non-SQLite file gives a StoreError with SQLite's reason."""
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 10)
    engine = sqlite_engine(path)
    try:
        with pytest.raises(StoreError, match="file is not a database"):
            Store(engine)
    finally:
        engine.dispose()
