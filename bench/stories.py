"""Story similarity on SemEval-2022 Task 8: does our score follow people's "same story" ratings?

Each pair's two texts are summarised (key points, facts) and turned into signatures exactly as
ingest does (summarizer.signature); the pair's score is the similarity stories use, with name and
figure rarity counted over all texts of the set. Reported: Pearson correlation with the human
"Overall" rating negated (1 = same story ... 4 = unrelated), overall, for same-language and for
cross-language pairs, against the meaning-only score (embedding cosine alone) and a bag-of-words
cosine baseline; and, for the story threshold, precision and recall of "same story" (Overall <= 2)
at that threshold.

Targets (issue 4): Pearson >= 0.6 overall, cross-language within 0.1 of same-language. The best
SemEval-2022 system reached 0.818 on the official test set.

    .venv/bin/python -m bench.stories [--eval-dir ../shared/eval]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from bench._common import DEFAULT_EVAL_DIR, eval_file, print_table, read_jsonl, write_results
from bot.stories import StoryOptions
from summarizer import summarize
from summarizer.embeddings import MultilingualEmbedder, mean_vector
from summarizer.errors import SummarizerError
from summarizer.sentences import words
from summarizer.signature import Rarity, Signature, SimilarityWeights, signature, similarity

SAME_STORY = 2.0


def _signature(text: str, embedder: MultilingualEmbedder) -> Signature:
    try:
        return signature(summarize(text), embedder)
    except SummarizerError:  # nothing left after cleaning: the raw text stands for itself
        return Signature(mean_vector(embedder.encode([text[:500]])), frozenset(), frozenset())


def _bag_of_words(a: str, b: str) -> float:
    first, second = Counter(w.lower() for w in words(a)), Counter(w.lower() for w in words(b))
    dot = sum(first[w] * second[w] for w in first.keys() & second.keys())
    norm = np.sqrt(sum(v * v for v in first.values()) * sum(v * v for v in second.values()))
    return float(dot / norm) if norm else 0.0


def _pearson(scores: np.ndarray, gold: np.ndarray, mask: np.ndarray) -> float:
    return float(np.corrcoef(scores[mask], gold[mask])[0, 1])


def run(eval_dir: Path) -> dict[str, Any]:
    """Score every pair three ways; print and return the correlations."""
    rows = list(read_jsonl(eval_file(eval_dir, "semeval2022_task8_news_similarity/pairs.jsonl")))
    embedder = MultilingualEmbedder()
    started = time.perf_counter()
    pairs = [(_signature(r["text_1"], embedder), _signature(r["text_2"], embedder)) for r in rows]
    seconds = time.perf_counter() - started
    rarity = Rarity.of(item for pair in pairs for item in pair)
    gold = -np.array([float(r["Overall"]) for r in rows])
    cross = np.array([r["lang1"] != r["lang2"] for r in rows])
    systems = {
        "newsbot (meaning + names + figures)": [similarity(a, b, rarity) for a, b in pairs],
        "meaning only (embedding cosine)": [
            similarity(a, b, rarity, SimilarityWeights(1.0, 0.0, 0.0)) for a, b in pairs
        ],
        "bag-of-words cosine": [_bag_of_words(r["text_1"], r["text_2"]) for r in rows],
    }
    everything = np.ones(len(rows), dtype=bool)
    table = {
        name: {
            "overall": _pearson(np.array(s), gold, everything),
            "same_language": _pearson(np.array(s), gold, ~cross),
            "cross_language": _pearson(np.array(s), gold, cross),
        }
        for name, s in systems.items()
    }
    print(f"{len(rows)} pairs ({int(cross.sum())} cross-language), signatures in {seconds:.1f} s")
    print_table(
        ["system", "Pearson overall", "same-language", "cross-language"],
        [
            [name, t["overall"], t["same_language"], t["cross_language"]]
            for name, t in table.items()
        ],
    )
    threshold = _threshold_quality(np.array(systems["newsbot (meaning + names + figures)"]), gold)
    print(
        f"story threshold {threshold['threshold']}: precision {threshold['precision']:.2f}, "
        f"recall {threshold['recall']:.2f} for pairs rated Overall <= {SAME_STORY}"
    )
    return {
        "pairs": len(rows),
        "cross_language_pairs": int(cross.sum()),
        "pearson": table,
        "threshold": threshold,
    }


def _threshold_quality(scores: np.ndarray, gold: np.ndarray) -> dict[str, float]:
    threshold = StoryOptions().threshold
    same = -gold <= SAME_STORY
    grouped = scores >= threshold
    both = float((grouped & same).sum())
    return {
        "threshold": threshold,
        "precision": both / max(float(grouped.sum()), 1.0),
        "recall": both / max(float(same.sum()), 1.0),
    }


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    results = run(parser.parse_args().eval_dir)
    print(f"wrote {write_results('stories', results)}")


if __name__ == "__main__":
    main()
