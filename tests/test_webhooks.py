"""Digest delivery to Slack and Discord incoming webhooks, against a loopback fake of both."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
import traceback
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx
import pytest

from bot.chat import Item, Link, Message, Text, Title
from bot.config_chat import WebhookEntry, WebhookPlatform
from bot.errors import ConfigError, NewsbotError
from bot.render_discord import render_discord
from bot.render_slack import render_slack
from bot.webhooks import WebhookError, post_webhook, webhook_url
from tests.fakes.webhook_fake import (
    DISCORD_TOKEN,
    SLACK_TOKEN,
    WebhookFake,
    big_digest,
    discord_limit_problems,
    slack_limit_problems,
    story_title,
)
from tests.loopback_http import unused_port

T = TypeVar("T")
SMALL = Message(
    (
        Title("Digest"),
        Text("Two stories."),
        Item("Port deal", ("It is signed.",), (Link("A", "https://a.example/1", "en"),)),
    ),
    "Digest: 2 stories",
)
SLACK_SECRET = SLACK_TOKEN.rsplit("/", 1)[1]


def run_with_fake(scenario: Callable[[WebhookFake, httpx.AsyncClient], Awaitable[T]]) -> T:
    """Run `scenario` with a started fake and an httpx client that ignores proxy settings."""

    async def main() -> T:
        async with WebhookFake() as fake, httpx.AsyncClient(trust_env=False) as client:
            return await scenario(fake, client)

    return asyncio.run(main())


def url_of(fake: WebhookFake, platform: WebhookPlatform) -> str:
    """The fake's webhook URL for `platform`."""
    return fake.slack_url() if platform == "slack" else fake.discord_url()


def assert_secret_free(text: str, url: str, token: str) -> None:
    """Neither the webhook URL nor its token is in `text`."""
    assert url not in text
    assert token not in text


def assert_one_sentence(text: str) -> None:
    """`text` is one sentence: capitalised, ending in a full stop, with no other sentence break."""
    assert text[0].isupper()
    assert text.endswith(".")
    assert ". " not in text
    assert "\n" not in text


# -- webhook_url ------------------------------------------------------------------------------


def test_the_url_comes_from_the_named_environment_variable() -> None:
    """An https URL in the entry's variable is returned as it is."""
    entry = WebhookEntry("team", "slack", "TEAM_HOOK")
    url = "https://hooks.slack.com/services/T1/B1/abc"
    assert webhook_url(entry, {"TEAM_HOOK": f"  {url}\n"}) == url


@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_missing_url_names_the_variable(value: str | None) -> None:
    """An unset or empty variable is a ConfigError that says which variable to set."""
    entry = WebhookEntry("team", "discord", "TEAM_HOOK")
    environ = {} if value is None else {"TEAM_HOOK": value}
    with pytest.raises(ConfigError) as caught:
        webhook_url(entry, environ)
    assert str(caught.value) == (
        "The environment variable TEAM_HOOK is not set; set it to the URL of the Discord "
        "webhook 'team'."
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.slack.com/services/T1/B1/sekrit999",
        "ftp://hooks.slack.com/services/T1/B1/sekrit999",
        "hooks.slack.com/services/T1/B1/sekrit999",
        "https:///services/T1/B1/sekrit999",
        "http://10.0.0.1/services/T1/B1/sekrit999",
    ],
)
def test_a_url_that_is_not_https_is_refused_without_echoing_it(url: str) -> None:
    """Plain http (except on loopback) and other schemes are refused; the error hides the URL."""
    entry = WebhookEntry("team", "slack", "TEAM_HOOK")
    with pytest.raises(ConfigError) as caught:
        webhook_url(entry, {"TEAM_HOOK": url})
    message = str(caught.value)
    assert "TEAM_HOOK" in message
    assert_secret_free(message, url, "sekrit999")
    assert_one_sentence(message)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_plain_http_is_accepted_on_loopback(host: str) -> None:
    """A local fake (or relay) on a loopback address may use plain http."""
    url = f"http://{host}:8080/services/T1/B1/abc"
    assert webhook_url(WebhookEntry("t", "slack", "H"), {"H": url}) == url


# -- posting ----------------------------------------------------------------------------------


