"""Configuration: `newsbot.toml` read once, validated, returned as frozen dataclasses."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.config_chat import (
    SlackConfig,
    WebhookEntry,
    slack_api_url,
    slack_mode,
    slack_users,
    webhook_entries,
)
from bot.config_feeds import (
    FeedsConfig,
    FetchConfig,
    SourceEntry,
    duration,
    networks,
    optional_duration,
    short_duration,
    source_entries,
)
from bot.errors import ConfigError
from bot.period import PERIOD_HINT, check_period_label
from bot.textfile import MEGABYTE

DEFAULT_CONFIG_NAME = "newsbot.toml"
STORE_ENV = "NEWSBOT_DB"
SECRET_ENV_NAMES = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN")


@dataclass(frozen=True, slots=True)
class StoreConfig:
    """Where articles live: a SQLite path (or sqlite:/// URL); PostgreSQL arrives later."""

    url: str


@dataclass(frozen=True, slots=True)
class SummarizerConfig:
    """How articles are condensed."""

    points: int = 4


@dataclass(frozen=True, slots=True)
class IngestConfig:
    """Limits applied while ingesting."""

    max_file_mb: float = 25
    workers: int = 1  # processes summarising ahead in batches of 32+ items; 0: none

    @property
    def max_file_bytes(self) -> int:
        """The file size cap in bytes."""
        return int(self.max_file_mb * MEGABYTE)


@dataclass(frozen=True, slots=True)
class DigestConfig:
    """Digest defaults."""

    since: str = "24h"
    max_stories: int = 25  # the most important stories shown; the rest are counted


@dataclass(frozen=True, slots=True)
class ScheduleConfig:
    """How scheduled digests run: [schedule]."""

    grace: timedelta = timedelta(hours=3)
    lease: timedelta = timedelta(minutes=10)
    sweep: timedelta = timedelta(minutes=1)
    takeover: timedelta = timedelta(seconds=30)  # how often a follower asks for the leader lock


@dataclass(frozen=True, slots=True)
class AlertsConfig:
    """Topic alert limits per subscription: [alerts]."""

    per_hour: int = 6  # alert messages per subscription per hour; more matches wait
    per_message: int = 10  # stories in one alert message; the rest come in the next one


@dataclass(frozen=True, slots=True)
class Config:
    """The whole configuration; `path` is the file it came from, if any."""

    store: StoreConfig
    summarizer: SummarizerConfig = field(default_factory=SummarizerConfig)
    ingest: IngestConfig = field(default_factory=IngestConfig)
    digest: DigestConfig = field(default_factory=DigestConfig)
    feeds: FeedsConfig = field(default_factory=FeedsConfig)
    fetch: FetchConfig = field(default_factory=FetchConfig)
    sources: tuple[SourceEntry, ...] = ()
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    slack: SlackConfig = field(default_factory=SlackConfig)
    webhooks: tuple[WebhookEntry, ...] = ()
    path: Path | None = None


Parser = Callable[[object], Any]


def _integer(low: int, high: int) -> Parser:
    def parse(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"must be a whole number from {low} to {high}")
        return value

    return parse


def _positive_number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError("must be a positive number")
    return float(value)


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty string in quotes")
    return value.strip()


def _period(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string in quotes; {PERIOD_HINT}")
    try:
        return check_period_label(value)
    except ValueError:
        raise ValueError(f"is not a period; {PERIOD_HINT}") from None


SCHEMA: dict[str, dict[str, Parser]] = {
    "store": {"url": _text},
    "summarizer": {"points": _integer(1, 10)},
    "ingest": {"max_file_mb": _positive_number, "workers": _integer(0, 16)},
    "digest": {"since": _period, "max_stories": _integer(1, 500)},
    "feeds": {
        "interval": duration,
        "max_item_age": optional_duration,
        "keep_newest": _integer(0, 100),
        "failure_threshold": _integer(1, 1000),
        "concurrency": _integer(1, 500),
    },
    "fetch": {
        "allow_networks": networks,
        "per_host": _integer(1, 50),
        "timeout": _positive_number,
        "max_mb": _positive_number,
    },
    "schedule": {
        "grace": duration,
        "lease": short_duration,
        "sweep": short_duration,
        "takeover": short_duration,
    },
    "alerts": {"per_hour": _integer(1, 60), "per_message": _integer(1, 20)},
    "slack": {
        "mode": slack_mode,
        "port": _integer(1, 65535),
        "admins": slack_users,
        "api_url": slack_api_url,
    },
}
# Arrays of tables, read by their own parser: [[sources]], [[webhooks]].
LISTS = ("sources", "webhooks")


def default_store_url(environ: Mapping[str, str]) -> str:
    """The default SQLite file: $XDG_DATA_HOME/newsbot/newsbot.db or ~/.local/share/newsbot/."""
    data_home = environ.get("XDG_DATA_HOME", "")
    if not Path(data_home).is_absolute():
        data_home = str(Path(environ.get("HOME") or Path.home()) / ".local" / "share")
    return str(Path(data_home) / "newsbot" / "newsbot.db")


def load_config(path: Path | None, environ: Mapping[str, str]) -> Config:
    """Read and validate the config file (None: defaults); NEWSBOT_DB overrides [store] url.

    Raises `ConfigError` naming the file, the key and how to fix it. Reads nothing but `path`.
    """
    tables = _read_toml(path) if path is not None else {}
    where = str(path) if path is not None else "config"
    values = {section: _section(where, section, tables) for section in SCHEMA}
    url = environ.get(STORE_ENV) or values["store"].get("url") or default_store_url(environ)
    return Config(
        store=StoreConfig(url=url),
        summarizer=SummarizerConfig(**values["summarizer"]),
        ingest=IngestConfig(**values["ingest"]),
        digest=DigestConfig(**values["digest"]),
        feeds=FeedsConfig(**values["feeds"]),
        fetch=FetchConfig(**values["fetch"]),
        sources=_sources(where, tables),
        schedule=ScheduleConfig(**values["schedule"]),
        alerts=AlertsConfig(**values["alerts"]),
        slack=SlackConfig(**values["slack"]),
        webhooks=_webhooks(where, tables),
        path=path,
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            tables = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist; check the --config path") from None
    except OSError as error:
        raise ConfigError(f"config file {path} cannot be read: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML ({error}); fix that line") from None
    unknown = sorted(set(tables) - set(SCHEMA) - set(LISTS))
    if unknown:
        sections = [f"[{name}]" for name in SCHEMA] + [f"[[{name}]]" for name in LISTS]
        raise ConfigError(
            f"{path}: unknown section [{unknown[0]}]; the sections are "
            f"{', '.join(sections)} (see config.example.toml)"
        )
    return tables


def _section(where: str, section: str, tables: Mapping[str, Any]) -> dict[str, Any]:
    table = tables.get(section, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: {section} must be a table; write it as [{section}]")
    parsers = SCHEMA[section]
    unknown = sorted(set(table) - set(parsers))
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {unknown[0]!r} in [{section}]; the keys there are "
            f"{', '.join(parsers)} (see config.example.toml)"
        )
    return {key: _value(where, section, key, value, parsers[key]) for key, value in table.items()}


def _sources(where: str, tables: Mapping[str, Any]) -> tuple[SourceEntry, ...]:
    try:
        return source_entries(where, tables.get("sources", []))
    except ValueError as error:
        raise ConfigError(str(error)) from None


def _webhooks(where: str, tables: Mapping[str, Any]) -> tuple[WebhookEntry, ...]:
    try:
        return webhook_entries(where, tables.get("webhooks", []))
    except ValueError as error:
        raise ConfigError(str(error)) from None


def _value(where: str, section: str, key: str, value: object, parse: Parser) -> Any:
    try:
        return parse(value)
    except ValueError as error:
        raise ConfigError(f"{where}: [{section}] {key} {error}, not {value!r}") from None
