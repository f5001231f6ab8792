"""Errors the bot reports to people: each message is one sentence that says what to do."""

from __future__ import annotations


class NewsbotError(Exception):
    """Base class: a failure whose message is safe and useful to show as it is."""


class ConfigError(NewsbotError):
    """The configuration file is missing, malformed or holds a wrong key or value."""


class InputError(NewsbotError):
    """An input (file, URL, JSON line) cannot be read as an article."""


ECHO_LIMIT = 40


def echoed(text: str, limit: int = ECHO_LIMIT) -> str:
    """User input as an error sentence repeats it: at most `limit` characters, then "…"."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class StoreError(NewsbotError):
    """The store cannot be opened or used; `transient` when the database could not be reached
    or the connection broke (a restart, a network blip), so trying again later may work."""

    transient: bool = False


class QueryError(NewsbotError):
    """A lookup query (question, entity, search terms) is empty or unusable."""