def test_a_slack_webhook_receives_text_and_blocks() -> None:
    """Slack gets {"text", "blocks"} as rendered, with link unfurling off."""

    async def scenario(fake: WebhookFake, client: httpx.AsyncClient) -> WebhookFake:
        assert await post_webhook(client, "slack", fake.slack_url(), SMALL) == 1
        return fake

    fake = run_with_fake(scenario)
    [post] = fake.posts
    [payload] = render_slack(SMALL)
    assert post.platform == "slack"
    assert post.headers["Content-Type"] == "application/json"
    assert post.body == {**payload, "unfurl_links": False, "unfurl_media": False}


def test_a_discord_webhook_receives_content_embeds_and_no_mentions() -> None:
    """Discord gets content, embeds, username and allowed_mentions {"parse": []}, with wait=true."""

    async def scenario(fake: WebhookFake, client: httpx.AsyncClient) -> WebhookFake:
        assert await post_webhook(client, "discord", fake.discord_url(), SMALL) == 1
        return fake

    fake = run_with_fake(scenario)
    [post] = fake.posts
    [payload] = render_discord(SMALL)
    assert post.query == {"wait": "true"}
    assert post.body == {**payload, "username": "newsbot"}
    assert post.body["allowed_mentions"] == {"parse": []}
    assert post.body["embeds"][0]["title"] == "Port deal"


@pytest.mark.parametrize("platform", ["slack", "discord"])
def test_an_oversize_digest_arrives_as_several_posts_within_limits(
    platform: WebhookPlatform,
) -> None:
    """A 120-story digest becomes several posts, in order, each accepted and within every limit."""
    digest = big_digest(120)

    async def scenario(fake: WebhookFake, client: httpx.AsyncClient) -> tuple[int, WebhookFake]:
        url = url_of(fake, platform)
        count = await post_webhook(client, platform, url, digest)
        return count, fake

    count, fake = run_with_fake(scenario)
    assert count == len(fake.posts) == len(fake.requests) > 1
    checker = slack_limit_problems if platform == "slack" else discord_limit_problems
    assert all(checker(post.body) == [] for post in fake.posts)
    assert all(
        post.body.get("allowed_mentions", {"parse": []}) == {"parse": []} for post in fake.posts
    )
    arrived = "".join(str(post.body) for post in fake.posts)
    marker = "Story {:03d}: council"
    positions = [arrived.find(marker.format(n)) for n in range(1, 121)]
    assert min(positions) >= 0
    assert positions == sorted(positions)
    assert story_title(120)[:20] in arrived


@pytest.mark.parametrize("platform", ["slack", "discord"])
def test_a_rate_limit_is_waited_out_and_the_post_succeeds(platform: WebhookPlatform) -> None:
    """Two 429 answers are retried after the wait they ask for; the third attempt is posted."""

    async def scenario(
        fake: WebhookFake, client: httpx.AsyncClient
    ) -> tuple[int, float, WebhookFake]:
        fake.fail_next(2, 429, retry_after=0.01 if platform == "discord" else 0)
        url = url_of(fake, platform)
        started = time.monotonic()
        count = await post_webhook(client, platform, url, SMALL)
        return count, time.monotonic() - started, fake

    count, elapsed, fake = run_with_fake(scenario)
    assert count == 1
    assert len(fake.requests) == 3
    assert len(fake.posts) == 1
    assert elapsed < 0.8  # Discord's JSON retry_after (0.01 s) wins over its rounded header (1 s)


def test_a_rate_limit_longer_than_max_wait_fails_at_once() -> None:
    """A platform asking to wait longer than max_wait gets no sleep and no retry: an error."""

    async def scenario(fake: WebhookFake, client: httpx.AsyncClient) -> tuple[str, float, int]:
        fake.fail_next(1, 429, retry_after=120)
        started = time.monotonic()
        with pytest.raises(WebhookError) as caught:
            await post_webhook(client, "discord", fake.discord_url(), SMALL, max_wait=5)
        return str(caught.value), time.monotonic() - started, len(fake.requests)

    message, elapsed, requests = run_with_fake(scenario)
    assert requests == 1
    assert elapsed < 1
    assert message == (
        "The Discord webhook asked to wait 120 s before the message, longer than the 5 s "
        "allowed; try again later."
    )


