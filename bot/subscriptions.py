"""Topic subscriptions and their alert state in the store.

A subscription belongs to a user in one channel, or to the channel itself (`user_id` None); its
topic is kept as typed and as a normalised key, unique per (platform, channel, user, key), so
"Europe  expansion" and "europe expansion" are one subscription.

The alert state of a subscription: `pending` alerts (a story matched, not yet posted: the outbox
that outlives a crash and the rate limit, with the sentence that matched) and `sends` (the alert
messages posted, counted for the rate limit). Removing a subscription removes both. Every method
raises `StoreError` when the database cannot be used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Row,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
)

from bot.chat import Block, Context, Item, Link, Message, Text, Title
from bot.chat_views import notice, source_label
from bot.engine import insert_ignoring, reading, writing
from bot.errors import InputError, echoed
from bot.migrations import open_schema
from bot.schema import alert_pending, alert_sends, story_articles, subscriptions
from bot.source_store import ChannelKey
from bot.topic_match import ArticleMatch, TopicMatches
from summarizer.topics import TopicError, TopicMatcher

MAX_KEY_CHARS = 200
QUOTES = "\"'“”‘’«»„"


@dataclass(frozen=True, slots=True)
class Subscription:
    """A topic followed in a channel: by `user_id`, or by the whole channel when it is None."""

    id: int
    target: ChannelKey
    user_id: str | None
    topic: str
    key: str
    created_at: datetime

    @property
    def for_channel(self) -> bool:
        """Whether the whole channel follows the topic (not one user)."""
        return self.user_id is None


@dataclass(frozen=True, slots=True)
class PendingAlert:
    """A story that matched a subscription and waits to be posted, with why it matched."""

    subscription_id: int
    story_id: str
    sentence: str
    score: float
    matched_at: datetime


def clean_topic(text: str) -> str:
    """A topic as typed, with its whitespace collapsed and outer quotes taken off."""
    return " ".join(text.split()).strip(QUOTES).strip()


def topic_key(topic: str) -> str:
    """The normalised form of a topic: `clean_topic`, case-folded."""
    return clean_topic(topic).casefold()[:MAX_KEY_CHARS]


class SubscriptionStore:
    """Subscriptions and their alert state on the store's Engine; opening it migrates."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        open_schema(engine)

    # -- subscriptions ---------------------------------------------------------------------

    def add(
        self, target: ChannelKey, user_id: str | None, topic: str, now: datetime
    ) -> tuple[Subscription, bool]:
        """Subscribe; the subscription and whether it is new (False: it already existed)."""
        row = {
            "platform": target.platform,
            "channel": target.channel,
            "user_id": user_id,
            "topic": topic,
            "topic_key": topic_key(topic),
            "created_at": now,
        }
        with self._writing("save the subscription") as connection:
            added = connection.execute(
                insert_ignoring(connection, subscriptions)
                .values(**row)
                .returning(subscriptions.c.id)
            ).first()
            found = connection.execute(
                select(subscriptions).where(_owned(target, user_id, topic))
            ).one()
        return _subscription(found), added is not None

    def remove(self, target: ChannelKey, user_id: str | None, topic: str) -> bool:
        """Unsubscribe, dropping its pending alerts; False when there was no such subscription."""
        with self._writing("remove the subscription") as connection:
            ids = select(subscriptions.c.id).where(_owned(target, user_id, topic))
            connection.execute(
                delete(alert_pending).where(alert_pending.c.subscription_id.in_(ids))
            )
            connection.execute(delete(alert_sends).where(alert_sends.c.subscription_id.in_(ids)))
            removed = connection.execute(
                delete(subscriptions).where(_owned(target, user_id, topic))
            )
        return removed.rowcount > 0

    def of(self, target: ChannelKey, user_id: str) -> list[Subscription]:
        """The subscriptions seen from `target` by `user_id`: the channel's, then the user's."""
        column = subscriptions.c
        where = and_(
            column.platform == target.platform,
            column.channel == target.channel,
            or_(column.user_id.is_(None), column.user_id == user_id),
        )
        order = (column.user_id.is_not(None), column.topic_key)
        return self._select(where, order)

    def all(self) -> list[Subscription]:
        """Every subscription, oldest first."""
        return self._select(None, (subscriptions.c.id,))

    def get(self, subscription_id: int) -> Subscription | None:
        """The subscription with this id, or None when it was removed."""
        found = self._select(subscriptions.c.id == subscription_id, ())
        return found[0] if found else None

    # -- alert state -----------------------------------------------------------------------

    def queue(self, alerts: Sequence[PendingAlert]) -> int:
        """Remember matched stories until they are posted; how many were not waiting yet."""
        if not alerts:
            return 0
        rows = [
            {
                "subscription_id": a.subscription_id,
                "story_id": a.story_id,
                "sentence": a.sentence,
                "score": a.score,
                "matched_at": a.matched_at,
            }
            for a in alerts
        ]
        with self._writing("remember the matched alerts") as connection:
            live = set(connection.execute(select(subscriptions.c.id)).scalars())
            kept = [row for row in rows if row["subscription_id"] in live]
            added = 0
            for row in kept:
                statement = insert_ignoring(connection, alert_pending).values(**row)
                key = alert_pending.c.subscription_id
                added += connection.execute(statement.returning(key)).first() is not None
        return added

    def pending(self) -> dict[int, list[PendingAlert]]:
        """The waiting alerts by subscription, oldest match first."""
        query = select(alert_pending).order_by(
            alert_pending.c.subscription_id, alert_pending.c.matched_at, alert_pending.c.story_id
        )
        grouped: dict[int, list[PendingAlert]] = {}
        with self._reading() as connection:
            for row in connection.execute(query):
                alert = PendingAlert(
                    row.subscription_id, row.story_id, row.sentence, row.score, row.matched_at
                )
                grouped.setdefault(alert.subscription_id, []).append(alert)
        return grouped

    def done(self, subscription_id: int, story_ids: Sequence[str]) -> None:
        """Stop waiting on these stories of a subscription (posted, or nothing more to do)."""
        if not story_ids:
            return
        with self._writing("clear the posted alerts") as connection:
            connection.execute(
                delete(alert_pending).where(
                    alert_pending.c.subscription_id == subscription_id,
                    alert_pending.c.story_id.in_(story_ids),
                )
            )

    def record_send(self, subscription_id: int, now: datetime, stories: int) -> None:
        """Count one alert message posted for a subscription (for the rate limit)."""
        with self._writing("record the alert") as connection:
            connection.execute(
                insert(alert_sends).values(
                    subscription_id=subscription_id, sent_at=now, stories=stories
                )
            )

    def sends_since(self, subscription_id: int, since: datetime) -> int:
        """How many alert messages were posted for a subscription at or after `since`."""
        query = select(func.count()).where(
            alert_sends.c.subscription_id == subscription_id, alert_sends.c.sent_at >= since
        )
        with self._reading() as connection:
            return int(connection.execute(query).scalar_one())

    def story_members(self, story_ids: Sequence[str]) -> dict[str, list[str]]:
        """The article ids of each story, in id order (a story absent from the result has none
        stored: an article outside any story stands as its own story)."""
        query = (
            select(story_articles.c.story_id, story_articles.c.article_id)
            .where(story_articles.c.story_id.in_(story_ids))
            .order_by(story_articles.c.story_id, story_articles.c.article_id)
        )
        members: dict[str, list[str]] = {}
        with self._reading() as connection:
            for row in connection.execute(query):
                members.setdefault(row.story_id, []).append(row.article_id)
        return members

    # -- plumbing --------------------------------------------------------------------------

    def _select(
        self, where: ColumnElement[bool] | None, order: Sequence[ColumnElement[Any]]
    ) -> list[Subscription]:
        query = select(subscriptions).order_by(*order)
        if where is not None:
            query = query.where(where)
        with self._reading() as connection:
            return [_subscription(row) for row in connection.execute(query)]

    def _reading(self) -> AbstractContextManager[Connection]:
        return reading(self._engine, "read subscriptions")

    def _writing(self, what: str) -> AbstractContextManager[Connection]:
        return writing(self._engine, what)


