"""Reading a retrieved sentence against a question: its words, which match, how relevant it is.

A `Context` is what every kind of candidate is weighed with: the sentence's tokens with the forms
they match question terms by, the tokens that match a term or the focus noun, and the passage's
relevance. `placement` turns a candidate's position in the sentence into its base weight.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from summarizer.models import FactKind
from summarizer.question import Question
from summarizer.sentences import words
from summarizer.stopwords import stop_words
from summarizer.terms import content_terms

AnswerKind = FactKind | Literal["span"]

# Bounds on the work: characters of a sentence and of a title read.
MAX_SENTENCE_CHARS = 2_000
MAX_TITLE_CHARS = 500

TOKEN = re.compile(r"\w(?:[\w&'’.,%-]*\w%?)?")


@dataclass(frozen=True, slots=True)
class Mention:
    """One candidate answer in one passage, with its weight."""

    key: str
    text: str
    kind: AnswerKind
    value: str
    ref: str
    score: float


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the sentence: where it is and the forms it matches question terms by."""

    start: int
    end: int
    forms: frozenset[str]


@dataclass(frozen=True, slots=True)
class Context:
    """A passage read against a question: its words, which of them match, its relevance."""

    sentence: str
    tokens: tuple[Token, ...]
    matched: tuple[int, ...]  # indexes of tokens that match a question term
    focus: tuple[int, ...]  # indexes of tokens that match the question's focus noun
    relevance: float

    def word(self, index: int) -> str:
        """The text of the token at `index`."""
        token = self.tokens[index]
        return self.sentence[token.start : token.end]


def read_passage(question: Question, sentence: str, score: float, title: str = "") -> Context:
    """Tokens of the sentence, those matching the question's terms and focus, and relevance.

    Relevance mixes the caller's retrieval score with the share of the question's terms the
    sentence (or, at half weight, its title) contains: names and numbers count double, news
    words such as "week" or "announce" half, so that an unrelated sentence stays low whatever
    its rank. A preamble's terms count for less than a third: they set the scene, the question
    sentence says what is asked.
    """
    sentence = sentence[:MAX_SENTENCE_CHARS]
    language = question.language
    tokens = tuple(
        Token(m.start(), m.end(), forms(m.group(0), language)) for m in TOKEN.finditer(sentence)
    )
    weights = term_weights(question)
    matched = tuple(i for i, token in enumerate(tokens) if token.forms & weights.keys())
    focus_forms = forms(question.focus, language) if question.focus else frozenset()
    focus = tuple(i for i, token in enumerate(tokens) if token.forms & focus_forms)
    hits = {form for i in matched for form in tokens[i].forms & weights.keys()}
    in_title = {
        form
        for word in TOKEN.findall(title[:MAX_TITLE_CHARS])
        for form in forms(word, language) & weights.keys()
    }
    asked, scene = _term_groups(question)
    overlap = _share(asked, hits, in_title)
    if scene:
        overlap += _PREAMBLE_SHARE * (_share(scene, hits, in_title) - overlap)
    bounded = min(max(score, 0.0), 1.0)
    relevance = _SCORE_SHARE * bounded + (1.0 - _SCORE_SHARE) * overlap
    return Context(sentence, tokens, matched, focus, relevance)


def coverage(question: Question, contexts: Sequence[Context]) -> float:
    """How fully the passages together hold the question sentence's terms, in [0, 1]: 1 from
    `_FULL_COVERAGE` of their weight on, less below it, and less again for each name or number
    of the question that no passage holds ("Hurricane Roslyn" over a story about another
    hurricane). A missing focus noun counts half: the answer's kind is seldom named."""
    asked = _term_groups(question)[0]
    found = {form for c in contexts for i in c.matched for form in c.tokens[i].forms}
    focus = stem(question.focus)
    counted = {f: w if f in found or f != focus else 0.5 * w for f, w in asked.items()}
    total = sum(counted.values())
    if not total:
        return 1.0
    share = sum(weight for form, weight in counted.items() if form in found) / total
    missing = sum(
        1
        for form, weight in asked.items()
        if weight >= 2.0 and form not in found and "-" not in form  # compounds come split too
    )
    return min(share / _FULL_COVERAGE, 1.0) * _MISSING_NAME**missing


_FULL_COVERAGE = 0.8
_MISSING_NAME = 0.6


def _share(weights: Mapping[str, float], hits: set[str], in_title: set[str]) -> float:
    """The weighted share of these terms found in the sentence (or, at half weight, the title)."""
    found = sum(w for f, w in weights.items() if f in hits)
    found += 0.5 * sum(w for f, w in weights.items() if f in in_title and f not in hits)
    return min(found / max(3.0, min(sum(weights.values()), 12.0)), 1.0)


# The retrieval score's share in a passage's relevance; the question-term overlap has the rest.
_SCORE_SHARE = 0.25
# A preamble's terms' share in the overlap, and their weight when tokens are matched.
_PREAMBLE_SHARE = 0.33
_PREAMBLE_WEIGHT = 0.75
# Words of almost every news question: they say little about which sentence answers it.
_NEWS_WORDS = frozenset(
    """week year month day today time new say said announce report recent recently
    week jaar maand dag vandaag nieuw zeggen melden""".split()
)


@lru_cache(maxsize=64)
def term_weights(question: Question) -> Mapping[str, float]:
    """The match forms of the question's terms with their weight: names and numbers 2, news
    words 0.5."""
    asked, scene = _term_groups(question)
    return {**{form: _PREAMBLE_WEIGHT * weight for form, weight in scene.items()}, **asked}


