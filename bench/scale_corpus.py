"""The scale benchmark's corpus: distinct, realistic articles recombined from the shared eval texts.

Sources (read from `../shared/eval`, never copied): BBC News Summary articles (5 categories),
CNN/DailyMail and XSum articles of the FRANK sample, RealTime QA gold CNN articles, AG News items
(as short filler paragraphs, by class), SemEval-2022 Task 8 texts in German, Spanish, French,
Italian, Polish, Russian, Arabic and Chinese, and SIB-200 Dutch sentences. Turkish SemEval texts
are left out (they carry mojibake), and so are the SIB-200 English, German and French sentences
(the same sentences as the Dutch ones, translated: they would make cross-language copies).

Each generated article starts with the opening paragraphs of one source article (its "lead", at
most half the article) and is filled with paragraphs of other articles of the same language and
category until it reaches a length drawn from 300-900 words (Chinese: characters / 2). Then it is
varied: sentences shuffled within paragraphs (the very first sentence stays first), now and then a
sentence dropped, up to three person-like names swapped for names from a pool of the same
language (surnames alone too), and every number replaced by another of the same shape. No two
articles use the same lead and filler paragraphs. Everything follows one seeded random generator,
so the same arguments give the same articles, and nothing is written to disk.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Any

from bench._common import eval_file, read_jsonl

MIN_WORDS = 300
MAX_WORDS = 900
LEAD_SHARE = 0.5
# Share of each language in the corpus: mostly English, the rest where the eval data has texts.
LANGUAGE_SHARES = {
    "en": 0.80,
    "de": 0.04,
    "es": 0.03,
    "fr": 0.02,
    "it": 0.02,
    "pl": 0.02,
    "ru": 0.02,
    "nl": 0.02,
    "ar": 0.015,
    "zh": 0.015,
}
AG_CATEGORIES = {"World": "news", "Sports": "sport", "Business": "business", "Sci/Tech": "tech"}
OUTLETS = 40
NAMES_SWAPPED = 3
DROP_SENTENCE = 0.3

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)|(?<=[。！？])")
_NUMBER = re.compile(r"\d+")
_WORD = re.compile(r"\S+")

Paragraph = tuple[str, ...]  # its sentences


@dataclass(frozen=True, slots=True)
class Lead:
    """A source article whose opening paragraphs can lead a generated article."""

    key: str
    language: str
    category: str
    title: str
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True)
class Pools:
    """Everything articles are built from: leads by language, fillers and names."""

    leads: dict[str, list[Lead]]
    fillers: dict[tuple[str, str], list[Paragraph]]  # by (language, category)
    names: dict[str, list[str]]  # person-like names by language


@dataclass(frozen=True, slots=True)
class GeneratedArticle:
    """One article of the corpus, ready to ingest."""

    number: int
    source: str
    url: str
    language: str  # the language of the texts it was built from
    category: str
    title: str
    text: str
    words: int


# Loading -------------------------------------------------------------------------------------


def load_pools(eval_dir: Path) -> Pools:
    """Read the eval texts into leads, filler paragraphs and name pools."""
    leads = _english_leads(eval_dir) + _semeval_leads(eval_dir) + _dutch_leads(eval_dir)
    fillers: dict[tuple[str, str], list[Paragraph]] = {}
    for lead in leads:
        fillers.setdefault((lead.language, lead.category), []).extend(lead.paragraphs)
    for category, paragraph in _ag_paragraphs(eval_dir):
        fillers.setdefault(("en", category), []).append(paragraph)
    by_language: dict[str, list[Lead]] = {}
    for lead in leads:
        by_language.setdefault(lead.language, []).append(lead)
    names = {language: _names(items) for language, items in sorted(by_language.items())}
    return Pools(by_language, fillers, names)


def _english_leads(eval_dir: Path) -> list[Lead]:
    leads = [
        _lead(f"bbc/{row['id']}", "en", row["category"], row["title"], row["article"])
        for row in read_jsonl(eval_file(eval_dir, "bbc_news_summary/bbc_news_summary.jsonl"))
    ]
    for row in read_jsonl(eval_file(eval_dir, "frank_cnndm_xsum_sample/articles.jsonl")):
        lines = [line for line in row["article_lines"] if line.strip()]
        text = "\n\n".join(" ".join(lines[i : i + 2]) for i in range(0, len(lines), 2))
        leads.append(_lead(f"{row['dataset']}/{row['id']}", "en", "news", "", text))
    questions = read_jsonl(eval_file(eval_dir, "realtimeqa_news_factoid/questions.jsonl"))
    for row in questions:
        for number, gold in enumerate(row["gold_articles"]):
            leads.append(_lead(f"rtqa/{row['id']}/{number}", "en", "news", "", gold["text"]))
    return [lead for lead in leads if lead.paragraphs]


def _semeval_leads(eval_dir: Path) -> list[Lead]:
    texts: dict[tuple[str, str], str] = {}
    path = eval_file(eval_dir, "semeval2022_task8_news_similarity/pairs.jsonl")
    for row in read_jsonl(path):
        for side in ("1", "2"):
            language, text = row[f"lang{side}"], row[f"text_{side}"].strip()
            if language in LANGUAGE_SHARES and language != "en" and text:
                texts.setdefault((language, text), f"semeval/{row['pair_id']}/{side}")
    leads = []
    for (language, text), key in sorted(texts.items(), key=lambda item: item[1]):
        title, _, body = text.partition("\n")
        if not body.strip():
            title, body = "", text
        leads.append(_lead(key, language, "news", title.strip(), body))
    return [lead for lead in leads if lead.paragraphs]


def _dutch_leads(eval_dir: Path, per_paragraph: int = 4, per_article: int = 3) -> list[Lead]:
    """SIB-200 Dutch sentences cut into pseudo-articles, by category, in file order."""
    by_category: dict[str, list[str]] = {}
    for split in ("train", "dev"):
        path = eval_file(eval_dir, f"sib200/nld_Latn/{split}.tsv")
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                by_category.setdefault(row["category"], []).append(row["text"].strip())
    leads = []
    size = per_paragraph * per_article
    for category, sentences in sorted(by_category.items()):
        for start in range(0, len(sentences), size):
            chunk = sentences[start : start + size]
            paragraphs = tuple(
                tuple(chunk[i : i + per_paragraph]) for i in range(0, len(chunk), per_paragraph)
            )
            leads.append(Lead(f"sib/{category}/{start}", "nl", "news", "", paragraphs))
    return leads


def _ag_paragraphs(eval_dir: Path) -> Iterator[tuple[str, Paragraph]]:
    for row in read_jsonl(eval_file(eval_dir, "ag_news_test/items.jsonl")):
        sentences = _sentences(" ".join(row["text"].split()))
        if sentences and row["label"] in AG_CATEGORIES:
            yield AG_CATEGORIES[row["label"]], sentences


def _lead(key: str, language: str, category: str, title: str, text: str) -> Lead:
    blocks = [" ".join(block.split()) for block in re.split(r"\n\s*\n|\n", text)]
    paragraphs = tuple(_sentences(block) for block in blocks if len(block.split()) >= 6)
    return Lead(key, language, category, " ".join(title.split()), paragraphs)


def _sentences(text: str) -> Paragraph:
    return tuple(part.strip() for part in _SENTENCE_END.split(text) if part.strip())


def _names(leads: list[Lead]) -> list[str]:
    """Two capitalised words after a lower-case word (so not a sentence start): name-like."""
    found: set[str] = set()
    for lead in leads:
        for paragraph in lead.paragraphs:
            for sentence in paragraph:
                found.update(name_spans(sentence))
    return sorted(found)


def name_spans(sentence: str) -> Iterator[str]:
    """Name-like spans of a text: two capitalised words after a lower-case word."""
    tokens = sentence.split()
    for index in range(1, len(tokens) - 1):
        before, first, last = tokens[index - 1], tokens[index], tokens[index + 1]
        following = tokens[index + 2] if index + 2 < len(tokens) else ""
        if (
            before.islower()
            and _capitalised(first)
            and _capitalised(last)
            and not _capitalised(following.strip(".,;:"))
        ):
            yield f"{first} {last}"


def _capitalised(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1:].isalpha() and word[1:].islower()


# Generating ----------------------------------------------------------------------------------


class CorpusGenerator:
    """Generates the articles one by one from a seeded random generator."""

    def __init__(self, pools: Pools, seed: int, languages: Sequence[str] = ()) -> None:
        """`languages` limits the corpus to some of LANGUAGE_SHARES (their shares rescaled)."""
        self._pools = pools
        self._rng = Random(seed)
        self._languages = sorted(set(languages) or LANGUAGE_SHARES)
        self._weights = [LANGUAGE_SHARES[language] for language in self._languages]
        self._seen: set[tuple[str, frozenset[int]]] = set()

    def articles(self, count: int) -> Iterator[GeneratedArticle]:
        """`count` distinct articles, numbered from 0."""
        for number in range(count):
            yield self._article(number)

    def _article(self, number: int) -> GeneratedArticle:
        rng = self._rng
        language = rng.choices(self._languages, self._weights)[0]
        lead = rng.choice(self._pools.leads[language])
        paragraphs = self._paragraphs(lead, rng.randint(MIN_WORDS, MAX_WORDS))
        varied = _shuffled(paragraphs, rng)
        swaps = self._swaps(varied, language)
        years = rng.randint(-15, 5)
        text = _apply(swaps, "\n\n".join(" ".join(p) for p in varied), years, rng)
        title = _apply(swaps, lead.title, years, rng) if lead.title else ""
        outlet = f"outlet{rng.randrange(OUTLETS):02d}"
        return GeneratedArticle(
            number=number,
            source=f"{outlet}/{number:06d}",
            url=f"https://{outlet}.example/{lead.category}/{number:06d}",
            language=language,
            category=lead.category,
            title=title,
            text=text,
            words=word_count(text, language),
        )

    def _paragraphs(self, lead: Lead, target: int) -> list[Paragraph]:
        """The lead's opening paragraphs, then fillers, never the same combination twice."""
        while True:
            chosen = [lead.paragraphs[0]]
            for paragraph in lead.paragraphs[1:]:
                if _words(chosen, lead.language) + _words([paragraph], lead.language) > (
                    target * LEAD_SHARE
                ):
                    break
                chosen.append(paragraph)
            fillers = self._pools.fillers[(lead.language, lead.category)]
            used: set[int] = set()
            while _words(chosen, lead.language) < target and len(used) < len(fillers):
                index = self._rng.randrange(len(fillers))
                if index not in used and fillers[index] not in chosen:
                    used.add(index)
                    chosen.append(_thinned(fillers[index], self._rng))
            key = (lead.key, frozenset(used))
            if key not in self._seen:
                self._seen.add(key)
                return _trimmed(chosen, lead.language)

    def _swaps(self, paragraphs: list[Paragraph], language: str) -> dict[str, str]:
        pool = self._pools.names.get(language, [])
        text = " ".join(" ".join(p) for p in paragraphs)
        present = sorted({name for p in paragraphs for s in p for name in name_spans(s)})
        if not pool or not present:
            return {}
        swaps: dict[str, str] = {}
        for name in self._rng.sample(present, min(NAMES_SWAPPED, len(present))):
            other = self._rng.choice(pool)
            if other != name and other not in text:
                swaps[name] = other
                swaps[name.split()[-1]] = other.split()[-1]
        return swaps