def _owned(target: ChannelKey, user_id: str | None, topic: str) -> ColumnElement[bool]:
    column = subscriptions.c
    owner = column.user_id.is_(None) if user_id is None else column.user_id == user_id
    return and_(
        column.platform == target.platform,
        column.channel == target.channel,
        owner,
        column.topic_key == topic_key(topic),
    )


def _subscription(row: Row[tuple[object, ...]]) -> Subscription:
    values = row._mapping
    return Subscription(
        id=int(values["id"]),
        target=ChannelKey(str(values["platform"]), str(values["channel"])),
        user_id=values["user_id"],
        topic=str(values["topic"]),
        key=str(values["topic_key"]),
        created_at=values["created_at"],
    )


# -- the /news subscribe, unsubscribe and subscriptions answers -------------------------------

CHANNEL_FLAGS = frozenset({"--channel", "—channel", "–channel"})  # Slack may turn -- into a dash
PREVIEW = 3


@dataclass(frozen=True, slots=True)
class Subscriber:
    """Who asks: a user in a channel, for themselves or (`for_channel`) for the channel."""

    target: ChannelKey
    user_id: str
    for_channel: bool = False

    @property
    def owner(self) -> str | None:
        """The stored user id: None for a channel subscription."""
        return None if self.for_channel else self.user_id


