"""Topic alerts: new stories matched against every subscription, each posted once.

A run has two steps. Matching: the stories of the new articles are scored against every
subscription by `TopicMatcher` (over each article's title, key points and fact sentences, with
the store's vectors as history, as `newsbot topics match` does); a story matches when one of its
articles does, and the best-scoring article's sentence says why. Matches go to the store's
outbox (`SubscriptionStore.queue`), never twice for a story already alerted.

Delivering: each subscription with waiting stories gets one message listing them (batching), in
the channel it was made in. Before posting, each story claims its row in the delivery ledger
(kind "alert", period "<subscription id>:<story id>"), so a story that grows with more sources,
or a second process, cannot alert again; a run that died between claim and post is retried once
the lease runs out, by whichever run comes next (the outbox keeps the story). A subscription
gets at most `per_hour` alert messages per `window`; stories over the limit stay in the outbox,
unclaimed, for a later run. A refused post is marked failed in the ledger and retried next run,
up to the ledger's attempts.

Personal subscriptions are posted in the channel, addressed "For <user id>'s subscription" in
plain text (no mention, and no direct message: that needs extra platform scopes).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.app import App
from bot.chat import Block, Context, Item, Message, Text, Title
from bot.chat_views import LINKS_PER_ITEM, story_item
from bot.clock import Clock
from bot.delivery_ledger import Claim, DeliveryLedger, LedgerEntry, LedgerKey
from bot.digest import headline, story_source
from bot.errors import NewsbotError
from bot.models import Article, Story
from bot.scheduler import Post
from bot.subscriptions import PendingAlert, Subscription, SubscriptionStore
from bot.topic_match import documents_of
from summarizer.embeddings import StoredVectors
from summarizer.topics import TopicDocument, TopicError, TopicMatcher

ALERT_KIND = "alert"
MAX_STORIES_PER_MESSAGE = 10
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AlertOptions:
    """The rate limit: at most `per_hour` alert messages per subscription per `window`, and at
    most `stories_per_message` stories in one message (the rest wait for the next run)."""

    per_hour: int = 6
    window: timedelta = timedelta(hours=1)
    stories_per_message: int = MAX_STORIES_PER_MESSAGE


@dataclass(frozen=True, slots=True)
class AlertSent:
    """One alert message posted: for which subscription, where, and about which stories."""

    subscription_id: int
    target_channel: str
    story_ids: tuple[str, ...]
    messages: int


@dataclass(frozen=True, slots=True)
class AlertRun:
    """What one run did: new matches queued, messages sent, stories still waiting."""

    matched: int
    sent: tuple[AlertSent, ...] = ()
    waiting: int = 0


@dataclass(frozen=True, slots=True)
class _Candidates:
    """The stories of a run with their stored articles, read as the matcher reads them."""

    stories: dict[str, list[Article]]
    documents: dict[str, TopicDocument]
    history_ids: list[str] = field(default_factory=list)
    history: StoredVectors | None = None


def alert_key(subscription: Subscription, story_id: str) -> LedgerKey:
    """The ledger key of one story's alert for one subscription."""
    return LedgerKey(ALERT_KIND, subscription.target, f"{subscription.id}:{story_id}")


