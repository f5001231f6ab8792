"""Key point quality and speed against Lead-3 and sumy's algorithms, on the same sentences.

Two settings, both printed and written to bench/results/summarize.json:

- CNN/DailyMail sample (FRANK, human-written highlights), 3 key points per article.
- BBC News Summary, every system cut to an equal budget of 60 words.

Every system ranks the same sentences (our cleaning and splitting); only the ranking differs.
On CNN/DM, Lead-3 is also scored on the data set's own sentence split (`article_lines`), to show
that our splitting does not weaken the baseline.
Throughput is articles per second: ours is the whole `summarize()` call (cleaning, language,
splitting, ranking); sumy's is building its document from the pre-split sentences and ranking.

    .venv/bin/python -m bench.summarize [--eval-dir ../shared/eval] [--limit N]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rouge_score import rouge_scorer
from sumy.models.dom import ObjectDocumentModel, Paragraph
from sumy.models.dom import Sentence as SumySentence
from sumy.nlp.stemmers import Stemmer
from sumy.summarizers.kl import KLSummarizer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.luhn import LuhnSummarizer
from sumy.summarizers.sum_basic import SumBasicSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer

from bench._common import DEFAULT_EVAL_DIR, eval_file, print_table, read_jsonl, write_results
from summarizer import SummaryOptions, summarize
from summarizer.keypoints import DEFAULT_WEIGHTS, RankerWeights, select_key_points
from summarizer.models import Sentence
from summarizer.pipeline import split_article
from summarizer.stopwords import stop_words
from summarizer.sumy_tokenizer import SumyTokenizer

SUMY = {
    "lexrank": LexRankSummarizer,
    "textrank": TextRankSummarizer,
    "lsa": LsaSummarizer,
    "luhn": LuhnSummarizer,
    "sumbasic": SumBasicSummarizer,
    "kl": KLSummarizer,
}
SYSTEMS = ["newsbot", "lead", *SUMY]
SUMY_LANGUAGES = {"en": "english", "nl": "dutch", "de": "german", "fr": "french"}
BUDGET_WORDS = 60
# BBC summaries glue sentences together ("...$10.9bn.For the"): re-split them before ROUGE.
_BBC_SPLIT = re.compile(r"(?<=[.!?])(?=[A-Z\"])")


@dataclass(frozen=True)
class Item:
    """One evaluation article with its reference summary lines."""

    id: str
    title: str
    text: str
    reference: list[str]
    # The data set's own sentence split, where it has one (CNN/DM's `article_lines`).
    own_sentences: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prepared:
    """An article cleaned and split once, shared by every system."""

    item: Item
    title: str
    language: str
    sentences: tuple[Sentence, ...]


def _capture_ranking(summarizer: Any) -> Any:
    """Make a sumy summarizer return all its sentences best first instead of the top N."""

    def best_first(sentences: Sequence[Any], count: Any, rating: Any, *a: Any, **k: Any) -> Any:
        def rate(sentence: Any) -> float:
            if isinstance(rating, dict):
                return float(rating[sentence])
            return float(rating(sentence, *a, **k))

        order = sorted(range(len(sentences)), key=lambda i: (-rate(sentences[i]), i))
        return [sentences[i] for i in order]

    summarizer._get_best_sentences = best_first
    return summarizer


def sumy_ranking(name: str, prepared: Prepared) -> list[int]:
    """Sentence indexes best first according to one sumy algorithm."""
    language = SUMY_LANGUAGES.get(prepared.language, "english")
    tokenizer = SumyTokenizer(prepared.language)
    sumy_sentences = [SumySentence(s.text, tokenizer) for s in prepared.sentences]
    document = ObjectDocumentModel([Paragraph(sumy_sentences)])
    summarizer = _capture_ranking(SUMY[name](Stemmer(language)))
    summarizer.stop_words = stop_words(prepared.language)
    order = {id(s): i for i, s in enumerate(sumy_sentences)}
    return [order[id(s)] for s in summarizer(document, len(sumy_sentences))]


def pick(prepared: Prepared, ranking: list[int], *, count: int | None) -> list[str]:
    """Sentences in document order: the top `count`, or enough to fill the word budget."""
    chosen: list[int] = []
    words = 0
    for index in ranking:
        if count is not None and len(chosen) >= count:
            break
        if count is None and words >= BUDGET_WORDS:
            break
        chosen.append(index)
        words += len(prepared.sentences[index].text.split())
    return [prepared.sentences[i].text for i in sorted(chosen)]


def newsbot_points(
    prepared: Prepared, *, count: int | None, weights: RankerWeights = DEFAULT_WEIGHTS
) -> list[str]:
    """Our key points for the same sentences, cut to the budget in the budget setting."""
    options = SummaryOptions(points=count or 5, max_words=None if count else BUDGET_WORDS)
    points = select_key_points(
        prepared.sentences,
        title=prepared.title,
        language=prepared.language,
        options=options,
        weights=weights,
    )
    lines = [p.text for p in points]
    return lines if count else cut_to_budget(lines)


def cut_to_budget(lines: list[str]) -> list[str]:
    """The lines truncated to the shared word budget."""
    out: list[str] = []
    left = BUDGET_WORDS
    for line in lines:
        words = line.split()[:left]
        if words:
            out.append(" ".join(words))
        left -= len(words)
    return out


def system_output(name: str, prepared: Prepared, *, count: int | None) -> list[str]:
    """One system's summary lines for one article."""
    if name == "newsbot":
        return newsbot_points(prepared, count=count)
    if name == "lead":
        lines = pick(prepared, list(range(len(prepared.sentences))), count=count)
    else:
        lines = pick(prepared, sumy_ranking(name, prepared), count=count)
    return lines if count else cut_to_budget(lines)


