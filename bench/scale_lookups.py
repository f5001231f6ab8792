"""Lookups and the digest again on a kept `bench.scale` store, with the code as it is now.

A 100,000-article run takes hours, most of it ingest. When only lookups or digests changed, this
measures them again on the store such a run kept (`bench.scale --keep-store`), with the same
queries, in a fresh process (so the lookups' warm-up loads the article vectors, as after a
restart). It also checks the article index's two-step search against the exact product over
every stored vector, for the RealTime QA questions: the share of their 4 closest articles it finds
(`index_recall`; by similarity, so that tied vectors count either way). The figures go into that
store kind's section of bench/results/scale.json as `remeasured`, with the commit they were
measured at; the ingest figures there stay those of the original run.

A SQLite store is read through once first, so that its file is in the page cache as a serving
store's is. A PostgreSQL server's files are not read: on a machine whose page cache holds less
than both stores, read them first (`cat DATA_DIR/base/*/* > /dev/null`), or the first run after
a SQLite one reads from disk (ask p95 108 against 74 ms at 100,000 articles).

    .venv/bin/python -m bench.scale_lookups --store-url sqlite:////tmp/.../scale.db
        [--articles 100000] [--digest-runs 3]
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from bench._common import DEFAULT_EVAL_DIR, print_table
from bench.scale import QUERIES, SEED, BenchClock, ingested_so_far, lookup_queries, warm_up
from bench.scale_corpus import CorpusGenerator, load_pools
from bench.scale_measure import LOOKUPS, peak_rss_mib, read_through, time_digest, time_lookups
from bench.scale_results import TARGETS, print_targets, save, stored_sections
from bot.app import App, open_app
from bot.config import load_config
from summarizer.embeddings import MultilingualEmbedder, row_products


def remeasure(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    """The store kind and the `remeasured` figures."""
    pools = load_pools(args.eval_dir)
    queries = lookup_queries(args, CorpusGenerator(pools, SEED, ()))
    clock = BenchClock()
    memory = {"start": peak_rss_mib()}
    with (
        tempfile.TemporaryDirectory(prefix="newsbot-scale-") as home,
        _app(args, home, clock) as core,
    ):
        kind = core.engine.dialect.name
        through = ingested_so_far(core.engine)
        if through < args.articles:
            raise SystemExit(f"the store went through {through:,} articles, not {args.articles:,}")
        if kind == "sqlite":  # a PostgreSQL server's files are not ours to read
            read_through(Path(core.engine.url.database or ""))
        warm_up(core)
        memory["warm"] = peak_rss_mib()
        lookups = time_lookups(core, queries)
        lookups["stored_articles"] = core.store.counts().articles
        memory["after_lookups"] = peak_rss_mib()
        clock.at_article(args.articles)
        digest = time_digest(core, args.digest_runs)
        memory["after_digest"] = peak_rss_mib()
        recall = index_recall(core, queries.questions)  # after the memory figures
    figures = {
        "ask p95 ms": (lookups["ask"]["p95_ms"], TARGETS["lookup_p95_ms"]),
        "search p95 ms": (lookups["search"]["p95_ms"], TARGETS["lookup_p95_ms"]),
        "facts p95 ms": (lookups["facts"]["p95_ms"], TARGETS["lookup_p95_ms"]),
        "digest s": (digest["median_s"], TARGETS["digest_s"]),
        "peak memory MiB (main, no ingest)": (max(memory.values()), TARGETS["peak_mib"]),
    }
    return kind, {
        "commit": commit_measured(),
        "articles": args.articles,
        "queries": QUERIES,
        "lookups": lookups,
        "index_recall": recall,
        "digest": digest,
        "memory_peak_mib": memory,
        "targets": {
            name: {"value": value, "target": target, "pass": value < target}
            for name, (value, target) in figures.items()
        },
    }


def index_recall(core: App, questions: Sequence[str], count: int = 4) -> dict[str, Any]:
    """How many of each question's `count` closest articles (by the exact product over every
    stored vector) the index's `nearest` finds, compared by similarity."""
    core.articles.refresh(core.store)
    _, history = core.articles.history()
    found_shares, shortfalls = [], []  # the share found; how far the k-th best fell short
    for vector in core.merging.embedder.encode(list(questions)):
        exact = np.sort(row_products(history, vector))[-count:]
        found = np.sort([similarity for _, similarity in core.articles.nearest(vector, count)])
        found_shares.append(float(np.mean(found >= exact - 1e-6)))
        shortfalls.append(float(exact[0] - found[0]))
    return {
        "questions": len(found_shares),
        "closest": count,
        "recall": round(float(np.mean(found_shares)), 4),
        "worst": round(min(found_shares), 4),
        "max_shortfall": round(max(shortfalls), 4),
        "mean_shortfall": round(float(np.mean(shortfalls)), 6),
    }


def _app(args: argparse.Namespace, home: str, clock: BenchClock) -> AbstractContextManager[App]:
    config = load_config(None, {"HOME": home})
    config = replace(config, ingest=replace(config.ingest, workers=0))
    return open_app(config, store_url=args.store_url, clock=clock, embedder=MultilingualEmbedder())


def commit_measured() -> str:
    """The commit measured, with "+changes" when the code differs from it."""
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", "bot", "summarizer"],
        capture_output=True,
        text=True,
        check=False,
    )
    suffix = "+changes" if changed.stdout.strip() else ""
    return (found.stdout.strip() or "unknown") + suffix


def report(kind: str, figures: dict[str, Any]) -> None:
    """The lookups, the digest and the targets as tables."""
    lookups = figures["lookups"]
    articles, commit = figures["articles"], figures["commit"]
    print(f"\n{kind}: lookups on the kept store of {articles:,} articles, at {commit}")
    rows = [
        [name, f["queries"], f["refused"], f["p50_ms"], f["p95_ms"], f["p99_ms"], f["max_ms"]]
        for name, f in ((name, lookups[name]) for name in LOOKUPS if name in lookups)
    ]
    print_table(["lookup", "n", "refused", "p50 ms", "p95 ms", "p99 ms", "max ms"], rows)
    digest, recall = figures["digest"], figures["index_recall"]
    print(
        f"\narticle index: {recall['recall']:.2%} of the {recall['closest']} closest articles "
        f"found for {recall['questions']} questions (worst {recall['worst']:.0%}); the "
        f"{recall['closest']}th best's similarity short by at most {recall['max_shortfall']}"
    )
    print(
        f"lookup warm-up {lookups['warm_up_ms']} ms, then first lookup "
        f"{lookups['first_lookup_ms']} ms; digest median {digest['median_s']} s "
        f"(first {digest['first_s']} s), {digest['stories']} stories\n"
    )
    print_targets(figures["targets"])


def main() -> None:
    """Measure and write the `remeasured` part of the store kind's section."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store-url", required=True, help="the kept store of a bench.scale run")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--digest-runs", type=int, default=3)
    args = parser.parse_args()
    kind, figures = remeasure(args)
    report(kind, figures)
    section = stored_sections().get(kind)
    if section is None or section.get("articles") != args.articles:
        print(f"\nnot written: scale.json has no {kind} run of {args.articles:,} articles")
        return
    print(f"\nwritten to {save(kind, {**section, 'remeasured': figures})}")


if __name__ == "__main__":
    main()
