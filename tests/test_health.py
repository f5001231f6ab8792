"""`newsbot health` on SQLite and PostgreSQL: down, ok, degraded, and the leader seen."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.delivery_ledger import DeliveryLedger, LedgerKey
from bot.engine import open_engine
from bot.health import EMPTY, Health, check_health
from bot.leader import Leadership
from bot.schedules import DigestTime, ScheduleStore
from bot.source_store import ChannelKey, NewSource, PollRecord, SourceStore
from bot.store import Store
from tests.conftest import Cli

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=10)
CHANNEL = ChannelKey("slack", "C1")


def health_at(url: str) -> Health:
    engine = open_engine(url)
    try:
        return check_health(engine, NOW, failure_threshold=3, lease=LEASE)
    finally:
        engine.dispose()


def test_an_empty_store_is_down_with_what_to_do(store_url: str) -> None:
    """No newsbot tables yet: down, saying to run serve or ingest first."""
    health = health_at(store_url)
    assert (health.status, health.problems) == ("down", (EMPTY,))


def test_a_quiet_store_is_ok_and_troubles_make_it_degraded(store_url: str) -> None:
    """A migrated store with nothing wrong is ok; a failing source, an overdue one, a claim
    left by a dead instance and a schedule no instance runs each add one sentence; holding the
    leader lock removes the last one."""
    engine = open_engine(store_url)
    try:
        Store(engine)
        assert health_at(store_url).status == "ok"
        sources = SourceStore(engine)
        failing, _ = sources.add(NewSource("https://a.example/feed", "feed", "cli"), NOW)
        sources.add(NewSource("https://b.example/feed", "feed", "cli"), NOW - timedelta(hours=3))
        sources.record_poll(
            PollRecord(failing.id, NOW, NOW + timedelta(hours=1), False, 3, last_error="404.")
        )
        ScheduleStore(engine).set(CHANNEL, DigestTime(9, 0, "UTC"), set_by="U1", now=NOW)
        DeliveryLedger(engine, lease=LEASE).claim(
            LedgerKey.digest(CHANNEL, "2026-03-01"), NOW - LEASE * 2
        )
        degraded = health_at(store_url)
        leader = Leadership(engine)
        assert leader.acquire()
        try:
            led = health_at(store_url)
        finally:
            leader.release()
    finally:
        engine.dispose()
    assert degraded.status == "degraded"
    assert (degraded.sources, degraded.failing_sources, degraded.overdue_sources) == (2, 1, 1)
    assert (degraded.schedules, degraded.stuck_deliveries, degraded.leader) == (1, 1, False)
    assert len(degraded.problems) == 4
    assert any("no `newsbot serve` instance runs them" in p for p in degraded.problems)
    assert led.leader is True
    assert len(led.problems) == 3


def test_the_command_exit_codes_and_json(cli: Cli, tmp_path: Path) -> None:
    """down exits 1 with its sentence; ok prints JSON and exits 0; --strict exits 2 only when
    degraded."""
    down = cli("health")
    assert down.exit_code == 1
    assert EMPTY in down.stdout
    cli("ingest", str(Path(__file__).resolve().parents[1] / "seeds"))
    ok = cli("health", "--json", "--strict")
    assert ok.exit_code == 0, ok.stdout
    payload = json.loads(ok.stdout)
    assert (payload["status"], payload["articles"], payload["problems"]) == ("ok", 5, [])
    engine = open_engine(str(cli.db))
    try:
        ScheduleStore(engine).set(CHANNEL, DigestTime(9, 0, "UTC"), set_by="U1", now=NOW)
    finally:
        engine.dispose()
    assert cli("health").exit_code == 0
    strict = cli("health", "--strict")
    assert strict.exit_code == 2
    assert "no `newsbot serve` instance runs them" in strict.stdout
