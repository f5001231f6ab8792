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

With `--unrelated`, each question is also put to the store without its gold articles, and the
share answered all the same is reported (`unrelated_answered`): answers from news that does not
hold them, which should be rare. `--verbose` prints the best matching sentences of each miss.

With `--distractors FILE`, the gold articles are ingested into a copy of that SQLite store (a
kept `bench.scale` store of 100,000 articles, say) instead of an empty one: the same questions
asked among that many other articles, written to `lookup_distractors.json`. The scale corpus is
made from these same leads with names and numbers swapped, so some distractors are deliberately
near-copies that give other answers: compare runs on the same store, not with the empty store.
`--distractors postgresql://.../DB` does the same on PostgreSQL: the database is copied on its
server (CREATE DATABASE ... TEMPLATE, so nothing may be connected to it), the copy dropped at the
end, and the results written to `lookup_distractors_postgresql.json`.

    .venv/bin/python -m bench.lookup [--eval-dir ../shared/eval] [--show-misses] [--verbose]
        [--unrelated] [--distractors FILE|URL]
"""

from __future__ import annotations

import argparse
import re
import shutil
import string
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, create_engine, make_url, text

from bench._common import DEFAULT_EVAL_DIR, eval_file, print_table, read_jsonl, write_results
from bot.engine import is_postgres_url, postgres_engine, sqlite_engine
from bot.ingest import IngestOptions, Ingestor, IngestOutcome
from bot.lookup import AskResult, Lookup
from bot.models import ArticleRef, FactRecord, SentenceHit, SourceText
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
    sources: tuple[str, ...] = ()


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
        names = []
        for number, gold in enumerate(row["gold_articles"]):
            if gold.get("text"):
                name = gold.get("url") or f"{row['id']}#{number}"
                source = articles.setdefault(
                    gold["text"], SourceText(name, gold["text"], url=gold.get("url"))
                )
                names.append(source.source)
        questions.append(Question(row["id"], row["question"], golds, verbatim, tuple(names)))
    return questions, list(articles.values())


@dataclass(frozen=True, slots=True)
class RunOptions:
    """What to print and measure besides the scores."""

    show_misses: bool = False
    verbose: bool = False
    unrelated: bool = False
    distractors: str | None = None  # a SQLite store's path or a PostgreSQL URL


def run(eval_dir: Path, options: RunOptions) -> dict[str, Any]:
    """Ingest, ask, score; print the table and return the results."""
    questions, sources = load(eval_dir)
    embedder = MultilingualEmbedder()
    with _bench_engine(options.distractors) as engine:
        store = Store(engine)
        held = store.counts().articles
        ingestor = Ingestor(store, IngestOptions(), lambda: datetime.now(UTC), embedder=embedder)
        started = time.perf_counter()
        ingested = [ingestor.ingest_source(source) for source in sources]
        ingest_seconds = time.perf_counter() - started
        failed = [o for o in ingested if o.status == "failed"]
        lookup = Lookup(store, embedder)
        lookup.ask("Who leads the company?")  # warm-up: model and vectors loaded
        outcomes = [_ask(lookup, question) for question in questions]
        if options.show_misses or options.verbose:
            _print_misses(outcomes, lookup if options.verbose else None)
        unrelated = (
            _unrelated_answered(store, embedder, questions, _article_ids(ingested))
            if options.unrelated
            else None
        )
    results = _report(outcomes, len(sources), len(failed), ingest_seconds)
    if options.distractors is not None:
        print(f"among {held:,} other articles from {options.distractors}")
        results["distractor_articles"] = held
    if unrelated is not None:
        print(f"answered without the gold article: {unrelated:.2f} %")
        results["unrelated_answered"] = unrelated
    return results


@contextmanager
def _bench_engine(distractors: str | None) -> Iterator[Engine]:
    """An engine on an empty SQLite store, or on a copy of the distractors' store."""
    if distractors is not None and is_postgres_url(distractors):
        with _postgres_copy(distractors) as url:
            engine = postgres_engine(url)
            try:
                yield engine
            finally:
                engine.dispose()
        return
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as folder:
        path = Path(folder) / "bench.db"
        if distractors is not None:
            _copy_store(Path(distractors), path)
        engine = sqlite_engine(path)
        try:
            yield engine
        finally:
            engine.dispose()


