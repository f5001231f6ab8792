"""Errors the summariser raises: each message is one sentence a user can act on."""

from __future__ import annotations


class SummarizerError(ValueError):
    """Base class: the input cannot be summarised."""


class EmptyArticleError(SummarizerError):
    """The article has no text left after cleaning."""


class QuestionError(SummarizerError):
    """The text is not a question that can be looked up: empty, or a single word."""
