"""Whether a candidate stands where the question's answer would: the question put as a statement
has words next to its answer ("the sale of [the Denver Broncos]", "[Barry Bonds] holds the
record"), and a sentence with the same words there holds the answer in that place.

`slot_fit` raises a candidate's weight when its neighbours are those words; `slot_phrases` finds
the phrases standing there when no fact or name fits the question ("[British pound] crashed to
a record low").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from summarizer.answer_context import Context, forms, placement, stops, token_range
from summarizer.question import PASSIVE_AUXILIARIES, POSSESSIVE, Question

# How much a candidate in the answer's place gains, at full strength.
SLOT_BONUS = 1.0
# A candidate that does what a passive question asks about: its agent, not its answer.
AGENT_FACTOR = 0.3
# Words skipped between an anchor and the answer: determiners and light auxiliaries.
_DETERMINERS = frozenset("the a an its their his her this that these those our".split())
_AUXILIARIES = frozenset(
    "is are was were be been being has have had will would could can may might also "
    "reportedly".split()
)
_BREAK = re.compile(r"[,.;:!?()\[\]“”\"–—]")
# Longest phrase taken from a slot, in words.
MAX_PHRASE_WORDS = 4


def slot_fit(question: Question, context: Context, first: int, last: int) -> float:
    """1 when nothing says so, up to 1 + `SLOT_BONUS` when the tokens `first`..`last` stand
    where the question's answer would, `AGENT_FACTOR` when they do what a passive question asks
    about."""
    if first < 0:
        return 1.0
    left = left_strength(question, context, first)
    right = right_strength(question, context, last)
    if right < 0.0 and not left:
        return AGENT_FACTOR
    return 1.0 + SLOT_BONUS * max(left, right)


def left_strength(question: Question, context: Context, first: int) -> float:
    """How well the words before token `first` are the question's `before` words: 1 for a
    content word ("acquiring", "sale of"), 0.4 for a lone preposition, auxiliary or particle
    that is all of them ("In which state" over "in Pennsylvania"), else 0."""
    index = _skip_back(context, first - 1, _DETERMINERS, first)
    strength = 0.0
    later = first
    matched = 0
    for wanted in reversed(question.before):
        if (
            index < 0
            or _broken(context, index, later)
            or _possessive(context.word(index))
            or not _same(question, context, index, wanted)
        ):
            break
        strength += 0.4 if wanted in _LIGHT_WORDS else 1.0
        matched += 1
        later = index
        index -= 1
    if strength < 1.0 and matched < len(question.before):
        return 0.0
    return min(strength, 1.0)


def right_strength(question: Question, context: Context, last: int) -> float:
    """How well the words after token `last` are the question's `after` words: 1 when its verb
    follows at once ("Barry Bonds holds"), 0.5 when two of its other content words come within
    ten words of the same clause, the focus noun not among them ("British pound crashed to a
    record low"), -1 when it does what a passive question asks about ("Netflix renewed" for
    "Which show was renewed?"), else 0. Time words do not count."""
    verb, others = _predicate(question)
    if not (verb or others) or last < 0:
        return 0.0
    if _possessive(context.word(last)) != (question.after[0] == POSSESSIVE):
        return 0.0  # "Roger Maris’ record" is his record, not what Roger Maris does
    index = last + 1
    passive = False
    while (
        index < len(context.tokens)
        and index - last <= 2
        and context.word(index).lower() in _AUXILIARIES
    ):
        passive = passive or context.word(index).lower() in PASSIVE_AUXILIARIES
        index += 1
    if index >= len(context.tokens) or _broken(context, last, last + 1):
        return 0.0
    if question.before and not passive:
        # "Netflix renewed ..." names who renewed, not "Which show was renewed?"
        return -1.0 if _same(question, context, index, question.before[-1]) else 0.0
    if verb and _same(question, context, index, verb):
        return 1.0
    near: set[str] = set()
    for i in range(index, min(index + _PREDICATE_WORDS, len(context.tokens))):
        if i in context.focus or _broken(context, i - 1, i):
            break  # the focus noun, not this candidate, is what the words are about
        near.update(word for word in others if _same(question, context, i, word))
    return 0.5 if len(near) >= 2 else 0.0


# How far after a candidate the question's predicate words may stand.
_PREDICATE_WORDS = 10


def _predicate(question: Question) -> tuple[str, list[str]]:
    """The verb of the question's `after` words ("" when a preposition opens them) and its
    other content words, time words left out."""
    words = [word for word in question.after if word not in _AUXILIARIES and word != POSSESSIVE]
    verb = words[0] if words and words[0] not in _FUNCTION_WORDS else ""
    others = [
        word for word in words if word != verb and word not in stops() and word not in _TIME_WORDS
    ]
    return verb, others


_FUNCTION_WORDS = frozenset("of in on at to for from by with as the a an its his her their".split())
# Words that say little alone: a match of them only counts with a content word beside it.
_LIGHT_WORDS = _FUNCTION_WORDS | _AUXILIARIES | frozenset("out up off down back over away".split())
# Words of a question's predicate that say when, not what.
_TIME_WORDS = frozenset(
    """week weekend month year day today yesterday tonight monday tuesday wednesday thursday
    friday saturday sunday recently""".split()
)


def slot_phrases(question: Question, context: Context) -> Iterator[tuple[int, int, float]]:
    """(first token, last token, strength) of the phrases standing in the answer's place: after
    the `before` words, before the `after` verb, or opening a clause that goes on with the
    question's words ("Five lions managed a short escape from their enclosure at Sydney’s
    zoo"); determiners and stop words left out."""
    for index in range(len(context.tokens)):
        if is_stop(context, index):
            continue
        if question.before and left_strength(question, context, index) >= 1.0:
            yield index, extend(context, index, 1), left_strength(question, context, index)
        if question.after and right_strength(question, context, index) >= 1.0:
            yield extend(context, index, -1), index, 1.0
        if question.after and _opens_clause(context, index):
            last = _subject_end(context, index)
            strength = right_strength(question, context, last)
            if 0.0 < strength < 1.0:
                yield index, last, strength


