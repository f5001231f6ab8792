"""What a scale benchmark run collects, and how it is reported: tables, targets, JSON results."""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bench._common import RESULTS_DIR, print_table, write_results
from bench.scale_corpus import CorpusStats
from bench.scale_measure import LOOKUPS, Profiles, Queries, peak_rss_mib, rss_mib
from bot.ingest import IngestOutcome

TARGETS = {"ingest": 50.0, "lookup_p95_ms": 50.0, "digest_s": 2.0, "peak_mib": 1024.0}


@dataclass(slots=True)
class IngestTally:
    """Outcomes and ingest time, overall and per slice."""

    slice_size: int
    statuses: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    slices: list[dict[str, Any]] = field(default_factory=list)
    _slice_seconds: float = 0.0
    _slice_cpu: float = 0.0
    _slice_statuses: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: IngestOutcome, seconds: float, cpu: float) -> None:
        """Count one ingested article, its wall time and the CPU time of the process."""
        self.statuses[outcome.status] += 1
        self._slice_statuses[outcome.status] += 1
        self.seconds += seconds
        self._slice_seconds += seconds
        self.cpu_seconds += cpu
        self._slice_cpu += cpu
        if outcome.status == "failed" and len(self.failures) < 10:
            self.failures.append(outcome.error or "?")

    def close_slice(self, done: int) -> dict[str, Any]:
        """End the current slice after `done` articles; its figures."""
        count = sum(self._slice_statuses.values())
        row = {
            "up_to": done,
            "articles": count,
            "seconds": round(self._slice_seconds, 1),
            "articles_per_s": round(count / self._slice_seconds, 1) if self._slice_seconds else 0,
            "cpu_seconds": round(self._slice_cpu, 1),
            "load_average": round(os.getloadavg()[0], 2),
            "statuses": dict(self._slice_statuses),
            "peak_rss_mib": peak_rss_mib(),
            "rss_mib": rss_mib(),
        }
        self.slices.append(row)
        self._slice_seconds, self._slice_cpu, self._slice_statuses = 0.0, 0.0, Counter()
        return row

    def rate(self) -> float:
        """Articles per second over everything ingested so far."""
        return sum(self.statuses.values()) / self.seconds if self.seconds else 0.0


@dataclass(slots=True)
class Run:
    """What one benchmark run collects."""

    articles: int
    profiles: Profiles
    queries: Queries
    corpus: CorpusStats = field(default_factory=CorpusStats)
    lookups: dict[str, Any] = field(default_factory=dict)
    memory: dict[str, float] = field(default_factory=dict)
    generate_seconds: float = 0.0
    resumed_from: int = 0  # articles a kept store already held (--resume)


def results_section(
    args: argparse.Namespace,
    url: str,
    *,
    bench: Run,
    tally: IngestTally,
    size: dict[str, Any],
    digest: dict[str, Any],
    stored: int,
) -> dict[str, Any]:
    largest = bench.lookups[str(args.articles)]
    peak = max(bench.memory.values())
    figures = {
        "ingest articles/s": (round(tally.rate(), 1), TARGETS["ingest"], "min"),
        "ask p95 ms": (largest["ask"]["p95_ms"], TARGETS["lookup_p95_ms"], "max"),
        "search p95 ms": (largest["search"]["p95_ms"], TARGETS["lookup_p95_ms"], "max"),
        "facts p95 ms": (largest["facts"]["p95_ms"], TARGETS["lookup_p95_ms"], "max"),
        "digest s": (digest["median_s"], TARGETS["digest_s"], "max"),
        "peak memory MiB": (peak, TARGETS["peak_mib"], "max"),
    }
    shown = make_url(url).render_as_string(hide_password=True) if "://" in url else url
    return {
        "store_url": shown,
        "articles": args.articles,
        "resumed_from": bench.resumed_from,
        "languages": list(args.languages) or "all",
        "profiled": args.profile is not None,
        "workers": args.workers,
        "embed_threads": args.embed_threads,
        "corpus": {**bench.corpus.summary(), "generate_seconds": round(bench.generate_seconds, 1)},
        "ingest": {
            "seconds": round(tally.seconds, 1),
            "articles_per_s": round(tally.rate(), 1),
            "cpu_seconds": round(tally.cpu_seconds, 1),
            "articles_per_cpu_s": round(sum(tally.statuses.values()) / tally.cpu_seconds, 1)
            if tally.cpu_seconds
            else 0,
            "statuses": dict(tally.statuses),
            "failures": tally.failures,
            "slices": tally.slices,
        },
        "store_size": {
            **size,
            "stored_articles": stored,
            "bytes_per_article": round(size["bytes"] / stored) if stored else 0,
        },
        "lookups": bench.lookups,
        "queries": {
            "questions": len(bench.queries.questions),
            "searches": len(bench.queries.searches),
            "entities": len(bench.queries.entities),
        },
        "digest": digest,
        "memory_peak_mib": bench.memory,
        "targets": {
            name: {"value": value, "target": target, "pass": _passes(value, target, sense)}
            for name, (value, target, sense) in figures.items()
        },
    }


def _passes(value: float, target: float, sense: str) -> bool:
    return value >= target if sense == "min" else value < target


