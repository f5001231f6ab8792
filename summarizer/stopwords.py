"""Stop words per language (placeholder: helper replaces the body, keeps the signature)."""

from __future__ import annotations


def stop_words(language: str) -> frozenset[str]:
    """Lower-cased stop words for an ISO 639-1 code; an empty set for an unknown language."""
    return frozenset()
