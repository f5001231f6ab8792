"""Digest delivery without a bot: a `Message` posted to a Slack or Discord incoming webhook.

A webhook URL is a secret (whoever has it can post): it comes only from the environment variable
a [[webhooks]] entry names, and no error message, log record or exception chain raised here
carries it. httpx logs every request URL at INFO level, so while posting, a filter on the `httpx`
logger replaces the URL's path (the token) with `[redacted]`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from bot.chat import Message
from bot.config_chat import WebhookEntry, WebhookPlatform
from bot.errors import ConfigError, NewsbotError
from bot.render_discord import render_discord
from bot.render_slack import render_slack

log = logging.getLogger(__name__)

TIMEOUT: Final = httpx.Timeout(10.0, connect=5.0)
FIRST_BACKOFF: Final = 0.5
USERNAME: Final = "newsbot"
REDACTED: Final = "/[redacted]"
NAMES: Final = {"slack": "Slack", "discord": "Discord"}
REFUSED_HINT: Final = (
    "check that the webhook still exists and that its environment variable holds its URL"
)
_SAFE_REASON = re.compile(r"[A-Za-z][\w .,':-]{0,79}")


class WebhookError(NewsbotError):
    """A webhook refused a message, kept failing or could not be reached (never names the URL)."""


@dataclass(frozen=True, slots=True)
class _Post:
    """One message on its way: where to, what, and its place in the series (for errors)."""

    platform: WebhookPlatform
    url: httpx.URL
    body: dict[str, Any]
    number: int
    total: int

    def which(self) -> str:
        """ "the message", or "message 2 of 3" when the Message was split."""
        return "the message" if self.total == 1 else f"message {self.number} of {self.total}"


@dataclass(frozen=True, slots=True)
class _Failure:
    """A failed attempt: what went wrong, the wait the platform asked for, and if it may pass."""

    problem: str
    wait: float | None
    retry: bool


def webhook_url(entry: WebhookEntry, environ: Mapping[str, str]) -> str:
    """The URL of a [[webhooks]] entry, read from its environment variable.

    Raises ConfigError naming the variable (never the URL) when it is unset, empty or not https
    (plain http is accepted only for a loopback host, such as a local test server).
    """
    url = environ.get(entry.url_env, "").strip()
    what = f"the URL of the {NAMES[entry.platform]} webhook {entry.name!r}"
    if not url:
        raise ConfigError(f"The environment variable {entry.url_env} is not set; set it to {what}.")
    if not _acceptable(url):
        raise ConfigError(
            f"The environment variable {entry.url_env} does not hold an https:// URL; "
            f"set it to {what}."
        )
    return url


def _acceptable(url: str) -> bool:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    if not host:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and _loopback(host))


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def post_webhook(
    client: httpx.AsyncClient,
    platform: WebhookPlatform,
    url: str,
    message: Message,
    *,
    max_retries: int = 3,
    max_wait: float = 30.0,
) -> int:
    """Post `message` to a webhook as one or more messages, in order; returns how many.

    Each message is retried up to `max_retries` times: after HTTP 429 it waits as long as the
    platform asks (Slack's `Retry-After`, Discord's `retry_after`), after a 5xx answer, a timeout
    or a connection failure it backs off (0.5 s, doubling). No single wait is longer than
    `max_wait` seconds: a platform that asks for more is a failure. Raises WebhookError with one
    sentence that never contains the URL; messages posted before a failure stay posted.
    """
    bodies = _bodies(platform, message)
    target = _target(platform, url)
    pause = 0.0
    with _redacted_in_logs(url):
        for number, body in enumerate(bodies, start=1):
            await asyncio.sleep(pause)
            post = _Post(platform, target, body, number, len(bodies))
            pause = min(await _deliver(client, post, max_retries, max_wait), max_wait)
    log.info("posted %d message(s) to a %s webhook", len(bodies), platform)
    return len(bodies)


def _bodies(platform: WebhookPlatform, message: Message) -> list[dict[str, Any]]:
    """The JSON bodies a webhook takes, one per rendered payload."""
    if platform == "slack":
        return [
            {**payload, "unfurl_links": False, "unfurl_media": False}
            for payload in render_slack(message)
        ]
    return [{**payload, "username": USERNAME} for payload in render_discord(message)]


def _target(platform: WebhookPlatform, url: str) -> httpx.URL:
    """Where to POST; Discord gets `wait=true` so a refused message is an error, not a 204."""
    target = httpx.URL(url)
    return target.copy_merge_params({"wait": "true"}) if platform == "discord" else target


async def _deliver(
    client: httpx.AsyncClient, post: _Post, max_retries: int, max_wait: float
) -> float:
    """Post one message, retrying as `post_webhook` says; returns the pause before the next."""
    attempt = 0
    while True:
        outcome = await _attempt(client, post)
        if isinstance(outcome, httpx.Response):
            return _bucket_pause(outcome)
        wait = _next_wait(post, outcome, attempt, max_retries, max_wait)
        log.warning("%s webhook %s; retrying in %.2f s", post.platform, outcome.problem, wait)
        await asyncio.sleep(wait)
        attempt += 1


def _next_wait(
    post: _Post, failure: _Failure, attempt: int, max_retries: int, max_wait: float
) -> float:
    """How long to wait before retrying after `failure`; raises WebhookError when not to retry."""
    subject = f"The {NAMES[post.platform]} webhook"
    if not failure.retry:
        raise WebhookError(f"{subject} {failure.problem}; {REFUSED_HINT}.")
    if attempt >= max_retries:
        raise WebhookError(
            f"{subject} {failure.problem} {attempt + 1} times in a row while posting "
            f"{post.which()}; try again later."
        )
    if failure.wait is None:
        return min(FIRST_BACKOFF * 2.0**attempt, max_wait)
    if failure.wait > max_wait:
        raise WebhookError(
            f"{subject} asked to wait {failure.wait:.0f} s before {post.which()}, longer than "
            f"the {max_wait:g} s allowed; try again later."
        )
    return failure.wait


async def _attempt(client: httpx.AsyncClient, post: _Post) -> httpx.Response | _Failure:
    """One POST: the response when it succeeded, else what failed."""
    try:
        response = await client.post(post.url, json=post.body, timeout=TIMEOUT)
    except httpx.TimeoutException:
        return _Failure("did not answer in time", None, retry=True)
    except httpx.TransportError:
        return _Failure("could not be reached", None, retry=True)
    status = response.status_code
    if response.is_success:
        return response
    if status == 429:
        return _Failure("rate-limited the bot", _retry_after(post.platform, response), retry=True)
    if status >= 500:
        return _Failure(f"answered HTTP {status}", None, retry=True)
    reason = _reason(post.platform, response, post.url)
    return _Failure(f"refused {post.which()} (HTTP {status}{reason})", None, retry=False)


def _retry_after(platform: WebhookPlatform, response: httpx.Response) -> float | None:
    """Seconds to wait after a 429: Discord's JSON `retry_after`, else the Retry-After header."""
    if platform == "discord":
        seconds = _json_field(response, "retry_after")
        if isinstance(seconds, int | float) and not isinstance(seconds, bool):
            return max(float(seconds), 0.0)
    return _seconds(response.headers.get("retry-after"))


