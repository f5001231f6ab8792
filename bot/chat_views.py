"""Chat `Message`s built from core results: digests, answers, facts, search hits, sources, help.

Pure functions: no store, no platform. Article text goes into the blocks exactly as stored (it is
untrusted; each platform's renderer escapes it). Every message's fallback is its first line in
plain words, for notifications and clients that show no blocks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import groupby
from pathlib import PurePath
from typing import Protocol
from urllib.parse import urlsplit

from bot.chat import Block, Context, Item, Link, Message, Text, Title
from bot.lookup import (
    KIND_HEADINGS,
    AskResult,
    EntityFact,
    Evidence,
    FactConflict,
    FactsResult,
    SearchResult,
)
from bot.models import Digest, Story, StorySource
from bot.polling import PollOptions, PollResult, failing
from bot.source_store import ChannelKey, Source

FACTS_PER_KIND = 8
LINKS_PER_ITEM = 5


class CommandHelp(Protocol):
    """What the help lists of a command (bot.commands.CommandSpec has these)."""

    @property
    def name(self) -> str:
        """The subcommand, such as "ask"."""
        ...

    @property
    def usage(self) -> str:
        """The command and its arguments, without the /news prefix."""
        ...

    @property
    def summary(self) -> str:
        """What it does, in a few words."""
        ...


def notice(sentence: str, *, ephemeral: bool = True) -> Message:
    """A one-sentence reply that is not an error."""
    return Message((Text(sentence),), sentence, ephemeral=ephemeral)


def digest_message(digest: Digest) -> Message:
    """A digest: a title, one item per story (its key points and sources), a footnote."""
    count = len(digest.stories)
    if not count:
        return notice(empty_digest_sentence(digest))
    heading = f"News digest · {period_words(digest)}"
    counted = f"{count} {'story' if count == 1 else 'stories'}"
    if digest.more:
        counted += f" · {digest.more:,} more in this period not shown"
    blocks: list[Block] = [Title(heading)]
    blocks += [story_item(story) for story in digest.stories]
    blocks.append(Context(counted))
    return Message(tuple(blocks), f"{heading} · {counted}")


def empty_digest_sentence(digest: Digest) -> str:
    """What to say when a period has no articles."""
    feed = 'a channel admin can add a feed with "/news sources add URL"'
    if digest.period.start is None:
        return f"Nothing has been ingested yet; {feed}."
    return (
        f"Nothing was ingested {digest.period.phrase}; try a longer period such as "
        f'"/news digest 7d", or {feed}.'
    )


def story_item(story: Story) -> Item:
    """One story: its headline, its key points (not repeating the headline), its sources."""
    points = tuple(point for point in story.key_points if point != story.headline)
    return Item(story.headline, points, tuple(_story_link(source) for source in story.sources))


def period_words(digest: Digest) -> str:
    """The period in a few words: "last 24h", "today", "everything stored"."""
    label = digest.period.label
    return {"all": "everything stored", "today": "today"}.get(label, f"last {label}")


def ask_message(result: AskResult) -> Message:
    """The answer as the title, the question under it, then the sentences it rests on."""
    if result.answer is None:
        return notice(result.note or "Nothing in the stored news answers that question.")
    blocks: list[Block] = [Title(result.answer), Context(f"Answer to: {result.question}")]
    blocks += [evidence_item(item) for item in result.evidence]
    if result.note:
        blocks.append(Context(result.note))
    return Message(tuple(blocks), f"{result.answer} (answer to: {result.question})")


def search_message(result: SearchResult) -> Message:
    """The matching sentences, best first, each with its article."""
    if not result.results:
        return notice(f"Nothing stored matches {result.query!r}; try other or fewer words.")
    count = len(result.results)
    heading = f"Search: {result.query}"
    blocks: list[Block] = [Title(heading)]
    blocks += [evidence_item(item) for item in result.results]
    blocks.append(Context(f"{count} matching sentence{'s' if count != 1 else ''}, best first"))
    return Message(tuple(blocks), f"{heading} · {count} results")


def evidence_item(evidence: Evidence) -> Item:
    """A quoted sentence under the title of its article, linked to its source."""
    title = evidence.title or source_label(evidence.source, evidence.url)
    quote = f"“{evidence.sentence}”"
    return Item(title, (quote,), (_evidence_link(evidence),))


def facts_message(result: FactsResult) -> Message:
    """The facts about an entity by kind (most mentioned first), then where sources disagree."""
    if not result.names:
        return notice(f"Nothing stored mentions {result.entity!r}; check the spelling.")
    heading = " / ".join(result.names)
    blocks: list[Block] = [Title(heading)]
    for kind, facts in groupby(result.facts, key=lambda fact: fact.kind):
        blocks.append(_kind_item(kind, list(facts)))
    blocks += [conflict_item(conflict) for conflict in result.conflicts]
    articles = len({fact.evidence.article_id for fact in result.facts})
    footnote = _facts_footnote(len(result.facts), articles, len(result.conflicts))
    blocks.append(Context(footnote))
    return Message(tuple(blocks), f"Facts about {heading}: {footnote}")


def conflict_item(conflict: FactConflict) -> Item:
    """Facts whose values differ across sources: each value with the sentence it came from."""
    title = f"Sources disagree on {_kind_word(conflict.kind)}: " + " vs ".join(conflict.values)
    points = tuple(f"{_fact_words(fact)}: “{fact.evidence.sentence}”" for fact in conflict.facts)
    links = _distinct_links(_evidence_link(fact.evidence) for fact in conflict.facts)
    return Item(title, points, links, note="sources disagree")


def sources_message(
    sources: Sequence[Source], channel: ChannelKey, options: PollOptions, now: datetime
) -> Message:
    """The sources a channel follows and those configured for everyone, with their state."""
    if not sources:
        return notice(
            'This channel follows no sources yet; a channel admin can add a feed with "/news '
            'sources add URL".'
        )
    heading = "Sources"
    blocks: list[Block] = [Title(heading)]
    blocks += [source_item(source, channel, options, now) for source in sources]
    return Message(tuple(blocks), f"{heading}: {len(sources)}")


def source_item(source: Source, channel: ChannelKey, options: PollOptions, now: datetime) -> Item:
    """One source: its state and kind, who follows it, and its URL."""
    whose = "followed by this channel" if source.follower == channel else "configured for all"
    points = [f"{_source_state(source, options)} · {source.kind} · {whose}"]
    if source.consecutive_failures:
        times = "time" if source.consecutive_failures == 1 else "times"
        reason = source.last_error or "no reason recorded"
        points.append(f"failed {source.consecutive_failures} {times} in a row: {reason}")
    else:
        points.append(f"next poll {_when(source.next_poll_at, now)}")
    return Item(source.label, tuple(points), (Link(source.url, source.url),))


def source_added_message(source: Source, first_poll: PollResult | None) -> Message:
    """A channel now follows a source (a public reply: it changes the channel)."""
    if first_poll is None:
        return notice(f"This channel already follows {source.url}.", ephemeral=False)
    new = len(first_poll.articles)
    return notice(
        f"This channel now follows {source.url}: {first_poll.marked_seen} items already in it "
        f"were marked as seen and {new} ingested; new items arrive with the next polls.",
        ephemeral=False,
    )


def source_removed_message(url: str) -> Message:
    """A channel no longer follows a source (a public reply)."""
    return notice(f"This channel no longer follows {url}.", ephemeral=False)


def help_message(commands: Iterable[CommandHelp]) -> Message:
    """Every command with its usage and what it does."""
    listed = list(commands)
    lines = [f"/news {command.usage} - {command.summary}" for command in listed]
    heading = "News bot commands"
    blocks = (
        Title(heading),
        Text("\n".join(lines)),
        Context(
            "Replies only you can see, except changes to this channel "
            "(sources, schedule, channel subscriptions)."
        ),
    )
    names = ", ".join(command.name for command in listed)
    return Message(blocks, f"{heading}: {names}", ephemeral=True)


def source_label(source: str, url: str | None) -> str:
    """How a link names an article's source: the web site of its URL, else its file name
    (a chat needs no folders of the machine the bot runs on)."""
    host = urlsplit(url).hostname if url and _is_web(url) else None
    if host:
        return host.removeprefix("www.")
    if _is_web(source):
        return urlsplit(source).hostname or source
    return PurePath(source).name or source


def _story_link(source: StorySource) -> Link:
    url = source.url if source.url and _is_web(source.url) else None
    language = None if source.language in {"", "und"} else source.language
    return Link(source_label(source.source, source.url), url, language)


def _evidence_link(evidence: Evidence) -> Link:
    url = evidence.url if evidence.url and _is_web(evidence.url) else None
    return Link(source_label(evidence.source, evidence.url), url)


def _distinct_links(links: Iterable[Link]) -> tuple[Link, ...]:
    return tuple(dict.fromkeys(links))[:LINKS_PER_ITEM]


def _kind_item(kind: str, facts: Sequence[EntityFact]) -> Item:
    """The distinct facts of one kind, most often stated first, and the articles they are in."""
    counts = Counter(_fact_words(fact) for fact in facts)
    ranked = [words for words, _ in counts.most_common()]
    shown = tuple(
        f"{words} · {counts[words]} mentions" if counts[words] > 1 else words
        for words in ranked[:FACTS_PER_KIND]
    )
    hidden = len(ranked) - len(shown)
    if hidden:
        shown += (f"and {hidden} more",)
    links = _distinct_links(_evidence_link(fact.evidence) for fact in facts)
    return Item(KIND_HEADINGS.get(kind, kind), shown, links)


def _fact_words(fact: EntityFact) -> str:
    if fact.value and fact.value.casefold() != fact.text.casefold():
        return f"{fact.text} ({fact.value})"
    return fact.text


def _kind_word(kind: str) -> str:
    words = {"org": "an organisation", "place": "a place", "person": "a person"}
    return words.get(kind, f"a {kind}")


def _facts_footnote(facts: int, articles: int, conflicts: int) -> str:
    line = f"{_count(facts, 'fact')} in {_count(articles, 'article')}"
    if conflicts:
        line += f" · sources disagree on {_count(conflicts, 'point')}"
    return line


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _source_state(source: Source, options: PollOptions) -> str:
    if not source.active:
        return "off"
    if failing(source, options):
        return "failing"
    return "retrying" if source.consecutive_failures else "ok"


def _when(moment: datetime, now: datetime) -> str:
    minutes = int((moment - now).total_seconds() // 60)
    if minutes <= 0:
        return "now"
    if minutes < 120:
        return f"in {minutes} min"
    return f"in {minutes // 60} h"


def _is_web(url: str) -> bool:
    return urlsplit(url).scheme in {"http", "https"}
