"""Language identification (placeholder: helper replaces the body, keeps the signature)."""

from __future__ import annotations

from summarizer.models import LanguageGuess


def detect_language(text: str) -> LanguageGuess:
    """Guess the ISO 639-1 language of `text`; "und" when there is nothing to go on."""
    return LanguageGuess("en", 0.0, False) if text.strip() else LanguageGuess("und", 0.0, False)
