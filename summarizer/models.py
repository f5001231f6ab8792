"""Value types of the summariser: frozen dataclasses, no behaviour beyond validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["paragraph", "bullet", "heading"]
FactKind = Literal[
    "person", "org", "place", "money", "quantity", "percent", "date", "role", "event"
]


@dataclass(frozen=True, slots=True)
class Block:
    """One block of an article's body after cleaning: a paragraph, a bullet or a heading."""

    text: str
    kind: BlockKind = "paragraph"


@dataclass(frozen=True, slots=True)
class CleanedText:
    """An article's body with the noise removed; `removed` keeps what was dropped, for review."""

    title: str
    blocks: tuple[Block, ...]
    removed: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The body as plain text, one block per paragraph."""
        return "\n\n".join(block.text for block in self.blocks)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of the body, with its place in the document."""

    text: str
    position: int
    block: int
    kind: BlockKind = "paragraph"


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """An ISO 639-1 code (or "und" when unknown) with the detector's confidence in [0, 1]."""

    code: str
    confidence: float
    reliable: bool


@dataclass(frozen=True, slots=True)
class KeyPoint:
    """A short, self-contained sentence of the article that carries its news."""

    text: str
    position: int
    score: float


@dataclass(frozen=True, slots=True)
class Fact:
    """A typed claim with its evidence sentence.

    `text` is the exact span as it appears in `sentence`, starting at character `start`;
    `position` is the sentence's index in the article. `value` is the normalised reading (see
    summarizer/facts.py for each kind's format). `entity` names what the fact is about: the
    canonical name for person/org/place facts, the person for a role; `related` is the
    organisation of a role. Both are empty where they do not apply.
    """

    kind: FactKind
    text: str
    value: str
    sentence: str
    position: int = -1
    start: int = -1
    entity: str = ""
    related: str = ""


@dataclass(frozen=True, slots=True)
class SummaryOptions:
    """How many key points to select and within which budget.

    `points` is the number of key points (3-5 is the product default range); `max_words`,
    when set, caps the total words of the key points instead (used for equal-budget comparisons).
    `max_chars` and `max_sentences` bound the work on huge inputs: only the beginning of such an
    article is read (news puts its news first) and the summary carries a warning saying so.
    """

    points: int = 4
    max_words: int | None = None
    max_point_words: int = 60
    max_chars: int = 500_000
    max_sentences: int = 400

    def __post_init__(self) -> None:
        if not 1 <= self.points <= 20:
            raise ValueError(f"points must be between 1 and 20, got {self.points}")
        if self.max_words is not None and self.max_words < 1:
            raise ValueError(f"max_words must be positive, got {self.max_words}")


@dataclass(frozen=True, slots=True)
class Summary:
    """The result of `summarize`: language, key points in document order, facts, and the
    sentences they were taken from (what lookups search)."""

    title: str
    language: str
    key_points: tuple[KeyPoint, ...]
    facts: tuple[Fact, ...] = ()
    sentence_count: int = 0
    warnings: tuple[str, ...] = field(default=())
    sentences: tuple[Sentence, ...] = ()
