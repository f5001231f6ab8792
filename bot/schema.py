"""The current database schema as SQLAlchemy Core tables (migrations.py builds it)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
    text,
)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite stores it naive, in UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to UTC; refuse naive datetimes, whose zone would be a guess."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass a timezone-aware one")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Read back as an aware UTC datetime."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", UtcDateTime, nullable=False),
)

articles = Table(
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
    Column("author", Text, nullable=True),  # since schema version 8
    Column("fetched_at", UtcDateTime, nullable=True),
    Column("ingested_at", UtcDateTime, nullable=False, index=True),
)

key_points = Table(
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
    # The point's embedding (bot.vectors), made at ingest with the article's signature, so a
    # digest compares the points of a story without embedding them again; since schema 13.
    Column("vector", LargeBinary, nullable=True),
)

sentences = Table(
    "sentences",
    metadata,
    Column(
        "article_id",
        String(16),
        ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("text", Text, nullable=False),
)

entities = Table(
    "entities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("key", Text, nullable=False),
    Column("name", Text, nullable=False),
    UniqueConstraint("kind", "key", name="uq_entities_kind_key"),
)

facts = Table(
    "facts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", String(16), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
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

# Other names an entity is written under in the articles ("München" for Munich), by their folded
# key, so `newsbot facts München` finds Munich without reading every fact that names a place.
entity_aliases = Table(
    "entity_aliases",
    metadata,
    Column("key", Text, primary_key=True),
    Column("entity_id", Integer, ForeignKey("entities.id"), primary_key=True),
)

# How many stored articles hold each name or figure ("kind:value" keys of summarizer.signature),
# counted as articles are indexed, for the rarity that weighs shared specifics in stories. The
# key "" counts the indexed articles themselves.
specific_counts = Table(
    "specific_counts",
    metadata,
    Column("key", Text, primary_key=True),
    Column("articles", Integer, nullable=False),
)
ALL_ARTICLES_KEY = ""

article_vectors = Table(
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

sources = Table(
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
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    Column("active", Boolean, nullable=False, default=True),
    Index("ix_sources_due", "active", "next_poll_at"),
    # One row per feed and following channel; NULL (no channel) counts as one value.
    Index(
        "uq_sources_url_channel",
        "url",
        func.coalesce(text("platform"), ""),
        func.coalesce(text("channel"), ""),
        unique=True,
    ),
)

feed_items = Table(
    "feed_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
    Column("canonical_link", Text, nullable=True),
    Column("guid", Text, nullable=True),
    Column("fingerprint", String(64), nullable=True),
    Column("first_seen_at", UtcDateTime, nullable=False),
    Column("article_id", String(16), ForeignKey("articles.id", ondelete="SET NULL"), nullable=True),
    UniqueConstraint("source_id", "canonical_link", name="uq_feed_items_link"),
    UniqueConstraint("source_id", "guid", name="uq_feed_items_guid"),
    Index("ix_feed_items_fingerprint", "source_id", "fingerprint"),
)

stories = Table(
    "stories",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("first_seen", UtcDateTime, nullable=False),
    Column("last_seen", UtcDateTime, nullable=False),
    Index("ix_stories_last_seen", "last_seen"),
)

story_articles = Table(
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

# Near-duplicate detection (bot.near_duplicates): each article's MinHash band keys, and the copies
# (syndicated or re-published texts) that were folded into an article instead of stored again.
near_duplicate_keys = Table(
    "near_duplicate_keys",
    metadata,
    Column("key", BigInteger, nullable=False),
    Column("article_id", String(16), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Index("ix_near_duplicate_keys_key", "key"),
)

article_copies = Table(
    "article_copies",
    metadata,
    Column("fingerprint", String(64), primary_key=True),
    Column("article_id", String(16), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("source", Text, nullable=False),
    Column("url", Text, nullable=True),
    Column("similarity", Float, nullable=False),
    Column("seen_at", UtcDateTime, nullable=False),
    Index("ix_article_copies_article_id", "article_id"),
)

# What digests already said, per channel: the key points shown and the articles cited for each
# story, so a later digest can leave out a story that only repeats itself or mark it an update.
digest_said_points = Table(
    "digest_said_points",
    metadata,
    Column("channel", String(200), primary_key=True),
    Column("story_id", String(16), primary_key=True),
    Column("point", Text, primary_key=True),
    Column("said_at", UtcDateTime, nullable=False),
)

digest_said_articles = Table(
    "digest_said_articles",
    metadata,
    Column("channel", String(200), primary_key=True),
    Column("story_id", String(16), primary_key=True),
    Column("article_id", String(16), primary_key=True),
    Column("said_at", UtcDateTime, nullable=False),
)

# Scheduled digests (bot.schedules): one row per channel, kept (inactive) when turned off.
digest_schedules = Table(
    "digest_schedules",
    metadata,
    Column("platform", String(32), primary_key=True),
    Column("channel", String(128), primary_key=True),
    Column("hour", Integer, nullable=False),
    Column("minute", Integer, nullable=False),
    Column("zone", String(64), nullable=False),  # an IANA name such as Europe/Amsterdam
    Column("weekdays_only", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("set_by", Text, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# The exactly-once ledger (bot.delivery_ledger): a delivery claims its row before posting; the
# primary key is the unique claim (a digest's period is the local date of its slot).
delivery_ledger = Table(
    "delivery_ledger",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("platform", String(32), primary_key=True),
    Column("channel", String(128), primary_key=True),
    Column("period", String(64), primary_key=True),
    Column("state", String(16), nullable=False),  # claimed, posted, failed or skipped
    Column("token", String(32), nullable=False),  # which claim holds the row
    Column("attempts", Integer, nullable=False),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("posted_at", UtcDateTime, nullable=True),
    Column("messages", Integer, nullable=True),
    Column("note", Text, nullable=True),
)

# Topic subscriptions (bot.subscriptions): a user's in one channel, or a channel's (user_id NULL);
# one per (platform, channel, user, normalised topic).
subscriptions = Table(
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

# Alerts matched but not yet posted (the outbox: it outlives a crash or the rate limit), with the
# sentence that matched; and the alert messages posted, for the per-subscription rate limit.
alert_pending = Table(
    "alert_pending",
    metadata,
    Column(
        "subscription_id",
        Integer,
        ForeignKey("subscriptions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("story_id", String(16), primary_key=True),
    Column("sentence", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("matched_at", UtcDateTime, nullable=False),
)

alert_sends = Table(
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
