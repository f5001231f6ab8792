"""Common-noun answers for open-ended questions ("Which condiment ...?" -> "mustard"): phrases
found where the question's answer would stand. No fact kind fits such a question and its answer
is seldom a name, so the phrase in the answer's place of a relevant sentence stands in, at a
weight below a typed fact's."""

from __future__ import annotations

from collections.abc import Iterator

from summarizer.answer_context import (
    Context,
    Mention,
    answer_key,
    cap,
    placement,
    term_forms,
)
from summarizer.answer_kinds import open_ended
from summarizer.answer_slots import SLOT_BONUS, extend, is_stop, slot_phrases
from summarizer.answer_spans import NOT_NAMES
from summarizer.question import Question

# A phrase in the answer's place: weighed below a name span.
_PHRASE_WEIGHT = 0.5
_TIME_WORDS = frozenset("week weekend month year day today tonight morning night".split())
_PRONOUNS = frozenset("he she it they we you i him her them us".split())


def phrase_mentions(
    question: Question, ref: str, context: Context
) -> Iterator[tuple[Mention, tuple[int, int]]]:
    """Phrases standing in the answer's place, for which/what questions no fact kind fits;
    leading words the question already has are left out ("women’s professional soccer" gives
    "soccer")."""
    if not open_ended(question):
        return
    seen: set[tuple[int, int]] = set()
    for first, last, strength in slot_phrases(question, context):
        bounds = _trimmed(question, context, first, last)
        if bounds is None or bounds in seen:
            continue
        seen.add(bounds)
        span = (context.tokens[bounds[0]].start, context.tokens[bounds[1]].end)
        text = _without_possessive(context.sentence[span[0] : span[1]])
        score = _PHRASE_WEIGHT * placement(context, span) * (1.0 + SLOT_BONUS * strength)
        yield Mention(answer_key(text), text, "span", text, ref, cap(score)), span


def _trimmed(question: Question, context: Context, first: int, last: int) -> tuple[int, int] | None:
    """The phrase without leading question words and trailing time words; None when nothing
    new is left, when it is the focus noun, describes it or is a pronoun or a verb form."""
    asked = term_forms(question)
    while last >= first and _is_time(context.word(last)):
        last -= 1
    while first < last and context.tokens[first].forms & asked:
        first += 1
    if last < first:
        return None
    if all(context.tokens[i].forms & asked for i in range(first, last + 1)):
        return None
    head = context.word(last).lower()
    if head in _PRONOUNS or last in context.focus or last + 1 in context.focus:
        return None  # the focus noun itself, or words describing it ("South Korean show")
    if context.tokens[last].forms & asked:
        return None  # the question's own thing ("the previous record low")
    return None if _verb_form(head) else (first, last)


def _verb_form(word: str) -> bool:
    """Whether a word looks like a verb's "-ing" or "-ed" form ("wiping", "crashed")."""
    return len(word) > 4 and word.endswith(("ing", "ed"))


def _is_time(word: str) -> bool:
    """Whether a word is a day, a month or a time word: no part of an answer's phrase."""
    return word in NOT_NAMES or word.lower() in _TIME_WORDS


def _without_possessive(text: str) -> str:
    """A phrase without a trailing possessive ("West’s" -> "West")."""
    for suffix in ("’s", "'s", "’", "'"):
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


def cause_mentions(
    question: Question, ref: str, context: Context
) -> Iterator[tuple[Mention, tuple[int, int]]]:
    """For a "why" question, the phrase after a cause marker ("because of", "due to", "amid",
    "citing", or "over" right after a word of the question: "recalled over fire risks") in a
    sentence whose words before the marker are the question's."""
    if question.wh != "why":
        return
    asked = term_forms(question)
    for index in range(len(context.tokens)):
        start = _cause_end(context, index, asked)
        if start is None:
            continue
        while start < len(context.tokens) and context.word(start).lower() in _DETERMINERS:
            start += 1
        if start >= len(context.tokens) or is_stop(context, start):
            continue
        bounds = _trimmed(question, context, start, extend(context, start, 1))
        if bounds is None:
            continue
        span = (context.tokens[bounds[0]].start, context.tokens[bounds[1]].end)
        text = _without_possessive(context.sentence[span[0] : span[1]])
        score = _CAUSE_WEIGHT * placement(context, span)
        yield Mention(answer_key(text), text, "span", text, ref, cap(score)), span


def _cause_end(context: Context, index: int, asked: frozenset[str]) -> int | None:
    """The token after a cause marker that starts at `index` and follows the question's words
    closely, or None."""
    word = context.word(index).lower()
    following = context.word(index + 1).lower() if index + 1 < len(context.tokens) else ""
    two = f"{word} {following}"
    if two in _CAUSES:
        length = 2
    elif word in _CAUSES or (
        word == "over" and index > 0 and context.tokens[index - 1].forms & asked
    ):
        length = 1
    else:
        return None
    before = range(max(index - 4, 0), index)
    if not any(context.tokens[i].forms & asked for i in before):
        return None
    return index + length


_CAUSES = frozenset({"because of", "due to", "owing to", "amid", "citing", "following"})
_DETERMINERS = frozenset("the a an its their his her this that these those".split())
# A cause marker's phrase: weighed like a phrase in the answer's place.
_CAUSE_WEIGHT = 0.6
