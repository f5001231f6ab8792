"""The candidate names of an article: its capitalised runs, trimmed and split into mentions.

A run that names something known as a whole stays whole ("The Hague", "Bank of America");
otherwise stop words and sentence adverbs that open the sentence are dropped ("While Xiaomi" ->
"Xiaomi", "Yesterday General Motors" -> "General Motors"), and the rest is cut at words that
cannot be part of a name ("Chinese EV brand Xiaomi" keeps "Xiaomi"). A single word that opens a
sentence is dropped when the article also writes it in lower case. A stop word that is all that
opens a sentence ("Lu said") is kept as an `opener`: it may still be a known surname.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from summarizer.fact_lexicon import OFFICE_WORDS, SENTENCE_ADVERBS
from summarizer.fact_name_types import breaks_name, known_entity, static_entity
from summarizer.fact_names import Run, Word, find_runs
from summarizer.gazetteer import fold, is_first_name
from summarizer.stopwords import stop_words

# How much text around a mention its cues may read.
CONTEXT = 60
_LOWER_CASE_WORD = re.compile(r"(?<![\w-])[a-z][a-z'-]+")


@dataclass(frozen=True, slots=True)
class Mention:
    """One candidate name in one sentence (`sentence` is its index in the article), with the
    sentence it stands in. `opener` marks a stop word opening the sentence: a name only as a
    known surname."""

    sentence: int
    run: Run
    text: str
    sentence_text: str
    opener: bool = False

    @property
    def left(self) -> str:
        """Up to CONTEXT characters before the mention."""
        return self.sentence_text[max(0, self.run.start - CONTEXT) : self.run.start]

    @property
    def right(self) -> str:
        """Up to CONTEXT characters after the mention (a possessive 's included)."""
        return self.sentence_text[self.run.end : self.run.end + CONTEXT]

    @property
    def key(self) -> str:
        """What mentions of one name share: the folded surface."""
        return fold(self.text)

    @property
    def words(self) -> list[str]:
        """The words of the mention."""
        return [word.text for word in self.run.words]


def article_mentions(
    sentences: Sequence[str], headlines: Sequence[bool], language: str
) -> list[Mention]:
    """The mentions of every sentence that is not a title-case headline, in document order."""
    lowered = _lower_case_words(sentences)
    stops = stop_words(language) | stop_words("en")
    return [
        mention
        for index, text in enumerate(sentences)
        if not headlines[index]
        for run in find_runs(text)
        for mention in _mentions(text, index, run, stops, lowered)
    ]


def _lower_case_words(sentences: Sequence[str]) -> frozenset[str]:
    """Words the article writes in lower case somewhere (so they are words, not names)."""
    found: set[str] = set()
    for text in sentences:
        found.update(_LOWER_CASE_WORD.findall(text))
    return frozenset(found)


def _mentions(
    sentence: str, index: int, run: Run, stops: frozenset[str], lowered: frozenset[str]
) -> list[Mention]:
    """The mentions of one run: whole when known as a whole, else trimmed, else in pieces."""
    whole = _mention(sentence, index, run)
    if known_entity(whole.text) is not None:
        return [whole]
    first = 0
    while run.initial and first < len(run.words) and _opener(run.words[first].text, stops):
        first += 1
    if first == len(run.words):  # "Lu said": "Lu" is a stop word, and William Lu's surname
        return [replace(whole, opener=True)] if len(run.words) == 1 else []
    trimmed = _mention(sentence, index, run.sub(first, len(run.words), True))
    if static_entity(trimmed.text) is not None:
        return [trimmed]
    if len(run.words) == 1 and not run.initial:
        return [] if breaks_name(whole.text) else [whole]
    pieces: list[Mention] = []
    for start, end in _pieces(run.words, first):
        piece = run.sub(start, end, start == first)
        if piece.initial and len(piece.words) == 1 and piece.words[0].text.lower() in lowered:
            continue
        pieces.append(_mention(sentence, index, piece))
    return pieces


def _opener(word: str, stops: frozenset[str]) -> bool:
    """A stop word or sentence adverb that opens a sentence ("The", "While", "Yesterday");
    "US" in capitals is a name."""
    lower = word.lower()
    return (lower in stops or lower in SENTENCE_ADVERBS) and not (word.isupper() and len(word) > 1)


def _mention(sentence: str, index: int, run: Run) -> Mention:
    return Mention(index, run, run.text(sentence), sentence)


def _pieces(words: Sequence[Word], first: int) -> list[tuple[int, int]]:
    """[start, end) word ranges of a run split at words that are not names (demonyms, common
    abbreviations, months) and after an office word ("State" of "State Colin Powell")."""
    ranges: list[tuple[int, int]] = []
    start = first
    for position in range(first, len(words) + 1):
        if position < len(words) and not breaks_name(words[position].text):
            continue
        if position > start:
            ranges.extend(_split_office(words, start, position))
        start = position + 1
    return ranges


def _split_office(words: Sequence[Word], start: int, end: int) -> list[tuple[int, int]]:
    """The range, split after an office word that precedes a first name and a surname
    ("Secretary of State Colin Powell": "State" + "Colin Powell"); "New York Dolls" stays whole."""
    if end - start < 3 or words[start].text.lower() not in OFFICE_WORDS:
        return [(start, end)]
    if is_first_name(words[start + 1].text):
        return [(start, start + 1), (start + 1, end)]
    return [(start, end)]
