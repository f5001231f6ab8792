"""The `newsbot` command line: parse arguments, call the core, print results or one-line errors."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, NoReturn

import httpx
import typer

from bot import cli_chat, cli_discord, cli_health, cli_serve, cli_topics
from bot.app import App, Choices, configure, open_app, read_options
from bot.chat_views import digest_message
from bot.clock import utc_now
from bot.config import Config
from bot.config_chat import WebhookEntry
from bot.config_feeds import duration, http_url
from bot.demo import default_seeds_dir, demo_app, demo_sections
from bot.digest import build_digest
from bot.digest_history import DigestHistory
from bot.discovery import discover
from bot.errors import InputError, NewsbotError
from bot.feed_ingest import ingest_urls
from bot.feed_runtime import open_feeds, poll_options, sync_configured_sources
from bot.fingerprint import article_id, fingerprint
from bot.ingest import IngestOutcome
from bot.jsonl import LineOptions, summarise_lines
from bot.models import Digest, Period, SourceText
from bot.payloads import (
    ask_payload,
    digest_payload,
    facts_payload,
    ingest_payload,
    search_payload,
    summary_payload,
)
from bot.period import parse_period
from bot.polling import AddResult, PollResult
from bot.progress import run_batch
from bot.render_lookup import ask_view, facts_view, search_view
from bot.render_sources import poll_line, poll_summary, source_line
from bot.render_terminal import (
    batch_summary,
    demo_section_view,
    digest_view,
    empty_digest_line,
    outcome_line,
    skipped_note,
    stderr_console,
    stdout_console,
    summary_view,
)
from bot.source_payloads import feed_source_payload, poll_payload
from bot.source_store import NewSource, Source, SourceStore
from bot.summaries import article_title, summarise_source
from bot.textfile import read_text_file
from bot.url_source import fetch_source_text, is_url
from bot.webhooks import TIMEOUT as WEBHOOK_TIMEOUT
from bot.webhooks import post_webhook, webhook_url
from summarizer import SummarizerError

app = typer.Typer(
    name="newsbot",
    help="Read the news for a team: key points, facts and digests of articles.\n\n"
    "\b\nExamples:\n"
    "  newsbot demo\n"
    "  newsbot ingest seeds/ && newsbot digest --since all\n"
    "  newsbot summarize --json seeds/000_89d674eb3127cf61.txt\n"
    "  newsbot sources add https://example.com/feed.xml && newsbot poll\n\n"
    "Run `newsbot COMMAND --help` for the options of a command.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

PointsOption = Annotated[
    int | None,
    typer.Option(
        "--points",
        min=1,
        max=10,
        metavar="N",
        help="Number of key points, 1 to 10 (default: [summarizer] points in the config, 4).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


@app.callback()
def _global_options(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="PATH|URL",
            help="The store: a SQLite file path or a postgresql://user@host/database URL "
            "(a password belongs in $NEWSBOT_DB or ~/.pgpass, not on the command line). Default: "
            "$NEWSBOT_DB, else [store] url in the config, else "
            "~/.local/share/newsbot/newsbot.db (or under $XDG_DATA_HOME).",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            metavar="PATH",
            help="The config file (default: ./newsbot.toml if present; see config.example.toml).",
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback of an error.")
    ] = False,
) -> None:
    """Read the news for a team."""
    ctx.obj = Choices(config_path=config, db=db, debug=debug)


@app.command()
def summarize(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            metavar="PATH|URL|-",
            help="A .txt, .md or .html file, an http(s) URL, or - for JSON Lines on stdin.",
        ),
    ],
    points: PointsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print the key points and facts of one article.

    \b
    With -, read JSON Lines {"id", "title" (optional), "text"} from stdin and
    write one JSON line per input line, in order; a bad line gets
    {"id", "error"} and the rest go on (exit code 1 if any line failed).

    \b
    Examples:
      newsbot summarize seeds/000_89d674eb3127cf61.txt
      newsbot summarize --points 3 --json article.html
      echo '{"id": "a1", "text": "One. Two."}' | newsbot summarize -
    """
    choices = _choices(ctx)
    with reporting(choices):
        config = _configure(choices)
        count = points or config.summarizer.points
        if target == "-":
            raise typer.Exit(_summarise_stdin(LineOptions(points=count, debug=choices.debug)))
        source = _read_target(target, config)
        try:
            summary = summarise_source(source, count)
        except SummarizerError as error:
            raise InputError(f"{source.source} cannot be summarised: {error}") from None
        title = article_title(summary, source)
        if as_json:
            summary_id = article_id(fingerprint(source.text))
            _echo_json(summary_payload(summary_id, title, summary))
        else:
            stdout_console().print(summary_view(title, source.source, summary))


