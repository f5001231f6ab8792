"""Near-duplicate detection on BBC News Summary: are edited copies folded, and nothing else?

The shared copy of the corpus has its exact duplicates removed, so the benchmark ingests the 1,105
articles into a fresh SQLite store (the real `Ingestor`, without embeddings), then re-ingests
edited copies of a seeded sample of them, each with one kind of edit:

    credit   a syndication credit line added and the whitespace changed
    typos    three words changed
    trim     the last two sentences dropped
    excerpt  the first half only, with a "read the full story" line
    update   a closing sentence (from another article) appended
    rewrite  the first sentence replaced and a middle paragraph dropped
    heavy    one word in ten changed (a stress case, beyond what "near" usually means)

A copy is folded when its shingle Jaccard with a stored article is at least 0.6, or when at least
90% of its shingles are in that article (it adds nothing).

Reported: recall per edit kind (folded into the right original), copies folded into a wrong
article, originals folded into another original (printed with their titles, to read: the full
corpus has about 31 true near-duplicate pairs), against the exact-fingerprint baseline (what
ingest did before), and the time near-duplicate checking adds per article.

    .venv/bin/python -m bench.duplicates [--eval-dir ../shared/eval] [--copies 350]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench._common import DEFAULT_EVAL_DIR, eval_file, print_table, read_jsonl, write_results
from bot.engine import sqlite_engine
from bot.fingerprint import article_id, fingerprint
from bot.ingest import IngestOptions, Ingestor, IngestOutcome
from bot.models import SourceText
from bot.near_duplicates import near_text
from bot.store import Store

SEED = 20260405
Edit = Callable[[str, random.Random, list[str]], str]


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def _credit(text: str, rng: random.Random, others: list[str]) -> str:
    spaced = "\n\n".join("  ".join(p.split(" ")) for p in _paragraphs(text))
    return f"{spaced}\n\nThis article first appeared on Example Wire and is republished here."


def _change_words(text: str, rng: random.Random, count: int) -> str:
    words = text.split(" ")
    for index in rng.sample(range(len(words)), min(count, len(words))):
        words[index] = rng.choice(["very", "reportedly", "new", "major", "several", "local"])
    return " ".join(words)


def _typos(text: str, rng: random.Random, others: list[str]) -> str:
    return _change_words(text, rng, 3)


def _heavy(text: str, rng: random.Random, others: list[str]) -> str:
    return _change_words(text, rng, len(text.split(" ")) // 10)


def _sentences(text: str) -> list[str]:
    return [s for s in text.replace("\n", " ").split(". ") if s.strip()]


def _trim(text: str, rng: random.Random, others: list[str]) -> str:
    sentences = _sentences(text)
    return ". ".join(sentences[: max(3, len(sentences) - 2)])


def _excerpt(text: str, rng: random.Random, others: list[str]) -> str:
    sentences = _sentences(text)
    return (
        ". ".join(sentences[: max(3, len(sentences) // 2)]) + ". Read the full story on our site."
    )


def _update(text: str, rng: random.Random, others: list[str]) -> str:
    addition = _sentences(rng.choice(others))[-1]
    return "\n\n".join([*_paragraphs(text), f"Update: {addition}."])


def _rewrite(text: str, rng: random.Random, others: list[str]) -> str:
    paragraphs = _paragraphs(text)
    first = paragraphs[0].split(". ", 1)
    paragraphs[0] = "A new opening sentence was written for this version of the story. " + (
        first[1] if len(first) > 1 else ""
    )
    if len(paragraphs) > 4:
        del paragraphs[len(paragraphs) // 2]
    return "\n\n".join(paragraphs)


EDITS: dict[str, Edit] = {
    "credit": _credit,
    "typos": _typos,
    "trim": _trim,
    "excerpt": _excerpt,
    "update": _update,
    "rewrite": _rewrite,
    "heavy": _heavy,
}


def _clock() -> datetime:
    return datetime(2026, 11, 24, tzinfo=UTC)


def run(eval_dir: Path, copies: int) -> dict[str, Any]:
    """Ingest the corpus, then edited copies; print and return the figures."""
    rows = list(read_jsonl(eval_file(eval_dir, "bbc_news_summary/bbc_news_summary.jsonl")))
    texts = {row["id"]: f"{row['title']}\n\n{row['article']}" for row in rows}
    titles = {row["id"]: row["title"] for row in rows}
    with tempfile.TemporaryDirectory() as folder:
        engine = sqlite_engine(Path(folder) / "bench.db")
        ingestor = Ingestor(Store(engine), IngestOptions(points=3), _clock)
        started = time.perf_counter()
        originals = {
            key: ingestor.ingest_source(SourceText(key, text)) for key, text in texts.items()
        }
        ingest_seconds = time.perf_counter() - started
        stored = {
            o.article.id: key for key, o in originals.items() if o.status == "new" and o.article
        }
        folded = [(key, o) for key, o in originals.items() if o.status == "duplicate"]
        results, wrong, exact_hits = _copies(ingestor, texts, originals, copies)
        engine.dispose()
    started = time.perf_counter()
    for text in texts.values():
        near_text(text)
    keying_ms = (time.perf_counter() - started) / len(texts) * 1000
    _print(
        results,
        wrong=wrong,
        exact_hits=exact_hits,
        folded=folded,
        stored=stored,
        titles=titles,
        copies=copies,
    )
    print(f"\noriginals ingested in {ingest_seconds:.1f} s; band keys {keying_ms:.2f} ms/article")
    return {
        "originals": len(texts),
        "originals_folded": [
            {
                "copy": key,
                "into": into,
                "similarity": round(o.similarity or 0.0, 3),
                "titles": [titles[key], titles.get(into, "?")],
            }
            for key, o in folded
            for into in [_original_key(o, stored)]
        ],
        "copies": copies,
        "recall_by_edit": {k: round(v[0] / v[1], 3) for k, v in results.items()},
        "recall_overall": round(sum(v[0] for v in results.values()) / copies, 3),
        "recall_without_heavy": round(
            sum(v[0] for k, v in results.items() if k != "heavy")
            / sum(v[1] for k, v in results.items() if k != "heavy"),
            3,
        ),
        "exact_fingerprint_recall": round(exact_hits / copies, 3),
        "folded_into_wrong_article": wrong,
        "band_keys_ms_per_article": round(keying_ms, 3),
        "ingest_seconds_originals": round(ingest_seconds, 1),
    }


def _copies(
    ingestor: Ingestor, texts: dict[str, str], originals: dict[str, IngestOutcome], count: int
) -> tuple[dict[str, list[int]], int, int]:
    rng = random.Random(SEED)
    keys = sorted(texts)
    sample = rng.sample(keys, count)
    others = [texts[k] for k in keys]
    results = {name: [0, 0] for name in EDITS}
    wrong = exact_hits = 0
    for number, key in enumerate(sample):
        name = list(EDITS)[number % len(EDITS)]
        copy = EDITS[name](texts[key], rng, others)
        outcome = ingestor.ingest_source(SourceText(f"copy-of-{key}", copy))
        target = originals[key].article
        results[name][1] += 1
        exact_hits += int(target is not None and article_id(fingerprint(copy)) == target.id)
        if outcome.status in {"duplicate", "unchanged"} and outcome.article and target:
            if outcome.article.id == target.id:
                results[name][0] += 1
            else:
                wrong += 1
    return results, wrong, exact_hits


def _original_key(outcome: IngestOutcome, stored: dict[str, str]) -> str:
    """The corpus id of the stored article an outcome was folded into ("?" when unknown)."""
    return stored.get(outcome.article.id, "?") if outcome.article else "?"


def _print(
    results: dict[str, list[int]],
    *,
    wrong: int,
    exact_hits: int,
    folded: list[tuple[str, IngestOutcome]],
    stored: dict[str, str],
    titles: dict[str, str],
    copies: int,
) -> None:
    table = [[name, found, total, found / total] for name, (found, total) in results.items()]
    found_all = sum(v[0] for v in results.values())
    table.append(["all", found_all, copies, found_all / copies])
    table.append(["exact fingerprint (baseline)", exact_hits, copies, exact_hits / copies])
    print_table(["edit", "folded", "copies", "recall"], table)
    print(f"\ncopies folded into a wrong article: {wrong}")
    print(f"originals folded into another original: {len(folded)} (read them):")
    for key, outcome in folded:
        into = _original_key(outcome, stored)
        print(f"  {outcome.similarity or 0:.2f}  {titles[key]!r} -> {titles.get(into, '?')!r}")


def main() -> None:
    """Run the benchmark and write bench/results/duplicates.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--copies", type=int, default=350)
    args = parser.parse_args()
    print(f"written to {write_results('duplicates', run(args.eval_dir, args.copies))}")


if __name__ == "__main__":
    main()
