"""The words around a name that tell what it names: cues read from the text before and after.

Each function takes `left`, the text just before a mention (up to 60 characters), and `right`,
the text just after it (a possessive 's included):

- organisation cues, strong ("tech giant Xiaomi", "Xiaomi's CEO", "CEO of Xiaomi", "worked at
  BMW", "Xiaomi-branded", "Parler, the social media platform", "X was founded") and weak
  ("Xiaomi announced", "Xiaomi’s factory", "according to X");
- person cues: "Author:"/"By", ", who", an age in brackets (titles and role words before a name
  are read by `summarizer.fact_names.cue_before`);
- place cues: a place preposition before ("in Martinez") or a region after ("Martinez,
  California");
- a short form defined in brackets after lower-case words ("digital rights management (DRM)"),
  which names a thing, not an organisation.
"""

from __future__ import annotations

import re

from summarizer.fact_lexicon import ORG_LIST_NOUNS, ORG_NOUNS_BEFORE, ROLE_HEADS, alternation

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
        r"^,\s+(?:the|a|an|het|de|een)\s+(?:[\w-]+\s+){0,3}"
        rf"(?:{alternation(ORG_NOUNS_BEFORE)})\b"
    ),
    re.compile(r"^\s+(?:was|were|is|has been)\s+(?:founded|incorporated|listed)\b"),
    re.compile(
        r"^(?:['’]s)?,?\s+(?:CEO|CFO|CTO|COO|chief executive|chairman|chairwoman|founder|"
        r"co-founder|president|spokes(?:person|man|woman)|shares|stock|headquarters|subsidiary|"
        r"topman|woordvoerder|hoofdkantoor)\b"
    ),
    re.compile(r"^-(?:branded|owned|backed|made|built|merk)\b"),
)
# Dutch "bij X gekomen" (joined X).
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
        r"business|products?|customers|employees|workforce|automotive|parent|fabriek|omzet|winst|"
        r"divisie|uitbreiding|entree|visie)\b"
    ),
)
_WEAK_LEFT = re.compile(
    r"(?:^|\s)(?:according to|report from|reports from|a report by|data from|volgens)\s+$",
    re.IGNORECASE,
)
_PERSON_LEFT = re.compile(r"(?:^|\s)(?:Author|Auteur|Door|By)\s*:?\s*$")
_PERSON_RIGHT = re.compile(r"^(?:,\s+(?:who|die|aged|\d{2},)|\s+\(\d{2}\))")
_PLACE_LEFT = re.compile(
    r"(?:^|\s)(?:in|at|near|from|to|outside|around|across|of|bij|naar|uit|rond|nabij|te)\s+$"
)
_PLACE_RIGHT = re.compile(r"^,\s+[A-Z][a-z]")
_DEFINED = re.compile(r"(?<![A-Z])[a-z][\w-]*\s+\($")


def strong_org_cues(left: str, right: str) -> int:
    """How many strong organisation cues surround a mention."""
    count = sum(1 for pattern in _STRONG_LEFT if pattern.search(left))
    count += sum(1 for pattern in _STRONG_RIGHT if pattern.match(right))
    if _JOINED_AT.search(left) and _JOINED_AFTER.match(right):
        count += 1
    return count


def weak_org_cues(left: str, right: str) -> int:
    """How many weak organisation cues surround a mention."""
    count = sum(1 for pattern in _WEAK_RIGHT if pattern.match(right))
    return count + (1 if _WEAK_LEFT.search(left) else 0)


def person_cued(left: str, right: str) -> bool:
    """Whether "Author:"/"By" stands before a mention or ", who" or an age after it."""
    return _PERSON_LEFT.search(left) is not None or _PERSON_RIGHT.match(right) is not None


def after_place_word(left: str, right: str) -> bool:
    """Whether a place preposition stands before a mention, or ", <Region>" after it."""
    return _PLACE_LEFT.search(left) is not None or _PLACE_RIGHT.match(right) is not None


def defined_in_brackets(left: str, right: str) -> bool:
    """Whether a mention is the short form of lower-case words: "rights management (DRM)"."""
    return _DEFINED.search(left) is not None and right.startswith(")")
