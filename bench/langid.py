"""Language identification: py3langid (as used by `detect_language`) against lingua.

Three settings, all printed and written to bench/results/langid.json:

- short text: SIB-200 sentences in en/nl/de/fr (dev + train, about 130 characters each);
- very short text: the same sentences cut to their first 5 words (headline length, about 30
  characters), where detectors differ and the confidence threshold matters;
- long text: SemEval-2022 Task 8 news articles in 10 languages (median about 1,000 characters).

Systems: `newsbot` is `summarizer.language.detect_language` (py3langid restricted to its 98
ISO 639-1 labels, "und" below its minimum confidence); `py3langid-all` keeps all 140 labels and
folds dialects into their language instead, with no minimum; `lingua` is
lingua-language-detector 2.1 with all languages and preloaded models. Every system sees the
same first `MAX_CHARS` characters of each text. Load times are reported apart from the
per-text milliseconds.

    .venv/bin/python -m bench.langid [--eval-dir ../shared/eval] [--limit N]
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bench._common import DEFAULT_EVAL_DIR, eval_file, print_table, read_jsonl, write_results
from summarizer.language import MAX_CHARS, RELIABLE_AT, detect_language

Detector = Callable[[str], tuple[str, float]]
Sample = tuple[str, str]  # (gold ISO 639-1 code, text)

SIB_LANGUAGES = {"eng_Latn": "en", "nld_Latn": "nl", "deu_Latn": "de", "fra_Latn": "fr"}
# py3langid's dialect labels and their ISO 639-1 language.
MACRO = {"wuu": "zh", "yue": "zh", "arz": "ar", "ary": "ar", "uzs": "uz", "sdh": "ku", "zxx": "und"}
CONFIDENCE_BANDS = (0.0, 0.1, 0.15, 0.2, 0.5, 0.8, 0.9, 0.95, 0.99)


def sib200(eval_dir: Path, limit: int | None) -> list[Sample]:
    """SIB-200 sentences (dev and train) with their gold language."""
    samples: list[Sample] = []
    for folder, code in SIB_LANGUAGES.items():
        rows: list[Sample] = []
        for split in ("dev", "train"):
            path = eval_file(eval_dir, f"sib200/{folder}/{split}.tsv")
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
                rows.extend((code, row["text"]) for row in reader)
        samples.extend(rows[:limit])
    return samples


def first_words(samples: list[Sample], count: int = 5) -> list[Sample]:
    """The same samples cut to their first `count` words."""
    return [(code, " ".join(text.split()[:count])) for code, text in samples]


def semeval(eval_dir: Path, limit: int | None) -> list[Sample]:
    """Distinct SemEval-2022 Task 8 article texts with their gold language."""
    path = eval_file(eval_dir, "semeval2022_task8_news_similarity/pairs.jsonl")
    seen: set[str] = set()
    per_language: Counter[str] = Counter()
    samples: list[Sample] = []
    for row in read_jsonl(path):
        for code, text in ((row["lang1"], row["text_1"]), (row["lang2"], row["text_2"])):
            if text in seen or (limit is not None and per_language[code] >= limit):
                continue
            seen.add(text)
            per_language[code] += 1
            samples.append((code, text))
    return samples


def newsbot() -> Detector:
    """The project's detector."""

    def detect(text: str) -> tuple[str, float]:
        guess = detect_language(text)
        return guess.code, guess.confidence

    detect("warm up")  # loads the model outside the timed loop
    return detect


def py3langid_all() -> Detector:
    """py3langid with all 140 labels, dialects folded into their ISO 639-1 language, no floor."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    def detect(text: str) -> tuple[str, float]:
        merged: Counter[str] = Counter()
        for label, probability in identifier.rank(text[:MAX_CHARS]):
            merged[MACRO.get(label, label)] += probability
        code, confidence = merged.most_common(1)[0]
        return code, float(confidence)

    return detect


def lingua() -> Detector:
    """lingua-language-detector, all languages, high accuracy mode."""
    from lingua import LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()

    def detect(text: str) -> tuple[str, float]:
        values = detector.compute_language_confidence_values(text[:MAX_CHARS])
        if not values:
            return "und", 0.0
        best = values[0]
        return best.language.iso_code_639_1.name.lower(), float(best.value)

    return detect


SYSTEMS: dict[str, Callable[[], Detector]] = {
    "newsbot": newsbot,
    "py3langid-all": py3langid_all,
    "lingua": lingua,
}


def evaluate(detect: Detector, samples: Iterable[Sample]) -> dict[str, Any]:
    """Accuracy per gold language and overall, milliseconds per text, calibration by band."""
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    bands: dict[float, list[int]] = defaultdict(lambda: [0, 0])
    confusions: Counter[str] = Counter()
    elapsed = 0.0
    for gold, text in samples:
        start = time.perf_counter()
        code, confidence = detect(text)
        elapsed += time.perf_counter() - start
        total[gold] += 1
        right[gold] += code == gold
        if code != gold:
            confusions[f"{gold}->{code}"] += 1
        band = max(b for b in CONFIDENCE_BANDS if confidence >= b)
        bands[band][0] += code == gold
        bands[band][1] += 1
    count = sum(total.values())
    return {
        "accuracy": {g: right[g] / total[g] for g in sorted(total)},
        "overall": sum(right.values()) / count,
        "ms_per_text": 1000 * elapsed / count,
        "texts": count,
        "calibration": {f">={b}": {"right": r, "texts": n} for b, (r, n) in sorted(bands.items())},
        "top_confusions": dict(confusions.most_common(8)),
    }


def report(setting: str, results: dict[str, dict[str, Any]]) -> None:
    """Print one setting's table: systems as rows, languages as columns."""
    languages = sorted(next(iter(results.values()))["accuracy"])
    rows = [
        [
            name,
            *(100 * r["accuracy"][g] for g in languages),
            100 * r["overall"],
            r["ms_per_text"],
        ]
        for name, r in results.items()
    ]
    texts = next(iter(results.values()))["texts"]
    print(f"\n{setting} ({texts} texts): accuracy % per language, overall, ms per text")
    print_table(["system", *languages, "overall", "ms/text"], rows)
    for name, r in results.items():
        print(f"  {name} errors: {r['top_confusions']}")


def main() -> None:
    """Run both settings for every system and write bench/results/langid.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--limit", type=int, default=None, help="texts per language")
    args = parser.parse_args()
    sentences = sib200(args.eval_dir, args.limit)
    settings = {
        "short_sib200": sentences,
        "very_short_sib200_5_words": first_words(sentences),
        "long_semeval2022": semeval(args.eval_dir, args.limit),
    }
    load_seconds: dict[str, float] = {}
    detectors: dict[str, Detector] = {}
    for name, build in SYSTEMS.items():
        start = time.perf_counter()
        detectors[name] = build()
        load_seconds[name] = time.perf_counter() - start
    payload: dict[str, Any] = {
        "max_chars": MAX_CHARS,
        "reliable_at": RELIABLE_AT,
        "load_seconds": load_seconds,
    }
    for setting, samples in settings.items():
        results = {name: evaluate(detect, samples) for name, detect in detectors.items()}
        report(setting, results)
        payload[setting] = results
    print("\nload seconds: " + ", ".join(f"{n} {s:.2f}" for n, s in load_seconds.items()))
    print(f"written to {write_results('langid', payload)}")


if __name__ == "__main__":
    main()
