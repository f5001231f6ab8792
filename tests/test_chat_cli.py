"""`newsbot chat` end to end (in-process, stdin piped) and the terminal rendering of a Message."""

from __future__ import annotations

import io
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

from bot.app import open_app
from bot.chat import Context, Item, Link, Message, Text, Title, error_message
from bot.cli import app
from bot.cli_chat import console_invocation, message_payload
from bot.config import load_config
from bot.discovery import discover
from bot.render_chat_terminal import message_view
from tests.conftest import SEEDS_DIR, newsbot_executable

Chat = Callable[..., Result]
QUESTION = "Who leads Xiaomi's European R&D centre?"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store holding the seeds."""
    folder = tmp_path_factory.mktemp("chat")
    path = folder / "news.db"
    config = load_config(None, {"HOME": str(folder)})
    with open_app(config, store_url=str(path)) as core:
        for item in discover([str(SEEDS_DIR)]).items:
            assert core.ingestor.ingest(item).status == "new"
    return path


@pytest.fixture
def chat(store: Path, isolated: Path, tmp_path: Path) -> Chat:
    """Runs `newsbot --db STORE chat [args]` with `lines` on stdin."""
    runner = CliRunner()
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "COLUMNS": "200"}

    def invoke(lines: str, *args: str) -> Result:
        return runner.invoke(app, ["--db", str(store), "chat", *args], input=lines, env=env)

    return invoke


def render(message: Message) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None, highlight=False)
    console.print(message_view(message))
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


def test_piped_lines_run_until_quit(chat: Chat) -> None:
    """Each line is a command (with or without /news); blank lines are skipped; quit ends."""
    result = chat(f"digest all\n\n/news ask {QUESTION}\nweather\nquit\nhelp\n")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "News digest · everything stored" in out
    assert "1. Xiaomi accelerates its global electric vehicle ambitions" in out
    assert "source: 001_2d160cab56e072f1.txt (language nl)" in out
    assert "Rudolf Dittrich" in out.split("News digest")[1]
    assert "There is no /news command 'weather'; the commands are digest, ask" in out
    assert "News bot commands" not in out  # the line after quit never ran
    assert "news> " not in out  # no prompt when stdin is not a terminal


def test_json_prints_one_line_per_reply_until_end_of_input(chat: Chat) -> None:
    """--json: one JSON object per command, with the flags, the fallback and typed blocks."""
    result = chat(f"ask {QUESTION}\nsources add http://127.0.0.1:9/feed\nsearch\nhelp", "--json")
    assert result.exit_code == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(replies) == 4
    assert all(set(reply) == {"ephemeral", "error", "fallback", "blocks"} for reply in replies)
    answer = replies[0]
    assert (answer["ephemeral"], answer["error"]) == (True, False)
    assert answer["blocks"][0] == {"type": "title", "text": "Rudolf Dittrich"}
    evidence = answer["blocks"][2]
    assert evidence["type"] == "item"
    assert evidence["links"] == [
        {"label": "000_89d674eb3127cf61.txt", "url": None, "language": None}
    ]
    assert replies[1]["error"]
    assert "was not added" in replies[1]["fallback"]  # loopback: not allowed by default
    assert replies[2]["error"]
    assert replies[2]["blocks"][0]["type"] == "text"
    assert replies[3]["blocks"][0] == {"type": "title", "text": "News bot commands"}


def test_chat_help_shows_examples() -> None:
    """--help explains the input, the ending and --json, with examples."""
    result = CliRunner().invoke(app, ["chat", "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    for words in ("quit", "--json", "Examples:", 'echo "ask Who leads', "channel admin"):
        assert words in result.stdout


def test_the_console_user_is_an_admin_of_the_console_channel() -> None:
    """A console line becomes an admin invocation on the console platform and channel."""
    invocation = console_invocation("/news sources add https://example.com/feed")
    assert (invocation.command, invocation.text) == ("sources", "add https://example.com/feed")
    assert invocation.is_admin
    assert invocation.platform == "console"
    assert invocation.channel_id == "console"
    assert invocation.user_id == "console"


def test_terminal_rendering_prints_article_text_literally() -> None:
    """Rich markup and mentions in article text print as written, never as styles or pings."""
    loud = "[bold red]<!channel> @everyone[/bold red] :smile:"
    message = Message(
        (
            Title(f"Digest {loud}"),
            Item(loud, (f"point {loud}",), (Link(loud, "https://example.com/a", "en"),), "note"),
            Context(f"footnote {loud}"),
        ),
        "fallback",
    )
    output = render(message)
    assert output.count(loud) == 5
    assert "source: [bold red]" in output
    assert "(language en) https://example.com/a" in output
    assert "1. " + loud in output


def test_terminal_rendering_of_an_error_is_its_sentence() -> None:
    """An error message prints its one sentence."""
    assert render(error_message("Give a URL [x].")).strip() == "Give a URL [x]."


def test_message_payload_names_block_types() -> None:
    """The JSON form keeps every block's fields under its type name."""
    payload = message_payload(Message((Text("a"), Context("b")), "a", ephemeral=True))
    assert payload == {
        "ephemeral": True,
        "error": False,
        "fallback": "a",
        "blocks": [{"type": "text", "text": "a"}, {"type": "context", "text": "b"}],
    }


def test_a_terminal_gets_a_greeting_and_a_prompt(store: Path, tmp_path: Path) -> None:
    """With stdin on a terminal, `newsbot chat` greets, prompts "news> " and ends on quit."""
    controller, terminal = os.openpty()
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "COLUMNS": "200", "NO_COLOR": "1"}
    try:
        os.write(controller, b"help\nquit\n")
        done = subprocess.run(
            [str(newsbot_executable()), "--db", str(store), "chat"],
            stdin=terminal,
            capture_output=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
            check=False,
        )
    finally:
        os.close(terminal)
        os.close(controller)
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()
    assert out.startswith('Type a command such as "digest all"')
    assert out.count("news> ") == 2
    assert "/news digest [today|24h|7d|all] - the stories of a period" in out