@app.command()
def ingest(
    ctx: typer.Context,
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH|URL",
            help="Files (.txt .md .markdown .html .htm), folders (searched recursively) or URLs.",
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Summarise articles and keep them in the store.

    \b
    Each item gets one line (new, unchanged or failed, with the reason);
    a bad item never stops the batch. The same content is stored once:
    re-ingesting it reports "unchanged". Exit code 1 if any item failed.
    A URL may be an article page or an RSS/Atom feed: every item of a feed
    is ingested (its own text when the feed carries the full article, else
    its page). URLs are read after the files.

    \b
    Examples:
      newsbot ingest seeds/
      newsbot ingest notes/today.md https://example.com/news/article.html
      newsbot ingest https://example.com/feed.xml
      newsbot --db /tmp/news.db ingest --json seeds/
    """
    choices = _choices(ctx)
    with reporting(choices):
        config = _configure(choices)
        with open_app(config, debug=choices.debug) as core:
            discovery = discover(paths)
            err = stderr_console()
            for skipped in discovery.skipped:
                err.print(skipped_note(skipped), soft_wrap=True)
            files = [item for item in discovery.items if item.path is not None]
            urls = [item.source for item in discovery.items if item.path is None]
            outcomes = run_batch(core.ingestor, files, err) if files else ()
            if urls:
                outcomes += _ingest_urls(core, urls)
        _report_batch(outcomes, as_json=as_json)
        if any(outcome.status == "failed" for outcome in outcomes):
            raise typer.Exit(1)


@app.command()
def digest(
    ctx: typer.Context,
    *,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="PERIOD",
            help="24h, 7d (any number of h or d), today or all; by ingestion time "
            "(default: [digest] since in the config, 24h).",
        ),
    ] = None,
    channel: Annotated[
        str,
        typer.Option(
            "--channel",
            metavar="NAME",
            help="Whose earlier digests count as already said (default: terminal).",
        ),
    ] = "terminal",
    post: Annotated[
        str | None,
        typer.Option(
            "--post",
            metavar="WEBHOOK",
            help="Post the digest to this [[webhooks]] entry (Slack or Discord) instead of "
            "printing it; what it said is remembered for that webhook.",
        ),
    ] = None,
    remember: Annotated[
        bool,
        typer.Option(
            "--remember",
            help="Record this digest as said to the channel, so the next one leaves out "
            "what it repeats and marks stories that grew as updates.",
        ),
    ] = False,
    max_stories: Annotated[
        int | None,
        typer.Option(
            "--max-stories",
            min=1,
            max=500,
            metavar="N",
            help="Show the N most important stories (default: [digest] max_stories, 25); "
            "the rest are counted.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Print the digest of the stored articles of a period.

    Stories are ranked by their number of sources, novelty and recency.
    A story that an earlier --remember'ed digest of the same channel told
    keeps only its new key points and is marked as an update; one with
    nothing new is left out (and counted).

    \b
    Examples:
      newsbot digest
      newsbot digest --since 7d
      newsbot digest --since all --json
      newsbot digest --remember          # the daily habit: only news since
      newsbot digest --post team         # to the [[webhooks]] entry named team
    """
    choices = _choices(ctx)
    with reporting(choices):
        config = _configure(choices)
        period = _period(since or config.digest.since)
        if not channel.strip():
            raise InputError("--channel needs a name, such as terminal")
        target = _webhook(config, post) if post is not None else None
        audience = f"webhook:{target.name}" if target else channel.strip()
        with open_app(config, debug=choices.debug) as core:
            history = DigestHistory(core.engine, audience)
            limit = max_stories or config.digest.max_stories
            result = build_digest(core.store, period, core.merging, history, limit=limit)
            if target is not None and result.stories:
                posted = _post_digest(target, result)
                history.remember(result, core.clock())
            elif remember:
                history.remember(result, core.clock())
        if target is not None and not result.stories:
            typer.echo(f"{empty_digest_line(result)} Nothing was posted to {target.name}.")
            return
        if target is not None:
            noun = "message" if posted == 1 else "messages"
            typer.echo(f"posted the digest to {target.name} ({posted} {noun})")
            return
        _print_digest(result, as_json=as_json)


@app.command()
def demo(
    ctx: typer.Context,
    seeds: Annotated[
        Path | None,
        typer.Option(
            "--seeds",
            metavar="DIR",
            help="The articles to ingest (default: the seeds/ folder of this repository).",
        ),
    ] = None,
) -> None:
    """Ingest the seeds into a temporary store and print their digest.

    \b
    Nothing is kept: the store lives in a temporary folder that is removed
    afterwards. No tokens or network needed.

    \b
    Example:
      newsbot demo
    """
    choices = _choices(ctx)
    with reporting(choices):
        config = _configure(choices)
        folder = seeds or _relative_to_cwd(default_seeds_dir())
        err = stderr_console()
        with demo_app(config, folder, debug=choices.debug) as core:
            outcomes = run_batch(core.ingestor, discover([str(folder)]).items, err)
            result = build_digest(core.store, parse_period("all", core.clock()), core.merging)
            sections = demo_sections(core)
        err.print(batch_summary(outcomes), soft_wrap=True)
        out = stdout_console()
        out.print(digest_view(result))
        for section in sections:
            out.print(demo_section_view(section))


@app.command()
def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="A question about the stored news.")],
    as_json: JsonOption = False,
) -> None:
    """Answer a question from the facts of the stored articles, with evidence.

    \b
    The answer is the shortest span that answers the question, with the
    sentences it comes from; when nothing stored supports an answer, it says so.
    English and Dutch questions, over articles in any language.

    \b
    Examples:
      newsbot ask "Who leads Xiaomi's European R&D centre?"
      newsbot ask --json "Hoeveel kost de SU7?"
    """
    choices = _choices(ctx)
    with reporting(choices):
        with open_app(_configure(choices), debug=choices.debug) as core:
            result = core.lookup.ask(question)
        if as_json:
            _echo_json(ask_payload(result))
        else:
            stdout_console().print(ask_view(result))


