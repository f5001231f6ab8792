"""The `newsbot serve` command: run the bot until stopped, logging one line per event to stderr.

The platform SDKs load only when the command runs (`bot.serve` imports them); the shared CLI
helpers are imported there too, because bot/cli.py imports this module.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, TextIO

import typer

from bot.app import open_app

BOT_LOGGER = "bot"
# Warnings the SDKs give on every start that ask nothing of the user: discord.py's optional
# voice support (newsbot has no voice), and bolt noticing SLACK_BOT_TOKEN beside our own client.
STARTUP_NOISE = (
    ("discord", "voice will NOT be supported"),
    ("slack_bolt", "`token` will be unused"),
)


def register(app: typer.Typer) -> None:
    """Add `newsbot serve` to `app`."""
    app.command("serve")(serve_command)


def serve_command(
    ctx: typer.Context,
    poll_every: Annotated[
        float,
        typer.Option(
            "--poll-every",
            metavar="SECONDS",
            min=1.0,
            help="How often to look for sources that are due (each source keeps its own "
            "interval, [feeds] interval by default).",
        ),
    ] = 60.0,
    log_json: Annotated[
        bool,
        typer.Option(
            "--log-json",
            help='Log one JSON object per line: {"time", "level", "logger", "message"}.',
        ),
    ] = False,
) -> None:
    """Run the bot: /news on Slack and Discord, digests, alerts and feed polling.

    \b
    What runs depends on the environment variables that are set:
      SLACK_BOT_TOKEN, SLACK_APP_TOKEN       Slack over Socket Mode (the default,
                                             no public URL needed)
      SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET  Slack over HTTP on [slack] port,
                                             with [slack] mode = "http"
      DISCORD_TOKEN                          Discord over the gateway (register
                                             /news once: newsbot discord sync)
      none of them                           feed polling only (the first log
                                             line says so)

    Feed polling always runs, on the same scheduler as the digests: sources
    that are due are polled every --poll-every seconds, a source that keeps
    failing is reported to the channel that follows it, and new stories are
    matched against the topic subscriptions. Logs go to stderr, one line per event (start,
    platform connected, poll summary, alert delivered, errors). A missing or
    refused token stops it at once with one sentence. Ctrl-C or SIGTERM stops
    it cleanly: commands are refused, the current poll finishes, connections
    close.

    \b
    Examples:
      SLACK_BOT_TOKEN=xoxb-... SLACK_APP_TOKEN=xapp-... newsbot serve
      DISCORD_TOKEN=... newsbot serve --poll-every 30
      newsbot serve --log-json 2>> newsbot.log
    """
    # Lazily: bot.cli imports this module, and bot.serve loads the chat SDKs.
    from bot.cli import _choices, _configure, reporting
    from bot.serve import serve

    choices = _choices(ctx)
    with reporting(choices), serve_logging(sys.stderr, as_json=log_json, debug=choices.debug):
        config = _configure(choices)
        with open_app(config, debug=choices.debug) as core:
            try:
                asyncio.run(serve(core, os.environ, poll_every=poll_every))
            except asyncio.CancelledError:  # a second Ctrl-C or SIGTERM cut the stop short
                raise KeyboardInterrupt from None


class LineFormatter(logging.Formatter):
    """One line per record (time, level, logger, message), or one JSON object per line.

    A traceback is shown only with --debug; otherwise the exception's type is named.
    """

    def __init__(self, *, as_json: bool = False, debug: bool = False) -> None:
        super().__init__()
        self._json = as_json
        self._debug = debug

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line (a traceback follows it only with --debug)."""
        message = " ".join(record.getMessage().splitlines())
        error = record.exc_info[0] if record.exc_info else None
        if error is not None and not self._debug:
            message += f" [{error.__name__}; run with --debug to see the traceback]"
        when = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="seconds")
        trace = self.formatException(record.exc_info) if record.exc_info and self._debug else ""
        if self._json:
            fields = {"time": when, "level": record.levelname, "logger": record.name}
            fields["message"] = message
            if trace:
                fields["traceback"] = trace
            return json.dumps(fields, ensure_ascii=False)
        line = f"{when} {record.levelname} {record.name}: {message}"
        return f"{line}\n{trace}" if trace else line


def _not_startup_noise(record: logging.LogRecord) -> bool:
    return not any(
        record.name.startswith(logger) and text in record.getMessage()
        for logger, text in STARTUP_NOISE
    )


@contextmanager
def serve_logging(stream: TextIO, *, as_json: bool, debug: bool) -> Iterator[None]:
    """While inside, log newsbot's events (INFO, DEBUG with --debug) and everyone's warnings to
    `stream`; the previous logging setup comes back afterwards."""
    root = logging.getLogger()
    bot = logging.getLogger(BOT_LOGGER)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(LineFormatter(as_json=as_json, debug=debug))
    handler.addFilter(_not_startup_noise)
    saved = (root.level, bot.level)
    root.addHandler(handler)
    root.setLevel(logging.INFO if debug else logging.WARNING)
    bot.setLevel(logging.DEBUG if debug else logging.INFO)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        bot.setLevel(saved[1])
