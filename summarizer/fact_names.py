"""Candidate names in one sentence: runs of capitalised words, before anything types them.

A run is a sequence of capitalised words separated by single spaces ("Rudolf Dittrich", "Navigant
Research"), joined across "&" ("Johnson & Johnson"), across "of"/"van" after the head of an
institution or a feature ("Bank of America", "Gulf of Mexico"), and across name particles after a
first name ("Rudolf van der Berg"). A run ends at punctuation, at a lower-case word, at a word with
digits ("SU7"), at a possessive ("Xiaomi’s" ends "Xiaomi"), and at a title or a role word, which
tells what the next run is (`cue_before`: "Xiaomi CEO Lei Jun" is "Xiaomi" and "Lei Jun" after
a role). The capitalised part of a compound with a lower-case tail is a run of its own
("BMW-executive", "Xiaomi-branded"). Headlines in title case are marked: their capitals say
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from summarizer.fact_lexicon import (
    NAME_PARTICLES,
    ORG_OF_HEADS,
    PERSON_NOUNS,
    PLACE_OF_HEADS,
    ROLE_HEADS,
    TITLES,
)
from summarizer.gazetteer import is_first_name

# Capital letters of the Latin, Greek and Cyrillic scripts (Python's re has no \p{Lu}).
_UPPER = "".join(ch for ch in map(chr, range(0x530)) if ch.isupper())
_CAPITALISED_WORD = re.compile(
    rf"(?<![\w'’.-])(?:(?:[{_UPPER}]\.){{2,}}|[{_UPPER}](?:[\w&]|[-'’.](?=[^\W_]))*)"
)
_DIGIT = re.compile(r"[0-9]")
_PREVIOUS_WORD = re.compile(r"([^\W\d_][\w.-]*)[\s,]*$")
_PERIOD_ABBREVIATIONS = frozenset(
    "corp inc ltd co jr sr st bros mt dr mr mrs ms prof gen sen rep gov lt col capt sgt".split()
)
_NEXT_CAPITAL = re.compile(r" [A-Z]")
_OPENERS = " \t\"'“‘«„‚([*•·–—-"
_CLAUSE_STARTS = (":", "“", '"', "‘", "«", "„", "—", "–")
_LOWER_WORD = re.compile(r"(?<![\w-])[a-zà-ÿ][\wà-ÿ'’-]*")
# Short words that title case leaves in lower case ("Execs for European R&D").
_FUNCTION_WORDS = frozenset(
    "a an and as at by for from in into of on or the to vs with de het een en op van voor".split()
)
_UPPER_WORD = re.compile(r"(?<![\w-])[A-Z][\w'’&-]*")


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a sentence with its character range; `possessive` when it ended in 's."""

    text: str
    start: int
    end: int
    possessive: bool = False


@dataclass(frozen=True, slots=True)
class Run:
    """A candidate name: its words and where the first one stands.

    `initial` is set when the run opens the sentence or a quoted clause (its first capital may
    only mark that); `compound` marks the capitalised head of a compound ("BMW" of
    "BMW-executive").
    """

    words: tuple[Word, ...]
    initial: bool
    compound: bool = False

    @property
    def start(self) -> int:
        """Where the run starts in the sentence."""
        return self.words[0].start

    @property
    def end(self) -> int:
        """Where the run ends (before a possessive 's)."""
        return self.words[-1].end

    @property
    def possessive(self) -> bool:
        """Whether the run ends in a possessive ("Xiaomi’s")."""
        return self.words[-1].possessive

    def text(self, sentence: str) -> str:
        """The run as written, connectors included, possessive excluded."""
        return sentence[self.start : self.end]

    def sub(self, first: int, last: int, sentence_start: bool) -> Run:
        """The words [first, last) as a run of their own."""
        return Run(
            self.words[first:last],
            self.initial and first == 0 and sentence_start,
            self.compound,
        )


def is_headline(text: str) -> bool:
    """Whether a sentence is written in title case or in capitals, so that its capitals do not
    mark names: four capitalised words or more, and no lower-case word but short function words
    ("Xiaomi Aims To Sell More EVs In China")."""
    lower = [w for w in _LOWER_WORD.findall(text) if w not in _FUNCTION_WORDS]
    return not lower and len(_UPPER_WORD.findall(text)) >= 4


