"""Terminal lines for sources and polls; URLs and errors go in `Text`, never through markup."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text

from bot.polling import PollOptions, PollResult, failing
from bot.source_store import Source


def source_line(source: Source, options: PollOptions, now: datetime) -> Text:
    """One source: state, URL, name, channel and when it is polled next (or why it fails)."""
    state, style = _state(source, options)
    line = Text(f"{state:<9} ", style=style)
    line.append(source.url)
    details: list[str] = [source.kind]
    if source.name:
        details.append(source.name)
    if source.follower:
        details.append(f"{source.follower.platform}/{source.follower.channel}")
    if source.active:
        details.append(f"next poll {_when(source.next_poll_at, now)}")
    line.append(f"  {' · '.join(details)}", style="dim")
    if source.consecutive_failures:
        times = "time" if source.consecutive_failures == 1 else "times"
        line.append(f"\n          failed {source.consecutive_failures} {times} in a row: ")
        line.append(source.last_error or "no reason recorded", style="red")
    return line


def poll_line(result: PollResult) -> Text:
    """One polled source: its status and what happened to its items."""
    styles = {"ok": "green", "not_modified": "cyan", "failed": "red"}
    words = {"ok": "polled", "not_modified": "unchanged", "failed": "failed"}
    line = Text(f"{words[result.status]:<9} ", style=styles[result.status])
    line.append(result.source.label)
    line.append(f"  {_poll_detail(result)}", style="dim")
    if result.alert is not None:
        line.append("\n          ")
        line.append(result.alert.message, style="bold red")
    return line


def poll_summary(results: Sequence[PollResult]) -> str:
    """The last line of a polling run."""
    if not results:
        return "no sources due; add one with `newsbot sources add URL`, or poll all with --all"
    new = sum(len(r.articles) for r in results)
    failed = sum(r.status == "failed" for r in results)
    return f"polled {len(results)} sources: {new} new articles, {failed} sources failed"


def _poll_detail(result: PollResult) -> str:
    if result.status == "failed":
        return result.error or ""
    if result.status == "not_modified":
        return "not modified since the last poll"
    parts = [f"{len(result.articles)} new"]
    if result.first_poll:
        parts.append(f"first poll: {result.marked_seen} existing items marked seen")
    elif result.too_old:
        parts.append(f"{result.too_old} too old")
    if result.failed_items:
        parts.append(f"{len(result.failed_items)} items failed (tried again next poll)")
    return ", ".join(parts)


def _state(source: Source, options: PollOptions) -> tuple[str, str]:
    if not source.active:
        return "off", "dim"
    if failing(source, options):
        return "failing", "bold red"
    if source.consecutive_failures:
        return "retrying", "yellow"
    return "ok", "green"


def _when(moment: datetime, now: datetime) -> str:
    seconds = (moment - now).total_seconds()
    if seconds <= 0:
        return "now"
    if seconds < 3600:
        return f"in {max(1, round(seconds / 60))} min"
    if seconds < 48 * 3600:
        return f"in {seconds / 3600:.1f} h"
    return f"on {moment:%Y-%m-%d %H:%M} UTC"
