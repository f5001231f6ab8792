"""People, organisations and places of an article, typed from its capitalised runs.

Typing is decided for the whole article, then applied to every mention, in this order:

1. the name itself (`summarizer.fact_name_types`): a known organisation, a place of the
   gazetteer, an organisation's head word ("Navigant Research", "Xiaomi Corp."), a feature's
   head word ("Times Square"), a first name followed by capitalised words ("Rudolf Dittrich"),
   or two or three capitalised words after a title, a role word or "Author:" ("CEO Tim Cook");
2. the article: a single word that is the surname of exactly one person of the article is that
   person ("Dittrich" -> "Rudolf Dittrich"), even where it also names a place or a company; an
   unknown name is an organisation when one of its mentions has a strong cue ("tech giant
   Xiaomi", "Xiaomi's CEO"), two weak ones ("Xiaomi announced", "Xiaomi’s factory"), when it is
   an abbreviation used twice, or when it stands in a list of three or more with organisations
   and nothing else ("Volkswagen, Audi, and Porsche"); see `summarizer.fact_cues`.

Anything else is left out: a wrong person is worse than a missing one. A small town that is
also a word or a surname counts only after a place preposition ("in Martinez"). Title-case
headlines only repeat names found elsewhere in the article or in the gazetteers.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from summarizer.fact_cues import (
    after_place_word,
    defined_in_brackets,
    person_cued,
    strong_org_cues,
    weak_org_cues,
)
from summarizer.fact_lexicon import COMMON_ACRONYMS
from summarizer.fact_mentions import Mention, article_mentions
from summarizer.fact_name_types import (
    Entity,
    name_words,
    org_name,
    person_shape,
    static_entity,
)
from summarizer.fact_names import cue_before
from summarizer.fact_span import Span
from summarizer.gazetteer import fold, is_first_name, lookup_org, lookup_place

# Headlines name places only if they are countries, regions or cities of this size (thousands).
_HEADLINE_CITY = 100
_LIST_GAP = re.compile(r"^(?:,\s+|,?\s+(?:and|en|or|of|&)\s+)$")
_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,5}")
_CAMEL = re.compile(r"[a-z][A-Z]")
_HEADLINE_WORD = re.compile(r"[^\W\d_][\w&'’.-]*")

Table = dict[str, Entity]


@dataclass(slots=True)
class _Evidence:
    """What the article says about one unknown name: its mentions, its strong and weak
    organisation cues, and whether it is defined as the short form of lower-case words."""

    mentions: int = 0
    strong: int = 0
    weak: int = 0
    defined: bool = False


def find_entities(
    sentences: Sequence[str], headlines: Sequence[bool], language: str
) -> list[list[Span]]:
    """Person, org and place spans of every sentence (one list per sentence, in order)."""
    mentions = article_mentions(sentences, headlines, language)
    table = _classify(mentions, sentences)
    spans: list[list[Span]] = [[] for _ in sentences]
    for mention in mentions:
        span = _span(mention, table)
        if span is not None:
            spans[mention.sentence].append(span)
    for index, text in enumerate(sentences):
        if headlines[index]:
            spans[index] = list(_headline_spans(text, table))
    return spans


def _span(mention: Mention, table: Table) -> Span | None:
    """The span of a typed mention: the whole mention, or the known organisation or place it
    starts with ("Tesla" of "Tesla Model Y"); None when it is not typed."""
    entity = table.get(mention.key)
    end = mention.run.end
    if entity is None:
        entity, end = _prefix(mention, table)
    if entity is None or (mention.opener and entity.kind != "person"):
        return None
    return Span(entity.kind, mention.run.start, end, entity.name, entity.name)


def _prefix(mention: Mention, table: Table) -> tuple[Entity | None, int]:
    """The organisation or place an unknown run starts with, and where it ends."""
    words = mention.run.words
    for size in range(len(words) - 1, 0, -1):
        end = words[size - 1].end
        prefix = mention.text[: end - mention.run.start]
        entity = static_entity(prefix) or table.get(fold(prefix))
        if entity is not None and entity.kind != "person" and not entity.weak:
            return entity, end
    return None, mention.run.end


# -- typing --------------------------------------------------------------------------------------


def _classify(mentions: Sequence[Mention], sentences: Sequence[str]) -> Table:
    """The type of every name of the article, by folded surface."""
    table: Table = {}
    single_people: list[Mention] = []
    named = [m for m in mentions if not m.opener]
    located = {m.key for m in named if _weak_place(m) and after_place_word(m.left, m.right)}
    for mention in named:
        entity = static_entity(mention.text)
        if entity is not None and entity.weak and mention.key not in located:
            entity = None
        if entity is None and (person_shape(mention.words) or _cued_person(mention)):
            if len(mention.words) == 1:  # "Mr Blair": the surname of "Tony Blair"?
                single_people.append(mention)
                continue
            entity = Entity("person", " ".join(mention.text.split()))
        if entity is not None:
            table.setdefault(mention.key, entity)
    _add_surnames(mentions, table)
    for mention in single_people:
        table.setdefault(mention.key, Entity("person", mention.text))
    _add_cued_orgs(named, table)
    _add_listed_orgs(named, sentences, table)
    return table


def _weak_place(mention: Mention) -> bool:
    """Whether a mention is a town that needs a place preposition to count."""
    entity = static_entity(mention.text)
    return entity is not None and entity.weak


def _cued_person(mention: Mention) -> bool:
    """A person by its cues: two or three capitalised words after a title, a role word or
    "Author:", or before ", who" (a single word after a title too: "Mr Dittrich")."""
    words = mention.words
    cue = cue_before(mention.left)
    titled = cue == "title" and 1 <= len(words) <= 3
    cued = cue == "role" or person_cued(mention.left, mention.right)
    if not (titled or (cued and 2 <= len(words) <= 3)):
        return False
    return name_words(words) and all(lookup_org(w) is None for w in words)


def _add_surnames(mentions: Sequence[Mention], table: Table) -> None:
    """Single words that are the surname of exactly one person of the article, even where they
    also name a place or a company: in an article about Harrison Ford, "Ford" is him."""
    people: dict[str, set[str]] = defaultdict(set)
    for entity in table.values():
        if entity.kind == "person" and " " in entity.name:
            people[fold(entity.name.split()[-1])].add(entity.name)
    for mention in mentions:
        current = table.get(mention.key)
        if len(mention.words) != 1 or (current is not None and current.kind == "person"):
            continue
        names = people.get(mention.key, set())
        if len(names) == 1:
            table[mention.key] = Entity("person", next(iter(names)))


def _add_cued_orgs(mentions: Sequence[Mention], table: Table) -> None:
    """Unknown names that the article's wording marks as organisations."""
    evidence: dict[str, _Evidence] = defaultdict(_Evidence)
    surfaces: dict[str, str] = {}
    for mention in mentions:
        if mention.key in table:
            continue
        found = evidence[mention.key]
        left, right = mention.left, mention.right
        found.mentions += 1
        found.strong += strong_org_cues(left, right)
        found.weak += weak_org_cues(left, right)
        found.defined = found.defined or defined_in_brackets(left, right)
        surfaces.setdefault(mention.key, mention.text)
    for key, found in evidence.items():
        text = surfaces[key]
        if _org_evidence(text, found):
            table[key] = Entity("org", org_name(text))


