"""Typed facts from an article's sentences: people, organisations, places, money, counts,
percentages, dates and roles, with regexes and gazetteers only (no model, no download).

Value formats, one per kind (the storage and conflict detection rely on them):

- person / org / place: the canonical name, also in `entity`. Places in any language map to one
  English name ("München" -> "Munich", "Duitsland" -> "Germany"); a possessive is dropped
  ("Xiaomi's" -> "Xiaomi"); a surname after the full name is the full name ("Dittrich" ->
  "Rudolf Dittrich"); legal forms are dropped ("Xiaomi Corp." -> "Xiaomi"). See
  `summarizer.fact_entities`.
- money: "<ISO 4217> <amount>", the scale applied, no grouping ("CNY 20600000000"). See
  `summarizer.fact_amounts`.
- quantity: "[op]<number> <unit>", op one of "", ">=", "<=", ">", "<", "~" ("300000 car",
  ">=5 engineer"). See `summarizer.fact_quantities`.
- percent: "<number>%" ("26.4%"), percentage points "<number>pp".
- date: "2027", "2025-06", "2024-03-12", "2025-Q2", "2025-06..2025-07", with a bound in front
  ("<=2030", "<2030", ">2027", ">=2027"); relative dates keep their words lower-cased ("next
  year"). See `summarizer.fact_dates`.
- role: the role title ("CEO and founder"), `entity` the person, `related` the organisation.
  See `summarizer.fact_roles`.

`text` is the span exactly as in the sentence, `start` its offset there.
"""

from __future__ import annotations

from collections.abc import Sequence

from summarizer.fact_amounts import find_money, find_percents
from summarizer.fact_dates import find_dates
from summarizer.fact_entities import find_entities
from summarizer.fact_names import is_headline
from summarizer.fact_quantities import find_quantities
from summarizer.fact_roles import find_roles
from summarizer.fact_span import Span, without_overlaps
from summarizer.models import Fact, Sentence

# Order of kinds that start at the same character: the wider claim first.
_KIND_ORDER = {"role": 0, "person": 1, "org": 2, "place": 3}


def extract_facts(sentences: Sequence[Sentence], language: str) -> tuple[Fact, ...]:
    """Every typed fact of every sentence, in document order (by sentence, then by offset)."""
    if not sentences:
        return ()
    code = language.strip().lower()
    texts = [sentence.text for sentence in sentences]
    headlines = [s.kind == "heading" or is_headline(s.text) for s in sentences]
    names = find_entities(texts, headlines, code)
    facts: list[Fact] = []
    for sentence, sentence_names in zip(sentences, names, strict=True):
        spans = [
            *number_spans(sentence.text, code),
            *sentence_names,
            *find_roles(sentence.text, sentence_names),
        ]
        spans.sort(key=lambda s: (s.start, -s.end, _KIND_ORDER.get(s.kind, 9)))
        facts.extend(_fact(sentence, span) for span in spans)
    return tuple(facts)


def number_spans(text: str, language: str) -> list[Span]:
    """Money, percent, date and quantity spans of one sentence, overlaps resolved. A date wins
    over a count, except a bare year inside a compared count ("more than 2000 people")."""
    quantities = list(find_quantities(text, language))
    compared = [q for q in quantities if q.value[:1] in "<>~"]
    dates = [
        date
        for date in find_dates(text, language)
        if not (date.value.isdigit() and any(q.overlaps(date) for q in compared))
    ]
    return without_overlaps(
        [*find_money(text, language), *find_percents(text, language), *dates, *quantities]
    )


def _fact(sentence: Sentence, span: Span) -> Fact:
    """A span as a `Fact` of its sentence."""
    return Fact(
        kind=span.kind,
        text=sentence.text[span.start : span.end],
        value=span.value,
        sentence=sentence.text,
        position=sentence.position,
        start=span.start,
        entity=span.entity,
        related=span.related,
    )
