"""Roles: a person's office, and the organisation it is held at, from the names of a sentence.

The sentence's person and organisation spans are masked (same length, so offsets hold) and the
role patterns read the mask:

- "Lei Jun, CEO and founder of Xiaomi", "William Lu, president", "Lei Jun, topman van Xiaomi",
  "Rudolf Dittrich, head of Xiaomi's European R&D center";
- "Xiaomi's CEO Lei Jun", "Xiaomi president William Lu", "Xiaomi CEO, Lei Jun";
- "CEO Lei Jun van Xiaomi", "President Joe Biden"; "Tim Cook, Apple's CEO";
- "the CEO of Xiaomi, Lei Jun"; "voormalige BMW-executive Rudolf Dittrich";
- "Jannis Hellwig ... will serve as a senior engineer", "... to serve as the head of its
  European R&D center" ("its" is the nearest organisation before the person).

The value is the role title, lightly normalised: role words lower-cased except abbreviations
("CEO and founder"), a description after "of" kept as written, the organisation and its
possessive taken out ("head of European R&D center"). `entity` is the person, `related` the
organisation ("" when none is named).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache

from summarizer.fact_lexicon import ROLE_HEADS, ROLE_MODIFIERS, ROLE_PHRASES, alternation
from summarizer.fact_numbers import lower_words
from summarizer.fact_span import Span

_PERSON_MASK = "\ue001"
_ORG_MASK = "\ue002"
_OTHER_MASK = "\ue003"
_DETERMINERS = frozenset("the de het a an een its their his her zijn haar hun".split())
_POSSESSIVE_DETERMINERS = frozenset("its their zijn hun".split())
_DESCRIPTION_STOPS = frozenset(
    """
    who which that said says and since from in at on with to for after before while when where
    but or as is was will has had die dat en zei zegt met naar bij voor na sinds
    """.split()
)
_MAX_DESCRIPTION_WORDS = 5
_MODIFIERS_BEFORE = re.compile(
    rf"(?<![\w-])(?:(?:{alternation(ROLE_MODIFIERS)})\s+)+$", re.IGNORECASE
)
# Every word of a role title: a sentence without one has no role.
_ROLE_WORDS = (
    frozenset(word for title in (*ROLE_HEADS, *ROLE_PHRASES) for word in re.split(r"[\s-]", title))
    | ROLE_HEADS
)


def _role_pattern() -> str:
    """One or more role titles with their modifiers ("former CEO and co-founder")."""
    heads = alternation([*ROLE_PHRASES, *ROLE_HEADS])
    prefixes = alternation(sorted(m for m in ROLE_MODIFIERS if m.isalpha()))
    modifiers = rf"(?:(?:{prefixes})\s+|(?:ex|oud|co|adjunct|vice)-)*"
    single = rf"{modifiers}(?:{heads})(?![\w-])"
    return rf"{single}(?:(?:\s*,\s*|\s+(?:and|&|en)\s+){single})*"


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    """The role patterns over a masked sentence, most specific first."""
    role = rf"(?P<role>{_role_pattern()})"
    person = rf"(?P<p>{_PERSON_MASK}+)"
    org = rf"(?P<o>{_ORG_MASK}+)(?P<poss>['’]s)?"
    article = r"(?:(?:the|de|het|a|an|een)\s+)?"
    word = rf"(?:[^\W\d_]|{_OTHER_MASK})[\w&’'{_OTHER_MASK}-]*"
    words = rf"{word}(?:\s+(?!(?:at|bij)\s){word}){{0,5}}"
    at_org = rf"(?:\s+(?:at|of|bij|van)\s+{article}(?P<o2>{_ORG_MASK}+))?"
    tail = (
        rf"(?:\s+(?P<prep>of|at|for|van|bij)\s+{article}"
        rf"(?:(?P<o>{_ORG_MASK}+)(?:(?P<poss>['’]s)\s+(?P<desc>{words}))?|(?P<desc2>{words}){at_org}))?"
    )
    flags = re.IGNORECASE
    return (
        re.compile(rf"{person},\s+{article}{role}{tail}", flags),
        re.compile(rf"{org}\s+{role},?\s+{person}", flags),
        re.compile(
            rf"(?<![\w-]){article}{role}\s+(?:of|at|van|bij)\s+{article}{org},?\s+{person}", flags
        ),
        re.compile(rf"{person},\s+{org}\s+{role}", flags),
        re.compile(rf"(?P<o>{_ORG_MASK}+)-{role},?\s+{person}", flags),
        re.compile(rf"(?<![\w-]){role}\s+{person}(?:\s+(?:of|van|at|bij)\s+{org})?", flags),
        re.compile(
            rf"{person}[^.;:{_PERSON_MASK}]{{0,80}}?\b(?:serve|serves|served|serving|named|"
            rf"appointed|benoemd tot|aangesteld als)\s+(?:as\s+)?{article}{role}{tail}",
            flags,
        ),
    )


def find_roles(sentence: str, names: Sequence[Span]) -> list[Span]:
    """The role spans of a sentence, given its person, org and place spans."""
    if not any(span.kind == "person" for span in names):
        return []
    if _ROLE_WORDS.isdisjoint(lower_words(sentence)):
        return []
    masked = _masked(sentence, names)
    by_start = {span.start: span for span in names}
    found = [
        role
        for pattern in _patterns()
        for match in pattern.finditer(masked)
        for role in _role(sentence, match, by_start, names)
    ]
    return _best(found)


def _masked(sentence: str, names: Sequence[Span]) -> str:
    """The sentence with each name replaced by a mark of its kind, of the same length."""
    characters = list(sentence)
    for span in names:
        mark = {"person": _PERSON_MASK, "org": _ORG_MASK}.get(span.kind, _OTHER_MASK)
        characters[span.start : span.end] = mark * (span.end - span.start)
    return "".join(characters)


def _role(
    sentence: str, match: re.Match[str], by_start: dict[int, Span], names: Sequence[Span]
) -> Iterator[Span]:
    """The role span of one pattern match (none when a mask does not line up with a name)."""
    person = by_start.get(match.start("p"))
    if person is None or person.kind != "person":
        return
    groups = match.groupdict()
    org = by_start.get(match.start("o")) if groups.get("o") else None
    if org is None and groups.get("o2"):
        org = by_start.get(match.start("o2"))  # "head of UK equities at Standard Life"
    title = _title(sentence[match.start("role") : match.end("role")])
    start, end = match.start(), match.end()
    if sentence.startswith("-", match.end("o") if groups.get("o") else -1):
        modifiers = _MODIFIERS_BEFORE.search(sentence, max(0, start - 60), start)
        if modifiers is not None:  # "voormalige BMW-executive": the modifiers belong to the role
            title = f"{_title(modifiers.group())} {title}"
            start = modifiers.start()
    described = "desc" if groups.get("desc") else "desc2" if groups.get("desc2") else ""
    if described:
        words = _description(sentence[match.start(described) : match.end(described)])
        if words and words[0].lower() in _POSSESSIVE_DETERMINERS:
            org = org or _nearest_org_before(person, names)
        kept = [w for w in words if w.lower() not in _DETERMINERS]
        if kept:
            title = f"{title} {groups['prep'].lower()} {' '.join(kept)}"
            end = match.start(described) + _covered(sentence, match.start(described), kept)
        elif org is not None:
            end = match.end("o")
        else:
            end = match.end("role")
        if groups.get("o2") and len(kept) == len(words):
            end = match.end("o2")
    related = org.value if org is not None and org.kind == "org" else ""
    yield Span("role", start, end, title, person.value, related)


def _title(text: str) -> str:
    """Role words lower-cased except abbreviations ("CEO and founder"), single-spaced."""
    words = text.replace(",", " , ").split()
    out = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return out.replace(" , ", ", ")


def _description(text: str) -> list[str]:
    """The words of a role's description, up to the first word that starts a new clause."""
    words: list[str] = []
    for word in text.split():
        if word.lower() in _DESCRIPTION_STOPS or len(words) >= _MAX_DESCRIPTION_WORDS:
            break
        words.append(word)
    return words


def _covered(sentence: str, start: int, kept: list[str]) -> int:
    """How many characters from `start` the kept description words cover."""
    position = start
    for word in kept:
        position = sentence.index(word, position) + len(word)
    return position - start


def _nearest_org_before(person: Span, names: Sequence[Span]) -> Span | None:
    """The organisation named closest before a person: what "its" refers to."""
    before = [s for s in names if s.kind == "org" and s.end <= person.start]
    return before[-1] if before else None


def _best(roles: list[Span]) -> list[Span]:
    """Non-overlapping roles, preferring those that name an organisation, then longer ones."""
    chosen: list[Span] = []
    for role in sorted(roles, key=lambda r: (not r.related, -(r.end - r.start), r.start)):
        if not any(role.overlaps(other) for other in chosen):
            chosen.append(role)
    return sorted(chosen, key=lambda r: r.start)
