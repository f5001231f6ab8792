"""Support from the rest of the passages for common-noun answers: a phrase found in the answer's
place gains when other relevant sentences repeat it ("British pound"), and the noun a story is
about stands in when the sentences that name the question's focus also name it, and most
relevant sentences repeat it ("Which condiment ...?" over a story about mustard shortages).

Both only serve which/what questions no fact kind fits; names are left to facts and name spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import stopwordsiso

from summarizer.answer_context import (
    Context,
    Mention,
    answer_key,
    cap,
    placement,
    stem,
    stops,
    term_forms,
)
from summarizer.answer_kinds import open_ended
from summarizer.question import Question
from summarizer.terms import content_terms

# A passage this relevant counts as the story's; below it a repeat says nothing.
_MIN_RELEVANCE = 0.15
# A sentence naming the focus must be this relevant to say what the story's noun is.
_ANCHOR_RELEVANCE = 0.35
# How much a repeat of a phrase in another sentence counts, times that sentence's relevance.
_ECHO_WEIGHT = 0.5
# The story's noun: its weight, and in how many relevant passages it must stand.
_TOPIC_WEIGHT = 0.6
_TOPIC_PASSAGES = 3
# Words of a topic phrase: the noun and at most this many modifiers before it.
_MODIFIERS = 2


@dataclass(frozen=True, slots=True)
class Read:
    """A passage's ref with its sentence read against the question."""

    ref: str
    context: Context


def echo_mentions(
    question: Question, passages: Sequence[Read], phrases: Sequence[Mention]
) -> list[Mention]:
    """Mentions of each phrase in the relevant passages that repeat its words but did not offer
    it themselves: "the British pound against the US dollar" supports "British pound"."""
    found: list[Mention] = []
    for key, text in {m.key: m.text for m in phrases}.items():
        keys = [_word_key(word) for word in key.split() if word not in stops()]
        offered = {m.ref for m in phrases if m.key == key}
        for read in passages:
            if read.ref in offered or read.context.relevance < _MIN_RELEVANCE or not keys:
                continue
            present = {_token_key(read.context, i) for i in range(len(read.context.tokens))}
            if all(k in present for k in keys):
                score = cap(_ECHO_WEIGHT * read.context.relevance)
                found.append(Mention(key, text, "span", text, read.ref, score))
    return found


def topic_mentions(question: Question, passages: Sequence[Read]) -> list[Mention]:
    """The story's noun, when the question is an open which/what question about its focus: a
    common noun of a sentence that names the focus, which at least `_TOPIC_PASSAGES` relevant
    passages repeat and no other such noun outnumbers. One mention per passage naming it."""
    if not open_ended(question) or not question.focus:
        return []
    relevant = [read for read in passages if read.context.relevance >= _MIN_RELEVANCE]
    counts: dict[str, int] = {}
    for read in relevant:
        for key in {_token_key(read.context, i) for i in _nouns(question, read.context)}:
            counts[key] = counts.get(key, 0) + 1
    anchored = {
        _token_key(read.context, i)
        for read in relevant
        if _names_focus(read.context) and read.context.relevance >= _ANCHOR_RELEVANCE
        for i in _nouns(question, read.context)
    }
    ranked = sorted((counts[key], key) for key in anchored)
    if not ranked or ranked[-1][0] < _TOPIC_PASSAGES:
        return []
    if len(ranked) > 1 and ranked[-2][0] == ranked[-1][0]:
        return []  # two nouns as frequent: no telling which the story is about
    return _topic(relevant, ranked[-1][1], counts)


def _topic(relevant: Sequence[Read], noun: str, counts: dict[str, int]) -> list[Mention]:
    """One mention of the topic noun per passage, as the phrase of its best passage: the noun
    with the repeated modifiers before it ("humanoid robot")."""
    located = [
        (read, index)
        for read in relevant
        for index in range(len(read.context.tokens))
        if _token_key(read.context, index) == noun
    ]
    seen: set[str] = set()
    found: list[Mention] = []
    best = max(located, key=lambda pair: (_names_focus(pair[0].context), pair[0].context.relevance))
    text = _phrase(best[0].context, best[1], counts)
    for read, index in located:
        if read.ref in seen:
            continue
        seen.add(read.ref)
        context = read.context
        span = (context.tokens[index].start, context.tokens[index].end)
        focus = 1.4 if _names_focus(context) else 1.0
        score = cap(_TOPIC_WEIGHT * placement(context, span) * focus)
        found.append(Mention(answer_key(text), text, "span", text, read.ref, score))
    return found


def _phrase(context: Context, index: int, counts: dict[str, int]) -> str:
    """The noun at `index` with up to `_MODIFIERS` repeated words before it."""
    first = index
    while (
        index - first < _MODIFIERS
        and first > 0
        and counts.get(_token_key(context, first - 1), 0) >= 2
        and not _gap(context, first - 1)
    ):
        first -= 1
    return context.sentence[context.tokens[first].start : context.tokens[index].end]


def _gap(context: Context, index: int) -> bool:
    """Whether anything but a space stands between token `index` and the next."""
    between = context.sentence[context.tokens[index].end : context.tokens[index + 1].start]
    return between != " "


def _nouns(question: Question, context: Context) -> list[int]:
    """Indexes of the tokens that may be the story's noun: lower-case content words of four
    letters or more (or capitalised as the sentence's first word) the question does not have;
    no verb forms, adverbs or numbers, no word of any stop list ("new", "top"), not the
    focus."""
    asked = term_forms(question)
    found = []
    for index, token in enumerate(context.tokens):
        word = context.word(index)
        lowered = word.lower()
        if (
            not (word.islower() or (index == 0 and word[1:].islower()))
            or not lowered.replace("-", "").isalpha()
            or len(lowered) < 4
            or lowered in stops()
            or lowered in _common_words()
            or token.forms & asked
            or index in context.focus
            or (len(lowered) > 4 and lowered.endswith(("ing", "ed", "ly")))
        ):
            continue
        found.append(index)
    return found


@cache
def _common_words() -> frozenset[str]:
    """Every word of stopwordsiso's English list, the content words the summariser keeps
    included ("new", "top", "state"): too common to be what a story is about."""
    return frozenset(stopwordsiso.stopwords("en"))


def _names_focus(context: Context) -> bool:
    """Whether the sentence names the question's focus (not as a possessive)."""
    return any(not context.word(i).endswith(("’s", "'s")) for i in context.focus)


def _token_key(context: Context, index: int) -> str:
    """The key a token is counted by: the stem of its English lemma."""
    return _word_key(context.word(index))


def _word_key(word: str) -> str:
    """The stem of a word's English lemma ("lions" and "lion" share one)."""
    lowered = word.lower().removesuffix("’s").removesuffix("'s")
    lemmas = content_terms(lowered, "en")
    return stem(lemmas[0] if lemmas else lowered)
