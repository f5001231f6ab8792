"""Fact extraction: gazetteer load time, speed, facts per article, and recall on RealTime QA.

- load: `load_gazetteers()` in this fresh process (places, first names, organisations);
- speed: `extract_facts` per article, mean and p95 in ms (and per 500 words), on BBC News Summary
  and on the RealTime QA gold articles; articles are cleaned and split beforehand, exactly as
  `summarize()` does, one article warms the regexes up before timing, and each article's time is
  the fastest of three runs (one core; other processes on the machine do not count);
- facts per article by kind, on both sets;
- coverage: for the RealTime QA questions whose gold answer occurs verbatim in the gold article
  (SQuAD normalisation, as bench.lookup), the share whose answer is exactly a fact span of the
  article (case, articles and punctuation ignored) or nearly one (one contains the other, at
  word boundaries), by the kind the question expects (`analyze_question`, "none" when no kind
  fits). A recall measure of the recognisers for the lookup feature.

    .venv/bin/python -m bench.facts [--eval-dir ../shared/eval] [--limit N] [--show-misses]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench._common import DEFAULT_EVAL_DIR, eval_file, print_table, read_jsonl, write_results
from bench.lookup import normalise
from summarizer.errors import EmptyArticleError
from summarizer.facts import extract_facts
from summarizer.gazetteer import load_gazetteers
from summarizer.models import Fact, Sentence
from summarizer.pipeline import split_article
from summarizer.question import analyze_question

REPEATS = 3
KINDS = ("person", "org", "place", "money", "quantity", "percent", "date", "role")


@dataclass(frozen=True, slots=True)
class Prepared:
    """An article split into sentences, ready for fact extraction."""

    key: str
    language: str
    sentences: tuple[Sentence, ...]

    @property
    def words(self) -> int:
        return sum(len(s.text.split()) for s in self.sentences)


def prepare(key: str, text: str, title: str = "") -> Prepared | None:
    """Clean and split an article as `summarize()` does; None when nothing is left."""
    try:
        article = split_article(text, title=title)
    except EmptyArticleError:
        return None
    return Prepared(key, article.language, article.sentences)


def timed_facts(articles: list[Prepared]) -> tuple[dict[str, tuple[Fact, ...]], list[float]]:
    """Facts of every article and the milliseconds each extraction took: the fastest of
    REPEATS runs, so that other processes on the machine do not count."""
    extract_facts(articles[0].sentences, articles[0].language)  # compile the lazy regexes
    facts: dict[str, tuple[Fact, ...]] = {}
    times: list[float] = []
    for article in articles:
        runs = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            facts[article.key] = extract_facts(article.sentences, article.language)
            runs.append((time.perf_counter() - started) * 1000)
        times.append(min(runs))
    return facts, times


def speed_report(
    articles: list[Prepared], facts: dict[str, tuple[Fact, ...]], times: list[float]
) -> dict[str, Any]:
    """Mean and p95 ms, ms per 500 words, and facts per article by kind."""
    words = statistics.mean(a.words for a in articles)
    counts: Counter[str] = Counter(f.kind for found in facts.values() for f in found)
    return {
        "articles": len(articles),
        "words_mean": round(words, 1),
        "ms_mean": round(statistics.mean(times), 3),
        "ms_p95": round(sorted(times)[int(0.95 * (len(times) - 1))], 3),
        "ms_per_500_words": round(statistics.mean(times) * 500 / words, 3),
        "facts_per_article": {k: round(counts[k] / len(articles), 2) for k in KINDS},
        "facts_per_article_all": round(sum(counts.values()) / len(articles), 2),
    }


# -- coverage ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Check:
    """One verbatim question: what it expects and how well the article's fact spans cover it."""

    question: str
    golds: tuple[str, ...]
    expected: str
    exact: bool
    near: bool
    matched_kind: str


def coverage(rows: list[dict[str, Any]], facts: dict[str, tuple[Fact, ...]]) -> list[Check]:
    """A check for every question whose gold answer occurs verbatim in one of its articles."""
    checks = []
    for row in rows:
        golds = tuple(row["answer_text"])
        texts = [g["text"] for g in row["gold_articles"] if g.get("text")]
        if not any(normalise(gold) in normalise(" ".join(texts)) for gold in golds):
            continue
        article_facts = [f for text in texts for f in facts.get(text, ())]
        checks.append(_check(row["question"], golds, article_facts))
    return checks


def _check(question: str, golds: tuple[str, ...], facts: Iterable[Fact]) -> Check:
    """How the fact spans of an article cover a question's gold answers."""
    expected = analyze_question(question).expected
    kind = expected[0] if expected else "none"
    answers = [normalise(g) for g in golds]
    exact_kind = near_kind = ""
    for fact in facts:
        span = normalise(fact.text)
        if not span:
            continue
        if span in answers:
            exact_kind = exact_kind or fact.kind
        if any(_contains(span, answer) or _contains(answer, span) for answer in answers):
            near_kind = near_kind or fact.kind
    return Check(question, golds, kind, bool(exact_kind), bool(near_kind), exact_kind or near_kind)