def word_count(text: str, language: str) -> int:
    """Words of the text; for Chinese (no spaces) its characters / 2."""
    if language == "zh":
        return len("".join(text.split())) // 2
    return len(_WORD.findall(text))


def _words(paragraphs: list[Paragraph], language: str) -> int:
    return sum(word_count(" ".join(p), language) for p in paragraphs)


def _trimmed(paragraphs: list[Paragraph], language: str) -> list[Paragraph]:
    """Drop closing sentences until the article is at most MAX_WORDS long."""
    kept = list(paragraphs)
    while _words(kept, language) > MAX_WORDS and (len(kept) > 1 or len(kept[0]) > 1):
        last = kept.pop()
        if len(last) > 1:
            kept.append(last[:-1])
    return kept


def _shuffled(paragraphs: list[Paragraph], rng: Random) -> list[Paragraph]:
    """Sentences shuffled within each paragraph; the article's first sentence stays first."""
    varied: list[Paragraph] = []
    for index, paragraph in enumerate(paragraphs):
        fixed, rest = (paragraph[:1], list(paragraph[1:])) if index == 0 else ((), list(paragraph))
        rng.shuffle(rest)
        varied.append((*fixed, *rest))
    return varied


def _thinned(paragraph: Paragraph, rng: Random) -> Paragraph:
    """The paragraph, now and then without one of its sentences (never its first)."""
    if len(paragraph) < 4 or rng.random() >= DROP_SENTENCE:
        return paragraph
    dropped = rng.randrange(1, len(paragraph))
    return paragraph[:dropped] + paragraph[dropped + 1 :]


