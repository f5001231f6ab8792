"""Faults of the database under a running ingest: a PostgreSQL restart loses and doubles nothing.

Each test has a PostgreSQL server of its own (the session's one stays up for the others), which
it stops and starts for real.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import open_app
from bot.config import load_config
from bot.errors import StoreError
from bot.ingest import IngestOptions, Ingestor
from bot.models import SourceText
from bot.schema import articles, story_articles
from tests.conftest import SEEDS_DIR
from tests.pg_server import PostgresServer, running_server


@pytest.fixture
def server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test's own, durable (a commit survives its crash)."""
    with running_server(durable=True) as running:
        yield running


def seeds() -> list[SourceText]:
    return [
        SourceText(path.name, path.read_text(encoding="utf-8"))
        for path in sorted(SEEDS_DIR.glob("*.txt"))
    ]


def test_a_database_restart_mid_ingest_is_waited_out(
    server: PostgresServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The server goes down after two seeds and comes back 1.5 s later: the third seed waits
    for it (one warning line per retry), and all five are stored once, each in a story."""
    caplog.set_level(logging.WARNING, logger="bot.ingest")
    config = load_config(None, {"HOME": str(tmp_path)})
    with open_app(config, store_url=server.url) as core:
        items = seeds()
        outcomes = [core.ingestor.ingest_source(item) for item in items[:2]]
        server.pause()
        restart = threading.Timer(1.5, server.resume)
        restart.start()
        try:
            outcomes += [core.ingestor.ingest_source(item) for item in items[2:]]
        finally:
            restart.join()
        again = [core.ingestor.ingest_source(item) for item in items]
        with core.engine.connect() as connection:
            stored = connection.execute(select(func.count()).select_from(articles)).scalar()
            placed = connection.execute(select(func.count()).select_from(story_articles)).scalar()
    assert [outcome.status for outcome in outcomes] == ["new"] * 5
    assert [outcome.status for outcome in again] == ["unchanged"] * 5
    assert (stored, placed) == (5, 5)
    retries = [r.getMessage() for r in caplog.records if "again in" in r.getMessage()]
    assert retries
    assert all(message.startswith("the store cannot ") for message in retries)
    assert all(items[2].source in message for message in retries)


def test_a_database_that_stays_down_stops_the_batch_with_one_sentence(
    server: PostgresServer, tmp_path: Path
) -> None:
    """With the server gone for good, the ingest gives up after its retries with one
    transient StoreError sentence (no traceback, no password); what was stored stays."""
    config = load_config(None, {"HOME": str(tmp_path)})
    with open_app(config, store_url=server.url) as core:
        first = core.ingestor.ingest_source(seeds()[0])
        hurried = Ingestor(core.store, IngestOptions(store_retry_waits=(0.1, 0.2)), core.clock)
        server.pause()
        with pytest.raises(StoreError) as raised:
            hurried.ingest_source(seeds()[1])
        server.resume()
        assert core.store.counts().articles == 1
    assert first.status == "new"
    assert raised.value.transient
    message = str(raised.value)
    assert message.startswith("the store cannot ")
    assert "\n" not in message
