"""The chat parts of the configuration: [slack] and the [[webhooks]] list.

Tokens, signing secrets and webhook URLs are secrets: they come from the environment only. A
[[webhooks]] entry names the environment variable that holds its URL, never the URL itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

SlackMode = Literal["socket", "http"]
WebhookPlatform = Literal["slack", "discord"]
WEBHOOK_KEYS: Final = ("name", "platform", "url_env")
_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")
_SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,}")


@dataclass(frozen=True, slots=True)
class SlackConfig:
    """How the Slack app runs: [slack]."""

    mode: SlackMode = "socket"
    port: int = 3000
    admins: tuple[str, ...] = ()
    api_url: str | None = None  # None: https://slack.com/api/


@dataclass(frozen=True, slots=True)
class WebhookEntry:
    """One [[webhooks]] entry: a digest target without a bot; its URL is read from `url_env`."""

    name: str
    platform: WebhookPlatform
    url_env: str


def slack_mode(value: object) -> SlackMode:
    """ "socket" (the default, no public URL needed) or "http" (signed requests on a port)."""
    if value == "socket":
        return "socket"
    if value == "http":
        return "http"
    raise ValueError('must be "socket" or "http"')


def slack_api_url(value: object) -> str:
    """The Slack Web API base URL: http(s), ending in a slash."""
    if not isinstance(value, str) or not value.strip().lower().startswith(("https://", "http://")):
        raise ValueError('must be an http(s) URL in quotes, such as "https://slack.com/api/"')
    url = value.strip()
    return url if url.endswith("/") else url + "/"


def slack_users(value: object) -> tuple[str, ...]:
    """A list of Slack user ids ("U0123ABCD") allowed to run admin commands."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError('must be a list of Slack user ids such as ["U0123ABCD"]')
    users = tuple(item.strip() for item in value)
    bad = [item for item in users if not _SLACK_USER.fullmatch(item)]
    if bad:
        raise ValueError(f'holds {bad[0]!r}, which is not a Slack user id such as "U0123ABCD"')
    return users


def webhook_entries(where: str, value: object) -> tuple[WebhookEntry, ...]:
    """The [[webhooks]] list, validated; raises ValueError naming the entry and the key."""
    if not isinstance(value, list):
        raise ValueError(f"{where}: webhooks must be a list of tables; write each as [[webhooks]]")
    entries = [_webhook(where, number, table) for number, table in enumerate(value, 1)]
    names = [entry.name for entry in entries]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"{where}: two [[webhooks]] entries are named {repeated[0]!r}")
    return tuple(entries)


def _webhook(where: str, number: int, table: object) -> WebhookEntry:
    label = f"{where}: [[webhooks]] entry {number}"
    if not isinstance(table, Mapping):
        raise ValueError(f"{label} must be a table")
    unknown = sorted(set(table) - set(WEBHOOK_KEYS))
    if unknown:
        raise ValueError(
            f"{label}: unknown key {unknown[0]!r}; the keys are {', '.join(WEBHOOK_KEYS)}"
        )
    name = _required(label, table, "name")
    platform = _required(label, table, "platform")
    if platform not in ("slack", "discord"):
        raise ValueError(f'{label}: platform must be "slack" or "discord", not {platform!r}')
    url_env = _required(label, table, "url_env")
    if not _ENV_NAME.fullmatch(url_env):
        raise ValueError(
            f"{label}: url_env must name an environment variable such as "
            f'"NEWSBOT_TEAM_WEBHOOK", not {url_env!r} (the URL itself is a secret)'
        )
    return WebhookEntry(name, "slack" if platform == "slack" else "discord", url_env)


def _required(label: str, table: Mapping[str, Any], key: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{label}: {key} is required, as a string in quotes")
    return value.strip()