def prepare(item: Item) -> Prepared:
    """Clean and split an article once, exactly as `summarize()` does."""
    article = split_article(item.text, title=item.title)
    return Prepared(item, article.title, article.language, article.sentences)


def cnndm_items(eval_dir: Path) -> list[Item]:
    """The CNN/DailyMail articles of the FRANK sample with their highlights."""
    path = eval_file(eval_dir, "frank_cnndm_xsum_sample/articles.jsonl")
    return [
        Item(
            str(r["id"]),
            "",
            r["article"],
            [s.strip() for s in r["reference"].split(" . ") if s],
            tuple(r.get("article_lines") or ()),
        )
        for r in read_jsonl(path)
        if r["dataset"] == "cnndm"
    ]


def bbc_items(eval_dir: Path) -> list[Item]:
    """BBC News Summary articles with their (re-split) extractive summaries."""
    path = eval_file(eval_dir, "bbc_news_summary/bbc_news_summary.jsonl")
    return [
        Item(str(r["id"]), r["title"], r["article"], _BBC_SPLIT.split(r["summary"]))
        for r in read_jsonl(path)
    ]


def score(items: list[Prepared], *, count: int | None) -> dict[str, dict[str, Any]]:
    """Mean ROUGE-1/2/Lsum F1 (x100), per-article ROUGE-1 and ranking speed per system."""
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    results: dict[str, dict[str, Any]] = {}
    for name in SYSTEMS:
        system_output(name, items[0], count=count)  # warm up lazy tables before timing
        started = time.perf_counter()
        outputs = [system_output(name, p, count=count) for p in items]
        elapsed = time.perf_counter() - started
        per_article = [
            scorer.score("\n".join(p.item.reference), "\n".join(lines))
            for p, lines in zip(items, outputs, strict=True)
        ]
        results[name] = {
            key: 100 * statistics.fmean(s[key].fmeasure for s in per_article)
            for key in ("rouge1", "rouge2", "rougeLsum")
        }
        results[name]["ms_per_article"] = 1000 * elapsed / len(items)
        results[name]["rouge1_per_article"] = [100 * s["rouge1"].fmeasure for s in per_article]
    return results


