"""Ingest into a large store again: the corpus's next articles into a copy of a kept SQLite store.

A 100,000-article `bench.scale` run takes hours. When ingest changed, this measures it again at
that size in minutes: it copies the SQLite store a run kept (`bench.scale --keep-store`; the
original is not touched), generates the same corpus on to `--more` articles past those the store
went through (in a child process, so that the peak memory measured is the bot's, not the
generator's), and ingests them through the app's real path, worker process included. After the
first `--warm` articles (the worker loading its models, the story window read from the store) it
reports wall-clock articles/s and the CPU per article of the main process and of the worker.
Then it checks the story window's two-step search against an exact one (`story_window`, see
`window_agreement`).

The figures go into the store kind's section of bench/results/scale.json as
`ingest_remeasured`, with the commit measured; the original run's ingest figures stay.

With `--serving` it measures the process `newsbot serve` runs instead: no worker (serve places
each article a feed poll brings in its own process, summary included), the articles ingested one
at a time, then the lookups (`ask`, `search`, `facts`) and the day's digest, all in one process:
its peak memory is what a server on a store that size takes. Written as `serving_remeasured`.
(`bench.scale` times lookups inside a batch ingest's process, whose worker no server has.)

    .venv/bin/python -m bench.scale_ingest --store-url sqlite:////tmp/.../scale.db [--more 1500]
        [--serving]
"""

from __future__ import annotations

import argparse
import os
import pickle
import shutil
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url

from bench._common import DEFAULT_EVAL_DIR, print_table
from bench.scale import (
    NAME_ARTICLES,
    SEED,
    BenchClock,
    corpus_source,
    ingested_so_far,
    lookup_queries,
    warm_up,
)
from bench.scale_corpus import CorpusGenerator, load_pools
from bench.scale_lookups import commit_measured
from bench.scale_measure import (
    LOOKUPS,
    Queries,
    peak_rss_mib,
    read_through,
    time_digest,
    time_lookups,
)
from bench.scale_results import save, stored_sections
from bot.app import App, open_app
from bot.config import load_config
from bot.engine import sqlite_engine
from bot.ingest import IngestOutcome
from bot.models import SourceText
from bot.schema import articles
from bot.stories import RecentStories, StoryOptions
from bot.story_store import StoryStore
from summarizer.embeddings import MultilingualEmbedder

TICKS = os.sysconf("SC_CLK_TCK")


def remeasure(args: argparse.Namespace, copy: Path) -> dict[str, Any]:
    """Ingest the next articles into `copy` and time them."""
    engine = sqlite_engine(copy)
    start = ingested_so_far(engine)
    engine.dispose()
    clock = BenchClock()
    with tempfile.TemporaryDirectory(prefix="newsbot-scale-") as home:
        corpus = Path(home) / "corpus.pickles"
        generated = time.perf_counter()
        with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as child:
            child.submit(write_corpus, args.eval_dir, start, args.more, corpus).result()
            # A serving run's queries too: drawing them loads the corpus's pools, not the bot's.
            queries = (
                child.submit(serving_queries, args.eval_dir).result() if args.serving else None
            )
        generated = time.perf_counter() - generated
        texts = read_corpus(corpus)
        config = load_config(None, {"HOME": home})
        pooled = 0 if args.serving else 1
        config = replace(config, ingest=replace(config.ingest, workers=pooled))
        embedder = MultilingualEmbedder()
        with open_app(
            config, store_url=f"sqlite:///{copy}", clock=clock, embedder=embedder
        ) as core:
            warm_up(core)
            outcomes: Iterator[IngestOutcome]
            if args.serving:
                core.lookup.warm_up()  # as serve does at start-up
                outcomes = map(core.ingestor.ingest_source, texts)  # as feed polling does
            else:
                outcomes = core.ingestor.ingest_sources(texts)
            statuses: dict[str, int] = {}
            wall, main, workers = time.perf_counter(), time.process_time(), _children()
            for done, number in enumerate(range(start, start + args.more), 1):
                clock.at_article(number)
                outcome = next(outcomes)
                statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
                if done == args.warm:
                    wall, main, workers = time.perf_counter(), time.process_time(), _children()
            timed = args.more - args.warm
            wall, main = time.perf_counter() - wall, time.process_time() - main
            workers = _children() - workers
            measured = {
                "commit": commit_measured(),
                "from_article": start,
                "articles": args.more,
                "timed_articles": timed,
                "statuses": statuses,
                "articles_per_s": round(timed / wall, 1),
            }
            if queries is not None:
                cpu = {"cpu_ms_per_article": round(1000 * main / timed, 1)}
                return {**measured, **cpu, **_served(core, clock, queries, start + args.more, copy)}
            memory = {"main_peak_mib": peak_rss_mib(), "worker_mib": _children_rss_mib()}
    engine = sqlite_engine(copy)  # after the memory figures: the check holds a second window
    agreement = window_agreement(engine, args.probes)
    engine.dispose()
    return {
        **measured,
        "main_cpu_ms_per_article": round(1000 * main / timed, 1),
        "worker_cpu_ms_per_article": round(1000 * workers / timed, 1),
        "memory": memory,
        "generate_seconds": round(generated, 1),
        "story_window": agreement,
    }


