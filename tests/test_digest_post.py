"""`newsbot digest --post NAME`: the digest goes to a configured webhook, once per news."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.fakes.webhook_fake import WebhookFake, slack_limit_problems


@pytest.fixture
def webhooks() -> Iterator[WebhookFake]:
    """The fake webhook server, running on its own event loop in a thread."""
    loop = asyncio.new_event_loop()
    fake = WebhookFake()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(fake.start(), loop).result(timeout=10)
    yield fake
    asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(timeout=10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "newsbot.toml"
    path.write_text('[[webhooks]]\nname = "team"\nplatform = "slack"\nurl_env = "TEAM_HOOK"\n')
    return path


def test_a_digest_is_posted_once_and_then_only_news(
    cli: Cli, config: Path, webhooks: WebhookFake, seeds_dir: Path
) -> None:
    """The first post carries every story within Slack's limits; a second has nothing to post."""
    url = webhooks.slack_url()
    cli.env = {**cli.env, "TEAM_HOOK": url}
    assert cli("ingest", str(seeds_dir)).exit_code == 0
    first = cli("--config", str(config), "digest", "--post", "team")
    assert first.exit_code == 0, first.stderr
    assert first.stdout.startswith("posted the digest to team (")
    assert url not in first.stdout + first.stderr
    (post,) = webhooks.posts
    assert slack_limit_problems(post.body) == []
    assert "Xiaomi" in str(post.body["blocks"])
    again = cli("--config", str(config), "digest", "--post", "team")
    assert again.exit_code == 0
    assert "Nothing was posted to team" in again.stdout
    assert len(webhooks.posts) == 1


def test_an_unknown_webhook_or_a_missing_variable_is_one_sentence(
    cli: Cli, config: Path, seeds_dir: Path
) -> None:
    """Naming a webhook that is not configured, or whose variable is unset, fails clearly."""
    cli("ingest", str(seeds_dir))
    unknown = cli("--config", str(config), "digest", "--post", "ops")
    assert unknown.exit_code == 1
    assert "no [[webhooks]] entry named 'ops' (team)" in unknown.stderr
    unset = cli("--config", str(config), "digest", "--post", "team")
    assert unset.exit_code == 1
    assert "TEAM_HOOK" in unset.stderr