@contextmanager
def _postgres_copy(url: str) -> Iterator[str]:
    """The URL of a copy of this PostgreSQL database on its server, dropped afterwards."""
    source = make_url(url).set(drivername="postgresql+psycopg")
    name = f"newsbot_bench_{uuid.uuid4().hex[:12]}"
    server = create_engine(source.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE {name} TEMPLATE "{source.database}"'))
        try:
            yield source.set(database=name).render_as_string(hide_password=False)
        finally:
            with server.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    finally:
        server.dispose()


def _copy_store(source: Path, target: Path) -> None:
    """Copy a SQLite store with its write-ahead log, so that the original stays untouched."""
    if not source.is_file():
        raise SystemExit(f"no SQLite store at {source}")
    shutil.copyfile(source, target)
    wal = source.with_name(source.name + "-wal")
    if wal.is_file():
        shutil.copyfile(wal, target.with_name(target.name + "-wal"))


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


def _print_misses(outcomes: list[Outcome], lookup: Lookup | None) -> None:
    for outcome in outcomes:
        if outcome.question.verbatim and not outcome.contains:
            question = outcome.question
            print(f"- {question.text[-90:]!r}\n    gold {question.golds} got {outcome.answer!r}")
            if lookup is not None:
                for evidence in lookup.search(question.text).results[:5]:
                    print(f"      {evidence.score:.2f} {evidence.sentence[:150]!r}")


def _article_ids(ingested: Sequence[IngestOutcome]) -> dict[str, str]:
    """The stored article id of each ingested source name."""
    return {o.source: o.article.id for o in ingested if o.article is not None}


def _unrelated_answered(
    store: Store, embedder: MultilingualEmbedder, questions: list[Question], ids: dict[str, str]
) -> float:
    """The share of questions answered from a store that hides their gold articles."""
    answered = 0
    for question in questions:
        hidden = frozenset(ids[name] for name in question.sources if name in ids)
        lookup = Lookup(_WithoutArticles(store, hidden), embedder)
        answered += lookup.ask(question.text).answer is not None
    return 100 * answered / (len(questions) or 1)


class _WithoutArticles:
    """The store with some articles hidden from lookups."""

    def __init__(self, store: Store, hidden: frozenset[str]) -> None:
        self._store = store
        self._hidden = hidden

    def search_sentences(self, terms: Sequence[str], limit: int) -> list[SentenceHit]:
        """Matching sentences of the other articles."""
        hits = self._store.search_sentences(terms, limit + _HIDDEN_MARGIN)
        return [hit for hit in hits if hit.article_id not in self._hidden][:limit]

    def sentences_of(self, article_ids: Sequence[str]) -> list[SentenceHit]:
        """The sentences of these articles, unless hidden."""
        return self._store.sentences_of([a for a in article_ids if a not in self._hidden])

    def article_vectors_since(
        self, since: datetime | None, after: str = "", limit: int | None = None
    ) -> list[tuple[str, bytes, datetime | None]]:
        """The vectors of the other articles, all in the first page."""
        if after:
            return []
        rows = self._store.article_vectors_since(since)
        return [row for row in rows if row[0] not in self._hidden]

    def latest_ingestion(self) -> datetime | None:
        """When the newest stored article was ingested."""
        return self._store.latest_ingestion()

    def indexed_articles(self) -> int:
        """The store's counter of indexed articles."""
        return self._store.indexed_articles()

    def vector_count(self) -> int:
        """How many vectors `article_vectors_since` gives."""
        return len(self.article_vectors_since(None))

    def key_point_vectors(self, keys: Sequence[tuple[str, int]]) -> dict[tuple[str, int], bytes]:
        """The stored key point embeddings among these sentences (none of hidden articles:
        their sentences are never asked for)."""
        return self._store.key_point_vectors(keys)

    def facts_in_sentences(self, keys: Sequence[tuple[str, int]]) -> list[FactRecord]:
        """The facts of these sentences."""
        return self._store.facts_in_sentences(keys)

    def entity_facts(self, name: str, limit: int) -> tuple[list[str], list[FactRecord]]:
        """The facts around an entity."""
        return self._store.entity_facts(name, limit)

    def article_refs(self, article_ids: Sequence[str]) -> dict[str, ArticleRef]:
        """What citations show of the stored articles among these ids."""
        return self._store.article_refs(article_ids)


# Extra full-text hits fetched so that hiding the gold articles' sentences leaves enough.
_HIDDEN_MARGIN = 200


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--show-misses", action="store_true", help="print the missed questions")
    parser.add_argument(
        "--verbose", action="store_true", help="print the misses with their best sentences"
    )
    parser.add_argument(
        "--unrelated",
        action="store_true",
        help="also ask each question without its gold articles and report how often it is answered",
    )
    parser.add_argument(
        "--distractors",
        default=None,
        metavar="FILE|URL",
        help="ingest the gold articles into a copy of this SQLite store or PostgreSQL database "
        "(a kept bench.scale store) and ask among its articles",
    )
    arguments = parser.parse_args()
    options = RunOptions(
        arguments.show_misses, arguments.verbose, arguments.unrelated, arguments.distractors
    )
    results = run(arguments.eval_dir, options)
    name = "lookup" if arguments.distractors is None else "lookup_distractors"
    if arguments.distractors is not None and is_postgres_url(arguments.distractors):
        name += "_postgresql"
    print(f"wrote {write_results(name, results)}")


if __name__ == "__main__":
    main()