def serving_queries(eval_dir: Path) -> Queries:
    """The lookups `bench.scale` times at 100,000 articles (run in the corpus's child process)."""
    generator = CorpusGenerator(load_pools(eval_dir), SEED, ())
    return lookup_queries(argparse.Namespace(articles=NAME_ARTICLES, eval_dir=eval_dir), generator)


def _served(
    core: App, clock: BenchClock, queries: Queries, end: int, store: Path
) -> dict[str, Any]:
    """After a serving ingest: the lookups and the digest in the same process, then its peak
    memory over all of it."""
    ingest_peak = peak_rss_mib()
    # A server's store is in the page cache; this copy was not all there by now (fincore: 1.0 of
    # its 3 GB resident before the lookups; this machine's page cache holds 5 to 7 GB, less than
    # the kept store and its copy), and ask p95 was 65.0 to 66.5 ms in five runs, 41.9 and
    # 53.1 ms in the two with the copy read through first.
    read_through(store)
    lookups = time_lookups(core, queries)
    clock.at_article(end)  # the digest is built just after the last article
    digest = time_digest(core, 1)
    return {
        "lookups": {name: lookups[name] for name in LOOKUPS},
        "digest_s": digest["median_s"],
        "memory": {"after_ingest_mib": ingest_peak, "peak_mib": peak_rss_mib()},
    }


def write_corpus(eval_dir: Path, start: int, more: int, path: Path) -> None:
    """Write the corpus's articles `start` to `start + more` to `path`, one pickle each.

    Run in a child process: generating them goes through every article before `start`, and the
    pools and the texts (about 120 MB for 6,000 articles) would otherwise count in the peak
    memory of the process measured, which should be the bot's.
    """
    generator = CorpusGenerator(load_pools(eval_dir), SEED, ())
    with path.open("wb") as out:
        for article in generator.articles(start + more):
            if article.number >= start:
                pickle.dump(corpus_source(article), out, pickle.HIGHEST_PROTOCOL)


def read_corpus(path: Path) -> Iterator[SourceText]:
    """The articles `write_corpus` wrote, read one at a time as ingest asks for them."""
    with path.open("rb") as written:
        while True:
            try:
                yield pickle.load(written)
            except EOFError:
                return


def window_agreement(engine: Engine, probes: int, count: int = 8) -> dict[str, Any]:
    """How often the story window's two-step search (`RecentStories.closest`) gives the same
    `count` closest stories, in the same order, as an exact product over every row of the
    window, for `probes` of the window's own articles (each searched for without itself).
    The window is the store's newest week, as an ingest after a restart reads it."""
    options = StoryOptions()
    with engine.connect() as connection:
        newest = connection.execute(select(func.max(articles.c.ingested_at))).scalar_one()
    since = newest - options.window
    recent = RecentStories(0.0, per_story=options.per_story)
    members = StoryStore(engine).recent_members(since)
    recent.update(members, since)
    kept = recent.members(dict.fromkeys(member.story_id for member in members))
    stories = np.array([story for story, _ in kept])
    ids = [article for _, article in kept]
    matrix = np.stack([recent.signature(article).vector for article in ids])
    order = np.argsort(stories, kind="stable")  # rows grouped by story, for a max per story
    firsts = np.flatnonzero(np.r_[True, stories[order][1:] != stories[order][:-1]])
    grouped = stories[order][firsts]
    position = {str(story): index for index, story in enumerate(grouped)}
    same = same_first = same_similarity = 0
    shortfall = 0.0  # the largest gap between a story found and the exact one at its place
    picks = np.random.default_rng(SEED).choice(len(ids), min(probes, len(ids)), replace=False)
    for row in picks:
        cosines = matrix @ matrix[row]
        cosines[row] = -np.inf
        best = np.maximum.reduceat(cosines[order], firsts)
        ranked = np.argsort(-best, kind="stable")[:count]
        exact = [str(grouped[i]) for i in ranked]
        found = recent.closest(matrix[row], count, ids[row])
        gaps = best[ranked[: len(found)]] - best[[position[story] for story in found]]
        same += found == exact
        same_first += found[:1] == exact[:1]
        tied = len(found) == len(exact) and bool(np.all(np.abs(gaps) <= 1e-6))
        same_similarity += tied  # stories with the same similarity may come in either order
        shortfall = max(shortfall, float(np.max(gaps)))
    return {
        "window_rows": len(ids),
        "probes": len(picks),
        "closest": count,
        "same_in_order": round(same / len(picks), 4),
        "same_first": round(same_first / len(picks), 4),
        "same_by_similarity": round(same_similarity / len(picks), 4),
        "max_shortfall": round(shortfall, 6),
    }