def print_report(kind: str, section: dict[str, Any]) -> None:
    """The slices, lookups and targets as tables."""
    resumed = f" (resumed after {section['resumed_from']:,})" if section["resumed_from"] else ""
    if section.get("runs", 1) > 1:
        resumed = f" (in {section['runs']} runs, each resuming the one before)"
    languages = section["corpus"]["languages"]
    print(f"\n{kind}: {section['articles']:,} articles{resumed}, corpus {languages}")
    print(f"lengths {section['corpus']['words']}\n")
    slices = [
        [
            row["up_to"],
            row["articles"],
            row["statuses"].get("new", 0),
            row["statuses"].get("duplicate", 0),
            row["statuses"].get("failed", 0),
            row["seconds"],
            row["articles_per_s"],
            round(row["articles"] / row["cpu_seconds"], 1) if row["cpu_seconds"] else 0,
            row["load_average"],
            row["peak_rss_mib"],
        ]
        for row in section["ingest"]["slices"]
    ]
    headers = ["up to", "articles", "new", "dup", "failed", "seconds", "art/s", "art/cpu-s"]
    headers += ["load", "peak MiB"]
    print_table(headers, slices)
    print()
    lookups = [
        [at, name, f["queries"], f["refused"], *_latencies(f)]
        for at, figures in section["lookups"].items()
        for name, f in ((name, figures[name]) for name in LOOKUPS if name in figures)
    ]
    headers = ["at", "lookup", "n", "refused", "p50 ms", "p95 ms", "p99 ms", "max ms", "cpu p95 ms"]
    print_table(headers, lookups)
    first = {
        at: (figures.get("warm_up_ms"), figures["first_lookup_ms"])
        for at, figures in section["lookups"].items()
    }
    size = section["store_size"]
    digest = section["digest"]
    print(f"\nlookup warm-up (loads the article vectors; None: not run), first lookup, ms: {first}")
    print(
        f"store: {size['bytes'] / 1024 / 1024:.1f} MiB, {size['bytes_per_article']:,} bytes per "
        f"stored article ({size['stored_articles']:,} stored)"
    )
    print(
        f"digest --since 24h: median {digest['median_s']} s of {digest['runs']} (first "
        f"{digest['first_s']} s, cpu median {digest['cpu_median_s']} s); {digest['stories']} "
        f"stories from {digest['articles']} articles\n"
    )
    print_targets(section["targets"])


def print_targets(targets: dict[str, Any]) -> None:
    """The figures against their targets, as a table."""
    rows = [
        [name, t["value"], t["target"], "pass" if t["pass"] else "FAIL"]
        for name, t in targets.items()
    ]
    print_table(["figure", "value", "target", "result"], rows)


def _latencies(figures: dict[str, Any]) -> list[float]:
    keys = ("p50_ms", "p95_ms", "p99_ms", "max_ms", "cpu_p95_ms")
    return [figures[key] for key in keys]


def completed(kind: str, section: dict[str, Any]) -> dict[str, Any]:
    """The section, or for a resumed run the section completed with the one of the run it
    continued, as bench/results/scale.json holds it (see `with_earlier_part`)."""
    earlier = stored_sections().get(kind)
    return with_earlier_part(section, earlier) if earlier else section


def save(kind: str, section: dict[str, Any]) -> Path:
    """Write the section into bench/results/scale.json, keeping the other store kinds'."""
    sections = stored_sections()
    sections[kind] = section
    return write_results("scale", sections)


def stored_sections() -> dict[str, Any]:
    path = RESULTS_DIR / "scale.json"
    if not path.exists():
        return {}
    return {k: v for k, v in json.loads(path.read_text()).items() if k != "meta"}


def with_earlier_part(section: dict[str, Any], earlier: dict[str, Any]) -> dict[str, Any]:
    """A resumed run's section completed with the earlier run's, when that one ended where this
    one resumed: ingest totals and slices, lookups and memory of both, targets recomputed."""
    if not section["resumed_from"] or earlier.get("articles") != section["resumed_from"]:
        return section
    before, after = earlier["ingest"], section["ingest"]
    statuses = Counter(before["statuses"]) + Counter(after["statuses"])
    seconds = before["seconds"] + after["seconds"]
    cpu = before["cpu_seconds"] + after["cpu_seconds"]
    count = sum(statuses.values())
    ingest = {
        "seconds": round(seconds, 1),
        "articles_per_s": round(count / seconds, 1) if seconds else 0,
        "cpu_seconds": round(cpu, 1),
        "articles_per_cpu_s": round(count / cpu, 1) if cpu else 0,
        "statuses": dict(statuses),
        "failures": (before["failures"] + after["failures"])[:10],
        "slices": before["slices"] + after["slices"],
    }
    memory = {**earlier["memory_peak_mib"], **section["memory_peak_mib"]}
    targets = dict(section["targets"])
    for name, value, target, sense in (
        ("ingest articles/s", ingest["articles_per_s"], TARGETS["ingest"], "min"),
        ("peak memory MiB", max(memory.values()), TARGETS["peak_mib"], "max"),
    ):
        targets[name] = {"value": value, "target": target, "pass": _passes(value, target, sense)}
    return {
        **section,
        "resumed_from": earlier.get("resumed_from", 0),
        "runs": earlier.get("runs", 1) + 1,
        "ingest": ingest,
        "lookups": {**earlier["lookups"], **section["lookups"]},
        "memory_peak_mib": memory,
        "targets": targets,
    }
