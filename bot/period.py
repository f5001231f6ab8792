"""Digest periods: "24h", "7d", "today" or "all", turned into a start time."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.errors import echoed
from bot.models import Period

PERIOD_HINT = "use a number of hours or days such as 24h or 7d, or today, or all"
_DURATION = re.compile(r"(?P<count>[0-9]+)(?P<unit>[hd])")
_UNITS = {"h": "hours", "d": "days"}


def check_period_label(label: str) -> str:
    """The normalised label; raise `ValueError` with a hint when it is not a period."""
    normal = label.strip().lower()
    if normal in {"today", "all"}:
        return normal
    match = _DURATION.fullmatch(normal)
    if match is None or int(match["count"]) == 0:
        raise ValueError(f"{echoed(label)!r} is not a period; {PERIOD_HINT}")
    return normal


def parse_period(label: str, now: datetime) -> Period:
    """The period `label` ends at `now` (timezone-aware); "today" starts at local midnight."""
    normal = check_period_label(label)
    if normal == "all":
        return Period("all", None, "yet")
    if normal == "today":
        midnight = now.astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
        return Period("today", midnight, "today")
    match = _DURATION.fullmatch(normal)
    assert match is not None  # checked above
    delta = timedelta(**{_UNITS[match["unit"]]: int(match["count"])})
    return Period(normal, now - delta, f"in the last {normal}")