class AlertRunner:
    """Matches new stories against the subscriptions and posts each alert once.

    `run` is safe to call from one event loop at a time (runs are serialised); the store work and
    the matching run in a worker thread. It raises `StoreError` when the store cannot be used; a
    post that fails is logged and retried on a later run.
    """

    def __init__(
        self,
        core: App,
        post: Post,
        ledger: DeliveryLedger,
        clock: Clock | None = None,
        *,
        matcher: TopicMatcher | None = None,
        options: AlertOptions | None = None,
    ) -> None:
        self._core = core
        self._post = post
        self.ledger = ledger
        self._clock = clock or core.clock
        self._matcher = matcher or TopicMatcher(core.merging.embedder)
        self.options = options or AlertOptions()
        self.subscriptions = SubscriptionStore(core.engine)
        self._running = asyncio.Lock()

    async def run(self, article_ids: Sequence[str] = ()) -> AlertRun:
        """Match the stories of `article_ids` (new articles), then post every waiting alert
        the rate limit allows. With no ids it only posts what waits."""
        async with self._running:
            matched = await asyncio.to_thread(self._match, list(article_ids), self._clock())
            sent, waiting = await self._deliver_waiting()
        return AlertRun(matched, tuple(sent), waiting)

    # -- matching --------------------------------------------------------------------------

    def _match(self, article_ids: list[str], now: datetime) -> int:
        """Queue the (subscription, story) matches among the stories of `article_ids`."""
        subscriptions = self.subscriptions.all()
        if not article_ids or not subscriptions:
            return 0
        candidates = self._candidates(article_ids)
        alerts: list[PendingAlert] = []
        for subscription in subscriptions:
            alerts += self._matches(subscription, candidates, now)
        return self.subscriptions.queue(alerts)

    def _candidates(self, article_ids: list[str]) -> _Candidates:
        store = self._core.store
        stories = self._core.merging.stories
        story_ids = list(dict.fromkeys(stories.story_of(a) or a for a in article_ids))
        members = self.subscriptions.story_members(story_ids)
        wanted = {s: members.get(s, [s]) for s in story_ids}
        articles = store.get_articles([a for ids in wanted.values() for a in ids])
        grouped = {s: [articles[a] for a in ids if a in articles] for s, ids in wanted.items()}
        ordered = [a for group in grouped.values() for a in group]
        documents = dict(zip((a.id for a in ordered), documents_of(store, ordered), strict=True))
        # The vectors lookups keep in memory, topped up: not every vector read per pass.
        self._core.articles.refresh(store)
        ids, history = self._core.articles.history()
        return _Candidates({s: g for s, g in grouped.items() if g}, documents, ids, history)

    def _matches(
        self, subscription: Subscription, candidates: _Candidates, now: datetime
    ) -> list[PendingAlert]:
        """The candidate stories `subscription` matches and was not alerted about."""
        fresh = {
            story: group
            for story, group in candidates.stories.items()
            if not self._alerted(subscription, story)
        }
        if not fresh:
            return []
        try:
            topic = self._matcher.prepare(subscription.topic, candidates.history)
        except TopicError as error:
            log.warning("subscription %d cannot be matched: %s", subscription.id, error)
            return []
        pairs = [(story, article) for story, group in fresh.items() for article in group]
        rows = {article_id: row for row, article_id in enumerate(candidates.history_ids)}
        scored = self._matcher.score_many(
            topic,
            [candidates.documents[article.id] for _, article in pairs],
            history_rows=[rows.get(article.id) for _, article in pairs],
        )
        best: dict[str, PendingAlert] = {}
        for (story, _), match in zip(pairs, scored, strict=True):
            known = best.get(story)
            if match.matched and (known is None or match.score > known.score):
                best[story] = PendingAlert(subscription.id, story, match.sentence, match.score, now)
        return list(best.values())

    def _alerted(self, subscription: Subscription, story_id: str) -> bool:
        entry = self.ledger.entry(alert_key(subscription, story_id))
        return entry is not None and entry.final

    # -- delivering ------------------------------------------------------------------------

    async def _deliver_waiting(self) -> tuple[list[AlertSent], int]:
        waiting = await asyncio.to_thread(self.subscriptions.pending)
        sent: list[AlertSent] = []
        still = 0
        for subscription_id, alerts in waiting.items():
            subscription = await asyncio.to_thread(self.subscriptions.get, subscription_id)
            if subscription is None:
                continue  # removed meanwhile; its pending rows went with it
            done, left = await self._deliver(subscription, alerts)
            sent += [done] if done is not None else []
            still += left
        return sent, still

    async def _deliver(
        self, subscription: Subscription, alerts: list[PendingAlert]
    ) -> tuple[AlertSent | None, int]:
        """Post one message with the waiting stories of `subscription` that the rate limit
        allows and the ledger grants; the message sent (if any) and how many stories wait."""
        now = self._clock()
        if not await asyncio.to_thread(self._allowed, subscription, now):
            log.info("alerts of subscription %d wait: rate limit reached", subscription.id)
            return None, len(alerts)
        claims = await asyncio.to_thread(self._claim, subscription, alerts, now)
        settled = await asyncio.to_thread(self._settled, subscription, alerts, claims, now)
        busy = len(alerts) - len(claims) - settled
        if not claims:
            return None, busy
        message = await asyncio.to_thread(self._message, subscription, [a for a, _ in claims])
        try:
            messages = await self._post(subscription.target, message)
        except NewsbotError as error:
            log.warning("alert for subscription %d not posted: %s", subscription.id, error)
            await asyncio.to_thread(self._failed, [c for _, c in claims], str(error))
            return None, busy + len(claims)
        story_ids = tuple(alert.story_id for alert, _ in claims)
        await asyncio.to_thread(self._posted, subscription, claims, messages)
        log.info("alert for subscription %d posted: %d stories", subscription.id, len(story_ids))
        return AlertSent(subscription.id, subscription.target.channel, story_ids, messages), busy

    def _allowed(self, subscription: Subscription, now: datetime) -> bool:
        since = now - self.options.window
        return self.subscriptions.sends_since(subscription.id, since) < self.options.per_hour

    def _claim(
        self, subscription: Subscription, alerts: list[PendingAlert], now: datetime
    ) -> list[tuple[PendingAlert, Claim]]:
        """Claim the ledger rows of up to `stories_per_message` stories."""
        claims: list[tuple[PendingAlert, Claim]] = []
        for alert in alerts:
            if len(claims) == self.options.stories_per_message:
                break
            claim = self.ledger.claim(alert_key(subscription, alert.story_id), now)
            if claim is not None:
                claims.append((alert, claim))
        return claims

    def _settled(
        self,
        subscription: Subscription,
        alerts: list[PendingAlert],
        claims: list[tuple[PendingAlert, Claim]],
        now: datetime,
    ) -> int:
        """Drop from the outbox the unclaimed stories nothing more will happen to (posted
        already, or out of attempts); how many were dropped."""
        claimed = {alert.story_id for alert, _ in claims}
        settled = []
        for alert in alerts:
            if alert.story_id in claimed:
                continue
            entry = self.ledger.entry(alert_key(subscription, alert.story_id))
            if entry is not None and self._hopeless(entry, now):
                settled.append(alert.story_id)
        self.subscriptions.done(subscription.id, settled)
        return len(settled)

    def _hopeless(self, entry: LedgerEntry, now: datetime) -> bool:
        """Posted already, or every attempt used and no live claim left."""
        if entry.final:
            return True
        dead = entry.state == "failed" or entry.claimed_at < now - self.ledger.lease
        if dead and entry.attempts >= self.ledger.max_attempts:
            log.error("alert %s given up after %d attempts", entry.key.period, entry.attempts)
            return True
        return False

    def _failed(self, claims: list[Claim], note: str) -> None:
        for claim in claims:
            self.ledger.failed(claim, note)

    def _posted(
        self, subscription: Subscription, claims: list[tuple[PendingAlert, Claim]], messages: int
    ) -> None:
        now = self._clock()
        for _, claim in claims:
            self.ledger.posted(claim, now, messages=messages)
        self.subscriptions.record_send(subscription.id, now, len(claims))
        self.subscriptions.done(subscription.id, [alert.story_id for alert, _ in claims])

    def _message(self, subscription: Subscription, alerts: list[PendingAlert]) -> Message:
        store = self._core.store
        members = self.subscriptions.story_members([a.story_id for a in alerts])
        wanted = {a.story_id: members.get(a.story_id, [a.story_id]) for a in alerts}
        articles = store.get_articles([i for ids in wanted.values() for i in ids])
        stories = [
            (alert, [articles[i] for i in wanted[alert.story_id] if i in articles])
            for alert in alerts
        ]
        return alert_message(subscription, stories)


