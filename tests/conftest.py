"""Shared fixtures: the seed articles, an isolated environment and an in-process CLI runner."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.engine import sqlite_engine
from bot.fingerprint import normalise_whitespace

REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO_ROOT / "seeds"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A SQLite engine on a fresh file in tmp_path (tables arrive with the first store)."""
    engine = sqlite_engine(tmp_path / "store.db")
    yield engine
    engine.dispose()


@pytest.fixture
def seeds_dir() -> Path:
    """The repository's seed articles (read-only)."""
    return SEEDS_DIR


@pytest.fixture
def seed_files() -> list[Path]:
    """The seed article files, sorted."""
    return sorted(SEEDS_DIR.glob("*.txt"))


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with no newsbot.toml and a data dir inside tmp_path."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("NEWSBOT_DB", raising=False)
    return work


@dataclass
class Cli:
    """Runs `newsbot` in-process against a store in tmp_path."""

    runner: CliRunner
    db: Path
    env: Mapping[str, str]

    def __call__(self, *args: str, input: str | None = None, db: bool = True) -> Result:
        argv = ["--db", str(self.db), *args] if db else list(args)
        return self.runner.invoke(app, argv, input=input, env=dict(self.env))

    def json(self, *args: str) -> Any:
        """Run with --json appended and parse stdout; the command must succeed."""
        result = self(*args, "--json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def cli(isolated: Path, tmp_path: Path) -> Cli:
    """An in-process `newsbot` with its own SQLite store."""
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "COLUMNS": "200"}
    return Cli(CliRunner(), tmp_path / "store" / "newsbot.db", env)


def flat(text: str) -> str:
    """Text with whitespace normalised, for comparing rendered output with sources."""
    return normalise_whitespace(text)


def assert_sentences_of(points: list[str], source: str) -> None:
    """Each key point is a (whitespace-normalised) passage of the source text."""
    body = flat(source)
    for point in points:
        assert point.strip(), "a key point is empty"
        assert flat(point) in body, f"key point not found in the article: {point!r}"


def newsbot_executable() -> Path:
    """The `newsbot` script installed next to the running interpreter (the project's venv)."""
    return Path(sys.executable).parent / "newsbot"
