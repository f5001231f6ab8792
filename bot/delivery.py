"""Posting a `Message` to a channel outside of a command reply: alerts, digests, notices.

A `Deliverer` posts to one platform; `Deliveries` picks the deliverer of the platform a
`ChannelKey` names. Contract: `deliver` either posts the whole message (returning how many
platform messages that took) or raises `DeliveryError`, one sentence that names the platform and
channel and says what to do, never a token or a traceback. Parts posted before a failure stay
posted; nothing is retried here (the platform clients retry rate limits themselves).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Protocol

from rich.console import Console
from rich.text import Text

from bot.chat import Message
from bot.errors import NewsbotError
from bot.render_chat_terminal import message_view
from bot.source_store import ChannelKey

log = logging.getLogger(__name__)


class DeliveryError(NewsbotError):
    """A message could not be posted: the platform is not running or refused it."""


class Deliverer(Protocol):
    """Posts messages to the channels of one platform."""

    async def deliver(self, channel_id: str, message: Message) -> int:
        """Post `message` to `channel_id`; the number of platform messages posted.

        Raises `DeliveryError` (one sentence) when the platform refuses or cannot be reached.
        """
        ...


class Deliveries:
    """The deliverers of the running platforms, by platform name ("slack", "discord", ...)."""

    def __init__(self, deliverers: Mapping[str, Deliverer] | None = None) -> None:
        self._deliverers: dict[str, Deliverer] = dict(deliverers or {})

    def add(self, platform: str, deliverer: Deliverer) -> None:
        """Deliver to `platform` through `deliverer` from now on."""
        self._deliverers[platform] = deliverer

    @property
    def platforms(self) -> tuple[str, ...]:
        """The platforms that can be delivered to, in the order they were added."""
        return tuple(self._deliverers)

    async def deliver(self, target: ChannelKey, message: Message) -> int:
        """Post `message` to `target`; the number of platform messages posted.

        Raises `DeliveryError` when the target's platform is not running or posting fails.
        """
        deliverer = self._deliverers.get(target.platform)
        if deliverer is None:
            raise DeliveryError(
                f"Cannot post to {target.platform} channel {target.channel}: {target.platform} "
                "is not running here; set its token and restart `newsbot serve`."
            )
        try:
            return await deliverer.deliver(target.channel, message)
        except DeliveryError:
            raise
        except Exception as error:
            # The error's text may quote a request (and so a token): only its type is shown.
            log.debug("delivery to %s failed", target, exc_info=True)
            raise DeliveryError(
                f"Posting to {target.platform} channel {target.channel} failed "
                f"({type(error).__name__}); check the network and that the bot may post there."
            ) from None


class ConsoleDeliverer:
    """Prints messages to a terminal, headed by the channel they are for."""

    def __init__(self, console: Console) -> None:
        self._console = console

    async def deliver(self, channel_id: str, message: Message) -> int:
        """Print `message` under a line naming `channel_id`; always one message."""
        self._console.print(Text(f"to {channel_id}:", style="dim"))
        self._console.print(message_view(message))
        self._console.print()
        return 1
