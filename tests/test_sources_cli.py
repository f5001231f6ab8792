"""`newsbot sources`, `newsbot poll` and `newsbot ingest FEED`, in-process, on loopback.

The SSRF guard stays on: the config allow-lists only 127.0.0.1/32, as an operator would for a
feed server of their own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import load_config
from bot.config_feeds import FeedsConfig, FetchConfig
from bot.errors import ConfigError
from bot.polling import spread_interval
from tests.conftest import Cli
from tests.feed_samples import BILLION_LAUGHS, feed_route, items, page_route, rss20
from tests.loopback_http import LoopbackServer, Route
from tests.test_cli import INGEST_KEYS, one_error_line

ALLOW_LOOPBACK = '[fetch]\nallow_networks = ["127.0.0.1/32"]\n'
# The sample items are dated July 2025 and the command line runs on the real clock.
ANY_AGE = '[feeds]\nmax_item_age = "off"\n'


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        yield server


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "newsbot.toml"
    path.write_text(ALLOW_LOOPBACK + ANY_AGE)
    return path


def base(server: LoopbackServer) -> str:
    return server.url("").rstrip("/")


def test_sources_add_list_remove(cli: Cli, server: LoopbackServer, config: Path) -> None:
    """add fetches once and marks the items seen; list shows the state; remove forgets it."""
    server.routes["/feed"] = feed_route(rss20(items(3, base(server))), ETag='"v1"')
    url = server.url("/feed")
    added = cli("--config", str(config), "sources", "add", "--name", "Loop", url)
    assert added.exit_code == 0, added.stderr
    assert added.stdout.strip() == f"added feed {url}: 3 existing items marked seen, 0 ingested"
    again = cli("--config", str(config), "sources", "add", url)
    assert again.stdout.strip() == f"already following {url}"
    listed = cli.json("--config", str(config), "sources", "list")
    assert len(listed) == 1
    entry = listed[0]
    assert (entry["url"], entry["name"], entry["kind"], entry["added_by"]) == (
        url,
        "Loop",
        "feed",
        "cli",
    )
    assert (entry["consecutive_failures"], entry["failing"], entry["last_error"]) == (
        0,
        False,
        None,
    )
    text = cli("--config", str(config), "sources", "list")
    # 30 minutes, stretched by this source's own share of the spread (bot.polling).
    minutes = round(spread_interval(entry["id"], timedelta(minutes=30), 0.1).total_seconds() / 60)
    assert f"ok        {url}  feed · Loop · next poll in {minutes} min" in text.stdout
    removed = cli("--config", str(config), "sources", "remove", url)
    assert removed.stdout.strip() == f"removed {url}"
    assert "No sources yet" in cli("--config", str(config), "sources", "list").stdout
    missing = cli("--config", str(config), "sources", "remove", url)
    assert missing.exit_code == 1
    assert "is not a source" in one_error_line(missing.stderr)


def test_sources_add_refuses_loopback_without_the_allow_list(
    cli: Cli, server: LoopbackServer
) -> None:
    """Without [fetch] allow_networks the guard refuses 127.0.0.1 and nothing is added."""
    server.routes["/feed"] = feed_route(rss20(items(1, base(server))))
    result = cli("sources", "add", server.url("/feed"))
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert "was not added: Refusing to fetch from 127.0.0.1" in line
    assert server.requests == []
    assert cli.json("sources", "list") == []


def test_sources_add_refuses_a_non_http_url(cli: Cli) -> None:
    """A file: URL is refused before anything is fetched."""
    result = cli("sources", "add", "file:///etc/passwd")
    assert result.exit_code == 1
    assert "is not an http:// or https:// URL" in one_error_line(result.stderr)


def test_poll_json_ingests_only_new_items(cli: Cli, server: LoopbackServer, config: Path) -> None:
    """poll --all --json: one result per source with the new articles in the ingest shape."""
    server.routes["/feed"] = feed_route(rss20(items(2, base(server))))
    assert cli("--config", str(config), "sources", "add", server.url("/feed")).exit_code == 0
    server.routes["/feed"] = feed_route(
        rss20(items(1, base(server), start=5) + items(2, base(server)))
    )
    payload = cli.json("--config", str(config), "poll", "--all")
    assert payload["polled"] == 1
    result = payload["results"][0]
    assert (result["status"], result["first_poll"], result["error"], result["alert"]) == (
        "ok",
        False,
        None,
        None,
    )
    assert [set(article) for article in result["new"]] == [INGEST_KEYS]
    assert result["new"][0]["source"] == f"{base(server)}/article/5"
    assert result["source"]["url"] == server.url("/feed")
    nothing_due = cli.json("--config", str(config), "poll")
    assert nothing_due == {"polled": 0, "results": []}


def test_poll_reports_a_failing_source(cli: Cli, server: LoopbackServer, tmp_path: Path) -> None:
    """With failure_threshold 1 the first failure prints the alert; list marks it failing."""
    config = tmp_path / "failing.toml"
    config.write_text(ALLOW_LOOPBACK + "[feeds]\nfailure_threshold = 1\n")
    server.routes["/feed"] = feed_route(rss20(items(1, base(server))))
    assert cli("--config", str(config), "sources", "add", server.url("/feed")).exit_code == 0
    server.routes["/feed"] = Route(status=404)
    result = cli("--config", str(config), "poll", "--all")
    assert result.exit_code == 0, result.stderr
    assert "failed    " in result.stdout
    assert "has failed 1 time in a row (127.0.0.1 answered 404 Not Found)" in result.stdout
    assert "polled 1 sources: 0 new articles, 1 sources failed" in result.stdout
    listed = cli("--config", str(config), "sources", "list")
    assert listed.stdout.startswith("failing ")
    assert "failed 1 time in a row: 127.0.0.1 answered 404 Not Found." in listed.stdout


def test_configured_sources_are_added_and_first_polled(
    cli: Cli, server: LoopbackServer, tmp_path: Path
) -> None:
    """A [[sources]] entry is followed at the next poll; its first poll marks items seen."""
    server.routes["/feed"] = feed_route(rss20(items(2, base(server))))
    config = tmp_path / "sources.toml"
    config.write_text(
        ALLOW_LOOPBACK + f'[[sources]]\nurl = "{server.url("/feed")}"\nname = "Configured"\n'
    )
    payload = cli.json("--config", str(config), "poll")
    result = payload["results"][0]
    assert (result["first_poll"], result["marked_seen"], result["new"]) == (True, 2, [])
    assert result["source"]["added_by"] == "config"
    assert result["source"]["name"] == "Configured"


def test_ingest_feed_and_page_urls_and_a_bad_feed_fails_alone(
    cli: Cli, server: LoopbackServer, config: Path
) -> None:
    """ingest FEED: each item becomes an article (full text from the feed, a teaser from its
    page); an HTML URL is one article; an entity bomb fails with one line; exit code 1."""
    feed = items(1, base(server)) + items(1, base(server), start=1, full=False)
    server.routes["/feed"] = feed_route(rss20(feed))
    server.routes["/article/1"] = page_route(1)
    server.routes["/page"] = page_route(3, title="A page")
    server.routes["/bomb"] = feed_route(BILLION_LAUGHS)
    urls = [server.url("/feed"), server.url("/page"), server.url("/bomb")]
    result = cli("--config", str(config), "ingest", "--json", *urls)
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert [set(article) for article in payload] == [INGEST_KEYS] * 3
    assert [article["source"] for article in payload] == [
        f"{base(server)}/article/0",
        f"{base(server)}/article/1",
        server.url("/page"),
    ]
    assert server.hits("/article/1?utm_source=rss&utm_medium=feed") == 1
    assert server.hits("/article/0?utm_source=rss&utm_medium=feed") == 0
    assert f"failed    {server.url('/bomb')} declares XML entities" in result.stderr
    assert "ingested 3, unchanged 0, failed 1" in result.stderr


def test_the_example_config_holds_the_feed_defaults() -> None:
    """config.example.toml's [feeds] and [fetch] are the built-in defaults; no sources."""
    example = Path(__file__).resolve().parents[1] / "config.example.toml"
    loaded = load_config(example, {"HOME": "/home/x"})
    assert loaded.feeds == FeedsConfig()
    assert loaded.fetch == FetchConfig()
    assert loaded.sources == ()


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[feeds]\ninterval = "soon"\n', "[feeds] interval is not a duration"),
        ("[feeds]\ninterval = 30\n", "[feeds] interval must be a string"),
        ('[feeds]\nmax_item_age = "0d"\n', "[feeds] max_item_age is not a duration"),
        ("[feeds]\nkeep_newest = -1\n", "[feeds] keep_newest must be a whole number from 0"),
        ("[feeds]\nfailure_threshold = 0\n", "[feeds] failure_threshold must be a whole number"),
        ("[feeds]\nintervall = 1\n", "unknown key 'intervall' in [feeds]"),
        ('[fetch]\nallow_networks = "10.0.0.0/8"\n', "[fetch] allow_networks must be a list"),
        ('[fetch]\nallow_networks = ["intranet"]\n', "holds 'intranet', which is not an address"),
        ('[[sources]]\nurl = "ftp://x.example/feed"\n', "entry 1 url must be an http://"),
        ('[[sources]]\nname = "x"\n', "[[sources]] entry 1 has no url"),
        ('[[sources]]\nurl = "https://x.example/f"\nevery = "1h"\n', "unknown key 'every'"),
        (
            '[[sources]]\nurl = "https://x.example/f"\n[[sources]]\nurl = "https://x.example/f"\n',
            "lists https://x.example/f twice",
        ),
        ('[[sources]]\nurl = "https://x.example/f"\ninterval = "1w"\n', "entry 1 interval is not"),
        ('sources = "x"\n', "sources must be a list of tables"),
    ],
)
def test_feed_config_errors_name_the_key(tmp_path: Path, toml: str, message: str) -> None:
    """Wrong feed settings raise ConfigError naming the key and what is expected."""
    path = tmp_path / "newsbot.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as raised:
        load_config(path, {})
    assert message in str(raised.value)


def test_feed_config_values_are_read(tmp_path: Path) -> None:
    """Durations, "off", networks and source entries come out as typed values."""
    loaded = load_config(_write(tmp_path / "newsbot.toml"), {})
    assert loaded.feeds.interval.total_seconds() == 2 * 3600
    assert loaded.feeds.max_item_age is None
    assert [str(n) for n in loaded.fetch.allow_networks] == ["192.168.1.0/24"]
    assert loaded.sources[0].url == "https://x.example/feed?a=1"
    assert loaded.sources[0].interval is not None
    assert loaded.sources[0].interval.total_seconds() == 15 * 60


def _write(path: Path) -> Path:
    path.write_text(
        '[feeds]\ninterval = "2h"\nmax_item_age = "off"\n'
        '[fetch]\nallow_networks = ["192.168.1.7/24"]\n'
        '[[sources]]\nurl = "https://X.example/feed?utm_source=x&a=1"\ninterval = "15m"\n'
    )
    return path
