"""Several `newsbot serve` processes on one PostgreSQL store: one leader, fail-over, exactly once.

Real processes (the installed `newsbot` command) against the session's PostgreSQL server and the
loopback Slack fake, which counts what was posted. Twelve channels each owe a digest at start-up;
the leader posts them one by one. The fake holds the leader's fourth post, the test kills the
leader with SIGKILL while that post is in flight (so it never reaches Slack), and one of the
other instances takes over: it posts what is left, and after the lease the digest whose claim
died with the leader. Every channel gets its digest once: no gap, no double.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import open_app
from bot.config import load_config
from bot.delivery_ledger import DeliveryLedger, LedgerKey
from bot.discovery import discover
from bot.schedules import DigestTime, ScheduleStore
from bot.source_store import ChannelKey
from tests.conftest import SEEDS_DIR, newsbot_executable
from tests.fakes.slack_fake import SlackFake

CHANNELS = [f"C{number:02d}" for number in range(1, 13)]
INSTANCES = 3
LEADER_LINES = ("this instance leads", "this one runs the digests now")
ROLE_LINES = ("this instance leads", "another instance runs the scheduled digests")
CONFIG = """
[schedule]
lease = "4s"
sweep = "1s"
takeover = "1s"

[slack]
api_url = "{api_url}"
"""


@pytest.fixture
def owed_store(postgres_url: str, tmp_path: Path) -> str:
    """The seeds, and twelve Slack channels whose daily digest fell due half an hour ago."""
    config = load_config(None, {"HOME": str(tmp_path)})
    with open_app(config, store_url=postgres_url) as core:
        for item in discover([str(SEEDS_DIR)]).items:
            assert core.ingestor.ingest(item).error is None
        now = core.clock()
        due = now - timedelta(minutes=30)
        when = DigestTime(due.hour, due.minute, "UTC")
        schedules = ScheduleStore(core.engine)
        for channel in CHANNELS:
            target = ChannelKey("slack", channel)
            schedules.set(target, when, set_by="U1", now=now - timedelta(days=2))
    return postgres_url


class Instances:
    """The serve processes, each logging to its own file."""

    def __init__(self, folder: Path, store_url: str, environ: dict[str, str]) -> None:
        self._folder = folder
        self._store_url = store_url
        self._environ = environ
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, count: int) -> None:
        for number in range(count):
            log = (self._folder / f"serve-{number}.log").open("wb")
            command = [
                str(newsbot_executable()),
                "--config",
                str(self._folder / "newsbot.toml"),
                "--db",
                self._store_url,
                "serve",
                "--poll-every",
                "3600",
            ]
            process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=self._environ
            )
            self.processes.append(process)

    def log(self, index: int) -> str:
        return (self._folder / f"serve-{index}.log").read_text(errors="replace")

    def all_started(self) -> bool:
        """Whether every instance has logged whether it leads."""
        return all(
            any(line in self.log(index) for line in ROLE_LINES)
            for index in range(len(self.processes))
        )

    def leader(self) -> int | None:
        """The index of the instance that says it runs the digests (alive), if any."""
        for index, process in enumerate(self.processes):
            if process.poll() is None and any(line in self.log(index) for line in LEADER_LINES):
                return index
        return None

    def stop(self) -> list[int | None]:
        """SIGTERM the live ones and wait; their exit codes (None: killed earlier)."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        codes: list[int | None] = []
        for process in self.processes:
            try:
                codes.append(process.wait(timeout=30))
            except subprocess.TimeoutExpired:
                process.kill()
                codes.append(process.wait())
        return codes


@pytest.fixture
def instances(tmp_path: Path, owed_store: str) -> Iterator[Instances]:
    environ = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "SLACK_BOT_TOKEN": "xoxb-fake-bot-token",
        "SLACK_APP_TOKEN": "xapp-fake-app-token",
    }
    environ.pop("DISCORD_TOKEN", None)
    running = Instances(tmp_path, owed_store, environ)
    yield running
    running.stop()


async def until(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


def test_killing_the_leader_mid_run_loses_and_doubles_no_digest(
    instances: Instances, owed_store: str, tmp_path: Path
) -> None:
    """Three instances, one leader; the leader is killed with a post in flight; another takes
    over; each of the twelve channels gets exactly one digest and the ledger says posted."""

    async def scenario() -> Counter[str]:
        async with SlackFake() as slack:
            (tmp_path / "newsbot.toml").write_text(CONFIG.format(api_url=slack.api_url))
            slack.hold_post(4)
            instances.start(INSTANCES)
            await until(slack.post_held.is_set, 120, "the leader's fourth post")
            # Every instance has started and found its role, so the leader's death is a
            # takeover (a late starter would simply lead from the start).
            await until(instances.all_started, 120, "every instance finding its role")
            leader = instances.leader()
            assert leader is not None, "no instance says it leads"
            instances.processes[leader].kill()
            instances.processes[leader].wait(timeout=10)
            # The fake sees the dead leader's connection close (slower on a loaded machine).
            await until(slack.held_client_gone, 30, "the killed leader's connection closing")
            slack.release_post()

            def every_channel_posted() -> bool:
                return {post["channel"] for post in slack.posted} >= set(CHANNELS)

            await until(every_channel_posted, 120, "every channel's digest")
            await asyncio.sleep(6)  # past the lease and a few sweeps: a double would come now
            posts = Counter(str(post["channel"]) for post in slack.posted)
            codes = instances.stop()
            assert codes.count(None) == 0
            assert sum(code == -signal.SIGKILL for code in codes) == 1
            assert codes.count(0) == INSTANCES - 1
            return posts

    posts = asyncio.run(scenario())
    assert posts == Counter(dict.fromkeys(CHANNELS, 1))
    takeover = [i for i in range(INSTANCES) if "this one runs the digests now" in instances.log(i)]
    assert len(takeover) == 1
    config = load_config(None, {"HOME": str(tmp_path)})
    with open_app(config, store_url=owed_store) as core:
        ledger = DeliveryLedger(core.engine)
        when = ScheduleStore(core.engine).get(ChannelKey("slack", CHANNELS[0]))
        assert when is not None
        period = when.time.latest(core.clock()).period
        states = [
            entry.state if entry else None
            for channel in CHANNELS
            for entry in [ledger.entry(LedgerKey.digest(ChannelKey("slack", channel), period))]
        ]
    assert states == ["posted"] * len(CHANNELS)