def channel_flag(text: str) -> tuple[bool, str]:
    """Whether the words hold `--channel`, and the words without it."""
    words = text.split()
    kept = [word for word in words if word.casefold() not in CHANNEL_FLAGS]
    return len(kept) < len(words), " ".join(kept)


def checked_topic(matcher: TopicMatcher, text: str, command: str) -> str:
    """The topic of `text`, cleaned; raises `InputError` (one sentence) when it cannot be one."""
    topic = clean_topic(text)
    if not topic:
        raise InputError(f"Give a topic, for example: /news {command} battery recycling")
    try:
        matcher.prepare(topic)
    except TopicError as error:
        raise InputError(str(error)) from None
    return topic


def answer_subscribe(
    store: SubscriptionStore,
    preview: Callable[[str], TopicMatches],
    subscriber: Subscriber,
    topic: str,
    now: datetime,
) -> Message:
    """Subscribe and show what the topic would have matched among the stored articles."""
    subscription, new = store.add(subscriber.target, subscriber.owner, topic, now)
    shown = subscription.topic
    if not new:
        who = "This channel already follows" if subscriber.for_channel else "You already follow"
        return notice(f"{who} “{shown}” here; /news subscriptions lists what is followed.")
    if subscriber.for_channel:
        said = f"This channel now follows “{shown}”: alerts about it are posted here."
    else:
        said = (
            f"You now follow “{shown}”: alerts about it are posted in this channel, "
            "addressed to your subscription."
        )
    return _with_preview(said, preview(shown))


def _with_preview(said: str, matches: TopicMatches) -> Message:
    blocks: list[Block] = [Text(said)]
    if matches.matches:
        blocks.append(Text("It would have matched:"))
        blocks += [_preview_item(match) for match in matches.matches[:PREVIEW]]
    else:
        blocks.append(Context("Nothing stored matches it yet; alerts start with the next story."))
    return Message(tuple(blocks), said)


def _preview_item(match: ArticleMatch) -> Item:
    url = match.url if match.url and match.url.startswith(("http://", "https://")) else None
    label = source_label(match.source, match.url)
    return Item(match.title or label, (f"Matched: {match.sentence}",), (Link(label, url),))


def answer_unsubscribe(store: SubscriptionStore, subscriber: Subscriber, topic: str) -> Message:
    """Unsubscribe; raises `InputError` when there is no such subscription here."""
    if store.remove(subscriber.target, subscriber.owner, topic):
        if subscriber.for_channel:
            return notice(f"This channel no longer follows “{topic}”.")
        return notice(f"You no longer follow “{topic}” in this channel.")
    who = "This channel does" if subscriber.for_channel else "You do"
    raise InputError(
        f"{who} not follow “{echoed(topic)}” here; /news subscriptions lists what is followed"
    )


def answer_subscriptions(store: SubscriptionStore, subscriber: Subscriber) -> Message:
    """The channel's subscriptions and the caller's in this channel."""
    found = store.of(subscriber.target, subscriber.user_id)
    if not found:
        return notice(
            "Neither you nor this channel follows a topic here; "
            "/news subscribe <topic> starts alerts."
        )
    items = [Item(s.topic, note="for this channel" if s.for_channel else "for you") for s in found]
    heading = f"Topics followed here · {len(found)}"
    hint = Context("/news unsubscribe <topic> stops yours; add --channel for the channel's.")
    return Message((Title(heading), *items, hint), heading, ephemeral=True)
