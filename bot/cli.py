"""Placeholder command line (the CLI helper replaces this)."""

from __future__ import annotations


def main() -> None:
    """Entry point of `newsbot`."""
    raise SystemExit("newsbot: not built yet")
