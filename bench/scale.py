"""Scale: 100,000 articles through the real ingest path, then lookups, a digest, size and memory.

The corpus (bench/scale_corpus.py) is generated on the fly from the shared eval texts with a fixed
seed: distinct articles of 300-900 words, recombined and varied, mostly English with German,
Spanish, French, Italian, Polish, Russian, Dutch, Arabic and Chinese ones. Each goes through
`open_app(...)` and `App.ingestor.ingest_source` (clean, language, key points, facts, embeddings,
stories, index) with its first-seen time set by an injected clock: 5,000 articles a day, so
100,000 span 20 days. Measured, on any store URL (SQLite by default, in a temporary folder;
PostgreSQL through `--store-url postgresql+psycopg://...`):

- ingest throughput, end to end (the time inside `ingest_source`; generating the corpus is not
  counted), overall and per tenth of the run, with the outcome counts (new, duplicate, ...);
- store size: the SQLite file plus its -wal, or `pg_database_size`; bytes per stored article;
- `ask`, `search` and `facts` latency p50/p95/p99 after a tenth of the articles and after all of
  them, on the same ~200 questions, queries and names (RealTime QA questions, questions about
  names found in the corpus's first 1,000 articles; those names and RealTime QA keywords; those
  names); the lookups' warm-up
  (as `newsbot serve` runs it at start-up: it loads the article vectors) and the first lookup
  after it are timed apart;
- the digest of the last 24 hours (5,000 articles) as `newsbot digest --since 24h` builds it,
  median of `--digest-runs` runs;
- peak memory (ru_maxrss) after each phase, and with the summarising workers' (`--workers`,
  default [ingest] workers) added: the main process's peak plus each worker's.

Targets (issue 7, on a 2-core machine): ingest >= 50 articles/s, lookup p95 < 50 ms at 100k,
digest < 2 s, peak memory < 1 GiB. Results go to bench/results/scale.json, one section per store
kind ("sqlite", "postgresql"), so a run on one kind keeps the other's section.
`--profile DIR` writes cProfile statistics of ingest, lookups and digest there (which slows the
run: its figures are not the benchmark's). `--languages en,nl` limits the corpus to some languages
(each language the summariser lemmatises loads its own dictionary, which shows in peak memory).
A long run can be continued: `--keep-store` keeps the temporary store, and `--resume --store-url
URL` goes on from the articles that store already went through (generated again, not ingested).
When bench/results/scale.json holds the section of the run it continues (same store kind, ending
where this one resumes), the two are reported as one: slices, lookups, totals and targets.

    .venv/bin/python -m bench.scale [--articles 100000] [--store-url URL] [--eval-dir DIR]
        [--digest-runs 3] [--languages CODES] [--keep-store] [--resume] [--profile DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url

from bench._common import DEFAULT_EVAL_DIR
from bench.scale_corpus import (
    LANGUAGE_SHARES,
    CorpusGenerator,
    GeneratedArticle,
    load_pools,
    name_spans,
)
from bench.scale_measure import (
    LOOKUPS,
    Profiles,
    Queries,
    children_peak_rss_mib,
    draw_queries,
    peak_rss_mib,
    rss_mib,
    store_size,
    time_digest,
    time_lookups,
)
from bench.scale_results import (
    IngestTally,
    Run,
    completed,
    print_report,
    results_section,
    save,
)
from bot.app import App, open_app
from bot.config import IngestConfig, load_config
from bot.models import SourceText
from bot.schema import article_copies, articles
from summarizer import summarize
from summarizer.embeddings import MultilingualEmbedder

SEED = 20261124
PER_DAY = 5_000
START = datetime(2026, 3, 1, tzinfo=UTC)
QUERIES = 200
NAME_ARTICLES = 1_000  # lookup queries name people found in these first articles


def seen_at(number: int) -> datetime:
    """When article `number` is first seen: 5,000 a day from START."""
    return START + timedelta(seconds=number * 86_400 / PER_DAY)


def corpus_source(article: GeneratedArticle) -> SourceText:
    """A generated article as the text ingest takes, first seen (and published) at its time."""
    seen = seen_at(article.number)
    return SourceText(
        article.source,
        article.text,
        title=article.title,
        url=article.url,
        fetched_at=seen,
        published=seen,
    )


class BenchClock:
    """The injected clock: the first-seen time of the article being ingested (5,000 a day)."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def at_article(self, number: int) -> None:
        """Set the time article `number` is first seen."""
        self.now = seen_at(number)


# Running -------------------------------------------------------------------------------------


