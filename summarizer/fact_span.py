"""A typed span found in one sentence, before it becomes a `Fact`, and overlap resolution."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from summarizer.models import FactKind

# Which reading wins where the recognisers of numbers overlap: "$5 million" is money, not a count
# of millions; "26.4%" is a percent; "2027" is a date before it is a number.
_PRIORITY: dict[str, int] = {"money": 4, "percent": 3, "date": 2, "quantity": 1}


@dataclass(frozen=True, slots=True)
class Span:
    """A fact's kind, its character range [start, end) in the sentence and its readings."""

    kind: FactKind
    start: int
    end: int
    value: str
    entity: str = ""
    related: str = ""

    def overlaps(self, other: Span) -> bool:
        """Whether the two ranges share a character."""
        return self.start < other.end and other.start < self.end


def without_overlaps(spans: Iterable[Span]) -> list[Span]:
    """The spans that survive when overlapping ones compete: the higher-priority kind wins, then
    the longer span, then the earlier one. Spans that only touch both stay; the result is in
    sentence order. Spans of the same range and kind with different values all stay, in the
    order they were found ("$5-10 million" gives two values for one range, low then high)."""
    found = list(spans)
    ordered = sorted(
        range(len(found)),
        key=lambda i: (-_PRIORITY.get(found[i].kind, 0), -(found[i].end - found[i].start), i),
    )
    chosen: list[int] = []
    for index in ordered:
        span = found[index]
        rivals = [found[c] for c in chosen if found[c].overlaps(span)]
        if all(_same_range(rival, span) for rival in rivals):
            chosen.append(index)
    return [found[i] for i in sorted(chosen, key=lambda i: (found[i].start, found[i].end, i))]


def _same_range(a: Span, b: Span) -> bool:
    """Whether two spans are two readings of one range (a range of money or of counts)."""
    return a.kind == b.kind and a.start == b.start and a.end == b.end
