"""Content fingerprints: the same article text gives the same id, whatever its whitespace."""

from __future__ import annotations

import hashlib


def normalise_whitespace(text: str) -> str:
    """Collapse every run of whitespace to one space and trim the ends."""
    return " ".join(text.split())


def fingerprint(text: str) -> str:
    """The sha256 hex digest of the whitespace-normalised text."""
    return hashlib.sha256(normalise_whitespace(text).encode("utf-8")).hexdigest()


def article_id(content_fingerprint: str) -> str:
    """The article id of a fingerprint: its first 16 hex digits."""
    return content_fingerprint[:16]
