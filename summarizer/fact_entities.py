"""People, organisations and places of an article, typed from its capitalised runs.

Typing is decided for the whole article, then applied to every mention, in this order:

1. the run itself: a known organisation, a place of the gazetteer, an organisation's head word
   ("Navigant Research", "Xiaomi Corp."), a feature's head word ("Times Square"), a first name
   followed by one to three capitalised words ("Rudolf Dittrich"), or two or three capitalised
   words after a title, a role word or "Author:" ("CEO Tim Cook");
2. the article: a single word that is the surname of a person found in the article is that
   person ("Dittrich" -> "Rudolf Dittrich"); an unknown name is an organisation when one of its
   mentions has a strong cue ("tech giant Xiaomi", "Xiaomi's CEO", "CEO of Xiaomi", "worked at
   BMW", "Xiaomi-branded"), two weak ones ("Xiaomi announced", "Xiaomi’s factory"), or when it
   is an acronym used twice, or stands in a list with a known organisation and nothing else
   ("Volkswagen, Audi, and Porsche").

Anything else is left out: a wrong person is worse than a missing one. A run that opens the
sentence loses a first word that is a stop word ("While Xiaomi" -> "Xiaomi"), and a single word
there is dropped when the article also writes it in lower case. Title-case headlines only repeat
names found elsewhere in the article or in the gazetteers.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from summarizer.fact_lexicon import (
    CALENDAR_WORDS,
    COMMON_ACRONYMS,
    DEMONYM_ENDINGS,
    DEMONYMS,
    LEGAL_SUFFIXES,
    ORG_HEADS,
    ORG_LIST_NOUNS,
    ORG_NOUNS_BEFORE,
    ORG_OF_HEADS,
    PLACE_HEADS,
    PLACE_OF_HEADS,
    ROLE_HEADS,
    alternation,
)
from summarizer.fact_names import Run, Word, find_runs
from summarizer.fact_span import Span
from summarizer.gazetteer import fold, is_first_name, lookup_org, lookup_place
from summarizer.stopwords import stop_words

EntityKind = Literal["person", "org", "place"]
# Headlines name places only if they are countries, regions or cities of this size (thousands).
_HEADLINE_CITY = 100
_CONTEXT = 60


_ROLES = alternation(ROLE_HEADS | {"chief executive", "vice president", "managing director"})
_STRONG_LEFT = (
    re.compile(rf"(?:^|[\s(])(?:{alternation(ORG_NOUNS_BEFORE)})\s+$"),
    re.compile(
        rf"(?:^|\s)(?:{alternation(ORG_LIST_NOUNS)}),?\s+"
        r"(?:like|such as|including|zoals|waaronder)\s+$",
        re.IGNORECASE,
    ),
    re.compile(rf"(?:^|\s)(?:{_ROLES})\s+(?:of|at|van|bij|for)\s+(?:the\s+)?$", re.IGNORECASE),
    re.compile(
        r"(?:^|\s)(?:worked|works|working|employed|career|stint|joined|joins|joining|left|"
        r"leaving|poached|hired|executives?|engineers?|employees?|staff|talent|werkzaam|werkte|"
        r"gewerkt|werkt|years|jaar)\s+(?:at|for|from|by|with|bij)\s+(?:the\s+)?$"
    ),
    re.compile(r"(?:^|\s)(?:joined|joins|rejoined|acquired by|bought by|poached by)\s+$"),
    re.compile(r"(?:^|\s)(?:Source|Bron|Via)\s*:\s*$"),
)
_STRONG_RIGHT = (
    re.compile(
        r"^(?:['’]s)?,?\s+(?:CEO|CFO|CTO|COO|chief executive|chairman|chairwoman|founder|"
        r"co-founder|president|spokes(?:person|man|woman)|shares|stock|headquarters|subsidiary|"
        r"topman|woordvoerder|hoofdkantoor)\b"
    ),
    re.compile(r"^-(?:branded|owned|backed|made|built|merk)\b"),
)
_JOINED_AT = re.compile(r"(?:^|\s)bij\s+$")
_JOINED_AFTER = re.compile(r"^\s+(?:gekomen|gegaan|in dienst|aan de slag|werkzaam)\b")
_WEAK_RIGHT = (
    re.compile(
        r"^\s+(?:(?:has|have|had|will|is|also|has also|recently|officially|reportedly)\s+)?"
        r"(?:announced|reported|unveiled|launched|recalled|delivered|shipped|sold|sells|"
        r"acquired|bought|posted|employs|manufactures|produces|released|introduced|plans|aims|"
        r"is planning|is aiming|is preparing|established|entered|expanded|debuted|hired|"
        r"kondigde|lanceerde|verkoopt|levert|bouwt|presenteerde|streeft)\b"
    ),
    re.compile(
        r"^['’]s\s+(?:[\w-]+\s+){0,2}(?:models?|vehicles?|cars?|phones?|smartphones?|stores?|"
        r"factory|factories|plants?|sales|revenue|profits?|earnings|brand|division|operations|"
        r"business|products?|customers|employees|workforce|automotive|fabriek|omzet|winst|"
        r"divisie|uitbreiding|entree|visie)\b"
    ),
)
_WEAK_LEFT = re.compile(
    r"(?:^|\s)(?:according to|report from|reports from|a report by|data from|volgens)\s+$",
    re.IGNORECASE,
)
_PERSON_LEFT = re.compile(r"(?:^|\s)(?:Author|Auteur|Door|By)\s*:?\s*$")
_PERSON_RIGHT = re.compile(r"^(?:,\s+(?:who|die|aged|\d{2},)|\s+\(\d{2}\))")
_LIST_GAP = re.compile(r"^(?:,\s+|,?\s+(?:and|en|or|of|&)\s+)$")
_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,5}")
_CAMEL = re.compile(r"[a-z][A-Z]")


@dataclass(frozen=True, slots=True)
class Entity:
    """A typed name: person, organisation or place, with its canonical name."""

    kind: EntityKind
    name: str


@dataclass(frozen=True, slots=True)
class _Mention:
    """One candidate name in one sentence, with what surrounds it."""

    sentence: int
    run: Run
    text: str
    left: str
    right: str

    @property
    def key(self) -> str:
        """What mentions of one name share: the folded surface."""
        return fold(self.text)


@dataclass(slots=True)
class _Evidence:
    """What the article says about one unknown name."""

    mentions: int = 0
    strong: int = 0
    weak: int = 0


def find_entities(
    sentences: Sequence[str], headlines: Sequence[bool], language: str
) -> list[list[Span]]:
    """Person, org and place spans of every sentence (one list per sentence, in order)."""
    lowered = _lower_case_words(sentences)
    stops = stop_words(language) | stop_words("en")
    mentions = [
        mention
        for index, text in enumerate(sentences)
        if not headlines[index]
        for run in find_runs(text)
        for mention in _mentions(text, index, run, stops, lowered)
    ]
    table = _classify(mentions, sentences)
    spans: list[list[Span]] = [[] for _ in sentences]
    for mention in mentions:
        entity = table.get(mention.key) or _prefix_entity(mention, table)
        if entity is not None:
            spans[mention.sentence].append(_span(mention, entity, table))
    for index, text in enumerate(sentences):
        if headlines[index]:
            spans[index] = list(_headline_spans(text, table))
    return spans


def _span(mention: _Mention, entity: Entity, table: dict[str, Entity]) -> Span:
    """The span of a mention; a known prefix ("Tesla" of "Tesla Model Y") spans only itself."""
    if table.get(mention.key) is entity:
        return Span(entity.kind, mention.run.start, mention.run.end, entity.name, entity.name)
    words = mention.run.words
    for size in range(len(words) - 1, 0, -1):
        end = words[size - 1].end
        if _static(mention.text[: end - mention.run.start]) == entity:
            return Span(entity.kind, mention.run.start, end, entity.name, entity.name)
    return Span(entity.kind, mention.run.start, mention.run.end, entity.name, entity.name)


# -- mentions ------------------------------------------------------------------------------------


def _lower_case_words(sentences: Sequence[str]) -> frozenset[str]:
    """Words the article writes in lower case somewhere (so they are words, not names)."""
    found: set[str] = set()
    for text in sentences:
        found.update(re.findall(r"(?<![\w-])[a-z][a-z'-]+", text))
    return frozenset(found)


def _mentions(
    sentence: str, index: int, run: Run, stops: frozenset[str], lowered: frozenset[str]
) -> list[_Mention]:
    """The mentions of one run: the whole run when it names something known as a whole,
    otherwise its pieces between words that cannot be part of a name."""
    whole = _mention(sentence, index, run)
    if _static(whole.text) is not None:
        return [whole]
    if len(run.words) == 1 and not run.initial:
        return [] if _breaks(whole.text) else [whole]
    first = 0
    while run.initial and first < len(run.words) and run.words[first].text.lower() in stops:
        first += 1
    pieces: list[_Mention] = []
    for start, end in _pieces(run.words, first):
        piece = run.sub(start, end, start == first)
        if piece.initial and len(piece.words) == 1 and piece.words[0].text.lower() in lowered:
            continue
        pieces.append(_mention(sentence, index, piece))
    return pieces


def _mention(sentence: str, index: int, run: Run) -> _Mention:
    left = sentence[max(0, run.start - _CONTEXT) : run.start]
    right = sentence[run.end : run.end + _CONTEXT]
    return _Mention(index, run, run.text(sentence), left, right)


def _pieces(words: Sequence[Word], first: int) -> list[tuple[int, int]]:
    """[start, end) word ranges of a run split at words that are not names (demonyms, common
    acronyms, months), and before a first name that follows other words ("State Antony
    Blinken")."""
    ranges: list[tuple[int, int]] = []
    start = first
    for position in range(first, len(words) + 1):
        if position < len(words) and not _breaks(words[position].text):
            continue
        if position > start:
            ranges.extend(_split_person(words, start, position))
        start = position + 1
    return ranges


def _breaks(word: str) -> bool:
    """Whether a capitalised word cannot be part of a name."""
    lower = word.lower()
    return (
        lower in DEMONYMS
        or lower in COMMON_ACRONYMS
        or lower in CALENDAR_WORDS
        or (lower.endswith(DEMONYM_ENDINGS) and lookup_org(word) is None and len(word) > 5)
        or re.fullmatch(r"[A-Z]{2,}(?:s|['’]s)", word) is not None
    )


def _split_person(words: Sequence[Word], start: int, end: int) -> list[tuple[int, int]]:
    """The range, split before a first name that starts a two- to three-word tail."""
    for position in range(start + 1, end - 1):
        if end - position in (2, 3) and is_first_name(words[position].text):
            prefix = " ".join(w.text for w in words[start:position])
            if _static(prefix) is None or _static(prefix) == _static(words[position].text):
                return [(start, position), (position, end)]
    return [(start, end)]


# -- typing --------------------------------------------------------------------------------------


@lru_cache(maxsize=20_000)
def _static(text: str) -> Entity | None:
    """What a name is on its own: a known organisation, a place, or an organisation or feature
    by its head word ("Navigant Research", "Times Square")."""
    bare = text[4:] if text.startswith("The ") else text
    return _known(text) or _known(bare) or _by_head(bare)


def _known(text: str) -> Entity | None:
    """A name of the organisation list or of the place gazetteer."""
    org = lookup_org(text)
    if org is not None:
        return Entity("org", org)
    place = lookup_place(text)
    return Entity("place", place.name) if place is not None else None


def _by_head(text: str) -> Entity | None:
    """An organisation or a feature by its head word: the last word ("Navigant Research", "Times
    Square") or the first of an "X of Y" name ("Bank of England", "Gulf of Mexico")."""
    parts = text.split()
    if len(parts) < 2:
        return None
    head, last = parts[0].lower(), parts[-1].lower()
    of_form = len(parts) >= 3 and parts[1] in ("of", "van")
    if last in ORG_HEADS or (of_form and head in ORG_OF_HEADS):
        return Entity("org", _org_name(text))
    if last in PLACE_HEADS or (of_form and head in PLACE_OF_HEADS):
        return Entity("place", text)
    return None


def _org_name(text: str) -> str:
    """An organisation's canonical name: legal forms and "Group" dropped ("Xiaomi Corp." ->
    "Xiaomi"), unless nothing would be left."""
    parts = text.split()
    while len(parts) > 1 and parts[-1].lower().rstrip(",") in LEGAL_SUFFIXES:
        parts.pop()
    return " ".join(parts).rstrip(",")


def _person_shape(mention: _Mention) -> bool:
    """A person by the shape of the name: a first name and one to three more capitalised words,
    none of them an abbreviation, a head word, a demonym or a place."""
    words = [w.text for w in mention.run.words]
    if not 2 <= len(words) <= 5 or not is_first_name(words[0]):
        return False
    return _name_words(words[1:]) and lookup_org(words[0]) is None


def _name_words(words: Sequence[str]) -> bool:
    """Whether words can end a personal name: capitalised words (initials, particles inside)."""
    if not words or not words[-1][:1].isupper() or not any(c.islower() for c in words[-1]):
        return False
    for word in words:
        lower = word.lower()
        if len(word) == 2 and word.endswith("."):
            continue
        if lower in ORG_HEADS or lower in PLACE_HEADS or lower in ROLE_HEADS or _breaks(word):
            return False
        if word[:1].isupper() and word.isupper() and len(word) > 1:
            return False
    return True


def _cued_person(mention: _Mention) -> bool:
    """A person by its cues: two or three capitalised words after a title, a role word or
    "Author:", or before ", who" (a single word after a title too: "Mr Dittrich")."""
    words = [w.text for w in mention.run.words]
    titled = mention.run.cue == "title" and 1 <= len(words) <= 3
    cued = (
        mention.run.cue == "role"
        or _PERSON_LEFT.search(mention.left) is not None
        or _PERSON_RIGHT.match(mention.right) is not None
    )
    if not (titled or (cued and 2 <= len(words) <= 3)):
        return False
    return _name_words(words) and all(lookup_org(w) is None for w in words)


def _classify(mentions: Sequence[_Mention], sentences: Sequence[str]) -> dict[str, Entity]:
    """The type of every name of the article, by folded surface."""
    table: dict[str, Entity] = {}
    for mention in mentions:
        entity = _static(mention.text)
        if entity is None and (_person_shape(mention) or _cued_person(mention)):
            entity = Entity("person", " ".join(mention.text.split()))
        if entity is not None:
            table.setdefault(mention.key, entity)
    _add_surnames(mentions, table)
    _add_cued_orgs(mentions, table)
    _add_listed_orgs(mentions, sentences, table)
    return table


def _add_surnames(mentions: Sequence[_Mention], table: dict[str, Entity]) -> None:
    """Single words that are the surname of exactly one person of the article."""
    people: dict[str, set[str]] = defaultdict(set)
    for entity in table.values():
        if entity.kind == "person" and " " in entity.name:
            people[fold(entity.name.split()[-1])].add(entity.name)
    for mention in mentions:
        if len(mention.run.words) != 1 or mention.key in table:
            continue
        names = people.get(mention.key, set())
        if len(names) == 1:
            table[mention.key] = Entity("person", next(iter(names)))


def _add_cued_orgs(mentions: Sequence[_Mention], table: dict[str, Entity]) -> None:
    """Unknown names that the article's wording marks as organisations."""
    evidence: dict[str, _Evidence] = defaultdict(_Evidence)
    surfaces: dict[str, str] = {}
    for mention in mentions:
        if mention.key in table:
            continue
        found = evidence[mention.key]
        found.mentions += 1
        found.strong += _strong_cues(mention)
        found.weak += _weak_cues(mention)
        surfaces.setdefault(mention.key, mention.text)
    for key, found in evidence.items():
        text = surfaces[key]
        if _org_evidence(text, found):
            table[key] = Entity("org", _org_name(text))


def _org_evidence(text: str, found: _Evidence) -> bool:
    """Whether the cues suffice: one strong, two weak (not for a first name), an acronym used
    twice or with a cue, an inner capital ("CnEVPost") with a cue."""
    if found.strong:
        return True
    single_first_name = " " not in text and is_first_name(text)
    if found.weak >= 2 and not single_first_name:
        return True
    cued = found.weak > 0
    if _ACRONYM.fullmatch(text) and text.lower() not in COMMON_ACRONYMS:
        return found.mentions >= 2 or cued
    return bool(_CAMEL.search(text)) and cued and not text.startswith(("Mc", "Mac"))


def _strong_cues(mention: _Mention) -> int:
    """How many strong organisation cues surround a mention."""
    count = sum(1 for p in _STRONG_LEFT if p.search(mention.left))
    count += sum(1 for p in _STRONG_RIGHT if p.match(mention.right))
    if _JOINED_AT.search(mention.left) and _JOINED_AFTER.match(mention.right):
        count += 1
    return count


def _weak_cues(mention: _Mention) -> int:
    """How many weak organisation cues surround a mention."""
    count = sum(1 for p in _WEAK_RIGHT if p.match(mention.right))
    return count + (1 if _WEAK_LEFT.search(mention.left) else 0)


def _add_listed_orgs(
    mentions: Sequence[_Mention], sentences: Sequence[str], table: dict[str, Entity]
) -> None:
    """Unknown names listed with organisations and nothing else become organisations."""
    for group in _lists(mentions, sentences):
        kinds = Counter(table[m.key].kind for m in group if m.key in table)
        if kinds["org"] and not kinds["person"] and not kinds["place"]:
            for mention in group:
                if mention.key in table or mention.run.initial:
                    continue
                if _prefix_entity(mention, table) is None:
                    table[mention.key] = Entity("org", _org_name(mention.text))


def _lists(mentions: Sequence[_Mention], sentences: Sequence[str]) -> list[list[_Mention]]:
    """Runs of mentions joined only by commas and conjunctions ("A, B, and C")."""
    groups: list[list[_Mention]] = []
    for mention in mentions:
        previous = groups[-1][-1] if groups else None
        if previous is not None and previous.sentence == mention.sentence:
            gap = sentences[mention.sentence][previous.run.end : mention.run.start]
            if _LIST_GAP.match(gap) and not previous.run.possessive:
                groups[-1].append(mention)
                continue
        groups.append([mention])
    return [group for group in groups if len(group) > 1]


def _prefix_entity(mention: _Mention, table: dict[str, Entity]) -> Entity | None:
    """The organisation or place that an unknown run starts with ("Tesla" of "Tesla Model Y")."""
    words = mention.run.words
    for size in range(len(words) - 1, 0, -1):
        prefix = mention.text[: words[size - 1].end - mention.run.start]
        entity = _static(prefix) or table.get(fold(prefix))
        if entity is not None and entity.kind != "person":
            return entity
    return None


# -- headlines -----------------------------------------------------------------------------------

_HEADLINE_WORD = re.compile(r"[^\W\d_][\w&'’.-]*")


def _headline_spans(text: str, table: dict[str, Entity]) -> Iterable[Span]:
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
    return word[:-2] if word.endswith(("'s", "’s")) else word.rstrip(".")


def _headline_entity(surface: str, table: dict[str, Entity]) -> Entity | None:
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