def lead_on_own_sentences(items: list[Item], count: int) -> dict[str, float] | None:
    """Lead-N over the data set's own sentence split: a check that our splitting does not make
    the Lead-3 baseline weaker (a glued caption counted as part of a first sentence, say)."""
    if not items or not all(item.own_sentences for item in items):
        return None
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    scores = [
        scorer.score("\n".join(item.reference), "\n".join(item.own_sentences[:count]))
        for item in items
    ]
    return {
        key: 100 * statistics.fmean(s[key].fmeasure for s in scores) for key in ("rouge1", "rouge2")
    }


def paired_difference(a: list[float], b: list[float]) -> tuple[float, float]:
    """Mean of a - b and its standard error, article by article."""
    differences = [x - y for x, y in zip(a, b, strict=True)]
    return statistics.fmean(differences), statistics.stdev(differences) / len(differences) ** 0.5


def end_to_end_ms(items: list[Item], *, count: int | None) -> float:
    """Milliseconds per article of the whole `summarize()` call (cleaning included)."""
    options = SummaryOptions(points=count or 5, max_words=None if count else BUDGET_WORDS)
    summarize(items[0].text, title=items[0].title, options=options)
    started = time.perf_counter()
    for item in items:
        summarize(item.text, title=item.title, options=options)
    return 1000 * (time.perf_counter() - started) / len(items)


def report(setting: str, results: dict[str, dict[str, Any]], e2e_ms: float) -> None:
    """Print one setting's table, with differences to Lead-3 and the best sumy algorithm."""
    lead = results["lead"]["rouge1"]
    best = max(SUMY, key=lambda n: results[n]["rouge1"])
    print(f"\n{setting}  (best sumy: {best}; newsbot end to end: {e2e_ms:.2f} ms/article)")
    ours = results["newsbot"]["rouge1_per_article"]
    for other in ("lead", best):
        mean, error = paired_difference(ours, results[other]["rouge1_per_article"])
        print(f"newsbot - {other}: ROUGE-1 {mean:+.2f} (paired standard error {error:.2f})")
    rows = [
        [
            name,
            r["rouge1"],
            r["rouge2"],
            r["rougeLsum"],
            r["rouge1"] - lead,
            r["ms_per_article"],
        ]
        for name, r in results.items()
    ]
    print_table(["system", "R1", "R2", "RLsum", "R1-lead", "ms/article(rank)"], rows)


def main(argv: list[str] | None = None) -> None:
    """Run both settings and write bench/results/summarize.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--limit", type=int, default=0, help="articles per setting (0 = all)")
    args = parser.parse_args(argv)
    payload: dict[str, Any] = {"budget_words": BUDGET_WORDS}
    for setting, loader, count in (
        ("cnndm_3_points", cnndm_items, 3),
        ("bbc_60_words", bbc_items, None),
    ):
        items = loader(args.eval_dir)[: args.limit or None]
        prepared = [prepare(item) for item in items]
        results = score(prepared, count=count)
        e2e = end_to_end_ms(items, count=count)
        report(f"{setting}: {len(items)} articles", results, e2e)
        for system in results.values():
            del system["rouge1_per_article"]
        payload[setting] = {"articles": len(items), "newsbot_end_to_end_ms": e2e, **results}
        own = lead_on_own_sentences(items, count) if count else None
        if own is not None:
            print(
                f"Lead-{count} on the data set's own sentence split: R1 {own['rouge1']:.2f}, "
                f"R2 {own['rouge2']:.2f} (on ours: {results['lead']['rouge1']:.2f}, "
                f"{results['lead']['rouge2']:.2f})"
            )
            payload[setting]["lead_own_sentences"] = own
    print(f"\nwrote {write_results('summarize', payload)}")


if __name__ == "__main__":
    main()