def alert_message(
    subscription: Subscription, stories: Sequence[tuple[PendingAlert, Sequence[Article]]]
) -> Message:
    """One alert: the topic, whom it is for (plain text, no mention), and per story its
    headline, the sentence that matched and its sources."""
    topic = subscription.topic
    count = len(stories)
    noun = "new story matches" if count == 1 else "new stories match"
    owner = "this channel" if subscription.user_id is None else subscription.user_id
    flag = "--channel " if subscription.for_channel else ""
    blocks: list[Block] = [
        Title(f"Topic alert: {topic}"),
        Text(f"For {owner}'s subscription: {count} {noun} “{topic}”."),
    ]
    blocks += [alert_item(alert, articles) for alert, articles in stories]
    blocks.append(Context(f"Stop these alerts with /news unsubscribe {flag}{topic}"))
    return Message(tuple(blocks), f"Topic alert: {count} {noun} “{topic}” for {owner}")


def alert_item(alert: PendingAlert, articles: Sequence[Article]) -> Item:
    """A matched story: its headline, why it matched, and links to its articles."""
    ordered = sorted(articles, key=lambda a: (not a.title.strip(), a.ingested_at, a.id))
    title = headline(ordered[0]) if ordered else alert.story_id
    story = Story(title, (), tuple(map(story_source, ordered)), id=alert.story_id)
    links = story_item(story).links[:LINKS_PER_ITEM]
    return Item(title, (f"Matched: {alert.sentence}",), links)