def find_runs(sentence: str) -> list[Run]:
    """The runs of capitalised words of one sentence, in order."""
    words = list(_capitalised_words(sentence))
    runs: list[Run] = []
    index = 0
    while index < len(words):
        word = words[index]
        if not _capitalised(word.text) or _word_kind(word.text):
            index += 1
            continue
        initial = _initial(sentence, word.start)
        compound = _compound_head(word)
        if compound is not None:
            runs.append(Run((compound,), initial, compound=True))
            index += 1
            continue
        last = _run_end(sentence, words, index)
        runs.append(Run(tuple(words[index:last]), initial))
        index = last
    return runs


def _capitalised_words(sentence: str) -> Iterator[Word]:
    """The words of a sentence that start with a capital; initials and listed abbreviations keep
    their period ("F.", "Corp."), possessives are cut off ("Xiaomi’s" -> "Xiaomi", possessive).
    Lower-case words are skipped: they end runs by standing in the gaps between these."""
    for match in _CAPITALISED_WORD.finditer(sentence):
        text, start, end = match.group(), match.start(), match.end()
        if sentence.startswith(".", end) and (
            (len(text) == 1 and _NEXT_CAPITAL.match(sentence, end + 1))
            or text.lower() in _PERIOD_ABBREVIATIONS
        ):
            text, end = text + ".", end + 1
        if len(text) > 2 and (text[-2:] in ("'s", "’s") or text[-1] in "'’"):
            cut = len(text) - (2 if text[-1] in "sS" else 1)
            yield Word(text[:cut], start, start + cut, possessive=True)
        else:
            yield Word(text, start, end)


def _capitalised(text: str) -> bool:
    """A word that may be part of a name: an upper-case first letter and no digits."""
    return text[:1].isupper() and (text.isalpha() or _DIGIT.search(text) is None)


def _word_kind(text: str) -> str:
    """The kind of a word that ends a name and tells something about the next one: "title"
    ("Mr", "Dr"), "role" ("CEO", "president"), or "" for any other word."""
    lower = text.lower().rstrip(".")
    if lower in TITLES:
        return "title"
    if lower in ROLE_HEADS and (text.isupper() or text[1:].islower()):
        return "role"
    return ""


def cue_before(before: str) -> str:
    """The kind of the word that ends `before`, the text before a run: "title" ("Dr Jones"),
    "role" ("CEO Tim Cook", "president William Lu", "rapper Kanye West"), commas aside."""
    found = _PREVIOUS_WORD.search(before, max(0, len(before) - 40))
    if found is None:
        return ""
    word = found.group(1)
    return "role" if word in PERSON_NOUNS else _word_kind(word)


def _compound_head(word: Word) -> Word | None:
    """The capitalised head of a compound with a lower-case tail ("BMW" of "BMW-executive")."""
    if "-" not in word.text:
        return None
    head, _, tail = word.text.partition("-")
    if not tail[:1].islower() or ("-" in tail and not tail.split("-")[-1][:1].islower()):
        return None
    if not _capitalised(head):
        return None
    return Word(head, word.start, word.start + len(head))


def _run_end(sentence: str, words: list[Word], first: int) -> int:
    """The index after the last word of the run that starts at `first`: the following words
    join across a single space, " & ", "of"/"van" after an institution's or a feature's head
    word, and name particles after a lone first name."""
    last = first + 1
    while last < len(words) and not words[last - 1].possessive and _joins(words[last]):
        gap = sentence[words[last - 1].end : words[last].start]
        if gap not in (" ", " & ") and not _connects(gap, words, first, last):
            break
        last += 1
    return last


def _joins(word: Word) -> bool:
    """Whether a capitalised word right after a run may continue it."""
    return _capitalised(word.text) and not _word_kind(word.text) and _compound_head(word) is None


def _connects(gap: str, words: list[Word], first: int, last: int) -> bool:
    """Whether lower-case connector words join two capitalised words ("Bank of America",
    "Rudolf van der Berg")."""
    if not gap.startswith(" ") or not gap.endswith(" ") or "  " in gap:
        return False
    connectors = gap.split()
    previous = words[last - 1].text.lower()
    if connectors in (["of"], ["van"]) and (previous in ORG_OF_HEADS or previous in PLACE_OF_HEADS):
        return True
    return (
        last - first == 1
        and all(word in NAME_PARTICLES for word in connectors)
        and is_first_name(words[first].text)
    )


def _initial(sentence: str, start: int) -> bool:
    """Whether a word at `start` opens the sentence or a quoted or introduced clause."""
    before = sentence[:start].rstrip(_OPENERS)
    if not before:
        return True
    stripped = sentence[:start].rstrip()
    return stripped.endswith(_CLAUSE_STARTS) or before.endswith(":")