@pytest.mark.parametrize("platform", ["slack", "discord"])
def test_a_persistent_server_error_is_one_sentence_without_the_url(
    platform: WebhookPlatform, caplog: pytest.LogCaptureFixture
) -> None:
    """After max_retries retries of HTTP 500 the error is one sentence; no log holds the URL."""
    caplog.set_level(logging.DEBUG)
    token = SLACK_SECRET if platform == "slack" else DISCORD_TOKEN

    async def scenario(
        fake: WebhookFake, client: httpx.AsyncClient
    ) -> tuple[WebhookError, str, int]:
        fake.fail_next(10, 500)
        url = url_of(fake, platform)
        with pytest.raises(WebhookError) as caught:
            await post_webhook(client, platform, url, SMALL, max_wait=0.01)
        return caught.value, url, len(fake.requests)

    error, url, requests = run_with_fake(scenario)
    name = "Slack" if platform == "slack" else "Discord"
    assert requests == 4
    assert str(error) == (
        f"The {name} webhook answered HTTP 500 4 times in a row while posting the message; "
        "try again later."
    )
    assert isinstance(error, NewsbotError)
    assert_one_sentence(str(error))
    assert_secret_free("".join(traceback.format_exception(error)), url, token)
    logged = [record.getMessage() for record in caplog.records]
    assert any("HTTP Request: POST" in line for line in logged)  # httpx did log, redacted
    for line in logged:
        assert_secret_free(line, url, token)


def test_a_refused_message_is_not_retried_and_says_why() -> None:
    """A 404 (the webhook was deleted) fails at once, with Discord's reason and a hint."""

    async def scenario(fake: WebhookFake, client: httpx.AsyncClient) -> tuple[str, int]:
        fake.fail_next(1, 404)
        with pytest.raises(WebhookError) as caught:
            await post_webhook(client, "discord", fake.discord_url(), SMALL)
        return str(caught.value), len(fake.requests)

    message, requests = run_with_fake(scenario)
    assert requests == 1
    assert message == (
        "The Discord webhook refused the message (HTTP 404: Unknown Webhook); check that the "
        "webhook still exists and that its environment variable holds its URL."
    )


def test_slack_s_error_code_is_in_the_sentence() -> None:
    """Slack's short error code (here: the webhook was removed) tells the user what happened."""

    async def scenario(fake: WebhookFake, client: httpx.AsyncClient) -> str:
        fake.fail_next(1, 404)
        with pytest.raises(WebhookError) as caught:
            await post_webhook(client, "slack", fake.slack_url(), big_digest(60))
        return str(caught.value)

    message = run_with_fake(scenario)
    assert message.startswith("The Slack webhook refused message 1 of ")
    assert "(HTTP 404: no_service); check that the webhook still exists" in message
    assert_one_sentence(message)


def test_an_unreachable_webhook_fails_after_retries_without_the_url(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A refused connection is retried, then reported in one sentence that hides the URL."""
    caplog.set_level(logging.DEBUG)
    url = f"http://127.0.0.1:{unused_port()}/services/{SLACK_TOKEN}"

    async def scenario() -> WebhookError:
        async with httpx.AsyncClient(trust_env=False) as client:
            with pytest.raises(WebhookError) as caught:
                await post_webhook(client, "slack", url, SMALL, max_retries=2, max_wait=0.01)
        return caught.value

    error = asyncio.run(scenario())
    assert str(error) == (
        "The Slack webhook could not be reached 3 times in a row while posting the message; "
        "try again later."
    )
    assert_secret_free("".join(traceback.format_exception(error)), url, SLACK_SECRET)
    for record in caplog.records:
        assert_secret_free(record.getMessage(), url, SLACK_SECRET)


def test_an_empty_discord_bucket_delays_the_next_post() -> None:
    """When Discord says its rate-limit bucket is empty, the next post waits for the reset."""
    digest = big_digest(12)

    async def scenario(fake: WebhookFake, client: httpx.AsyncClient) -> WebhookFake:
        fake.empty_bucket_after(0.15)
        await post_webhook(client, "discord", fake.discord_url(), digest)
        return fake

    fake = run_with_fake(scenario)
    times = [post.at for post in fake.posts]
    assert len(times) >= 3
    assert all(later - earlier >= 0.14 for earlier, later in itertools.pairwise(times))
