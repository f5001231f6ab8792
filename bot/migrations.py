"""Schema migrations: an ordered list, applied at open in one transaction, each version recorded.

Each migration defines the tables as they were at its version, so later changes to schema.py never
alter what an old migration does. Applying is idempotent: a store at the latest version is left as
it is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import DatabaseError

from bot.engine import store_error, write_transaction
from bot.errors import StoreError
from bot.near_duplicates import near_text
from bot.schema import UtcDateTime, schema_migrations
from bot.search_index import ENTITY_KINDS, alias_rows
from summarizer.signature import FIGURE_KINDS, NAME_KINDS, specific_keys


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema change: its version (1, 2, ...), what it does, and the function doing it."""

    version: int
    description: str
    apply: Callable[[Connection], None]


def _create_articles_and_key_points(connection: Connection) -> None:
    metadata = MetaData()
    Table(
        "articles",
        metadata,
        Column("id", String(16), primary_key=True),
        Column("source", Text, nullable=False),
        Column("url", Text, nullable=True),
        Column("title", Text, nullable=False),
        Column("text", Text, nullable=False),
        Column("language", String(16), nullable=False),
        Column("fingerprint", String(64), nullable=False, unique=True),
        Column("published", UtcDateTime, nullable=True),
        Column("fetched_at", UtcDateTime, nullable=True),
        Column("ingested_at", UtcDateTime, nullable=False),
    )
    Table(
        "key_points",
        metadata,
        Column(
            "article_id",
            String(16),
            ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("position", Integer, primary_key=True, autoincrement=False),
        Column("text", Text, nullable=False),
        Column("score", Float, nullable=False),
    )
    metadata.create_all(connection)


def _index_articles_by_ingestion(connection: Connection) -> None:
    connection.execute(text("CREATE INDEX ix_articles_ingested_at ON articles (ingested_at)"))


def _create_lookup_tables(connection: Connection) -> None:
    metadata = MetaData()
    existing = Table("articles", metadata, Column("id", String(16), primary_key=True))
    article_fk = ForeignKey("articles.id", ondelete="CASCADE")
    Table(
        "sentences",
        metadata,
        Column("article_id", String(16), article_fk, primary_key=True),
        Column("position", Integer, primary_key=True, autoincrement=False),
        Column("text", Text, nullable=False),
    )
    Table(
        "entities",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("kind", String(16), nullable=False),
        Column("key", Text, nullable=False),
        Column("name", Text, nullable=False),
        UniqueConstraint("kind", "key", name="uq_entities_kind_key"),
    )
    Table(
        "facts",
        metadata,
        Column("id", Integer, primary_key=True),
        Column(
            "article_id",
            String(16),
            ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        Column("position", Integer, nullable=False),
        Column("kind", String(16), nullable=False),
        Column("text", Text, nullable=False),
        Column("value", Text, nullable=False),
        Column("start", Integer, nullable=False),
        Column("entity_id", Integer, ForeignKey("entities.id"), nullable=True),
        Column("related_id", Integer, ForeignKey("entities.id"), nullable=True),
        Index("ix_facts_entity_id", "entity_id"),
        Index("ix_facts_related_id", "related_id"),
        Index("ix_facts_article_position", "article_id", "position"),
    )
    Table(
        "article_vectors",
        metadata,
        Column(
            "article_id",
            String(16),
            ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("vector", LargeBinary, nullable=False),
    )
    new_tables = [table for table in metadata.sorted_tables if table is not existing]
    metadata.create_all(connection, tables=new_tables)
    if connection.dialect.name == "sqlite":
        connection.execute(text(SQLITE_SENTENCE_SEARCH))
    else:
        for statement in POSTGRES_SENTENCE_SEARCH:
            connection.execute(text(statement))


def _create_source_tables(connection: Connection) -> None:
    metadata = MetaData()
    existing = Table("articles", metadata, Column("id", String(16), primary_key=True))
    Table(
        "sources",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("url", Text, nullable=False),
        Column("name", Text, nullable=True),
        Column("kind", String(8), nullable=False),
        Column("platform", String(32), nullable=True),
        Column("channel", String(128), nullable=True),
        Column("added_by", Text, nullable=False),
        Column("added_at", UtcDateTime, nullable=False),
        Column("interval_seconds", Integer, nullable=True),
        Column("etag", Text, nullable=True),
        Column("last_modified", Text, nullable=True),
        Column("last_polled_at", UtcDateTime, nullable=True),
        Column("last_success_at", UtcDateTime, nullable=True),
        Column("next_poll_at", UtcDateTime, nullable=False),
        Column("consecutive_failures", Integer, nullable=False),
        Column("last_error", Text, nullable=True),
        Column("active", Boolean, nullable=False),
        Index("ix_sources_due", "active", "next_poll_at"),
        Index(
            "uq_sources_url_channel",
            "url",
            func.coalesce(text("platform"), ""),
            func.coalesce(text("channel"), ""),
            unique=True,
        ),
    )
    Table(
        "feed_items",
        metadata,
        Column("id", Integer, primary_key=True),
        Column(
            "source_id",
            Integer,
            ForeignKey("sources.id", ondelete="CASCADE"),
            nullable=False,
        ),
        Column("canonical_link", Text, nullable=True),
        Column("guid", Text, nullable=True),
        Column("fingerprint", String(64), nullable=True),
        Column("first_seen_at", UtcDateTime, nullable=False),
        Column(
            "article_id",
            String(16),
            ForeignKey("articles.id", ondelete="SET NULL"),
            nullable=True,
        ),
        UniqueConstraint("source_id", "canonical_link", name="uq_feed_items_link"),
        UniqueConstraint("source_id", "guid", name="uq_feed_items_guid"),
        Index("ix_feed_items_fingerprint", "source_id", "fingerprint"),
    )
    new_tables = [table for table in metadata.sorted_tables if table is not existing]
    metadata.create_all(connection, tables=new_tables)


def _create_story_tables(connection: Connection) -> None:
    metadata = MetaData()
    existing = Table("articles", metadata, Column("id", String(16), primary_key=True))
    Table(
        "stories",
        metadata,
        Column("id", String(16), primary_key=True),
        Column("first_seen", UtcDateTime, nullable=False),
        Column("last_seen", UtcDateTime, nullable=False),
        Index("ix_stories_last_seen", "last_seen"),
    )
    Table(
        "story_articles",
        metadata,
        Column(
            "article_id",
            String(16),
            ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column(
            "story_id",
            String(16),
            ForeignKey("stories.id", ondelete="CASCADE"),
            nullable=False,
        ),
        Column("similarity", Float, nullable=False),
        Index("ix_story_articles_story_id", "story_id"),
    )
    new_tables = [table for table in metadata.sorted_tables if table is not existing]
    metadata.create_all(connection, tables=new_tables)
    connection.execute(text("CREATE INDEX ix_facts_kind_value ON facts (kind, value)"))


def _create_near_duplicate_tables(connection: Connection) -> None:
    metadata = MetaData()
    existing = Table("articles", metadata, Column("id", String(16), primary_key=True))
    keys = Table(
        "near_duplicate_keys",
        metadata,
        Column("key", BigInteger, nullable=False),
        Column(
            "article_id", String(16), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False
        ),
        Index("ix_near_duplicate_keys_key", "key"),
    )
    Table(
        "article_copies",
        metadata,
        Column("fingerprint", String(64), primary_key=True),
        Column(
            "article_id", String(16), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False
        ),
        Column("source", Text, nullable=False),
        Column("url", Text, nullable=True),
        Column("similarity", Float, nullable=False),
        Column("seen_at", UtcDateTime, nullable=False),
        Index("ix_article_copies_article_id", "article_id"),
    )
    new_tables = [table for table in metadata.sorted_tables if table is not existing]
    metadata.create_all(connection, tables=new_tables)
    _key_stored_articles(connection, keys)


def _key_stored_articles(connection: Connection, keys: Table) -> None:
    """Band keys for the articles stored before this version, from their stored sentences."""
    query = text("SELECT article_id, text FROM sentences ORDER BY article_id, position")
    texts: dict[str, list[str]] = {}
    for article_id, sentence in connection.execute(query):
        texts.setdefault(article_id, []).append(sentence)
    rows = []
    for article_id, parts in texts.items():
        near = near_text(" ".join(parts))
        if near is not None:
            rows += [{"key": key, "article_id": article_id} for key in near.keys]
    if rows:
        connection.execute(insert(keys), rows)


def _create_digest_history_tables(connection: Connection) -> None:
    metadata = MetaData()
    Table(
        "digest_said_points",
        metadata,
        Column("channel", String(200), primary_key=True),
        Column("story_id", String(16), primary_key=True),
        Column("point", Text, primary_key=True),
        Column("said_at", UtcDateTime, nullable=False),
    )
    Table(
        "digest_said_articles",
        metadata,
        Column("channel", String(200), primary_key=True),
        Column("story_id", String(16), primary_key=True),
        Column("article_id", String(16), primary_key=True),
        Column("said_at", UtcDateTime, nullable=False),
    )
    metadata.create_all(connection)


def _add_article_authors(connection: Connection) -> None:
    connection.execute(text("ALTER TABLE articles ADD COLUMN author TEXT"))


def _index_fact_names(connection: Connection) -> None:
    connection.execute(text("CREATE INDEX ix_facts_kind_lower_value ON facts (kind, lower(value))"))


def _create_specific_counts(connection: Connection) -> None:
    """Names and figures counted per article as articles are indexed (the rarity that stories
    weigh them by), filled from the facts already stored; counting them per new article through
    the index of migration 11 read every fact of a common value, which grew with the store."""
    metadata = MetaData()
    counts = Table(
        "specific_counts",
        metadata,
        Column("key", Text, primary_key=True),
        Column("articles", Integer, nullable=False),
    )
    metadata.create_all(connection)
    kinds = sorted(NAME_KINDS | FIGURE_KINDS)
    stored = text(
        "SELECT article_id, kind, value FROM facts WHERE kind IN :kinds ORDER BY article_id"
    ).bindparams(bindparam("kinds", expanding=True))
    tally: Counter[str] = Counter()
    for _, rows in groupby(connection.execute(stored, {"kinds": kinds}), key=lambda r: r[0]):
        names, figures = specific_keys(_Fact(kind, value) for _, kind, value in rows)
        tally.update(names | figures)
    tally[""] = connection.execute(text("SELECT count(*) FROM articles")).scalar_one()
    rows_out = [{"key": key, "articles": n} for key, n in sorted(tally.items())]
    for start in range(0, len(rows_out), 10_000):
        connection.execute(insert(counts), rows_out[start : start + 10_000])
    connection.execute(text("DROP INDEX ix_facts_kind_lower_value"))


def _add_key_point_vectors(connection: Connection) -> None:
    kind = "BYTEA" if connection.dialect.name == "postgresql" else "BLOB"
    connection.execute(text(f"ALTER TABLE key_points ADD COLUMN vector {kind}"))


def _create_entity_aliases(connection: Connection) -> None:
    """Other names of entities, from the facts already stored (see `bot.search_index`); the
    (kind, value) index on facts goes: no query reads it, and it was the index every ingested
    article wrote most pages of."""
    metadata = MetaData()
    Table("entities", metadata, Column("id", Integer, primary_key=True))
    aliases = Table(
        "entity_aliases",
        metadata,
        Column("key", Text, primary_key=True),
        Column("entity_id", Integer, ForeignKey("entities.id"), primary_key=True),
    )
    metadata.create_all(connection, tables=[aliases])
    stored = text(
        "SELECT DISTINCT f.entity_id, e.key, f.text FROM facts AS f "
        "JOIN entities AS e ON e.id = f.entity_id WHERE f.kind IN :kinds"
    ).bindparams(bindparam("kinds", expanding=True))
    named = connection.execute(stored, {"kinds": sorted(ENTITY_KINDS)})
    rows = alias_rows((entity_id, key, surface) for entity_id, key, surface in named)
    for start in range(0, len(rows), 10_000):
        connection.execute(insert(aliases), rows[start : start + 10_000])
    connection.execute(text("DROP INDEX ix_facts_kind_value"))


def _refine_search_statistics(connection: Connection) -> None:
    """PostgreSQL: finer statistics of the sentences' words (SEARCH_STATISTICS), gathered now.

    The planner's estimate of how many sentences a search term matches comes from the words
    the statistics list. At the default size, at 100,000 articles, they listed only words in
    7,200 sentences or more (of 2.9 million): every other prefix got one default estimate and
    was counted, reading up to 2,000 sentences, in each search that had it (most of a search's
    time). At 1,000 the list goes down to words in about 520 sentences; ANALYZE took 3.6 s."""
    if connection.dialect.name != "postgresql":
        return
    target = f"SET STATISTICS {SEARCH_STATISTICS}"
    connection.execute(text(f"ALTER TABLE sentences ALTER COLUMN search {target}"))
    connection.execute(text("ANALYZE sentences"))


@dataclass(frozen=True, slots=True)
class _Fact:
    kind: str
    value: str


def _create_schedule_tables(connection: Connection) -> None:
    metadata = MetaData()
    Table(
        "digest_schedules",
        metadata,
        Column("platform", String(32), primary_key=True),
        Column("channel", String(128), primary_key=True),
        Column("hour", Integer, nullable=False),
        Column("minute", Integer, nullable=False),
        Column("zone", String(64), nullable=False),
        Column("weekdays_only", Boolean, nullable=False),
        Column("active", Boolean, nullable=False),
        Column("set_by", Text, nullable=False),
        Column("updated_at", UtcDateTime, nullable=False),
    )
    Table(
        "delivery_ledger",
        metadata,
        Column("kind", String(16), primary_key=True),
        Column("platform", String(32), primary_key=True),
        Column("channel", String(128), primary_key=True),
        Column("period", String(64), primary_key=True),
        Column("state", String(16), nullable=False),
        Column("token", String(32), nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("claimed_at", UtcDateTime, nullable=False),
        Column("posted_at", UtcDateTime, nullable=True),
        Column("messages", Integer, nullable=True),
        Column("note", Text, nullable=True),
    )
    metadata.create_all(connection)


def _create_subscription_tables(connection: Connection) -> None:
    metadata = MetaData()
    Table(
        "subscriptions",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("platform", String(32), nullable=False),
        Column("channel", String(128), nullable=False),
        Column("user_id", String(128), nullable=True),
        Column("topic", Text, nullable=False),
        Column("topic_key", String(200), nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
        Index(
            "uq_subscriptions_owner_topic",
            "platform",
            "channel",
            func.coalesce(text("user_id"), ""),
            "topic_key",
            unique=True,
        ),
    )
    subscription_fk = ForeignKey("subscriptions.id", ondelete="CASCADE")
    Table(
        "alert_pending",
        metadata,
        Column("subscription_id", Integer, subscription_fk, primary_key=True),
        Column("story_id", String(16), primary_key=True),
        Column("sentence", Text, nullable=False),
        Column("score", Float, nullable=False),
        Column("matched_at", UtcDateTime, nullable=False),
    )
    Table(
        "alert_sends",
        metadata,
        Column("id", Integer, primary_key=True),
        Column(
            "subscription_id",
            Integer,
            ForeignKey("subscriptions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        Column("sent_at", UtcDateTime, nullable=False),
        Column("stories", Integer, nullable=False),
        Index("ix_alert_sends_subscription_sent", "subscription_id", "sent_at"),
    )
    metadata.create_all(connection)


# Full-text search over every stored sentence; porter stemming helps English, accents are folded
# for every language. Rows are written and deleted together with the `sentences` rows.
SQLITE_SENTENCE_SEARCH = (
    "CREATE VIRTUAL TABLE sentence_search USING fts5("
    "text, article_id UNINDEXED, position UNINDEXED, "
    "tokenize = 'porter unicode61 remove_diacritics 2')"
)


# The statistics target of the PostgreSQL tsvector column: how many of its most common words
# the planner's statistics keep, ten per unit (see `_refine_search_statistics`).
SEARCH_STATISTICS = 1_000

# The same on PostgreSQL: a generated tsvector column ('simple': no stemming, so any language
# works; queries use prefixes instead) with a GIN index; it follows the sentences by itself.
POSTGRES_SENTENCE_SEARCH = (
    "ALTER TABLE sentences ADD COLUMN search tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED",
    "CREATE INDEX ix_sentences_search ON sentences USING GIN (search)",
)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "articles and their key points", _create_articles_and_key_points),
    Migration(2, "index articles by ingestion time, for digests", _index_articles_by_ingestion),
    Migration(3, "sentences, facts, entities and vectors for lookups", _create_lookup_tables),
    Migration(4, "sources, their polling state and the feed items seen", _create_source_tables),
    Migration(5, "stories: articles about the same event", _create_story_tables),
    Migration(6, "near-duplicate keys and folded copies", _create_near_duplicate_tables),
    Migration(7, "what digests already said, per channel", _create_digest_history_tables),
    Migration(8, "articles keep their author", _add_article_authors),
    Migration(9, "digest schedules and the delivery ledger", _create_schedule_tables),
    Migration(10, "topic subscriptions and their pending alerts", _create_subscription_tables),
    Migration(11, "index fact names case-insensitively, for story rarity", _index_fact_names),
    Migration(12, "count names and figures per article, for story rarity", _create_specific_counts),
    Migration(13, "key points keep their embedding, for digests", _add_key_point_vectors),
    Migration(14, "other names of entities, for fact lookups", _create_entity_aliases),
    Migration(15, "finer statistics of the searched words", _refine_search_statistics),
)


def migrate(engine: Engine, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Apply the pending migrations in one transaction and return the schema version.

    Raises `StoreError` when the store is newer than this program knows.
    """
    latest = max((m.version for m in migrations), default=0)
    with write_transaction(engine) as connection:
        schema_migrations.create(connection, checkfirst=True)
        current = schema_version(connection)
        if current > latest:
            raise StoreError(
                f"the store has schema version {current} but this newsbot knows only up to "
                f"{latest}; upgrade newsbot"
            )
        for migration in sorted(migrations, key=lambda m: m.version):
            if migration.version > current:
                migration.apply(connection)
                _record(connection, migration.version)
    return max(current, latest)


def open_schema(engine: Engine) -> int:
    """`migrate` for a store being opened: a database failure becomes one `StoreError`."""
    try:
        return migrate(engine)
    except DatabaseError as error:
        raise store_error("be opened", error) from None


def schema_version(connection: Connection) -> int:
    """The highest applied migration version (0 for a new store)."""
    return connection.execute(select(func.max(schema_migrations.c.version))).scalar() or 0


def _record(connection: Connection, version: int) -> None:
    connection.execute(
        insert(schema_migrations).values(version=version, applied_at=datetime.now(UTC))
    )