def _org_evidence(text: str, found: _Evidence) -> bool:
    """Whether the cues suffice: one strong, two weak (not for a first name), an abbreviation
    used twice or with a cue, an inner capital ("CnEVPost") with a cue."""
    if found.strong:
        return True
    if found.defined:
        return False
    if found.weak >= 2 and not (" " not in text and is_first_name(text)):
        return True
    cued = found.weak > 0
    if _ACRONYM.fullmatch(text) and text.lower() not in COMMON_ACRONYMS:
        return found.mentions >= 2 or cued
    return bool(_CAMEL.search(text)) and cued and not text.startswith(("Mc", "Mac"))


def _add_listed_orgs(mentions: Sequence[Mention], sentences: Sequence[str], table: Table) -> None:
    """Unknown names listed with organisations and nothing else, in a list of three or more,
    become organisations ("Volkswagen, Audi, BMW, and Porsche"); a pair proves little ("Mukesh
    and Reliance")."""
    for group in _lists(mentions, sentences):
        kinds = Counter(table[m.key].kind for m in group if m.key in table)
        if len(group) < 3 or not kinds["org"] or kinds["person"] or kinds["place"]:
            continue
        for mention in group:
            unknown = mention.key not in table and not mention.run.initial
            if unknown and _prefix(mention, table)[0] is None:
                table[mention.key] = Entity("org", org_name(mention.text))


def _lists(mentions: Sequence[Mention], sentences: Sequence[str]) -> list[list[Mention]]:
    """Runs of mentions joined only by commas and conjunctions ("A, B, and C")."""
    groups: list[list[Mention]] = []
    for mention in mentions:
        previous = groups[-1][-1] if groups else None
        if previous is not None and previous.sentence == mention.sentence:
            gap = sentences[mention.sentence][previous.run.end : mention.run.start]
            if _LIST_GAP.match(gap) and not previous.run.possessive:
                groups[-1].append(mention)
                continue
        groups.append([mention])
    return [group for group in groups if len(group) > 1]


# -- headlines -----------------------------------------------------------------------------------


def _headline_spans(text: str, table: Table) -> Iterable[Span]:
    """Names of a title-case headline: the longest word sequences (up to four words) that the
    article's table or the gazetteers know."""
    words = [(m.start(), _strip_possessive(m.group())) for m in _HEADLINE_WORD.finditer(text)]
    index = 0
    while index < len(words):
        for size in range(min(4, len(words) - index), 0, -1):
            start = words[index][0]
            last_start, last_word = words[index + size - 1]
            end = last_start + len(last_word)
            entity = _headline_entity(text[start:end], table)
            if entity is not None:
                yield Span(entity.kind, start, end, entity.name, entity.name)
                index += size
                break
        else:
            index += 1


def _strip_possessive(word: str) -> str:
    """A headline word without its possessive or final period."""
    return word[:-2] if word.endswith(("'s", "’s")) else word.rstrip(".")


def _headline_entity(surface: str, table: Table) -> Entity | None:
    """What a headline word sequence names, if the article or a gazetteer says so."""
    if not surface[:1].isupper():
        return None
    entity = table.get(fold(surface))
    if entity is not None:
        return entity
    org = lookup_org(surface)
    if org is not None:
        return Entity("org", org)
    place = lookup_place(surface)
    if place is not None and (place.kind != "city" or place.population >= _HEADLINE_CITY):
        return Entity("place", place.name)
    return None
