"""Lookups on RealTime QA: ingest the gold CNN articles, ask every question, score the answers.

Every gold article of `realtimeqa_news_factoid/questions.jsonl` goes through the real ingest path
(clean, language, key points, facts, embeddings, SQLite store); then each question is put to
`Lookup.ask` as a user would type it (no answer choices shown). Reported, for all questions and for
those whose gold answer occurs verbatim in the gold article (the extractive lookups):

- answer-contains: the answer contains a gold answer string (SQuAD normalisation: case,
  punctuation, articles and whitespace ignored);
- exact match: the answer equals a gold answer string after the same normalisation;
- answered: how often an answer was given at all (the rest say nothing supports one);
- latency of `ask` per question, p50/p95 (the embedding model is loaded before timing).

Published RealTime QA baselines (on the authors' 206 gold questions, EM): GPT-3 + web search 46.6,
RAG + web search 34.5. The project target: answer-contains >= 60% on the verbatim questions, p95
under 100 ms.

    .venv/bin/python -m bench.lookup [--eval-dir ../shared/eval] [--show-misses]
"""

from __future__ import annotations

import argparse
import re
import string
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from bench._common import DEFAULT_EVAL_DIR, eval_file, print_table, read_jsonl, write_results
from bot.engine import sqlite_engine
from bot.ingest import IngestOptions, Ingestor
from bot.lookup import AskResult, Lookup
from bot.models import SourceText
from bot.store import Store
from summarizer.embeddings import MultilingualEmbedder

PUBLISHED_EM = {"GPT-3 + web search": 46.6, "RAG + web search": 34.5}
_ARTICLES = re.compile(r"\b(a|an|the)\b")


@dataclass(frozen=True, slots=True)
class Question:
    """One RealTime QA question with its gold answers and whether one occurs in the article."""

    qid: str
    text: str
    golds: tuple[str, ...]
    verbatim: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    """What `ask` said and how long it took."""

    question: Question
    answer: str | None
    seconds: float

    @property
    def contains(self) -> bool:
        answer = normalise(self.answer or "")
        return bool(answer) and any(normalise(gold) in answer for gold in self.question.golds)

    @property
    def exact(self) -> bool:
        answer = normalise(self.answer or "")
        return bool(answer) and any(normalise(gold) == answer for gold in self.question.golds)


def normalise(text: str) -> str:
    """SQuAD answer normalisation: lower case, no punctuation, no articles, single spaces."""
    lowered = text.lower().replace("“", " ").replace("”", " ").replace("’", "'")
    no_punctuation = "".join(ch for ch in lowered if ch not in string.punctuation)
    return " ".join(_ARTICLES.sub(" ", no_punctuation).split())


def load(eval_dir: Path) -> tuple[list[Question], list[SourceText]]:
    """The questions and the distinct gold articles."""
    path = eval_file(eval_dir, "realtimeqa_news_factoid/questions.jsonl")
    questions: list[Question] = []
    articles: dict[str, SourceText] = {}
    for row in read_jsonl(path):
        texts = [gold["text"] for gold in row["gold_articles"] if gold.get("text")]
        golds = (
            tuple(row["answer_text"])
            if isinstance(row["answer_text"], list)
            else (row["answer_text"],)
        )
        joined = normalise(" ".join(texts))
        verbatim = any(normalise(gold) in joined for gold in golds)
        questions.append(Question(row["id"], row["question"], golds, verbatim))
        for number, gold in enumerate(row["gold_articles"]):
            if gold.get("text"):
                name = gold.get("url") or f"{row['id']}#{number}"
                articles.setdefault(
                    gold["text"], SourceText(name, gold["text"], url=gold.get("url"))
                )
    return questions, list(articles.values())


def run(eval_dir: Path, show_misses: bool) -> dict[str, Any]:
    """Ingest, ask, score; print the table and return the results."""
    questions, sources = load(eval_dir)
    embedder = MultilingualEmbedder()
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as folder:
        engine = sqlite_engine(Path(folder) / "bench.db")
        try:
            store = Store(engine)
            ingestor = Ingestor(
                store, IngestOptions(), lambda: datetime.now(UTC), embedder=embedder
            )
            started = time.perf_counter()
            failed = [o for o in map(ingestor.ingest_source, sources) if o.status == "failed"]
            ingest_seconds = time.perf_counter() - started
            lookup = Lookup(store, embedder)
            lookup.ask("Who leads the company?")  # warm-up: model and vectors loaded
            outcomes = [_ask(lookup, question) for question in questions]
        finally:
            engine.dispose()
    if show_misses:
        _print_misses(outcomes)
    return _report(outcomes, len(sources), len(failed), ingest_seconds)


def _ask(lookup: Lookup, question: Question) -> Outcome:
    started = time.perf_counter()
    result: AskResult = lookup.ask(question.text)
    return Outcome(question, result.answer, time.perf_counter() - started)


def _scores(outcomes: list[Outcome]) -> dict[str, float]:
    count = len(outcomes) or 1
    return {
        "questions": len(outcomes),
        "answer_contains": 100 * sum(o.contains for o in outcomes) / count,
        "exact_match": 100 * sum(o.exact for o in outcomes) / count,
        "answered": 100 * sum(o.answer is not None for o in outcomes) / count,
    }


def _report(outcomes: list[Outcome], articles: int, failed: int, ingest: float) -> dict[str, Any]:
    groups = {
        "verbatim": [o for o in outcomes if o.question.verbatim],
        "all": outcomes,
    }
    scores = {name: _scores(group) for name, group in groups.items()}
    millis = np.array([o.seconds * 1000 for o in outcomes])
    latency = {
        "p50_ms": float(np.percentile(millis, 50)),
        "p95_ms": float(np.percentile(millis, 95)),
    }
    rows = [
        [name, int(s["questions"]), s["answer_contains"], s["exact_match"], s["answered"]]
        for name, s in scores.items()
    ]
    print(f"ingested {articles - failed} of {articles} gold articles in {ingest:.1f} s")
    print_table(["questions", "n", "answer-contains %", "exact match %", "answered %"], rows)
    print(f"ask latency: p50 {latency['p50_ms']:.1f} ms, p95 {latency['p95_ms']:.1f} ms")
    print(
        "published EM (authors' 206 questions): "
        + ", ".join(f"{k} {v}" for k, v in PUBLISHED_EM.items())
    )
    return {
        "articles": articles,
        "ingest_failed": failed,
        "ingest_seconds": round(ingest, 2),
        "scores": scores,
        "latency": latency,
        "published_em": PUBLISHED_EM,
    }


def _print_misses(outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        if outcome.question.verbatim and not outcome.contains:
            question = outcome.question
            print(f"- {question.text[-90:]!r}\n    gold {question.golds} got {outcome.answer!r}")


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--show-misses", action="store_true", help="print the missed questions")
    arguments = parser.parse_args()
    results = run(arguments.eval_dir, arguments.show_misses)
    print(f"wrote {write_results('lookup', results)}")


if __name__ == "__main__":
    main()