def _child_pids() -> Iterator[int]:
    for task in Path("/proc/self/task").iterdir():
        yield from (int(pid) for pid in (task / "children").read_text().split())


def _children() -> float:
    """CPU seconds of this process's running children (the summarising worker)."""
    total = 0
    for pid in _child_pids():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def _children_rss_mib() -> float:
    """The largest resident size among the running children."""
    sizes = [
        int(line.split()[1]) / 1024
        for pid in _child_pids()
        for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        if line.startswith("VmHWM:")
    ]
    return round(max(sizes, default=0.0), 1)


def report(figures: dict[str, Any]) -> None:
    """The figures as tables: a batch ingest's, or a serving run's with its lookups."""
    memory, serving = figures["memory"], "lookups" in figures
    how = "one at a time, then lookups and a digest" if serving else "in a batch"
    print(
        f"\nsqlite: {figures['articles']:,} articles {how} after the first "
        f"{figures['from_article']:,}, at {figures['commit']} (the first "
        f"{figures['articles'] - figures['timed_articles']:,} not timed)"
    )
    if serving:
        cells = {
            "articles/s": figures["articles_per_s"],
            "ms/article": figures["cpu_ms_per_article"],
            "peak MiB after ingest": memory["after_ingest_mib"],
            "peak MiB": memory["peak_mib"],
            "digest s": figures["digest_s"],
        }
    else:
        cells = {
            "articles/s": figures["articles_per_s"],
            "main ms/article": figures["main_cpu_ms_per_article"],
            "worker ms/article": figures["worker_cpu_ms_per_article"],
            "main peak MiB": memory["main_peak_mib"],
            "worker MiB": memory["worker_mib"],
        }
    print_table(list(cells), [list(cells.values())])
    print(f"statuses: {figures['statuses']}")
    if serving:
        lookups = figures["lookups"].items()
        rows = [[name, f["p50_ms"], f["p95_ms"], f["p99_ms"]] for name, f in lookups]
        print_table(["lookup", "p50 ms", "p95 ms", "p99 ms"], rows)
        return
    window = figures["story_window"]
    print(
        f"story window ({window['window_rows']:,} rows), {window['probes']:,} of its articles: "
        f"the {window['closest']} closest stories the same and in the same order as an exact "
        f"search for {window['same_in_order']:.2%} ({window['same_by_similarity']:.2%} counting "
        f"tied stories either way), the closest for {window['same_first']:.2%}; a story found "
        f"short of the exact one's similarity by at most {window['max_shortfall']}"
    )


def main() -> None:
    """Copy the store, ingest, report, and write `ingest_remeasured`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store-url", required=True, help="the kept SQLite store of bench.scale")
    parser.add_argument("--more", type=int, default=1_500, help="articles to ingest")
    parser.add_argument("--warm", type=int, default=200, help="of those, not timed")
    parser.add_argument(
        "--probes", type=int, default=2_000, help="articles the story window is checked with"
    )
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument(
        "--serving",
        action="store_true",
        help="measure a `newsbot serve` process: no worker, one article at a time, then lookups",
    )
    args = parser.parse_args()
    url = make_url(args.store_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        parser.error("--store-url must be a SQLite store (it is copied)")
    if not 0 < args.warm < args.more:
        parser.error("--warm must be between 0 and --more")
    with tempfile.TemporaryDirectory(prefix="newsbot-scale-copy-") as scratch:
        copy = Path(scratch) / "scale.db"
        for suffix in ("", "-wal"):  # a store not closed cleanly has commits in its WAL
            if Path(url.database + suffix).exists():
                shutil.copyfile(url.database + suffix, f"{copy}{suffix}")
        figures = remeasure(args, copy)
    report(figures)
    section = stored_sections().get("sqlite")
    if section is None:
        print("\nnot written: scale.json has no sqlite run")
        return
    part = "serving_remeasured" if args.serving else "ingest_remeasured"
    print(f"\nwritten to {save('sqlite', {**section, part: figures})}")


if __name__ == "__main__":
    main()
