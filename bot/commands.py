"""The `/news` command core, identical on every platform: text in, a neutral `Message` out.

Platform adapters turn a slash command into an `Invocation` and call `CommandRouter.handle` from a
worker thread (`await asyncio.to_thread(router.handle, invocation)`): it blocks on the store, the
embedder and, for `sources add`, the network. `handle` never raises: a `NewsbotError` becomes its
own sentence, anything else is logged with its traceback and the user gets one generic sentence.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from bot.app import App
from bot.chat import Invocation, Message, error_message
from bot.chat_views import (
    ask_message,
    digest_message,
    facts_message,
    help_message,
    notice,
    search_message,
    source_added_message,
    source_removed_message,
    sources_message,
)
from bot.config_feeds import http_url
from bot.digest import build_digest
from bot.errors import InputError, NewsbotError, echoed
from bot.feed_runtime import open_feeds, poll_options, sync_configured_sources
from bot.period import parse_period
from bot.polling import AddResult
from bot.schedules import answer_schedule
from bot.source_store import ChannelKey, NewSource, SourceStore
from bot.subscriptions import (
    PREVIEW,
    Subscriber,
    SubscriptionStore,
    answer_subscribe,
    answer_subscriptions,
    answer_unsubscribe,
    channel_flag,
    checked_topic,
    clean_topic,
)
from bot.topic_match import topic_matches
from summarizer.topics import TopicMatcher

MAX_TEXT_CHARS = 2_000
PREFIX = "/news"
GENERIC_FAILURE = (
    "Something went wrong while running that command; try again in a moment, and tell whoever "
    "runs the news bot if it keeps happening."
)
SOURCE_ACTIONS = ("add", "remove", "list")
CHANGING_SOURCE_ACTIONS = frozenset({"add", "remove"})
SUBSCRIBING = frozenset({"subscribe", "unsubscribe"})
# Control characters and lone surrogates in a command: a console reads undecodable bytes as
# surrogates, and neither UTF-8 (surrogates) nor PostgreSQL text (NUL) can hold them.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """One `/news` subcommand: name, usage line, one-line summary, whether only channel admins
    may run it, and whether its reply is shown only to the caller."""

    name: str
    usage: str
    summary: str
    admin_only: bool = False
    ephemeral: bool = True


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("digest", "digest [today|24h|7d|all]", "the stories of a period"),
    CommandSpec("ask", "ask <question>", "an answer from the stored facts, with its evidence"),
    CommandSpec("facts", "facts <entity>", "what the stored news says about a name"),
    CommandSpec("search", "search <terms>", "the stored sentences that best match some words"),
    CommandSpec(
        "sources",
        "sources add <url> | remove <url> | list",
        "the feeds this channel follows (add and remove: channel admins only)",
    ),
    # Public: setting, stopping or showing the channel's digest time concerns the channel.
    CommandSpec(
        "schedule",
        "schedule <HH:MM> [timezone] [weekdays] | off",
        "post the digest here every day (channel admins only)",
        admin_only=True,
        ephemeral=False,
    ),
    # Public with --channel (channel admins only): the whole channel then follows the topic.
    CommandSpec(
        "subscribe",
        "subscribe [--channel] <topic>",
        "alerts here about a topic, for you (--channel: for everyone here, channel admins only)",
    ),
    CommandSpec("unsubscribe", "unsubscribe [--channel] <topic>", "stop the alerts about a topic"),
    CommandSpec("subscriptions", "subscriptions", "the topics you and this channel follow"),
    CommandSpec("help", "help", "this list"),
)
_SPECS = {spec.name: spec for spec in COMMANDS}
_ADMIN_WHO = {
    "slack": "workspace admins and owners and the bot's configured admins",
    "discord": "members with Manage Server or Manage Channels",
}


def split_command(text: str) -> tuple[str, str]:
    """The subcommand (lower case) and the rest: "ask who leads X?" -> ("ask", "who leads X?").

    A leading "/news" is dropped (the console accepts it); blank text is ("help", "").
    """
    words = text.strip().split(maxsplit=1)
    if words and words[0].lower() == PREFIX:
        words = words[1].split(maxsplit=1) if len(words) > 1 else []
    if not words:
        return "help", ""
    return words[0].lower(), words[1].strip() if len(words) > 1 else ""


def needs_admin(command: str, text: str = "") -> bool:
    """Whether only channel admins may run this command with this text."""
    name, rest = split_command(f"{command} {text}")
    if name == "sources":
        return split_command(rest)[0] in CHANGING_SOURCE_ACTIONS
    if name in SUBSCRIBING:
        return channel_flag(rest)[0]
    spec = _SPECS.get(name)
    return spec is not None and spec.admin_only


def is_ephemeral(command: str, text: str = "", is_admin: bool = True) -> bool:
    """Whether the reply to this command is shown only to the caller, known before it runs.

    `command` may be the subcommand alone ("ask") or with its words ("sources add"); `text` is
    the rest. Only commands that change the channel answer publicly: `sources add` and
    `sources remove`, `schedule`, and `subscribe --channel` / `unsubscribe --channel`, by an
    admin; everything else, and every refusal, is ephemeral. A public command can still
    fail: the error reply is then marked ephemeral and the adapter decides how to show it.
    """
    name, rest = split_command(f"{command} {text}")
    if len(command) + len(text) > MAX_TEXT_CHARS or name not in _SPECS:
        return True
    if needs_admin(name, rest) and not is_admin:
        return True
    if name == "sources":
        return split_command(rest)[0] not in CHANGING_SOURCE_ACTIONS
    if name in SUBSCRIBING:
        return not channel_flag(rest)[0]
    return _SPECS[name].ephemeral


@dataclass(frozen=True, slots=True)
class _Request:
    """An invocation with its subcommand split off its arguments."""

    command: str
    args: str
    invocation: Invocation

    @property
    def channel(self) -> ChannelKey:
        """The channel as a follower of sources."""
        return ChannelKey(self.invocation.platform, self.invocation.channel_id)


_Handler = Callable[[App, _Request], Message]


class CommandRouter:
    """Runs `/news` invocations on one core, one at a time."""

    def __init__(self, core: App) -> None:
        self._core = core
        self._lock = threading.Lock()

    def handle(self, invocation: Invocation) -> Message:
        """The reply to `invocation`. Thread-safe (one command at a time) and never raises.

        Call it from a worker thread, not from a running event loop: `sources add` runs its own
        loop for the first poll.
        """
        with self._lock:
            try:
                return self._dispatch(invocation)
            except NewsbotError as error:
                return error_message(sentence(str(error)))
            except Exception:
                logger.exception(
                    "/news %s failed on %s channel %s",
                    invocation.command,
                    invocation.platform,
                    invocation.channel_id,
                )
                return error_message(GENERIC_FAILURE)

    def _dispatch(self, invocation: Invocation) -> Message:
        invocation = replace(
            invocation, command=printable(invocation.command), text=printable(invocation.text)
        )
        if len(invocation.command) + len(invocation.text) > MAX_TEXT_CHARS:
            return error_message(
                f"That command is too long; keep it under {MAX_TEXT_CHARS:,} characters."
            )
        command, args = split_command(f"{invocation.command} {invocation.text}")
        handler = _HANDLERS.get(command)
        if handler is None:
            return error_message(_unknown_sentence(command))
        if needs_admin(command, args) and not invocation.is_admin:
            return error_message(_refusal(command, invocation))
        reply = handler(self._core, _Request(command, args, invocation))
        if reply.error:
            return reply
        return replace(reply, ephemeral=is_ephemeral(command, args, invocation.is_admin))


def printable(text: str) -> str:
    """`text` with control characters as spaces and lone surrogates as U+FFFD."""
    return _UNPRINTABLE.sub(_printable_char, text)


def _printable_char(match: re.Match[str]) -> str:
    return "\ufffd" if "\ud800" <= match.group() <= "\udfff" else " "


def sentence(text: str) -> str:
    """`text` as one sentence: capitalised, ending in a full stop (or its own ?, ! or quote)."""
    clean = " ".join(text.split()) or "That did not work"
    first = clean.split(maxsplit=1)[0]
    if first.isalpha() and first.islower():
        clean = clean[0].upper() + clean[1:]
    return clean if clean[-1] in ".?!”" else clean + "."


def _unknown_sentence(command: str) -> str:
    names = ", ".join(spec.name for spec in COMMANDS)
    shown = command if len(command) <= 40 else command[:39] + "…"
    return f"There is no /news command {shown!r}; the commands are {names}."


def _refusal(command: str, invocation: Invocation) -> str:
    what = "change the sources this channel follows"
    if command == "schedule":
        what = "schedule the digest of this channel"
    if command in SUBSCRIBING:
        what = f"{command} this whole channel; without --channel the subscription is yours"
    who = _ADMIN_WHO.get(invocation.platform)
    admins = f"channel admins ({who})" if who else "channel admins"
    return f"Only {admins} can {what}; ask one of them to do it."


def _help(core: App, request: _Request) -> Message:
    return help_message(COMMANDS)


def _digest(core: App, request: _Request) -> Message:
    label = request.args or core.config.digest.since
    try:
        period = parse_period(label, core.clock())
    except ValueError as error:
        raise InputError(f"{error}, for example: /news digest 7d") from None
    except OverflowError:
        # "1000000d" parses, but reaches back before the first date a datetime can hold.
        raise InputError(
            "That period reaches back further than any date; give a shorter one such as 7d, or all"
        ) from None
    limit = core.config.digest.max_stories
    return digest_message(build_digest(core.store, period, core.merging, limit=limit))


def _ask(core: App, request: _Request) -> Message:
    if not request.args:
        raise InputError("Ask a question, for example: /news ask Who leads Xiaomi's R&D centre?")
    return ask_message(core.lookup.ask(request.args))


def _facts(core: App, request: _Request) -> Message:
    if not request.args:
        raise InputError("Name a person, organisation or place, for example: /news facts Xiaomi")
    return facts_message(core.lookup.facts(request.args))


def _search(core: App, request: _Request) -> Message:
    if not request.args:
        raise InputError("Give some words to search for, for example: /news search SU7 price")
    return search_message(core.lookup.search(request.args))


def _sources(core: App, request: _Request) -> Message:
    action, rest = split_command(request.args) if request.args else ("list", "")
    if action == "list":
        return _list_sources(core, request.channel)
    if action not in CHANGING_SOURCE_ACTIONS or not rest:
        raise InputError(
            "Use /news sources add <url>, /news sources remove <url> or /news sources list"
        )
    url = _feed_url(rest)
    if action == "add":
        return _add_source(core, request, url)
    return _remove_source(core, request.channel, url)


def _list_sources(core: App, channel: ChannelKey) -> Message:
    store = SourceStore(core.engine)
    now = core.clock()
    sync_configured_sources(store, core.config.sources, now)
    shown = [s for s in store.list() if s.follower is None or s.follower == channel]
    return sources_message(shown, channel, poll_options(core.config), now)


def _add_source(core: App, request: _Request, url: str) -> Message:
    invocation = request.invocation
    new = NewSource(
        url,
        "feed",
        added_by=f"{invocation.platform}:{invocation.user_id}",
        follower=request.channel,
    )
    result = asyncio.run(_first_poll(core, new))
    return source_added_message(result.source, result.poll)


async def _first_poll(core: App, new: NewSource) -> AddResult:
    async with open_feeds(core) as feeds:
        return await feeds.poller.add_source(new)


def _remove_source(core: App, channel: ChannelKey, url: str) -> Message:
    store = SourceStore(core.engine)
    if store.remove(url, channel):
        return source_removed_message(url)
    if store.find(url) is not None:
        raise InputError(
            f"{url} is followed through the bot's configuration; remove it from newsbot.toml"
        )
    raise InputError(f"This channel does not follow {url}; /news sources list shows what it does")


def _feed_url(text: str) -> str:
    """The canonical URL of the first word; Slack's escaped form <url|label> is unwrapped."""
    url = text.split(maxsplit=1)[0].removeprefix("<").removesuffix(">").split("|")[0]
    try:
        return http_url(url)
    except ValueError:
        raise InputError(
            "Give an http:// or https:// feed address such as https://example.com/feed.xml; "
            f"{echoed(url)} is not one"
        ) from None


