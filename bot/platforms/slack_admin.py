"""Who may run admin-only `/news` commands on Slack.

A user is an admin when listed in `[slack] admins`, or when `users.info` says they are a
workspace admin, owner or primary owner. Answers are cached for a few minutes, so a burst of
admin commands costs one API call; a failed lookup counts as "not an admin" and is not cached.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Final

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

CACHE_SECONDS: Final = 300.0
ADMIN_FLAGS: Final = ("is_admin", "is_owner", "is_primary_owner")

log = logging.getLogger(__name__)


class SlackAdmins:
    """Decides and caches whether a Slack user is an admin."""

    def __init__(
        self,
        allowed: Iterable[str] = (),
        *,
        ttl: float = CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._allowed = frozenset(allowed)
        self._ttl = ttl
        self._clock = clock
        self._cache: dict[str, tuple[float, bool]] = {}

    async def is_admin(self, client: AsyncWebClient, user_id: str) -> bool:
        """True for configured admins and workspace admins or owners; never raises."""
        if user_id in self._allowed:
            return True
        cached = self._cache.get(user_id)
        now = self._clock()
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        try:
            response = await client.users_info(user=user_id)
        except SlackApiError as error:
            log.warning("users.info failed for an admin check: %s", error.response.get("error"))
            return False
        except (ClientError, TimeoutError) as error:
            log.warning("users.info failed for an admin check: %r", error)
            return False
        user = response.get("user") or {}
        admin = any(bool(user.get(flag)) for flag in ADMIN_FLAGS)
        self._cache[user_id] = (now, admin)
        return admin
