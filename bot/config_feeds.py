"""The feed parts of the configuration: [feeds], [fetch] and the [[sources]] list.

Parsers raise `ValueError` with the end of a sentence ("must be ..."); `bot.config` puts the file
and the key in front, so every mistake names the key that is wrong.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from bot.canonical_url import canonical_url

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
DURATION_HINT: Final = 'use a number of minutes, hours or days such as "30m", "2h" or "3d"'
SECONDS_HINT: Final = 'use a number of seconds, minutes or hours such as "30s", "5m" or "1h"'
_DURATION = re.compile(r"(?P<count>[0-9]+)\s*(?P<unit>[smhd])")
_UNITS: Final = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
SOURCE_KEYS: Final = ("url", "name", "interval")


@dataclass(frozen=True, slots=True)
class FeedsConfig:
    """How sources are polled: [feeds]."""

    interval: timedelta = timedelta(minutes=30)
    max_item_age: timedelta | None = timedelta(days=3)
    keep_newest: int = 0
    failure_threshold: int = 5
    concurrency: int = 20


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """How URLs are fetched: [fetch]."""

    allow_networks: tuple[IPNetwork, ...] = ()
    per_host: int = 2
    timeout: float = 30.0
    max_mb: float = 5.0


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """One [[sources]] entry: a URL to poll, with an optional name and interval."""

    url: str
    name: str | None = None
    interval: timedelta | None = None


def duration(value: object) -> timedelta:
    """A duration such as "30m", "2h" or "3d", at least one minute."""
    return _parse_duration(value, seconds=False)


def short_duration(value: object) -> timedelta:
    """A duration that may also be in seconds, such as "30s", "5m" or "1h"."""
    return _parse_duration(value, seconds=True)


def describe_duration(delta: timedelta) -> str:
    """Such as "30 s", "5 min" or "2 h" (the largest unit that divides it)."""
    seconds = round(delta.total_seconds())
    for size, unit in ((3600, "h"), (60, "min")):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def _parse_duration(value: object, *, seconds: bool) -> timedelta:
    hint = SECONDS_HINT if seconds else DURATION_HINT
    if not isinstance(value, str):
        raise ValueError(f"must be a string in quotes; {hint}")
    match = _DURATION.fullmatch(value.strip().lower())
    if match is None or int(match["count"]) == 0 or (match["unit"] == "s" and not seconds):
        raise ValueError(f"is not a duration; {hint}")
    return timedelta(**{_UNITS[match["unit"]]: int(match["count"])})


def optional_duration(value: object) -> timedelta | None:
    """A duration, or "off" for no limit."""
    if isinstance(value, str) and value.strip().lower() == "off":
        return None
    try:
        return duration(value)
    except ValueError as error:
        raise ValueError(f'{error}, or "off"') from None


def networks(value: object) -> tuple[IPNetwork, ...]:
    """A list of addresses or networks in CIDR form, such as ["192.168.1.0/24"]."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError('must be a list of networks in quotes, such as ["192.168.1.0/24"]')
    found: list[IPNetwork] = []
    for item in value:
        try:
            found.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            raise ValueError(f"holds {item!r}, which is not an address or network") from None
    return tuple(found)


def http_url(value: object) -> str:
    """An http(s) URL, returned in its canonical form (see `bot.canonical_url`)."""
    canonical = canonical_url(value) if isinstance(value, str) else None
    if canonical is None:
        raise ValueError("must be an http:// or https:// URL in quotes")
    return canonical


def source_entries(where: str, value: object) -> tuple[SourceEntry, ...]:
    """The [[sources]] array; raise `ValueError` naming the entry and its wrong key."""
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise ValueError(f"{where}: sources must be a list of tables; write each as [[sources]]")
    entries = [_entry(where, number, entry) for number, entry in enumerate(value, start=1)]
    urls = [entry.url for entry in entries]
    repeated = next((url for url in urls if urls.count(url) > 1), None)
    if repeated is not None:
        raise ValueError(f"{where}: [[sources]] lists {repeated} twice; keep one entry")
    return tuple(entries)


def _entry(where: str, number: int, table: Mapping[str, Any]) -> SourceEntry:
    unknown = sorted(set(table) - set(SOURCE_KEYS))
    if unknown:
        raise ValueError(
            f"{where}: unknown key {unknown[0]!r} in [[sources]] entry {number}; the keys there "
            f"are {', '.join(SOURCE_KEYS)} (see config.example.toml)"
        )
    if "url" not in table:
        raise ValueError(f'{where}: [[sources]] entry {number} has no url; add url = "https://..."')
    parsers = {"url": http_url, "name": _name, "interval": duration}
    values: dict[str, Any] = {}
    for key, raw in table.items():
        try:
            values[key] = parsers[key](raw)
        except ValueError as error:
            raise ValueError(
                f"{where}: [[sources]] entry {number} {key} {error}, not {raw!r}"
            ) from None
    return SourceEntry(**values)


def _name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty string in quotes")
    return value.strip()
