"""Coordinate search of the key point ranker's weights on the eval development halves.

The defaults in `summarizer.keypoints.RankerWeights` came from this script. The objective is the
mean of ROUGE-1 on CNN/DM at 3 points and ROUGE-1 on BBC at 60 words; it prints every change that
improved it and the best setting found. Compare against the baselines with bench/summarize.py.

    .venv/bin/python -m bench.tune_keypoints [--eval-dir ../shared/eval] [--limit 300]
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from rouge_score import rouge_scorer

from bench._common import DEFAULT_EVAL_DIR, print_table
from bench.summarize import Prepared, bbc_items, cnndm_items, newsbot_points, prepare
from summarizer.keypoints import DEFAULT_WEIGHTS, RankerWeights

GRID: dict[str, list[float]] = {
    "position": [0.6, 0.8, 1.0, 1.3, 1.6],
    "position_decay": [0.15, 0.25, 0.35, 0.5, 0.7],
    "centrality": [0.2, 0.4, 0.6, 0.8, 1.0, 1.3],
    "title": [0.0, 0.25, 0.5, 0.8],
    "length": [0.0, 0.15, 0.3, 0.5],
    "redundancy": [0.0, 0.3, 0.6, 1.0],
    "duplicate_similarity": [0.4, 0.5, 0.6, 0.8],
}


def rouge1(items: list[Prepared], weights: RankerWeights, *, count: int | None) -> float:
    """Mean ROUGE-1 F1 (x100) of the ranker with `weights`."""
    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    total = 0.0
    for p in items:
        lines = newsbot_points(p, count=count, weights=weights)
        total += scorer.score("\n".join(p.item.reference), "\n".join(lines))["rouge1"].fmeasure
    return 100 * total / len(items)


def main(argv: list[str] | None = None) -> None:
    """Search one weight at a time, twice over, and print the trail."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--limit", type=int, default=300, help="BBC articles used (0 = all)")
    args = parser.parse_args(argv)
    cnndm = [prepare(i) for i in cnndm_items(args.eval_dir)]
    bbc = [prepare(i) for i in bbc_items(args.eval_dir)[: args.limit or None]]

    def objective(w: RankerWeights) -> tuple[float, float, float]:
        a, b = rouge1(cnndm, w, count=3), rouge1(bbc, w, count=None)
        return (a + b) / 2, a, b

    best, (best_value, a, b) = DEFAULT_WEIGHTS, objective(DEFAULT_WEIGHTS)
    trail = [["defaults", "", best_value, a, b]]
    for _round in range(2):
        for name, values in GRID.items():
            for value in values:
                candidate = replace(best, **{name: value})
                score, a, b = objective(candidate)
                if score > best_value + 1e-9:
                    best, best_value = candidate, score
                    trail.append([name, value, score, a, b])
    print_table(["changed", "to", "mean R1", "cnndm R1", "bbc R1"], trail)
    print(f"\nbest: {best}")


if __name__ == "__main__":
    main()
