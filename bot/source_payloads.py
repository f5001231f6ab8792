"""The `--json` formats of `newsbot sources list` and `newsbot poll`, built from values."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from bot.payloads import IngestPayload, ingest_payload
from bot.polling import PollOptions, PollResult, failing
from bot.source_store import Source


class FeedSourcePayload(TypedDict):
    """One followed source and its polling state; `failing` says whether it is reported."""

    id: int
    url: str
    name: str | None
    kind: str
    platform: str | None
    channel: str | None
    added_by: str
    added_at: str
    interval_minutes: float | None
    active: bool
    last_polled_at: str | None
    last_success_at: str | None
    next_poll_at: str
    consecutive_failures: int
    failing: bool
    last_error: str | None


class FailedItemPayload(TypedDict):
    """An item of a polled feed that could not be ingested."""

    source: str
    error: str


class PollResultPayload(TypedDict):
    """One source's poll in `newsbot poll --json`."""

    source: FeedSourcePayload
    status: str
    first_poll: bool
    new: list[IngestPayload]
    failed_items: list[FailedItemPayload]
    marked_seen: int
    too_old: int
    error: str | None
    alert: str | None


class PollPayload(TypedDict):
    """`newsbot poll --json`."""

    polled: int
    results: list[PollResultPayload]


def feed_source_payload(source: Source, options: PollOptions) -> FeedSourcePayload:
    """The JSON form of a source."""
    interval = source.interval.total_seconds() / 60 if source.interval else None
    return {
        "id": source.id,
        "url": source.url,
        "name": source.name,
        "kind": source.kind,
        "platform": source.follower.platform if source.follower else None,
        "channel": source.follower.channel if source.follower else None,
        "added_by": source.added_by,
        "added_at": _time(source.added_at) or "",
        "interval_minutes": interval,
        "active": source.active,
        "last_polled_at": _time(source.last_polled_at),
        "last_success_at": _time(source.last_success_at),
        "next_poll_at": _time(source.next_poll_at) or "",
        "consecutive_failures": source.consecutive_failures,
        "failing": failing(source, options),
        "last_error": source.last_error,
    }


def poll_payload(results: tuple[PollResult, ...], options: PollOptions) -> PollPayload:
    """The JSON form of one polling run."""
    return {"polled": len(results), "results": [poll_result_payload(r, options) for r in results]}


def poll_result_payload(result: PollResult, options: PollOptions) -> PollResultPayload:
    """The JSON form of one source's poll."""
    return {
        "source": feed_source_payload(result.source, options),
        "status": result.status,
        "first_poll": result.first_poll,
        "new": [ingest_payload(article) for article in result.articles],
        "failed_items": [{"source": o.source, "error": o.error or ""} for o in result.failed_items],
        "marked_seen": result.marked_seen,
        "too_old": result.too_old,
        "error": result.error,
        "alert": result.alert.message if result.alert else None,
    }


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
