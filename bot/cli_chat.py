"""The `newsbot chat` command: the `/news` commands in the terminal, no tokens needed.

Each input line is one command, run by the same `CommandRouter` the Slack and Discord adapters
use; the console user is a channel admin of the channel "console".
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Annotated, Any

import typer

from bot.app import open_app
from bot.chat import Block, Invocation, Message
from bot.commands import CommandRouter, split_command
from bot.render_chat_terminal import message_view
from bot.render_terminal import stdout_console

PROMPT = "news> "
CONSOLE = "console"
QUIT_WORDS = frozenset({"quit", "exit", "/quit", "/exit"})
GREETING = 'Type a command such as "digest all" or "ask Who leads Xiaomi\'s R&D centre?"; '
GREETING += '"help" lists them, "quit" ends.'


def register(app: typer.Typer) -> None:
    """Add `newsbot chat` to `app`."""
    app.command("chat")(chat)


def chat(
    ctx: typer.Context,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print each reply as one JSON line, for scripts."),
    ] = False,
) -> None:
    """Run /news commands in the terminal, as a channel admin of the channel "console".

    \b
    One command per line, with or without "/news" in front; "quit", "exit"
    or end of input (Ctrl-D) ends. Interactive when stdin is a terminal,
    else it reads the lines piped in. With --json each reply is one line:
    {"ephemeral", "error", "fallback", "blocks": [{"type", ...}]}.

    \b
    Examples:
      newsbot chat
      echo "ask Who leads Xiaomi's European R&D centre?" | newsbot chat
      printf 'digest all\\nfacts Xiaomi\\n' | newsbot chat --json
    """
    from bot.cli import _choices, _configure, reporting  # lazily: bot.cli imports this module

    choices = _choices(ctx)
    with reporting(choices), _bot_logging(debug=choices.debug):
        config = _configure(choices)
        interactive = sys.stdin.isatty() and not as_json
        if interactive:
            typer.echo(GREETING)
        with open_app(config, debug=choices.debug) as core:
            router = CommandRouter(core)
            for line in _input_lines(interactive=interactive):
                if line.strip().lower() in QUIT_WORDS:
                    break
                if line.strip():
                    _show(router.handle(console_invocation(line)), as_json=as_json)


def console_invocation(line: str) -> Invocation:
    """One console line as an invocation by the console user, an admin."""
    command, text = split_command(line)
    return Invocation(command, text, CONSOLE, CONSOLE, is_admin=True, platform="console")


def message_payload(message: Message) -> dict[str, Any]:
    """The JSON form of a message: its flags, fallback and typed blocks."""
    return {
        "ephemeral": message.ephemeral,
        "error": message.error,
        "fallback": message.fallback,
        "blocks": [block_payload(block) for block in message.blocks],
    }


def block_payload(block: Block) -> dict[str, Any]:
    """A block as a dict with its "type" (title, text, item or context) and its fields."""
    return {"type": type(block).__name__.lower(), **asdict(block)}


def _show(message: Message, *, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(message_payload(message), ensure_ascii=False))
        return
    out = stdout_console()
    out.print(message_view(message))
    out.print()


def _input_lines(*, interactive: bool) -> Iterator[str]:
    """Prompted lines on a terminal (until EOF), else the lines of stdin."""
    if not interactive:
        yield from sys.stdin
        return
    while True:
        try:
            yield input(PROMPT)
        except EOFError:
            typer.echo()
            return


class _OneLine(logging.Formatter):
    """A log record as one line without its traceback (the reply already said what failed)."""

    def format(self, record: logging.LogRecord) -> str:
        return f"note: {record.getMessage()}; run with --debug to see the traceback"


@contextmanager
def _bot_logging(*, debug: bool) -> Iterator[None]:
    """Show the bot's warnings on stderr while chatting: one line each, tracebacks with --debug."""
    logger = logging.getLogger("bot")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter() if debug else _OneLine())
    handler.setLevel(logging.WARNING)
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