@lru_cache(maxsize=64)
def _term_groups(question: Question) -> tuple[Mapping[str, float], Mapping[str, float]]:
    """The weighted match forms of the question sentence's terms and of its preamble's only."""
    names = {word.lower() for entity in question.entities for word in words(entity)}
    groups: tuple[dict[str, float], dict[str, float]] = ({}, {})
    asked = len(question.terms) - question.preamble_terms
    for position, term in enumerate(question.terms):
        specific = term in names or any(ch.isdigit() for ch in term)
        weight = 2.0 if specific else 0.5 if term in _NEWS_WORDS else 1.0
        group = groups[0 if position < asked else 1]
        form = stem(term)
        if form not in groups[0]:
            group[form] = max(group.get(form, 0.0), weight)
    return groups


def term_forms(question: Question) -> frozenset[str]:
    """The match forms of the question's terms."""
    return frozenset(term_weights(question))


@lru_cache(maxsize=100_000)
def forms(word: str, language: str) -> frozenset[str]:
    """Forms a word of a passage matches question terms by: stems of it and of its lemmas in
    English and in the question's language (cross-language cognates share a stem: "Europese",
    "European")."""
    lowered = word.lower().removesuffix("’s").removesuffix("'s")
    found = {stem(lowered)}
    for language_ in {"en", language}:
        lemmas = content_terms(lowered, language_)
        found.update(stem(lemma) for lemma in lemmas)
    return frozenset(found)


def stem(word: str) -> str:
    """A crude, language-neutral stem: the first five characters of longer words."""
    return word[:5] if len(word) > 5 else word


@cache
def stops() -> frozenset[str]:
    """Stop words of the languages whose sentences open with them before a name."""
    return stop_words("en") | stop_words("nl") | stop_words("de")


# -- weighing a position -------------------------------------------------------------------------


def placement(context: Context, span: tuple[int, int]) -> float:
    """The passage's relevance, scaled by how close the span is to the question's words and
    raised when the focus noun stands next to it ("the automaker Ford", "Ford, the automaker")."""
    first, last = token_range(context, span)
    if first < 0:
        return context.relevance * 0.7
    outside = [i for i in context.matched if i < first or i > last]
    if outside:
        distance = min(first - i if i < first else i - last for i in outside)
        closeness = 1.0 / (1.0 + max(distance - 1, 0) / 4.0)
    else:
        closeness = 0.3
    return (
        context.relevance
        * (0.55 + 0.45 * closeness)
        * (1.4 if _beside(context, first, last) else 1.0)
    )


def _beside(context: Context, first: int, last: int) -> bool:
    """Whether the focus noun names the tokens `first`..`last`: within three words of them, or
    heading an apposition after them ("Parler, the alternative social media platform"). A
    possessive focus names something else ("the country’s capital, Riyadh")."""
    for index in context.focus:
        if context.word(index).endswith(("’s", "'s")):
            continue
        if 0 < first - index <= 3 or 0 < index - last <= 3:
            return True
        if 0 < index - last <= 6 and _apposition(context, last, index):
            return True
    return False


def _apposition(context: Context, last: int, head: int) -> bool:
    """Whether a comma follows token `last` and no other punctuation comes before `head`."""
    gap = context.sentence[context.tokens[last].end : context.tokens[last + 1].start]
    if gap.strip() != ",":
        return False
    between = context.sentence[context.tokens[last + 1].start : context.tokens[head].start]
    return not _CLAUSE_BREAK.search(between)


_CLAUSE_BREAK = re.compile(r"[,.;:!?()\[\]“”\"–—]")


def token_range(context: Context, span: tuple[int, int]) -> tuple[int, int]:
    """Indexes of the first and last tokens inside the character span, (-1, -1) if none."""
    inside = [
        i for i, token in enumerate(context.tokens) if token.start < span[1] and token.end > span[0]
    ]
    return (inside[0], inside[-1]) if inside and span[0] >= 0 else (-1, -1)


def within(inner: tuple[int, int], outer: tuple[int, int]) -> bool:
    """Whether a character span lies inside another (unknown spans never do): a fact already
    covers it. A longer span around a fact ("Denver Broncos" around "Denver") is kept."""
    return inner[0] >= 0 and outer[0] >= 0 and outer[0] <= inner[0] and inner[1] <= outer[1]


def locate(sentence: str, text: str, start: int) -> tuple[int, int]:
    """The character span of `text` in `sentence` (given start when it checks out), or (-1, -1)."""
    if start >= 0 and sentence.startswith(text, start):
        return start, start + len(text)
    found = sentence.find(text)
    return (found, found + len(text)) if found >= 0 else (-1, -1)


def cap(score: float) -> float:
    """A mention's score kept below 1 so that support from other passages still counts: as it
    is up to `_SOFT_CAP`, then approaching `_CAP` ever more slowly, so that strong mentions keep
    their order instead of all meeting at the cap."""
    if score <= _SOFT_CAP:
        return max(score, 0.0)
    room = _CAP - _SOFT_CAP
    return _SOFT_CAP + room * (1.0 - math.exp(-(score - _SOFT_CAP) / room))


_SOFT_CAP = 0.6
_CAP = 0.95


# -- identity ------------------------------------------------------------------------------------

_PUNCTUATION = re.compile(r"[^\w\s%$€£¥.,&-]|(?<!\d)[.,]|[.,](?!\d)")


def answer_key(value: str) -> str:
    """The grouping key of an answer: lower case, without quotes, punctuation and articles."""
    text = _PUNCTUATION.sub(" ", value.casefold())
    kept = [w for w in text.split() if w not in ("the", "a", "an", "de", "het", "een")]
    return " ".join(kept)