@app.command()
def facts(
    ctx: typer.Context,
    entity: Annotated[str, typer.Argument(help="A person, organisation or place.")],
    as_json: JsonOption = False,
) -> None:
    """List what the stored articles say about an entity; flag where sources disagree.

    \b
    Names match across languages and short forms: "München" finds Munich,
    "Dittrich" finds Rudolf Dittrich.

    \b
    Examples:
      newsbot facts Xiaomi
      newsbot facts --json "Lei Jun"
    """
    choices = _choices(ctx)
    with reporting(choices):
        with open_app(_configure(choices), debug=choices.debug) as core:
            result = core.lookup.facts(entity)
        if as_json:
            _echo_json(facts_payload(result))
        else:
            stdout_console().print(facts_view(result))


@app.command()
def search(
    ctx: typer.Context,
    terms: Annotated[str, typer.Argument(help="Words to look for, in any language.")],
    as_json: JsonOption = False,
) -> None:
    """Find the stored sentences that best match some words, best first.

    \b
    Examples:
      newsbot search "SU7 price"
      newsbot search --json "fabriek Peking"
    """
    choices = _choices(ctx)
    with reporting(choices):
        with open_app(_configure(choices), debug=choices.debug) as core:
            result = core.lookup.search(terms)
        if as_json:
            _echo_json(search_payload(result))
        else:
            stdout_console().print(search_view(result))


sources_app = typer.Typer(
    name="sources",
    help="Follow RSS/Atom feeds and pages: add, remove and list the sources `newsbot poll` "
    "reads.\n\n"
    "\b\nExamples:\n"
    "  newsbot sources add https://example.com/feed.xml\n"
    "  newsbot sources list --json\n"
    "  newsbot sources remove https://example.com/feed.xml",
    no_args_is_help=True,
)
app.add_typer(sources_app)
UrlArgument = Annotated[str, typer.Argument(metavar="URL", help="An http(s) feed or page URL.")]


