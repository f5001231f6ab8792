"""Which query terms the full-text search matches on, so a search stays fast in a large store.

Ranking every sentence that holds any query term costs time in proportion to how many there are:
in 3 million sentences "new", "year" or "week" each match a hundred thousand or more, and BM25
must score every one before the best 40 are kept. Such words also say little about which
sentence is wanted: BM25 itself weighs them lightly.

So a query matches on its rare terms (in fewer than `TermLimits.common` sentences), rarest first
while together they match at most `TermLimits.budget` sentences; the sentences found are ranked by
BM25 over all the terms. A query of common words only ("star wars") takes the newest sentences
holding at least two of them, unranked: ranking would read every sentence holding any of them.
Counting a term stops at `common`, so no count costs more than that, and a term once found
common stays so (the store only grows): it is remembered and not counted again. In a store below
those sizes every term is rare, and the search is the plain BM25 over all of them.

PostgreSQL makes the same choice on its tsquery terms (its 'simple' text search keeps words like
"and", which otherwise make it read most sentences), with the planner's estimates (from the
lexeme statistics ANALYZE keeps) as counts, and ranks with `ts_rank` re-scored. Of common words
only, it takes the newest sentences holding the rarest of them and any other first, and any two
only when those are too few (see `bot.search_index._postgres_unranked`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

MAX_MATCH_TERMS = 32
REMEMBERED_COMMON = 100_000  # common terms remembered at most (a few MiB)
_WORD = re.compile(r"[^\W_]+")  # a token of FTS5's unicode61 tokenizer


@dataclass(frozen=True, slots=True)
class TermLimits:
    """How many sentences make a term common, how many the chosen terms may match together,
    and how many of a query's common terms are paired when it has no rare one."""

    common: int = 5_000
    ranked: int = 20_000
    # BM25 reads every sentence the chosen terms match: at 100,000 articles the longest
    # questions matched 10,000 to 17,000 with 20,000 here. With 8,000, `ask` p95 went from 54 to
    # 48 ms (bench.scale_lookups, two runs each way) and bench.lookup --distractors answered the
    # same share of questions right; 5,000 lost one of the 80.
    budget: int = 8_000
    paired: int = 4


@dataclass(frozen=True, slots=True)
class TermChoice:
    """The terms that decide which sentences match, those the ranking weighs (the matching ones
    included), and whether there is a ranking: without one (pairs of common terms), the newest
    matching sentences come first. `most`: the largest count of a term to pair, as counted (up
    to the ranked limit); 0 for a ranked choice."""

    matching: tuple[str, ...]
    weighed: tuple[str, ...]
    ranked: bool = True
    most: int = 0


@dataclass(frozen=True, slots=True)
class FtsQuery:
    """An FTS5 query, and whether its matches are ranked by BM25 (else the newest come first)."""

    expression: str
    ranked: bool = True


# PostgreSQL reads each matching row from the table to rank it (several us a row, against a few
# for FTS5), so it matches on fewer. A budget of 2,500 rather than 4,000: ask p95 94 -> 87 ms in
# one bench.scale_lookups run each at 100,000 articles, the same answers in bench.lookup
# --distractors (26.25% answer-contains).
POSTGRES_TERM_LIMITS = TermLimits(common=2_000, ranked=10_000, budget=2_500)


# Counts the sentences a term (in the database's query syntax) matches, up to the given number.
Counter = Callable[[str, int], int]
# The single words of a term in the same syntax (one for a word, several for a phrase).
Parts = Callable[[str], list[str]]


class CommonTerms:
    """The terms found common so far (shared by every search of one store)."""

    def __init__(self, limits: TermLimits | None = None) -> None:
        self.limits = limits or TermLimits()
        self._common: dict[str, int] = {}

    def query(self, terms: Iterable[str], count: Counter) -> FtsQuery:
        """The FTS5 query for `terms`: their rare ones joined by OR (the sentences ranked by all
        but the commonest), or pairs of the common ones, unranked; "" when no term is left after
        cleaning."""
        quoted = quoted_terms(terms)
        if not quoted:
            return FtsQuery("")
        choice = self.choose(quoted, count, _fts_words)
        if not choice.ranked:
            pairs = [f"({a} AND {b})" for a, b in combinations(choice.matching, 2)]
            return FtsQuery(" OR ".join(pairs) or choice.matching[0], ranked=False)
        matching = " OR ".join(choice.matching)
        if choice.matching == choice.weighed:
            return FtsQuery(matching)
        # Both parts list the chosen terms, so they weigh twice in BM25: rare words say more.
        return FtsQuery(f"({matching}) AND ({' OR '.join(choice.weighed)})")

    def choose(self, terms: Sequence[str], count: Counter, parts: Parts) -> TermChoice:
        """Which of `terms` (distinct, non-empty, in the database's syntax) match and weigh; an
        unranked choice's `matching` are the terms to pair."""
        limits = self.limits
        counts = {term: self._count(term, count, parts) for term in terms}
        # A phrase ("two-and-a-half") costs what its words cost: with a common word, it is left
        # out, its words being query terms of their own.
        usable = [t for t in terms if counts[t] < limits.common or len(parts(t)) < 2] or terms
        rare = sorted((counts[t], t) for t in usable if counts[t] < limits.common)
        if not rare:
            paired = tuple(usable[: limits.paired])
            return TermChoice(paired, paired, ranked=False, most=max(counts[t] for t in paired))
        chosen: set[str] = set()
        total = 0
        for matches, term in rare:
            if chosen and total + matches > limits.budget:
                break
            chosen.add(term)
            total += matches
        matching = tuple(t for t in usable if t in chosen)  # in the query's order
        weighed = tuple(t for t in usable if t in chosen or counts[t] < limits.ranked)
        return TermChoice(matching, weighed)

    def _count(self, term: str, count: Counter, parts: Parts) -> int:
        """Sentences matching `term`, up to the common limit; a phrase is common when one of
        its words is."""
        words = parts(term)
        limit = self.limits.common
        if len(words) > 1 and any(self._count(word, count, parts) >= limit for word in words):
            return limit
        return self._counted(term, count)

    def _counted(self, term: str, count: Counter) -> int:
        """Up to `common` counted each time; beyond, up to `ranked` and remembered."""
        if term in self._common:
            return self._common[term]
        found = count(term, self.limits.common)
        if found >= self.limits.common:
            found = count(term, self.limits.ranked)
            if len(self._common) < REMEMBERED_COMMON:
                self._common[term] = found
        return found


def quoted_terms(terms: Iterable[str]) -> list[str]:
    """Each term double-quoted (so none is read as FTS5 syntax), blanks and repeats dropped, at
    most MAX_MATCH_TERMS."""
    quoted: dict[str, None] = {}
    for term in terms:
        cleaned = " ".join(term.replace('"', " ").split())
        if cleaned and len(quoted) < MAX_MATCH_TERMS:
            quoted[f'"{cleaned}"'] = None
    return list(quoted)


def _fts_words(quoted: str) -> list[str]:
    """The words of a quoted FTS5 term, each quoted."""
    return [f'"{word}"' for word in _WORD.findall(quoted)]