def _contains(longer: str, shorter: str) -> bool:
    """Whether `shorter` is inside `longer` at word boundaries."""
    return f" {shorter} " in f" {longer} "


def coverage_report(checks: list[Check]) -> dict[str, Any]:
    """Exact and near shares overall and by expected kind."""
    groups: dict[str, list[Check]] = defaultdict(list)
    for check in checks:
        groups[check.expected].append(check)
    groups["all"] = checks
    return {
        kind: {
            "questions": len(group),
            "exact": round(sum(c.exact for c in group) / len(group), 3),
            "near": round(sum(c.near for c in group) / len(group), 3),
            "matched_by": dict(Counter(c.matched_kind for c in group if c.matched_kind)),
        }
        for kind, group in sorted(groups.items(), key=lambda item: -len(item[1]))
    }


# -- main ----------------------------------------------------------------------------------------


def bbc_articles(eval_dir: Path, limit: int) -> list[Prepared]:
    """BBC News Summary articles, split."""
    path = eval_file(eval_dir, "bbc_news_summary/bbc_news_summary.jsonl")
    rows = list(read_jsonl(path))[: limit or None]
    found = (prepare(str(r["id"]), r["article"], r["title"]) for r in rows)
    return [article for article in found if article is not None]


def realtimeqa(eval_dir: Path, limit: int) -> tuple[list[dict[str, Any]], list[Prepared]]:
    """The RealTime QA questions and their distinct gold articles, split (keyed by text)."""
    path = eval_file(eval_dir, "realtimeqa_news_factoid/questions.jsonl")
    rows = list(read_jsonl(path))[: limit or None]
    texts = dict.fromkeys(g["text"] for r in rows for g in r["gold_articles"] if g.get("text"))
    found = (prepare(text, text) for text in texts)
    return rows, [article for article in found if article is not None]


def print_speed(name: str, report: dict[str, Any]) -> None:
    """One line of speed and the facts per article by kind."""
    print(
        f"\n{name}: {report['articles']} articles, {report['words_mean']} words on average; "
        f"extract_facts {report['ms_mean']} ms mean, {report['ms_p95']} ms p95, "
        f"{report['ms_per_500_words']} ms per 500 words"
    )
    per_kind = report["facts_per_article"]
    print_table(
        ["kind", *KINDS, "all"],
        [["per article", *per_kind.values(), report["facts_per_article_all"]]],
    )


def print_coverage(report: dict[str, Any]) -> None:
    """The coverage table."""
    rows = [
        [kind, r["questions"], 100 * r["exact"], 100 * r["near"], _kinds(r["matched_by"])]
        for kind, r in report.items()
    ]
    print("\nRealTime QA, verbatim answers covered by a fact span (% of questions):")
    print_table(["expected kind", "questions", "exact %", "near %", "matched by"], rows)


def _kinds(counts: dict[str, int]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items(), key=lambda i: -i[1]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--limit", type=int, default=0, help="articles/questions (0 = all)")
    parser.add_argument("--show-misses", action="store_true", help="print uncovered questions")
    args = parser.parse_args(argv)
    eval_file(args.eval_dir, "bbc_news_summary/bbc_news_summary.jsonl")
    started = time.perf_counter()
    load_gazetteers()
    load_seconds = time.perf_counter() - started
    print(f"gazetteers loaded in {load_seconds:.3f} s")

    bbc = bbc_articles(args.eval_dir, args.limit)
    bbc_facts, bbc_times = timed_facts(bbc)
    bbc_report = speed_report(bbc, bbc_facts, bbc_times)
    print_speed("BBC News Summary", bbc_report)

    rows, gold = realtimeqa(args.eval_dir, args.limit)
    gold_facts, gold_times = timed_facts(gold)
    gold_report = speed_report(gold, gold_facts, gold_times)
    print_speed("RealTime QA gold articles", gold_report)
    checks = coverage(rows, gold_facts)
    cover = coverage_report(checks)
    print_coverage(cover)
    if args.show_misses:
        for check in checks:
            if not check.near:
                print(f"  [{check.expected}] {check.question} -> {' | '.join(check.golds)}")
    payload = {
        "gazetteer_load_seconds": round(load_seconds, 3),
        "bbc_news_summary": bbc_report,
        "realtimeqa_gold_articles": gold_report,
        "realtimeqa_coverage": cover,
    }
    print(f"\nwrote {write_results('facts', payload)}")


if __name__ == "__main__":
    main()
