"""Sentence splitting and word tokenising (placeholder: helper replaces the body)."""

from __future__ import annotations

import re

from summarizer.models import Block, Sentence


def split_sentences(text: str, language: str = "en") -> list[str]:
    """Split one block of text into sentences."""
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def words(text: str, language: str = "en") -> list[str]:
    """The word tokens of `text` (no punctuation), in order, case kept."""
    return re.findall(r"\w+", text)


def segment(blocks: tuple[Block, ...] | list[Block], language: str = "en") -> tuple[Sentence, ...]:
    """Sentences of every block, numbered in document order."""
    out: list[Sentence] = []
    for index, block in enumerate(blocks):
        for text in split_sentences(block.text, language):
            out.append(Sentence(text, len(out), index, block.kind))
    return tuple(out)