def _opens_clause(context: Context, first: int) -> bool:
    """Whether only determiners, numbers and other stop words stand between the start of the
    sentence or clause and token `first`."""
    index = first - 1
    while index >= 0 and is_stop(context, index) and not _broken(context, index, index + 1):
        index -= 1
    return index < 0 or _broken(context, index, index + 1)


def _subject_end(context: Context, first: int) -> int:
    """The last token of the content run from `first`, ended before a stop word, a verb's
    "-ed" or "-ing" form or punctuation ("The British pound | crashed")."""
    last = extend(context, first, 1)
    for index in range(first + 1, last + 1):
        word = context.word(index).lower()
        if len(word) > 4 and word.endswith(("ed", "ing")):
            return index - 1
    return last


def extend(context: Context, index: int, step: int) -> int:
    """The last (step 1) or first (step -1) token of the content run from `index`."""
    end = index
    while 0 <= end + step < len(context.tokens) and abs(end + step - index) < MAX_PHRASE_WORDS:
        nearer, farther = (end, end + step) if step > 0 else (end + step, end)
        if is_stop(context, end + step) or _broken(context, nearer, farther):
            break
        end += step
    return end


def _possessive(word: str) -> bool:
    """Whether a token is a possessive ("West’s", "Maris’")."""
    return word.endswith(("’s", "'s", "’", "'"))


def is_stop(context: Context, index: int) -> bool:
    """Whether a token is a stop word, a number or an adverb: no part of a phrase's run."""
    word = context.word(index).lower()
    return word in stops() or word.isdigit() or (word.endswith("ly") and len(word) > 4)


def _skip_back(context: Context, index: int, words: frozenset[str], later: int) -> int:
    """`index` moved back over up to two of `words`, not across punctuation."""
    for _ in range(2):
        if index < 0 or context.word(index).lower() not in words or _broken(context, index, later):
            break
        later = index
        index -= 1
    return index


def _broken(context: Context, earlier: int, later: int) -> bool:
    """Whether punctuation stands between two tokens."""
    start = context.tokens[earlier].end
    end = context.tokens[later].start if later < len(context.tokens) else len(context.sentence)
    return bool(_BREAK.search(context.sentence, start, end))


def _same(question: Question, context: Context, index: int, wanted: str) -> bool:
    """Whether the token at `index` is the question word `wanted` or a form of it."""
    if context.word(index).lower() == wanted:
        return True
    return bool(context.tokens[index].forms & forms(wanted, question.language))


def weigh(question: Question, context: Context, span: tuple[int, int]) -> float:
    """A candidate's base weight at character `span`: its placement, raised in the answer's
    place."""
    first, last = token_range(context, span)
    return placement(context, span) * slot_fit(question, context, first, last)
