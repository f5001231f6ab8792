"""The leader lock: one holder per store, released on exit, taken over when the holder is gone."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.config import load_config
from bot.engine import open_engine
from bot.errors import ConfigError
from bot.leader import Leadership


def test_one_leader_at_a_time_and_the_next_after_release(store_url: str) -> None:
    """The first instance leads; a second is refused while it does; after a release the second
    gets it. Two engines stand for two processes."""
    first_engine, second_engine = open_engine(store_url), open_engine(store_url)
    first, second = Leadership(first_engine), Leadership(second_engine)
    try:
        assert first.acquire()
        assert first.held()
        assert first.acquire()  # asking again while leading keeps it
        assert not second.acquire()
        assert not second.is_leader
        first.release()
        first.release()  # idempotent
        assert not first.is_leader
        assert second.acquire()
        assert not first.acquire()
    finally:
        first.release()
        second.release()
        first_engine.dispose()
        second_engine.dispose()


def test_a_leader_whose_connection_dies_loses_the_lock(postgres_url: str) -> None:
    """PostgreSQL ends the leader's session (as when its process dies or the network drops):
    the server frees the lock, `held` says so, and another instance takes over."""
    leader_engine, other_engine = open_engine(postgres_url), open_engine(postgres_url)
    leader, other = Leadership(leader_engine), Leadership(other_engine)
    try:
        assert leader.acquire()
        assert not other.acquire()
        _end_leader_sessions(other_engine)
        assert not leader.held()
        assert not leader.is_leader
        assert other.acquire()
    finally:
        leader.release()
        other.release()
        leader_engine.dispose()
        other_engine.dispose()


def test_an_unreachable_database_is_no_leadership_not_an_error() -> None:
    """Nothing listens: `acquire` answers False instead of raising."""
    engine = open_engine("postgresql://newsbot@127.0.0.1:9/news")
    try:
        assert not Leadership(engine).acquire()
    finally:
        engine.dispose()


def test_schedule_durations_take_seconds_and_slack_takes_an_api_url(tmp_path: Path) -> None:
    """[schedule] lease/sweep/takeover accept seconds; [slack] api_url gets its slash; a feed
    interval in seconds is still refused (polite polling)."""
    path = tmp_path / "newsbot.toml"
    path.write_text(
        '[schedule]\nlease = "4s"\nsweep = "1s"\ntakeover = "2s"\n'
        '[slack]\napi_url = "http://127.0.0.1:8080/api"\n'
    )
    config = load_config(path, {})
    assert [d.total_seconds() for d in (config.schedule.lease, config.schedule.sweep)] == [4, 1]
    assert config.schedule.takeover.total_seconds() == 2
    assert config.slack.api_url == "http://127.0.0.1:8080/api/"
    path.write_text('[feeds]\ninterval = "30s"\n')
    with pytest.raises(ConfigError, match="interval is not a duration"):
        load_config(path, {})
    path.write_text('[slack]\napi_url = "slack.com"\n')
    with pytest.raises(ConfigError, match="api_url must be an http"):
        load_config(path, {})


def _end_leader_sessions(engine: Engine) -> None:
    """Terminate every other newsbot session on the server (the leader's among them)."""
    with engine.connect() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'newsbot' AND pid <> pg_backend_pid()"
            )
        )
        connection.commit()
