"""The answer to a question from the facts of retrieved sentences, or none: never invent.

`choose_answer` takes the passages retrieval found (a sentence, its facts, a score) and picks the
shortest span that answers the question. Candidates are the facts of the kinds the question
expects; where the facts miss, a few conservative spans found in the text stand in at a lower
weight: names, quoted titles, numbers and dates (`answer_spans`), and for which/what questions
no fact kind fits, the phrase standing where the question's answer would (`answer_phrases`,
`answer_slots`) or the noun the story is about (`answer_topics`). Each mention is weighed by its
passage's relevance (`answer_context`), how well its kind fits (`answer_kinds`), how close it
stands to the question's words, whether the focus noun names it ("the automaker Ford") and
whether it stands in the answer's place ("[Barry Bonds] holds the record"); the same value in
several passages adds up. A candidate the question already contains is never its answer; the
confidence falls when the passages miss the question's words or names, and below
`MIN_CONFIDENCE` there is no answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from summarizer.answer_context import (
    MAX_SENTENCE_CHARS,
    MAX_TITLE_CHARS,
    AnswerKind,
    Context,
    Mention,
    answer_key,
    cap,
    coverage,
    locate,
    read_passage,
    stops,
    within,
)
from summarizer.answer_kinds import fact_fit, kind_weight
from summarizer.answer_phrases import cause_mentions, phrase_mentions
from summarizer.answer_slots import weigh
from summarizer.answer_spans import span_mentions
from summarizer.answer_topics import Read, echo_mentions, topic_mentions
from summarizer.models import Fact
from summarizer.question import Question
from summarizer.sentences import words

__all__ = ["MAX_PASSAGES", "MIN_CONFIDENCE", "Answer", "AnswerKind", "Passage", "choose_answer"]

# Below this confidence there is no answer. On the tuning questions (news quiz over the gold
# articles' best sentences) many wrong answers fall under it; asked without their gold article,
# about a third of the questions still reach it, mostly from a story on a related event.
MIN_CONFIDENCE = 0.3
# Bound on the work: passages read.
MAX_PASSAGES = 50


@dataclass(frozen=True, slots=True)
class Passage:
    """One retrieved sentence with its facts; `ref` is the caller's id, `score` its retrieval
    score (higher is better, roughly 0..1), `title` the article's title when known."""

    ref: str
    sentence: str
    facts: tuple[Fact, ...] = ()
    score: float = 0.0
    title: str = ""


@dataclass(frozen=True, slots=True)
class Answer:
    """The shortest span that answers, its kind ("span" when no fact typed it), its normalised
    value, the refs of the passages that support it (best first) and a confidence in [0, 1]."""

    text: str
    kind: AnswerKind
    value: str
    refs: tuple[str, ...]
    confidence: float


def choose_answer(question: Question, passages: Sequence[Passage]) -> Answer | None:
    """The best-supported answer to `question` in `passages`, or None when none is good enough.

    Deterministic: ties go to the candidate whose best passage comes first.
    """
    read = passages[:MAX_PASSAGES]
    contexts = [
        Read(passage.ref, read_passage(question, passage.sentence, passage.score, passage.title))
        for passage in read
    ]
    groups, order = _candidates(question, read, contexts)
    if not groups:
        return None
    scored = [(_support(mentions), -order[key], key) for key, mentions in groups.items()]
    best, _, key = max(scored)
    confidence = best * coverage(question, [read.context for read in contexts])
    if confidence < MIN_CONFIDENCE:
        return None
    return _answer(key, groups[key], confidence)


def _candidates(
    question: Question, passages: Sequence[Passage], contexts: Sequence[Read]
) -> tuple[dict[str, list[Mention]], dict[str, int]]:
    """The mentions of every candidate answer grouped by key, and the order keys came in."""
    proper = _proper_words(passages)
    mentions: list[Mention] = []
    phrases: list[Mention] = []
    for passage, read in zip(passages, contexts, strict=True):
        found, phrased = _passage_mentions(question, passage, read.context, proper)
        mentions += found
        phrases += phrased
    extra = echo_mentions(question, contexts, phrases) + topic_mentions(question, contexts)
    mentions += [m for m in extra if not _in_question(question, m.text)]
    groups: dict[str, list[Mention]] = {}
    order: dict[str, int] = {}
    for mention in mentions:
        groups.setdefault(mention.key, []).append(mention)
        order.setdefault(mention.key, len(order))
    _merge_short_names(groups)
    return groups, order


def _merge_short_names(groups: dict[str, list[Mention]]) -> None:
    """Fold a one-word name into the one longer name it starts or ends ("Gronkowski" into
    "Rob Gronkowski", "United" into "United Airlines"): the same candidate, seen twice. A place
    is not folded into an organisation named after it, nor a common noun into a name."""
    for key in [k for k in groups if " " not in k and _a_name(groups[k])]:
        longer = [k for k in groups if " " in k and key in (k.split()[0], k.split()[-1])]
        if len(longer) == 1:
            groups[longer[0]].extend(groups.pop(key))


def _a_name(mentions: list[Mention]) -> bool:
    """Whether a group's mentions are a person's or an organisation's name, typed or not."""
    return all(m.kind in _FOLDED_KINDS and m.text[:1].isupper() for m in mentions)


_FOLDED_KINDS = frozenset({"span", "person", "org"})


