"""What an article is about, compactly, and how close two articles are: the basis of stories.

A signature holds the article's multilingual embedding (title, key points and opening sentences,
averaged) and the things it names: people, organisations and places by canonical name (so
"München" and "Munich" match), and its figures (money, quantities, percentages, dates by
normalised value). Two articles about the same event share meaning *and* specifics; the
similarity mixes the embedding cosine with the overlap of specifics weighted by how rare each is
(shared "China" says little, shared "Rudolf Dittrich" a lot).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Protocol

import numpy as np
import numpy.typing as npt

from summarizer.embeddings import Embedder, Vectors, mean_vector
from summarizer.models import Summary

NAME_KINDS = frozenset({"person", "org", "place"})
FIGURE_KINDS = frozenset({"money", "quantity", "percent", "date"})


@dataclass(frozen=True, slots=True)
class SimilarityWeights:
    """How much meaning (cosine) and shared specifics count; they sum to 1."""

    meaning: float = 0.7
    names: float = 0.2
    figures: float = 0.1


@dataclass(frozen=True, slots=True)
class Signature:
    """An article's unit embedding and its named things ("kind:value" keys); `points` holds
    the embedding of each key point, in order (made on the way, kept for digests), or None."""

    vector: Vectors
    names: frozenset[str]
    figures: frozenset[str]
    points: Vectors | None = field(default=None, compare=False, repr=False)


def signature_texts(summary: Summary) -> list[str]:
    """The texts whose embeddings stand for the article: its title and key points.

    Embedding time grows with the words embedded and is most of an ingest's cost. Adding the
    three opening sentences as well bought little (SemEval-2022 Pearson 0.646 against 0.640,
    `bench.stories`) for about 60% more embedding work; title and lead alone (0.614) no longer
    joined the English and Dutch reports of one event in the seeds.
    """
    texts = [summary.title, *(p.text for p in summary.key_points)]
    return [text for text in dict.fromkeys(texts) if text.strip()]


def signature(summary: Summary, embedder: Embedder) -> Signature:
    """The signature of a summarised article, with its key points' embeddings."""
    texts = signature_texts(summary) or [""]
    vectors = embedder.encode(texts)
    row = {text: index for index, text in enumerate(texts)}
    points = [row.get(point.text) for point in summary.key_points]
    if None in points:  # a blank key point, left out of the signature's texts
        point_vectors = embedder.encode([point.text for point in summary.key_points])
    else:
        point_vectors = vectors[[index for index in points if index is not None]]
    return Signature(mean_vector(vectors), *specifics(summary), points=point_vectors)


class KindAndValue(Protocol):
    """A fact as far as signatures care: its kind and normalised value."""

    @property
    def kind(self) -> str: ...

    @property
    def value(self) -> str: ...


def specifics(summary: Summary) -> tuple[frozenset[str], frozenset[str]]:
    """The article's names and figures as "kind:value" keys."""
    return specific_keys(summary.facts)


def specific_keys(facts: Iterable[KindAndValue]) -> tuple[frozenset[str], frozenset[str]]:
    """The names (compared without case) and figures among `facts`, as "kind:value" keys."""
    names: set[str] = set()
    figures: set[str] = set()
    for fact in facts:
        if fact.kind in NAME_KINDS:
            names.add(f"{fact.kind}:{fact.value.casefold()}")
        elif fact.kind in FIGURE_KINDS:
            figures.add(f"{fact.kind}:{fact.value}")
    return frozenset(names), frozenset(figures)


def similarity(
    a: Signature,
    b: Signature,
    rarity: Rarity,
    weights: SimilarityWeights = SimilarityWeights(),
) -> float:
    """How likely two articles report the same event, from 0 to about 1: the weighted mix of
    their cosine and the overlaps of their names and of their figures, each a Jaccard overlap
    where a key counts by its rarity (1.0 for a key seen once, see `Rarity`)."""
    return similarities(a, [b], rarity, weights)[0]


def similarities(
    a: Signature,
    others: Sequence[Signature],
    rarity: Rarity,
    weights: SimilarityWeights = SimilarityWeights(),
) -> list[float]:
    """`similarity` of `a` to each of `others`, in order, with the cosines in one product and
    `a`'s keys weighed once (placing an article scores it against about a hundred members of
    the closest stories at 100,000 articles)."""
    if not others:
        return []
    cosines = np.clip(np.stack([other.vector for other in others]) @ a.vector, -1.0, 1.0)
    names, figures = rarity.sum(a.names), rarity.sum(a.figures)
    return [
        weights.meaning * float(cosine)
        + weights.names * _overlap(a.names, names, other.names, rarity)
        + weights.figures * _overlap(a.figures, figures, other.figures, rarity)
        for cosine, other in zip(cosines, others, strict=True)
    ]


def _overlap(a: frozenset[str], a_weight: float, b: frozenset[str], rarity: Rarity) -> float:
    """The rarity-weighted Jaccard overlap of `a` (weighing `a_weight`) and `b`: the shared
    keys' weight over the union's, which is both sides' less the shared."""
    shared = a & b
    if not shared:
        return 0.0
    common = rarity.sum(shared)
    total = a_weight + rarity.sum(b) - common
    return common / total if total > 0 else 0.0


class Rarity:
    """Inverse document frequency of names and figures over a collection of signatures."""

    def __init__(self, counts: Mapping[str, int], documents: int) -> None:
        self._documents = max(documents, 1)
        self._top = math.log((self._documents + 1) / 1.5)
        # Every counted key weighed at once (a thousand at 100,000 articles): placing an article
        # sums the weights of about a hundred candidates' keys.
        keys = list(counts)
        dfs = np.fromiter((counts[key] for key in keys), np.float64, len(keys))
        self._weights: dict[str, float] = dict(zip(keys, self._idf(dfs).tolist(), strict=True))
        self._unseen = float(self._idf(np.zeros(1))[0])

    @classmethod
    def of(cls, signatures: Iterable[Signature]) -> Rarity:
        """The rarity of every key in these signatures."""
        counts: dict[str, int] = {}
        total = 0
        for item in signatures:
            total += 1
            for key in item.names | item.figures:
                counts[key] = counts.get(key, 0) + 1
        return cls(counts, total)

    def __call__(self, key: str) -> float:
        """Smoothed idf, scaled so a key found in one document weighs 1."""
        return self._weights.get(key, self._unseen)

    def sum(self, keys: Iterable[str]) -> float:
        """The summed weight of these keys."""
        return sum(map(self._weights.get, keys, repeat(self._unseen)))

    def _idf(self, dfs: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        if self._top <= 0:
            return np.ones_like(dfs)
        idf: npt.NDArray[np.float64] = np.maximum(np.log((self._documents + 1) / (dfs + 0.5)), 0.0)
        return idf / self._top