def _bucket_pause(response: httpx.Response) -> float:
    """How long to wait before the next post: Discord says so when its bucket is empty."""
    if response.headers.get("x-ratelimit-remaining") != "0":
        return 0.0
    return _seconds(response.headers.get("x-ratelimit-reset-after")) or 0.0


def _seconds(value: str | None) -> float | None:
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None


def _reason(platform: WebhookPlatform, response: httpx.Response, url: httpx.URL) -> str:
    """The platform's short error (`no_service`, `Unknown Webhook`), when it is safe to show."""
    text = _json_field(response, "message") if platform == "discord" else response.text.strip()
    if not isinstance(text, str) or not _SAFE_REASON.fullmatch(text):
        return ""
    secrets = [part for part in url.path.split("/") if len(part) >= 8]
    return "" if any(secret in text for secret in secrets) else f": {text}"


def _json_field(response: httpx.Response, key: str) -> object:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get(key) if isinstance(body, dict) else None


class _RedactingFilter(logging.Filter):
    """Replaces a secret in log records (message and arguments) with `[redacted]`."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact in place; never drops a record."""
        if isinstance(record.msg, str):
            record.msg = record.msg.replace(self._secret, REDACTED)
        if isinstance(record.args, tuple):
            record.args = tuple(self._clean(arg) for arg in record.args)
        return True

    def _clean(self, value: object) -> object:
        if isinstance(value, str | httpx.URL) and self._secret in str(value):
            return str(value).replace(self._secret, REDACTED)
        return value


@contextmanager
def _redacted_in_logs(url: str) -> Iterator[None]:
    """While inside, httpx's request log lines show the webhook URL without its path."""
    secret = urlsplit(url).path.rstrip("/") or url
    logger = logging.getLogger("httpx")
    redacting = _RedactingFilter(secret)
    logger.addFilter(redacting)
    try:
        yield
    finally:
        logger.removeFilter(redacting)
