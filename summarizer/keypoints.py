"""Key point selection: centrality, position and title overlap, minus poor sentences, no repeats.

Each sentence gets a score from four signals that sumy's algorithms use one at a time:
its lexical centrality in the article (LexRank-style degree over tf-idf cosine), its position
(news puts the news first), its overlap with the title, and a preference for sentences of a
readable length. A quality factor then demotes sentences that make poor key points on their own:
questions, quotes without content, promotions, and sentences that lean on missing context
("This is ...", "He said ..."). Selection is greedy with redundancy removal (MMR), and the
chosen sentences come back in document order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from summarizer.models import KeyPoint, Sentence, SummaryOptions
from summarizer.quality import sentence_quality
from summarizer.terms import content_terms


@dataclass(frozen=True, slots=True)
class RankerWeights:
    """Weights of the ranking signals; tuned on the development halves of CNN/DM and BBC."""

    position: float = 0.6
    position_decay: float = 0.25
    centrality: float = 0.8
    title: float = 0.8
    lead_bullet: float = 0.6
    length: float = 0.5
    redundancy: float = 0.6
    duplicate_similarity: float = 0.6


DEFAULT_WEIGHTS = RankerWeights()


@dataclass(frozen=True, slots=True)
class _Candidate:
    sentence: Sentence
    words: int


def select_key_points(
    sentences: Sequence[Sentence],
    *,
    title: str,
    language: str,
    options: SummaryOptions,
    weights: RankerWeights = DEFAULT_WEIGHTS,
) -> tuple[KeyPoint, ...]:
    """The best key points of `sentences`, in document order, no two saying the same thing."""
    candidates = [_Candidate(s, len(s.text.split())) for s in sentences if s.kind != "heading"]
    if not candidates:
        return ()
    terms = [content_terms(c.sentence.text, language) for c in candidates]
    vectors, vocabulary, idf = _tfidf(terms)
    title_vector = _project(content_terms(title, language), vocabulary, idf)
    quality = np.array([sentence_quality(c.sentence.text, language) for c in candidates])
    similarity = vectors @ vectors.T
    scores = _scores(candidates, similarity, vectors @ title_vector, options, weights) * quality
    chosen = _select(candidates, similarity, scores, options, weights)
    return tuple(
        KeyPoint(candidates[i].sentence.text, candidates[i].sentence.position, float(scores[i]))
        for i in sorted(chosen)
    )


def _scores(
    candidates: list[_Candidate],
    similarity: np.ndarray,
    title_overlap: np.ndarray,
    options: SummaryOptions,
    weights: RankerWeights,
) -> np.ndarray:
    """Each candidate's score before the quality factor: the weighted sum of the signals."""
    n = len(candidates)
    centrality = (similarity.sum(axis=1) - np.diag(similarity)) / max(n - 1, 1)
    if centrality.max() > 0:
        centrality = centrality / centrality.max()
    position = np.exp(-weights.position_decay * np.arange(n))
    lead_bullet = np.array([_is_lead_bullet(c) for c in candidates], dtype=float)
    length = np.array([_length_preference(c.words, options) for c in candidates])
    return np.asarray(
        weights.position * position
        + weights.centrality * centrality
        + weights.title * title_overlap
        + weights.lead_bullet * lead_bullet
        + weights.length * length
    )


def _select(
    candidates: list[_Candidate],
    similarity: np.ndarray,
    scores: np.ndarray,
    options: SummaryOptions,
    weights: RankerWeights,
) -> list[int]:
    """Greedy maximal-marginal-relevance selection within the point count or word budget."""
    chosen: list[int] = []
    words = 0
    while not _budget_spent(len(chosen), words, options):
        best = _next_best(chosen, similarity, scores, weights)
        if best is None:
            break
        chosen.append(best)
        words += candidates[best].words
    return chosen


def _budget_spent(points: int, words: int, options: SummaryOptions) -> bool:
    """Whether the word budget (when set) or else the point count is reached."""
    if options.max_words is not None:
        return words >= options.max_words
    return points >= options.points


def _next_best(
    chosen: list[int], similarity: np.ndarray, scores: np.ndarray, weights: RankerWeights
) -> int | None:
    """The unchosen sentence with the best score less redundancy; None when none is worth it."""
    best, best_value = None, -math.inf
    for i in range(len(scores)):
        if i in chosen:
            continue
        overlap = max((float(similarity[i, j]) for j in chosen), default=0.0)
        value = float(scores[i]) - weights.redundancy * overlap
        if overlap < weights.duplicate_similarity and value > best_value:
            best, best_value = i, value
    if best is None or scores[best] <= 0:
        return None
    return best


def _is_lead_bullet(candidate: _Candidate) -> bool:
    """An article's own summary bullets sit at the very top."""
    return candidate.sentence.kind == "bullet" and candidate.sentence.block < 4


def _length_preference(words: int, options: SummaryOptions) -> float:
    """1 for a readable key point length, falling off for fragments and run-on sentences."""
    if words < 6:
        return -1.0
    if words <= options.max_point_words * 0.6:
        return 1.0
    comfortable = options.max_point_words * 0.6
    return max(-1.0, 1.0 - (words - comfortable) / (options.max_point_words - comfortable))


def _tfidf(documents: list[list[str]]) -> tuple[np.ndarray, dict[str, int], np.ndarray]:
    """L2-normalised tf-idf rows, with idf computed over the article's own sentences."""
    vocabulary: dict[str, int] = {}
    for terms in documents:
        for term in terms:
            vocabulary.setdefault(term, len(vocabulary))
    matrix = np.zeros((len(documents), max(len(vocabulary), 1)))
    for row, terms in enumerate(documents):
        for term in terms:
            matrix[row, vocabulary[term]] += 1.0
    document_frequency = (matrix > 0).sum(axis=0)
    idf = np.log((1 + len(documents)) / (1 + document_frequency)) + 1.0
    return _normalise(np.log1p(matrix) * idf), vocabulary, idf


def _project(terms: list[str], vocabulary: dict[str, int], idf: np.ndarray) -> np.ndarray:
    """The title as a unit tf-idf vector in the sentences' vocabulary (zeros if nothing shared)."""
    vector = np.zeros(len(idf))
    for term in terms:
        if term in vocabulary:
            vector[vocabulary[term]] = idf[vocabulary[term]]
    return np.asarray(_normalise(vector[np.newaxis, :])[0])


def _normalise(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length; all-zero rows stay zero."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(matrix / norms)