def _support(mentions: list[Mention]) -> float:
    """The best passage's score, raised by the other passages' (a noisy-or in which they count
    half: the story's main actor is named everywhere without being every question's answer)."""
    best: dict[str, float] = {}
    for mention in mentions:
        best[mention.ref] = max(best.get(mention.ref, 0.0), mention.score)
    first, *others = sorted(best.values(), reverse=True)
    return 1.0 - (1.0 - first) * math.prod(1.0 - _OTHER_SUPPORT * score for score in others)


# How much a further passage's mention counts, relative to the best one.
_OTHER_SUPPORT = 0.5


def _answer(key: str, mentions: list[Mention], confidence: float) -> Answer:
    """The answer of one group: the best full mention's span and kind, every supporting ref."""
    ranked = sorted(mentions, key=lambda m: -m.score)
    top = next((m for m in ranked if m.key == key), ranked[0])
    typed = next((m for m in ranked if m.kind != "span"), top)
    refs = tuple(dict.fromkeys(m.ref for m in ranked))
    return Answer(top.text, typed.kind, typed.value, refs, round(min(confidence, 1.0), 3))


def _proper_words(passages: Sequence[Passage]) -> frozenset[str]:
    """Words written with a capital inside a sentence or a title: names, not sentence openers."""
    found: set[str] = set()
    for passage in passages:
        for text in (passage.sentence[:MAX_SENTENCE_CHARS], passage.title[:MAX_TITLE_CHARS]):
            found.update(m.group(1) for m in _INNER_CAPITAL.finditer(text))
    return frozenset(found)


_INNER_CAPITAL = re.compile(r"(?<=[\w,;:] )([A-Z][\w&-]*)")


def _passage_mentions(
    question: Question, passage: Passage, context: Context, proper: frozenset[str]
) -> tuple[list[Mention], list[Mention]]:
    """Every candidate of one passage that the question does not already contain, and those of
    them that are phrases found in the answer's place."""
    if context.relevance <= 0.0:
        return [], []
    found = list(_fact_mentions(question, passage, context))
    # Whatever the extractor typed is not offered again as an untyped span; a name inside a
    # number's span ("one billion Chinese citizens") is still a name.
    taken = [
        (locate(context.sentence, fact.text, fact.start), fact.kind in _NUMERIC_KINDS)
        for fact in passage.facts
    ]
    spans = list(span_mentions(question, passage.ref, context, proper))
    phrases = [
        *phrase_mentions(question, passage.ref, context),
        *cause_mentions(question, passage.ref, context),
    ]
    found += [
        (mention, span)
        for mention, span in spans + phrases
        if not any(
            within(span, other) and (_numeric(mention.text) or not numeric)
            for other, numeric in taken
        )
    ]
    kept = [
        mention
        for mention, span in found
        if not _in_question(question, mention.text) and not _credit(context.sentence, span)
    ]
    phrased = {id(mention) for mention, _ in phrases}
    return kept, [mention for mention in kept if id(mention) in phrased]


_NUMERIC_KINDS = frozenset({"money", "percent", "quantity", "date"})


def _credit(sentence: str, span: tuple[int, int]) -> bool:
    """Whether a span is part of a photo credit ("Scott Barbour/Getty Images"): a slash right
    before or after it."""
    start, end = span
    return start >= 0 and (sentence[end : end + 1] == "/" or sentence[start - 1 : start] == "/")


def _numeric(text: str) -> bool:
    """Whether a span holds a digit: a number, an amount or a date."""
    return any(ch.isdigit() for ch in text)


def _fact_mentions(
    question: Question, passage: Passage, context: Context
) -> Iterator[tuple[Mention, tuple[int, int]]]:
    """Mentions from the passage's facts, each with its character span in the sentence."""
    names = {fact.value: fact.text for fact in passage.facts if fact.kind == "person"}
    for fact in passage.facts:
        weight = kind_weight(question, fact.kind)
        if weight <= 0.0:
            continue
        text, value, kind = _fact_answer(question, fact, names)
        if not text:
            continue
        span = locate(context.sentence, text, fact.start if fact.text == text else -1)
        score = weight * fact_fit(question, fact) * weigh(question, context, span)
        yield Mention(answer_key(value), text, kind, value, passage.ref, cap(score)), span


def _fact_answer(
    question: Question, fact: Fact, names: dict[str, str]
) -> tuple[str, str, AnswerKind]:
    """(span, value, kind) a fact answers with: a role answers "who" with its holder, spelt as
    the sentence spells it when a person fact there names them."""
    if fact.kind != "role" or "person" not in question.expected:
        return fact.text, fact.value or fact.text, fact.kind
    return names.get(fact.entity, fact.entity), fact.entity, "person"


def _in_question(question: Question, text: str) -> bool:
    """Whether every content word of `text` is already in the question, also as a derived form
    ("Europe" in "European", "China" in "Chinese"): never its answer."""
    asked = _question_words(question.text)
    own = [w.lower() for w in words(text)]
    content = [w for w in own if w not in stops()]
    return all(w in asked or _derived_in(w, asked) for w in content)


def _derived_in(word: str, asked: frozenset[str]) -> bool:
    """Whether a question word is `word` with a short ending, or the other way round."""
    if len(word) < 4:
        return False
    return any(
        len(other) >= 4
        and abs(len(other) - len(word)) <= 3
        and (other.startswith(word) or word.startswith(other))
        for other in asked
    )


@lru_cache(maxsize=256)
def _question_words(text: str) -> frozenset[str]:
    """The lower-cased words of a question's text."""
    return frozenset(w.lower() for w in words(text))