@contextmanager
def store_location(url: str | None, *, keep: bool) -> Iterator[tuple[str, Path]]:
    """The store URL to use (a temporary SQLite file by default) and a scratch folder."""
    folder = Path(tempfile.mkdtemp(prefix="newsbot-scale-"))
    try:
        yield url or f"sqlite:///{folder}/scale.db", folder
    finally:
        if keep:
            print(f"store and scratch files kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    """Generate, ingest and measure; the store kind and its results section."""
    started = time.perf_counter()
    pools = load_pools(args.eval_dir)
    generator = CorpusGenerator(pools, SEED, args.languages)
    queries = lookup_queries(args, CorpusGenerator(pools, SEED, args.languages))
    bench = Run(args.articles, Profiles(args.profile), queries)
    bench.generate_seconds = time.perf_counter() - started
    bench.memory["corpus_pools"] = peak_rss_mib()
    clock = BenchClock()
    with store_location(args.store_url, keep=args.keep_store) as (url, folder):
        config = load_config(None, {"HOME": str(folder)})
        config = replace(config, ingest=replace(config.ingest, workers=args.workers))
        embedder = MultilingualEmbedder(threads=args.embed_threads)
        with open_app(config, store_url=url, clock=clock, embedder=embedder) as core:
            kind = core.engine.dialect.name
            server = server_settings(core.engine)
            bench.resumed_from = ingested_so_far(core.engine) if args.resume else 0
            if not args.resume:
                _check_empty(core, url)
            warm_up(core)
            tally = _ingest_all(core, generator, clock, bench, args)
            size = store_size(core.engine)
            bench.memory["after_ingest"] = peak_rss_mib()
            clock.at_article(args.articles)  # the digest is built just after the last article
            with bench.profiles.phase("digest"):
                digest = time_digest(core, args.digest_runs)
            bench.memory["after_digest"] = peak_rss_mib()
            stored = core.store.counts().articles
        # The workers have stopped with the app: the largest one's peak, counted per worker.
        if args.workers:
            bench.memory["worker_each"] = children_peak_rss_mib()
            bench.memory["main_plus_workers"] = round(
                max(bench.memory.values()) + args.workers * bench.memory["worker_each"], 1
            )
    bench.profiles.write()
    section = results_section(
        args, url, bench=bench, tally=tally, size=size, digest=digest, stored=stored
    )
    if server:
        section["server_settings"] = server
    return kind, section


def server_settings(engine: Engine) -> dict[str, str]:
    """PostgreSQL's durability settings, which weigh on ingest (a commit per article); none
    for SQLite, whose settings are newsbot's own."""
    if engine.dialect.name != "postgresql":
        return {}
    with engine.connect() as connection:
        return {
            name: str(connection.exec_driver_sql(f"SHOW {name}").scalar_one())
            for name in ("server_version", "fsync", "synchronous_commit", "shared_buffers")
        }


def lookup_queries(args: argparse.Namespace, generator: CorpusGenerator) -> Queries:
    """The lookup queries, drawn with names from the corpus's first articles: the same for every
    run of at least NAME_ARTICLES articles."""
    names = {
        name
        for article in generator.articles(min(args.articles, NAME_ARTICLES))
        for name in name_spans(article.text)
    }
    return draw_queries(args.eval_dir, sorted(names), QUERIES, SEED)


def _check_empty(core: App, url: str) -> None:
    held = core.store.counts().articles
    if held:
        shown = make_url(url).render_as_string(hide_password=True) if "://" in url else url
        raise SystemExit(f"the store {shown} already holds {held} articles; give an empty store")


def warm_up(core: App) -> None:
    """Load the language model, the tokenisers and the embedding model before timing."""
    summarize("The council met on Monday. It approved the budget for the new harbour bridge.")
    core.merging.embedder.encode(["warm up"])


def _ingest_all(
    core: App, generator: CorpusGenerator, clock: BenchClock, bench: Run, args: argparse.Namespace
) -> IngestTally:
    total = args.articles
    tally = IngestTally(slice_size=max(1, total // 10))
    checkpoints = sorted({max(1, total // 10), total})
    progress = _progress()
    reporter = _Reporter(total, tally, start=bench.resumed_from)
    feed = _Feed(generator, total, bench)
    with progress:
        task = progress.add_task("ingesting", total=total)
        progress.advance(task, bench.resumed_from)
        outcomes = core.ingestor.ingest_sources(feed.sources())
        for done in range(bench.resumed_from + 1, total + 1):
            clock.at_article(done - 1)  # the time the article stored next is first seen
            with bench.profiles.phase("ingest"):
                started, cpu, generating = time.perf_counter(), time.process_time(), feed.spent
                outcome = next(outcomes)
                spent = feed.spent - generating
                elapsed = time.perf_counter() - started - spent, time.process_time() - cpu - spent
            tally.add(outcome, *elapsed)
            progress.advance(task)
            reporter.tick(done, progress.console)
            if done % tally.slice_size == 0 or done == total:
                _print_slice(tally.close_slice(done), progress.console)
            if done in checkpoints:
                with bench.profiles.phase("lookups" if done == total else "lookups_first"):
                    _measure_lookups(core, bench, done, args, progress.console)
    bench.generate_seconds += feed.spent
    return tally


class _Feed:
    """The corpus as the texts `ingest_sources` takes, timing its own generation (which runs
    inside the ingest, as the ingest pulls texts ahead, and is not counted in it)."""

    def __init__(self, generator: CorpusGenerator, total: int, bench: Run) -> None:
        self._generator = generator
        self._total = total
        self._bench = bench
        self.spent = 0.0

    def sources(self) -> Iterator[SourceText]:
        """The texts to ingest, after those a resumed store already holds (which are generated
        and counted in the corpus, not ingested again)."""
        made = time.perf_counter()
        for article in self._generator.articles(self._total):
            self._bench.corpus.add(article)
            if article.number < self._bench.resumed_from:
                continue
            source = corpus_source(article)
            self.spent += time.perf_counter() - made
            yield source
            made = time.perf_counter()


def ingested_so_far(engine: Engine) -> int:
    """How many corpus articles a kept store went through: one past the highest article number
    among its stored articles and folded copies (sources are "outletNN/NNNNNN")."""
    numbers = [0]
    with engine.connect() as connection:
        for table in (articles, article_copies):
            found = connection.execute(select(func.max(func.substr(table.c.source, 10))))
            value = found.scalar_one_or_none()
            numbers.append(int(value) + 1 if value else 0)
    return max(numbers)


def _measure_lookups(
    core: App, bench: Run, done: int, args: argparse.Namespace, console: Console
) -> None:
    figures = time_lookups(core, bench.queries)
    figures["stored_articles"] = core.store.counts().articles
    bench.lookups[str(done)] = figures
    bench.memory[f"after_lookups_{done}"] = peak_rss_mib()
    timed = ", ".join(
        f"{name} {figures[name]['p50_ms']}/{figures[name]['p95_ms']}/{figures[name]['p99_ms']}"
        for name in LOOKUPS
    )
    console.print(
        f"lookups at {done:,} (p50/p95/p99 ms): {timed}; first lookup "
        f"{figures['first_lookup_ms']} ms; peak rss {peak_rss_mib():.0f} MiB",
        highlight=False,
    )


class _Reporter:
    """Progress lines for logs (when stdout is not a terminal): every hundredth of the run."""

    def __init__(self, total: int, tally: IngestTally, *, start: int) -> None:
        self._every = max(100, total // 100)
        self._tally = tally
        self._interactive = sys.stdout.isatty()
        self._last = (time.perf_counter(), start)

    def tick(self, done: int, console: Console) -> None:
        """Print a line when `done` is a multiple of the interval."""
        if self._interactive or done % self._every:
            return
        now = time.perf_counter()
        recent = (done - self._last[1]) / (now - self._last[0])
        self._last = (now, done)
        console.print(
            f"{done:>7,} ingested  {self._tally.rate():5.1f} articles/s (wall {recent:5.1f}/s "
            f"lately)  rss {rss_mib():.0f} MiB",
            highlight=False,
        )


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        disable=not sys.stdout.isatty(),
    )


def _print_slice(row: dict[str, Any], console: Console) -> None:
    statuses = ", ".join(f"{count} {name}" for name, count in sorted(row["statuses"].items()))
    console.print(
        f"slice up to {row['up_to']:,}: {row['articles_per_s']} articles/s ({statuses}), "
        f"peak rss {row['peak_rss_mib']:.0f} MiB",
        highlight=False,
    )


def _languages(value: str) -> tuple[str, ...]:
    codes = tuple(code.strip() for code in value.split(",") if code.strip())
    unknown = [code for code in codes if code not in LANGUAGE_SHARES]
    if unknown or not codes:
        raise argparse.ArgumentTypeError(f"choose among {', '.join(LANGUAGE_SHARES)}")
    return codes


def main() -> None:
    """Run the benchmark and write bench/results/scale.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--store-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--digest-runs", type=int, default=3)
    parser.add_argument(
        "--languages",
        type=_languages,
        default=(),
        metavar="CODES",
        help=f"only these corpus languages, comma-separated (default: {','.join(LANGUAGE_SHARES)})",
    )
    parser.add_argument("--keep-store", action="store_true", help="keep the temporary store")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue a kept store of an interrupted run (with --store-url): the articles it "
        "already went through are generated but not ingested again",
    )
    parser.add_argument("--profile", type=Path, default=None, metavar="DIR")
    parser.add_argument(
        "--workers",
        type=int,
        default=IngestConfig().workers,
        help="summarising worker processes ([ingest] workers; default %(default)s)",
    )
    parser.add_argument(
        "--embed-threads",
        type=int,
        default=1,
        help="threads of the embedding model in the main process (default %(default)s)",
    )
    args = parser.parse_args()
    if args.articles < 1 or args.digest_runs < 1:
        parser.error("--articles and --digest-runs must be at least 1")
    if args.resume and not args.store_url:
        parser.error("--resume needs the --store-url of the kept store to continue")
    kind, section = run(args)
    section = completed(kind, section)
    print_report(kind, section)
    print(f"\nwritten to {save(kind, section)}")


if __name__ == "__main__":
    main()
