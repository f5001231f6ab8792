"""Where sources disagree: facts of one kind about the same thing with values that differ.

Two facts are about the same thing when they come from different articles reporting the same
event (one story), have the same kind (date, money, quantity, percent) and a comparable reading
(same currency; same counted noun; both deadlines, or both dates of the same precision), and
their sentences say much the same once the values are masked (cosine similarity of multilingual
embeddings, so a Dutch and an English source can disagree). They disagree when their normalised
values differ: "tegen 2027" (<=2027) and "before 2030" (<2030) do; "at least five BMW executives"
(>=5) and "Dittrich plus at least four other BMW engineers" (>=5) do not.

Only facts of one event are compared: "Xiaomi has sold 10,000 cars" in March and "Xiaomi has sold
50,000 cars" in June are an update, not a disagreement, though their masked sentences are the
same. That also bounds the work: a name in hundreds of articles has hundreds of comparable
figures, but few of them in any one story (on the 100,000-article scale store, `facts` p95 went
from 98-110 to 53 ms: `bench.scale_lookups`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from summarizer.embeddings import Vectors
from summarizer.models import Fact

COMPARABLE_KINDS = frozenset({"date", "money", "quantity", "percent"})
DEFAULT_THRESHOLD = 0.5
_NUMBER = re.compile(r"\d[\d.,]*")
_DIGITS = re.compile(r"\d")
_READING = re.compile(r"^(?P<op>>=|<=|>|<|~)?(?P<number>-?\d+(?:\.\d+)?)\s*(?P<unit>.*)$")

Encode = Callable[[Sequence[str]], Vectors]


@dataclass(frozen=True, slots=True)
class SourcedFact:
    """A fact with the id of the article it came from and the event (story) that article
    reports; facts of different events are never compared ("" is one event of its own)."""

    fact: Fact
    source: str
    event: str = ""


@dataclass(frozen=True, slots=True)
class Conflict:
    """Facts about the same thing whose values differ, from at least two articles."""

    kind: str
    facts: tuple[SourcedFact, ...]

    @property
    def values(self) -> tuple[str, ...]:
        """The distinct values, in the order the facts give them."""
        return tuple(dict.fromkeys(item.fact.value for item in self.facts))


def find_conflicts(
    facts: Sequence[SourcedFact], encode: Encode, *, threshold: float = DEFAULT_THRESHOLD
) -> tuple[Conflict, ...]:
    """The groups of facts that disagree, each group about one thing in one event, largest
    first.

    `encode` embeds sentences as unit vectors (an `Embedder.encode`); it is called at most once,
    for the facts that could disagree with another: those comparable with a fact of the same
    event from another source with another value.
    """
    candidates = [item for item in facts if item.fact.kind in COMPARABLE_KINDS]
    comparisons = _open_comparisons(candidates)
    if not comparisons:
        return ()
    compared = sorted({index for group in comparisons for index in group})
    vectors = encode([_masked(candidates[index].fact) for index in compared])
    row = {index: number for number, index in enumerate(compared)}
    joined = _Groups(len(candidates))
    for group in comparisons:
        members = [candidates[index] for index in group]
        rows = vectors[[row[index] for index in group]]
        # Pairs (each once) of similar sentences from two sources with two values; all in the
        # group measure the same thing, so only the values' readings are left to compare.
        pairs = np.triu(rows @ rows.T >= threshold, k=1)
        pairs &= _differ([item.source for item in members])
        pairs &= _differ([item.fact.value for item in members])
        for i, j in np.argwhere(pairs).tolist():
            if not same_reading(members[i].fact, members[j].fact):
                joined.join(group[i], group[j])
    conflicts = [
        Conflict(candidates[members[0]].fact.kind, tuple(candidates[m] for m in members))
        for members in joined.components()
        if len(members) > 1
    ]
    return tuple(sorted(conflicts, key=lambda c: -len(c.facts)))


def same_reading(a: Fact, b: Fact) -> bool:
    """Whether two facts of one kind say the same value once read properly."""
    if a.value == b.value:
        return True
    if a.kind == "date":
        return False
    first, second = _reading(a.value), _reading(b.value)
    if first is None or second is None:
        return False
    # numpy.isclose's test, without its 20 us per call on two floats (an entity's facts make
    # tens of thousands of pairs).
    return first[0] == second[0] and abs(first[1] - second[1]) <= 1e-08 + 1e-05 * abs(second[1])


def comparable(a: Fact, b: Fact) -> bool:
    """Whether two facts measure the same kind of thing (same currency, same counted noun)."""
    return _measure(a) == _measure(b)


def _measure(fact: Fact) -> tuple[str, str]:
    """What a fact measures: its kind, and its currency, counted noun or date shape."""
    if fact.kind == "money":
        return fact.kind, fact.value.split(" ", 1)[0]
    if fact.kind == "quantity":
        return fact.kind, _unit(fact.value)
    if fact.kind == "date":
        return fact.kind, _date_shape(fact.value)
    return fact.kind, ""


def _open_comparisons(candidates: Sequence[SourcedFact]) -> list[list[int]]:
    """The indexes of the facts of one event that measure the same thing, by event and what
    they measure, where two of them could disagree: more than one source, more than one value."""
    by_measure: dict[tuple[str, str, str], list[int]] = {}
    for index, item in enumerate(candidates):
        by_measure.setdefault((item.event, *_measure(item.fact)), []).append(index)
    return [
        group
        for group in by_measure.values()
        if len({candidates[i].source for i in group}) > 1
        and len({candidates[i].fact.value for i in group}) > 1
    ]


def _differ(labels: Sequence[str]) -> np.ndarray:
    """The matrix of which two of these labels differ."""
    array = np.asarray(labels)
    differ: np.ndarray = array[:, None] != array[None, :]
    return differ


@lru_cache(maxsize=4096)
def _reading(value: str) -> tuple[str, float] | None:
    match = _READING.match(value.split(" ", 1)[1] if value[:1].isalpha() else value)
    if match is None:
        return None
    return match["op"] or "", float(match["number"])


def _unit(value: str) -> str:
    match = _READING.match(value)
    return match["unit"].strip() if match else value


def _date_shape(value: str) -> str:
    """A deadline ("<=2027") compares with a deadline, a quarter with a quarter, and so on: a
    period and a deadline in similar sentences are usually two different statements."""
    if value[:1] in "<>":
        return "bound"
    if ".." in value:
        return "range"
    return "point:" + _DIGITS.sub("9", value)


def _masked(fact: Fact) -> str:
    # Embeddings react strongly to numbers; the value is what may differ, the rest must agree.
    return _NUMBER.sub("#", fact.sentence.replace(fact.text, " # ", 1))


class _Groups:
    """Union-find over fact indexes."""

    def __init__(self, size: int) -> None:
        self._parent = list(range(size))

    def find(self, item: int) -> int:
        while self._parent[item] != item:
            self._parent[item] = self._parent[self._parent[item]]
            item = self._parent[item]
        return item

    def join(self, a: int, b: int) -> None:
        self._parent[self.find(a)] = self.find(b)

    def components(self) -> list[list[int]]:
        members: dict[int, list[int]] = {}
        for item in range(len(self._parent)):
            members.setdefault(self.find(item), []).append(item)
        return list(members.values())