@sources_app.command("add")
def sources_add(
    ctx: typer.Context,
    url: UrlArgument,
    name: Annotated[
        str | None, typer.Option("--name", metavar="TEXT", help="A short name for lists.")
    ] = None,
    interval: Annotated[
        str | None,
        typer.Option(
            "--interval",
            metavar="DURATION",
            help="How often to poll it, such as 30m, 2h or 1d (default: [feeds] interval).",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Follow a feed or page: fetch it once and mark what it holds as seen.

    \b
    Nothing already in the feed is ingested (unless [feeds] keep_newest says
    so): later polls ingest only what is new. A URL that cannot be fetched
    or is not a usable feed is not added. The URL goes through the same
    address checks as every fetch (no private or local addresses).

    \b
    Examples:
      newsbot sources add https://example.com/feed.xml
      newsbot sources add --name "Example news" --interval 2h https://example.com/rss
    """
    choices = _choices(ctx)
    with reporting(choices):
        config = _configure(choices)
        new = NewSource(
            _source_url(url),
            "feed",
            added_by="cli",
            name=name.strip() if name and name.strip() else None,
            interval=_interval(interval),
        )
        with open_app(config, debug=choices.debug) as core:
            result = asyncio.run(_add_source(core, new))
        options = poll_options(config)
        if as_json:
            _echo_json(feed_source_payload(result.source, options))
        stream = stderr_console() if as_json else stdout_console()
        stream.print(_added_line(result), soft_wrap=True)


@sources_app.command("remove")
def sources_remove(ctx: typer.Context, url: UrlArgument) -> None:
    """Stop following a source and forget the items it delivered.

    \b
    Articles already stored stay. A source listed under [[sources]] in the
    config comes back at the next poll: remove it from the config instead.

    \b
    Example:
      newsbot sources remove https://example.com/feed.xml
    """
    choices = _choices(ctx)
    with reporting(choices):
        config = _configure(choices)
        canonical = _source_url(url)
        with open_app(config, debug=choices.debug) as core:
            removed = SourceStore(core.engine).remove(canonical)
        if not removed:
            raise InputError(f"{url} is not a source; `newsbot sources list` shows them")
        stdout_console().print(f"removed {canonical}", soft_wrap=True, highlight=False)


@sources_app.command("list")
def sources_list(
    ctx: typer.Context,
    show_all: Annotated[
        bool, typer.Option("--all", help="Include sources switched off (left the config).")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """List the sources with their polling state; failing ones say why.

    \b
    A source is "failing" once it failed [feeds] failure_threshold polls in
    a row; it is then polled less and less often (up to once a day) until
    it works again.

    \b
    Examples:
      newsbot sources list
      newsbot sources list --json
    """
    choices = _choices(ctx)
    with reporting(choices):
        config = _configure(choices)
        with open_app(config, debug=choices.debug) as core:
            store = SourceStore(core.engine)
            sync_configured_sources(store, config.sources, core.clock())
            found = store.list(include_inactive=show_all)
            now = core.clock()
        _print_sources(found, config, now, as_json=as_json)


@app.command()
def poll(
    ctx: typer.Context,
    every: Annotated[
        bool, typer.Option("--all", help="Poll every active source now, due or not.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Poll the sources that are due once: new items are ingested.

    \b
    Each source gets one line. An unchanged feed costs one request (ETag /
    Last-Modified). A source's first poll marks what it holds as seen;
    items older than [feeds] max_item_age are skipped. A failing source is
    retried later and later (5 minutes doubling up to a day); reaching
    [feeds] failure_threshold failures in a row prints an alert. Sources
    listed under [[sources]] in the config are added first. Exit code 0
    even when sources fail: `newsbot sources list` shows them.

    \b
    Examples:
      newsbot poll
      newsbot poll --all --json
    """
    choices = _choices(ctx)
    with reporting(choices):
        config = _configure(choices)
        with open_app(config, debug=choices.debug) as core:
            results = asyncio.run(_poll(core, every=every))
        options = poll_options(config)
        if as_json:
            _echo_json(poll_payload(results, options))
            stderr_console().print(poll_summary(results), soft_wrap=True, highlight=False)
            return
        out = stdout_console()
        for result in results:
            out.print(poll_line(result), soft_wrap=True)
        out.print(poll_summary(results), soft_wrap=True, highlight=False)


@contextmanager
def reporting(choices: Choices) -> Iterator[None]:
    """The error boundary: any failure becomes one sentence on stderr and exit code 1.

    With --debug the exception propagates with its traceback instead.
    """
    try:
        yield
    except (typer.Exit, typer.Abort, typer.TyperException):
        raise
    except KeyboardInterrupt:
        _fail("interrupted", code=130)
    except NewsbotError as error:
        if choices.debug:
            raise
        _fail(str(error))
    except Exception as error:
        if choices.debug:
            raise
        first_line = next(iter(str(error).splitlines()), "")
        _fail(f"unexpected {type(error).__name__}: {first_line}; run with --debug to see where")


def main() -> None:
    """Entry point of `newsbot`."""
    app()


def _choices(ctx: typer.Context) -> Choices:
    return ctx.obj if isinstance(ctx.obj, Choices) else Choices()


def _configure(choices: Choices) -> Config:
    return configure(choices, os.environ, Path.cwd())


def _fail(message: str, *, code: int = 1) -> NoReturn:
    sentence = message.strip().rstrip(".") + "."
    typer.echo(f"error: {sentence}", err=True)
    raise typer.Exit(code)


def _echo_json(payload: object, *, indent: int | None = 2) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=indent))


def _summarise_stdin(options: LineOptions) -> int:
    failed = False
    for result in summarise_lines(_stdin_lines(), options):
        _echo_json(result.payload, indent=None)
        failed = failed or not result.ok
    return 1 if failed else 0


def _relative_to_cwd(path: Path) -> Path:
    """`path` relative to the working directory when it is inside it (shorter report lines)."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _stdin_lines() -> Iterator[str]:
    """Lines of stdin decoded as UTF-8 whatever the locale (JSON Lines are UTF-8)."""
    binary = getattr(sys.stdin, "buffer", None)
    if binary is None:
        yield from sys.stdin
        return
    for raw in binary:
        yield raw.decode("utf-8", errors="replace")


def _read_target(target: str, config: Config) -> SourceText:
    if is_url(target):
        return fetch_source_text(target, utc_now())
    path = Path(target)
    if not path.exists():
        raise InputError(f"{target} does not exist; check the path")
    if path.is_dir():
        raise InputError(f"{target} is a folder; summarize takes one file (ingest takes folders)")
    return read_text_file(path, read_options(config))


def _ingest_urls(core: App, urls: list[str]) -> tuple[IngestOutcome, ...]:
    async def run() -> tuple[tuple[IngestOutcome, ...], ...]:
        async with open_feeds(core) as feeds:
            return await ingest_urls(urls, feeds.fetcher, feeds.sink)

    outcomes = tuple(outcome for group in asyncio.run(run()) for outcome in group)
    err = stderr_console()
    for outcome in outcomes:
        err.print(outcome_line(outcome), soft_wrap=True)
    return outcomes


async def _add_source(core: App, new: NewSource) -> AddResult:
    async with open_feeds(core) as feeds:
        return await feeds.poller.add_source(new)


async def _poll(core: App, *, every: bool) -> tuple[PollResult, ...]:
    async with open_feeds(core) as feeds:
        sync_configured_sources(feeds.sources, core.config.sources, core.clock())
        return await feeds.poller.poll_due_sources(core.clock(), every=every)


def _source_url(url: str) -> str:
    try:
        return http_url(url)
    except ValueError:
        raise InputError(f"{url} is not an http:// or https:// URL") from None


def _interval(label: str | None) -> timedelta | None:
    if label is None:
        return None
    try:
        return duration(label)
    except ValueError as error:
        raise InputError(f"--interval {label!r} {error}") from None


def _added_line(result: AddResult) -> str:
    source = result.source
    if not result.added:
        return f"already following {source.url}"
    poll = result.poll
    seen = poll.marked_seen if poll else 0
    new = len(poll.articles) if poll else 0
    return f"added {source.kind} {source.url}: {seen} existing items marked seen, {new} ingested"


def _print_sources(
    found: tuple[Source, ...], config: Config, now: datetime, *, as_json: bool
) -> None:
    options = poll_options(config)
    if as_json:
        _echo_json([feed_source_payload(source, options) for source in found])
        return
    if not found:
        typer.echo("No sources yet. Add one with `newsbot sources add URL`.")
        return
    out = stdout_console()
    for source in found:
        out.print(source_line(source, options, now), soft_wrap=True)


def _period(label: str) -> Period:
    try:
        return parse_period(label, utc_now())
    except ValueError as error:
        raise InputError(f"--since {error}") from None


def _report_batch(outcomes: tuple[IngestOutcome, ...], *, as_json: bool) -> None:
    line = batch_summary(outcomes)
    if as_json:
        _echo_json(
            [
                ingest_payload(o.article, o.story_id, o.status)
                for o in outcomes
                if o.article is not None
            ]
        )
        stderr_console().print(line, soft_wrap=True)
    else:
        stdout_console().print(line, soft_wrap=True)


def _webhook(config: Config, name: str) -> WebhookEntry:
    for entry in config.webhooks:
        if entry.name == name.strip():
            return entry
    known = ", ".join(entry.name for entry in config.webhooks) or "none are configured"
    raise InputError(f"there is no [[webhooks]] entry named {name!r} ({known})")


def _post_digest(entry: WebhookEntry, result: Digest) -> int:
    url = webhook_url(entry, os.environ)

    async def post() -> int:
        async with httpx.AsyncClient(timeout=WEBHOOK_TIMEOUT) as client:
            return await post_webhook(client, entry.platform, url, digest_message(result))

    return asyncio.run(post())


def _print_digest(result: Digest, *, as_json: bool) -> None:
    if as_json:
        _echo_json(digest_payload(result))
    elif not result.stories:
        typer.echo(empty_digest_line(result))
    else:
        stdout_console().print(digest_view(result))


# Commands that live in their own modules; they import what they share from here lazily.
cli_chat.register(app)
cli_discord.register(app)
cli_health.register(app)
cli_serve.register(app)
cli_topics.register(app)