def _schedule(core: App, request: _Request) -> Message:
    """Set (`09:00 Europe/Amsterdam [weekdays]`), stop (`off`) or show the channel's digest time.

    The running scheduler picks the change up from the store within its sweep interval.
    """
    invocation = request.invocation
    reply = answer_schedule(
        core.engine,
        request.channel,
        request.args,
        set_by=f"{invocation.platform}:{invocation.user_id}",
        now=core.clock(),
    )
    return notice(reply, ephemeral=False)


def _subscriber(request: _Request) -> tuple[Subscriber, str]:
    """Who subscribes (the caller, or the channel with --channel) and the rest of the words."""
    for_channel, rest = channel_flag(request.args)
    return Subscriber(request.channel, request.invocation.user_id, for_channel), rest


def _subscribe(core: App, request: _Request) -> Message:
    subscriber, text = _subscriber(request)
    matcher = TopicMatcher(core.merging.embedder)
    topic = checked_topic(matcher, text, "subscribe")
    store = SubscriptionStore(core.engine)
    preview = partial(topic_matches, core.store, matcher, limit=PREVIEW, articles=core.articles)
    return answer_subscribe(store, preview, subscriber, topic, core.clock())


def _unsubscribe(core: App, request: _Request) -> Message:
    subscriber, text = _subscriber(request)
    topic = clean_topic(text)
    if not topic:
        raise InputError("Name the topic to stop, for example: /news unsubscribe battery recycling")
    return answer_unsubscribe(SubscriptionStore(core.engine), subscriber, topic)


def _subscriptions(core: App, request: _Request) -> Message:
    subscriber, _ = _subscriber(request)
    return answer_subscriptions(SubscriptionStore(core.engine), subscriber)


_HANDLERS: dict[str, _Handler] = {
    "help": _help,
    "digest": _digest,
    "ask": _ask,
    "facts": _facts,
    "search": _search,
    "sources": _sources,
    "schedule": _schedule,
    "subscribe": _subscribe,
    "unsubscribe": _unsubscribe,
    "subscriptions": _subscriptions,
}