def _apply(swaps: dict[str, str], text: str, years: int, rng: Random) -> str:
    """Swap the names (longest first), shift years by `years` and give every other distinct
    number another of its shape (small ones stay small, so dates and times stay plausible)."""
    if swaps:
        pattern = re.compile("|".join(re.escape(n) for n in sorted(swaps, key=len, reverse=True)))
        text = pattern.sub(lambda match: swaps[match.group(0)], text)
    numbers: dict[str, str] = {}
    return _NUMBER.sub(lambda match: _number(match.group(0), numbers, years, rng), text)


def _number(digits: str, numbers: dict[str, str], years: int, rng: Random) -> str:
    if digits not in numbers:
        value = int(digits)
        if len(digits) == 4 and 1900 <= value <= 2030:
            numbers[digits] = str(value + years)
        elif len(digits) == 1:
            numbers[digits] = str(rng.randint(2, 9))
        elif len(digits) == 2 and value <= 31:
            numbers[digits] = str(rng.randint(10, 28))
        else:
            low = 10 ** (len(digits) - 1)
            numbers[digits] = str(rng.randint(low, low * 10 - 1))
    return numbers[digits]


class CorpusStats:
    """Language and category mix and the length spread of the generated articles."""

    def __init__(self) -> None:
        self.languages: dict[str, int] = {}
        self.categories: dict[str, int] = {}
        self.lengths: list[int] = []

    def add(self, article: GeneratedArticle) -> None:
        """Count one generated article."""
        self.languages[article.language] = self.languages.get(article.language, 0) + 1
        self.categories[article.category] = self.categories.get(article.category, 0) + 1
        self.lengths.append(article.words)

    def summary(self) -> dict[str, Any]:
        """The counts, most frequent first, and the minimum, median and maximum length."""
        lengths = sorted(self.lengths) or [0]
        return {
            "languages": dict(sorted(self.languages.items(), key=lambda kv: -kv[1])),
            "categories": dict(sorted(self.categories.items(), key=lambda kv: -kv[1])),
            "words": {"min": lengths[0], "median": lengths[len(lengths) // 2], "max": lengths[-1]},
        }
