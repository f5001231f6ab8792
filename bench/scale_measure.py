"""Measurements of the scale benchmark: lookup and digest timings, store size, memory, profiles."""

from __future__ import annotations

import cProfile
import pstats
import resource
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Any

import numpy as np
from sqlalchemy import Engine, text

from bench._common import eval_file, read_jsonl
from bot.app import App
from bot.digest import build_digest
from bot.digest_history import DigestHistory
from bot.errors import QueryError
from bot.period import parse_period
from summarizer.stopwords import stop_words

MIB = 1024 * 1024
LOOKUPS = ("ask", "search", "facts")  # the lookups timed (runs before `facts` have two)


@dataclass(frozen=True, slots=True)
class Queries:
    """The questions put to `ask`, the queries put to `search` and the names put to `facts`, the
    same at every size."""

    questions: tuple[str, ...]
    searches: tuple[str, ...]
    entities: tuple[str, ...] = ()


# Queries -------------------------------------------------------------------------------------


def draw_queries(eval_dir: Path, names: Sequence[str], count: int, seed: int) -> Queries:
    """About `count` of each: RealTime QA questions plus questions about names in the corpus;
    names in the corpus plus the content words of RealTime QA questions; names in the corpus."""
    rng = Random(seed)
    path = eval_file(eval_dir, "realtimeqa_news_factoid/questions.jsonl")
    quiz = sorted(row["question"] for row in read_jsonl(path))
    pool = sorted(set(names))
    chosen = rng.sample(pool, min(len(pool), count))
    asked = [f"{rng.choice(('Who is', 'What did'))} {name}{_verb(rng)}" for name in chosen]
    questions = rng.sample(quiz, min(len(quiz), count // 2))
    questions += asked[: count - len(questions)]
    keywords = [_keywords(question) for question in rng.sample(quiz, min(len(quiz), count // 4))]
    searches = [k for k in keywords if k] + chosen[: count - len(keywords)]
    return Queries(tuple(questions), tuple(searches[:count]), tuple(chosen))


def _verb(rng: Random) -> str:
    return rng.choice(("?", " say?", " announce?"))


def _keywords(question: str, limit: int = 3) -> str:
    stops = stop_words("en")
    words = [w.strip("?.,“”\"'’") for w in question.split()]
    return " ".join([w for w in words if w and w.lower() not in stops][:limit])


# Timings -------------------------------------------------------------------------------------


def percentiles(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/max of some durations, in milliseconds."""
    if not seconds:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0}
    array = np.asarray(seconds) * 1000
    return {
        "p50_ms": round(float(np.percentile(array, 50)), 1),
        "p95_ms": round(float(np.percentile(array, 95)), 1),
        "p99_ms": round(float(np.percentile(array, 99)), 1),
        "max_ms": round(float(array.max()), 1),
    }


def time_lookups(core: App, queries: Queries) -> dict[str, Any]:
    """Latency of `ask`, `search` and `facts` over the query set. Before them, apart: the
    lookups' warm-up, which `newsbot serve` runs at start-up (it loads the article vectors:
    `warm_up_ms`), then one first lookup (`first_lookup_ms`)."""
    started = time.perf_counter()
    core.lookup.warm_up()
    warm_up = time.perf_counter() - started
    started = time.perf_counter()
    core.lookup.search(queries.searches[0])
    first = time.perf_counter() - started
    ask = _timed(core.lookup.ask, queries.questions)
    search = _timed(core.lookup.search, queries.searches)
    facts = _timed(core.lookup.facts, queries.entities)
    return {
        "warm_up_ms": round(warm_up * 1000, 1),
        "first_lookup_ms": round(first * 1000, 1),
        "ask": ask,
        "search": search,
        "facts": facts,
    }


def _timed(call: Callable[[str], object], texts: Sequence[str]) -> dict[str, Any]:
    durations: list[float] = []
    cpu: list[float] = []
    refused = 0
    for query in texts:
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            call(query)
        except QueryError:
            refused += 1
        durations.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    cpu_figures = {f"cpu_{k}": v for k, v in percentiles(cpu).items() if k != "max_ms"}
    return {"queries": len(texts), "refused": refused, **percentiles(durations), **cpu_figures}


def time_digest(core: App, runs: int) -> dict[str, Any]:
    """`newsbot digest --since 24h` at the app clock's time, as the command builds it (terminal
    channel history), `runs` times; the median, the first run apart, and what it covered."""
    durations: list[float] = []
    cpu: list[float] = []
    stories = articles = 0
    for _ in range(runs):
        period = parse_period("24h", core.clock())
        history = DigestHistory(core.engine, "terminal")
        started, cpu_started = time.perf_counter(), time.process_time()
        digest = build_digest(core.store, period, core.merging, history)
        durations.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        stories = len(digest.stories)
        articles = sum(len(story.sources) for story in digest.stories)
    return {
        "runs": runs,
        "median_s": round(statistics.median(durations), 3),
        "first_s": round(durations[0], 3),
        "cpu_median_s": round(statistics.median(cpu), 3),
        "stories": stories,
        "articles": articles,
    }


# Store and memory ----------------------------------------------------------------------------


def store_size(engine: Engine) -> dict[str, Any]:
    """Bytes the store takes: the SQLite file and its -wal, or PostgreSQL's database size."""
    if engine.dialect.name == "sqlite":
        path = Path(str(engine.url.database))
        wal = path.with_name(path.name + "-wal")
        main, log = path.stat().st_size, wal.stat().st_size if wal.exists() else 0
        return {"bytes": main + log, "file_bytes": main, "wal_bytes": log}
    with engine.connect() as connection:
        size = connection.execute(text("SELECT pg_database_size(current_database())"))
        return {"bytes": int(size.scalar_one())}


def read_through(path: Path) -> None:
    """Read a file once, so that the page cache holds it (as `cat FILE > /dev/null`): lookups
    on a store partly out of it read from disk, which a serving store does not."""
    with path.open("rb") as stream:
        while stream.read(1 << 23):
            pass


def peak_rss_mib() -> float:
    """The process's peak resident memory so far (ru_maxrss is in KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def children_peak_rss_mib() -> float:
    """The largest peak resident memory of the stopped child processes (the workers)."""
    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)


def rss_mib() -> float:
    """The process's resident memory now (0 where /proc is missing)."""
    status = Path("/proc/self/status")
    if not status.exists():
        return 0.0
    for line in status.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


# Profiles ------------------------------------------------------------------------------------


class Profiles:
    """cProfile statistics per phase, written to a folder (nothing at all without one).

    A phase may be entered many times (ingest: around each article only, so generating the
    corpus and the lookups in between stay out of it); `write` saves NAME.prof and NAME.txt (the
    top functions by cumulative and by own time) for each phase.
    """

    def __init__(self, folder: Path | None) -> None:
        self._folder = folder
        self._profiles: dict[str, cProfile.Profile] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Profile the block as part of phase `name`."""
        if self._folder is None:
            yield
            return
        profile = self._profiles.setdefault(name, cProfile.Profile())
        profile.enable()
        try:
            yield
        finally:
            profile.disable()

    def write(self) -> None:
        """Save every phase's statistics."""
        if self._folder is None:
            return
        self._folder.mkdir(parents=True, exist_ok=True)
        for name, profile in self._profiles.items():
            profile.dump_stats(self._folder / f"{name}.prof")
            with (self._folder / f"{name}.txt").open("w", encoding="utf-8") as handle:
                stats = pstats.Stats(profile, stream=handle)
                stats.sort_stats("cumulative").print_stats(45)
                stats.sort_stats("tottime").print_stats(30)
