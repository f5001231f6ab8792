"""Article cleaning (placeholder: helper replaces the body, keeps the signature)."""

from __future__ import annotations

from typing import Literal

from summarizer.models import Block, CleanedText

TextFormat = Literal["auto", "text", "html", "markdown"]


def clean(text: str, *, title: str = "", fmt: TextFormat = "auto") -> CleanedText:
    """Keep the article body of plain text, HTML or markdown and drop what is not the article."""
    blocks = tuple(Block(p.strip()) for p in text.split("\n\n") if p.strip())
    return CleanedText(title=title, blocks=blocks)
