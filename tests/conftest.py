"""Shared fixtures: the seed articles, an isolated environment and an in-process CLI runner."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from bot.app import App, open_app
from bot.cli import app
from bot.config import load_config
from bot.discovery import discover
from bot.engine import open_engine
from bot.fingerprint import normalise_whitespace
from tests.pg_server import PostgresServer, drop_schema, fresh_schema, running_server

REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO_ROOT / "seeds"


@contextmanager
def seeded_app(home: Path) -> Iterator[App]:
    """A real core on a SQLite store in `home`, holding the seed articles."""
    config = load_config(None, {"HOME": str(home)})
    with open_app(config, store_url=f"sqlite:///{home / 'news.db'}") as core:
        for item in discover([str(SEEDS_DIR)]).items:
            assert core.ingestor.ingest(item).error is None
        yield core


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the session, started on loopback at first use."""
    with running_server() as server:
        yield server


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> Iterator[str]:
    """A store URL on the session's PostgreSQL server, in a schema of this test's own."""
    name, url = fresh_schema(postgres.url)
    yield url
    drop_schema(postgres.url, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store URL: a SQLite file in tmp_path, then a PostgreSQL schema (the same tests
    run on both databases)."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_store_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`store_url` shared by a whole module (for stores that are costly to fill)."""
    if request.param == "sqlite":
        yield str(tmp_path_factory.mktemp("store") / "store.db")
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name, url = fresh_schema(server.url)
    yield url
    drop_schema(server.url, name)


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    """An engine on a fresh store, SQLite and PostgreSQL (tables arrive with the first store)."""
    engine = open_engine(store_url)
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
class MovableClock:
    """A clock a test moves by hand."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


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
