"""Line rules of article cleaning: noise patterns per language (English, Dutch) and line shapes.

Every predicate looks at one normalised line (single spaces, no zero-width characters). The
pattern tables are module constants so a new language or source is one more entry, not new code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

LineRole = Literal["comments", "maybe_comments", "related", "noise", "text"]

# A pointer to the page's video or pictures: a line of its own, or run into the first paragraph.
_SCROLL_PROMPT = r"scroll down for (?:the )?(?:video|pictures?|photos?)"

# Tables of whole-line patterns: the line must match entirely (case-insensitive), optionally
# followed by trailing punctuation such as ":" or "»".
PROMO_LINES: tuple[str, ...] = (
    # English
    r"advertisement",
    r"advertising",
    r"ad",
    r"sponsored(?: content| post| story| links?)?",
    r"promoted(?: content| stories)?",
    r"partner content",
    r"paid (?:content|post)",
    r"share(?: this)?(?: article| story| post| page)?",
    r"share (?:on|via) (?:facebook|twitter|x|linkedin|whatsapp|reddit|email|bluesky)",
    r"tweet",
    r"e-?mail",
    r"print",
    r"(?:continue reading|story continues|article continues)"
    r"(?: below)?(?: (?:the )?advertisement)?",
    r"advertisement (?:- )?(?:scroll|continue reading)(?: to continue| below)?",
    r"scroll (?:down )?to continue(?: reading)?",
    _SCROLL_PROMPT,
    r"skip (?:to main content|advertisement|ad)",
    r"all rights reserved",
    # Dutch
    r"advertentie",
    r"gesponsord(?:e (?:inhoud|content))?",
    r"in samenwerking met .{1,40}",
    r"deel (?:dit|het) (?:artikel|bericht|verhaal)",
    r"deel (?:op|via) (?:facebook|twitter|x|linkedin|whatsapp|e-?mail)",
    r"delen",
    r"(?:lees|ga) verder (?:na|onder) de advertentie",
    r"naar de hoofdinhoud",
    r"alle rechten voorbehouden",
)

# Pieces of a reader comment thread that are noise wherever they stand.
REPLY_LINES: tuple[str, ...] = (
    r"reply",
    r"(?:view |show )?\d+ repl(?:y|ies)",
    r"log ?in to (?:comment|reply)",
    r"beantwoorden",
    r"(?:bekijk )?\d+ (?:antwoorden|antwoord)",
    r"(?:inloggen|log in) om te reageren",
)

# A comment thread starts with one of these; "strong" markers are unambiguous, "weak" ones are
# also ordinary words ("Comments", "Discussie") and need a comment-looking line after them.
COMMENT_MARKERS_STRONG: tuple[str, ...] = (
    r"(?:reader|user|readers'?) comments",
    r"\d+ comments?",
    r"comments \(\d+\)",
    r"leave a (?:comment|reply)",
    r"(?:post|add|write) (?:a|your) comment",
    r"join the (?:conversation|discussion)",
    r"(?:show|view|load|read|see) (?:all |more )?(?:\d+ )?comments",
    r"comment on this (?:article|story)",
    r"have your say",
    r"\d+ reacties?",
    r"reacties \(\d+\)",
    r"(?:lees|bekijk|toon|laad) (?:meer |alle )?(?:\d+ )?reacties",
    r"plaats (?:een|je|uw) reactie",
    r"laat (?:een|je|uw) reactie achter",
    r"reageer op dit (?:artikel|bericht)",
    r"praat mee",
    r"doe mee (?:aan|met) de discussie",
    r"geef (?:je|uw) reactie",
)
COMMENT_MARKERS_WEAK: tuple[str, ...] = (
    r"comments?",
    r"discussion",
    r"reacties?",
    r"reageer",
    r"discussie",
)

# Lines that only a comment thread has: they confirm that a marker starts one.
COMMENT_META_LINES: tuple[str, ...] = (
    r"anonymous",
    r"guest",
    r"anoniem",
    r"gast",
    r"like",
    r"report",
    r"vind ik leuk",
    r"rapporteer",
    r"melden",
    r"\d+ (?:likes?|points?|upvotes?)",
    r"\d+ (?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?) ago",
    r"\d+ (?:seconden|minuten|minuut|uur|uren|dagen|dag|weken|week|maanden|maand|jaar|jaren)"
    r" geleden",
    *REPLY_LINES,
)

# A block of links to other articles starts with one of these headers.
RELATED_MARKERS: tuple[str, ...] = (
    r"related(?: articles?| stories| news| posts?| content| coverage| links| reading| topics)?",
    r"read (?:more|next|also)",
    r"more (?:stories|news|articles|on this (?:story|topic))",
    r"more from .{1,40}",
    r"recommended(?: for you| reading| articles| stories)?",
    r"you (?:may|might) also (?:like|be interested in)",
    r"most (?:read|popular|viewed|shared)",
    r"trending(?: now| stories)?",
    r"top stories",
    r"editor'?s picks",
    r"see also",
    r"further reading",
    r"gerelateerd(?:e (?:artikelen|berichten|verhalen|nieuws))?",
    r"lees (?:ook|meer|verder)",
    r"meer (?:nieuws|artikelen|verhalen|over dit onderwerp|hierover|lezen)",
    r"aanbevolen(?: artikelen| voor jou)?",
    r"meest (?:gelezen|bekeken|gedeeld)",
    r"populair",
    r"dit vind je (?:misschien|wellicht) ook (?:interessant|leuk)",
    r"ook interessant",
    r"bekijk ook",
    r"zie ook",
    r"eerder verschenen",
)

# "Read: <headline>" and friends: a link to another article; the separator is required so that
# a body sentence such as "Read the full report" is kept.
RELATED_PREFIXES: tuple[str, ...] = (
    r"read",
    r"read (?:more|also|next)",
    r"also read",
    r"related(?: article| story)?",
    r"see also",
    r"more",
    r"more on this",
    r"watch",
    r"listen",
    r"recommended",
    r"lees (?:ook|meer|verder|hier)",
    r"bekijk(?: ook)?",
    r"zie ook",
    r"kijk(?: ook)?",
    r"luister",
    r"ook interessant",
    r"gerelateerd",
    r"meer lezen",
)

# Credits and metadata: "Author: ...", "Bron: ...". The colon is required.
CREDIT_PREFIXES: tuple[str, ...] = (
    r"authors?",
    r"by",
    r"written by",
    r"words",
    r"text",
    r"(?:additional )?reporting(?: by)?",
    r"edit(?:ing|ed) by",
    r"reviewed by",
    r"fact[- ]?checked by",
    r"sources?",
    r"photos?(?: credits?| by)?",
    r"photograph(?:y|s|er)?",
    r"images?(?: credits?| source| courtesy)?",
    r"pictures?",
    r"credits?",
    r"illustrations?",
    r"video",
    r"graphics?",
    r"contributors?",
    r"tags",
    r"topics",
    r"categor(?:y|ies)",
    r"filed under",
    r"door",
    r"auteurs?",
    r"bronn?e?n?",
    r"foto'?s?",
    r"fotografie",
    r"fotograaf",
    r"beeld(?:bron)?",
    r"(?:eind)?redactie",
    r"tekst(?: en foto'?s)?",
    r"illustratie",
    r"verslaggever",
    r"trefwoorden",
    r"onderwerpen",
)

# Calls to act: visit, follow, subscribe. Matched at the start of a line.
CALL_PREFIXES: tuple[str, ...] = (
    r"visit\b",
    r"subscribe\b",
    r"follow (?:us|me)\b",
    r"follow \S+(?: \S+){0,3} on "
    r"(?:twitter|x|facebook|instagram|linkedin|threads|tiktok|youtube|bluesky|mastodon)\b",
    r"sign up\b",
    r"click (?:here|below|the link)\b",
    r"like us on\b",
    r"join (?:us|our)\b",
    r"download (?:our|the) app\b",
    r"get (?:our|the) (?:free )?newsletter\b",
    r"bezoek (?:onze|de|ook|www\.|https?://)",
    r"volg (?:ons|me|mij)\b",
    r"volg \S+(?: \S+){0,3} (?:op|via) "
    r"(?:twitter|x|facebook|instagram|linkedin|tiktok|youtube|bluesky)\b",
    r"abonneer\b",
    r"neem (?:nu )?een abonnement\b",
    r"meld je (?:nu |gratis )?aan\b",
    r"schrijf je (?:nu |gratis )?in\b",
    r"klik (?:hier|op de link)\b",
    r"download (?:onze|de) app\b",
    r"word (?:nu )?(?:lid|abonnee)\b",
    r"ontvang (?:onze|de) nieuwsbrief\b",
)

# "For more ..., visit the website": an opener plus a pointer somewhere in the same line.
FOR_MORE_OPENERS: tuple[str, ...] = (
    r"for more (?:information|info|insights?|details|news|updates|stories|on|about)",
    r"for further (?:information|details|reading)",
    r"to (?:learn|find out|read) more",
    r"(?:learn|find out|read) more",
    r"more info(?:rmation)?",
    r"voor meer (?:informatie|info|inzichten?|details|nieuws|verhalen|over)",
    r"wil je meer weten",
    r"meer (?:weten|informatie|info)",
    r"kijk voor meer",
)
FOR_MORE_POINTERS: tuple[str, ...] = (
    r"visit",
    r"go to",
    r"head (?:over )?to",
    r"check out",
    r"website",
    r"site",
    r"www\.",
    r"https?://",
    r"bezoek",
    r"ga naar",
    r"kijk op",
    r"surf naar",
)

# Copyright lines; a plain "Copyright" needs a sign or a year ("Copyright holders sued ...").
COPYRIGHT_PREFIXES: tuple[str, ...] = (
    r"©",
    r"\(c\) ?\d{4}",
    r"copyright (?:©|\(c\)|\d{4})",
)

# Newsletter and site plugs that stay noise wherever they stand in a short line (lower case).
CALL_PHRASES: tuple[str, ...] = (
    "visit our website",
    "visit our site",
    "subscribe to our",
    "sign up for our",
    "bezoek onze website",
    "bezoek onze site",
    "abonneer je op onze",
    "schrijf je in voor onze",
    "meld je aan voor onze",
)

# Prefixes glued to the first sentence: CNN/DailyMail datelines and feed metadata.
_DM_BYLINE = r"By \. (?:[^.:|]{1,80}? \.(?: |$)){1,4}"
_DM_STAMP = r"(?:PUBLISHED: \. [^|]{1,60}? \. (?:\| \. )?)?(?:UPDATED: \. [^|]{1,60}? \d{4} \. ?)?"
_DM_LAST = r"(?:Last updated at [^.]{1,60}? \d{4} \. ?)?"
LEADING_PREFIXES: tuple[str, ...] = (
    rf"{_DM_BYLINE}{_DM_STAMP}{_DM_LAST}",
    r"(?:PUBLISHED: \. [^|]{1,60}? \. (?:\| \. )?)(?:UPDATED: \. [^|]{1,60}? \d{4} \. ?)?",
    r"Last updated at [^.]{1,60}? \d{4} \. ?",
    r"(?:[A-Z][\w.,'’ -]{0,60}?)?\(CNN\)\s*(?:--|—|–)?\s*",
    r"(?i:date|datum|published|posted|updated|gepubliceerd|geplaatst|bijgewerkt)\s*:?\s*"
    r"\d{4}-\d{2}(?:-\d{2})?(?:[T ]\d{2}:\d{2}(?::\d{2})?Z?)?\s+",
    # "Scroll down for video The ...": the prompt run into the first paragraph.
    rf"(?i:{_SCROLL_PROMPT})[\s.:…]*\s(?=\S)",
)

MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "januari februari maart mei juni juli augustus oktober mrt okt".split()
)
DATE_FILLERS = frozenset(
    "on at op om the of last updated update published posted gepubliceerd bijgewerkt laatst "
    "geplaatst am pm est edt cet cest gmt bst utc pst pdt cst cdt et pt ct uhr ago geleden "
    "yesterday today gisteren vandaag monday tuesday wednesday thursday friday saturday sunday "
    "mon tue wed thu fri sat sun maandag dinsdag woensdag donderdag vrijdag zaterdag zondag "
    "second seconds minute minutes min mins hour hours hr hrs day days week weeks month months "
    "year years seconden minuten minuut uur uren dag dagen weken maand maanden jaar jaren".split()
)
_DATE_ANCHORS = MONTHS | {"ago", "geleden", "yesterday", "today", "gisteren", "vandaag"}

# Name particles that may be lowercase inside a byline ("Door Jan de Vries").
NAME_PARTICLES = frozenset("van de der den ter ten von da di du le la and en & y".split())


# The tables are lower case and match the lower-cased line: that is about three times faster
# than re.IGNORECASE on long alternations. A whole-line pattern may end in punctuation.
_TRAILER = r"[\s:.!>»›→|-]*"


def _either(patterns: Iterable[str]) -> str:
    return f"(?:{'|'.join(patterns)})"


_COMMENT_META = re.compile(rf"{_either(COMMENT_META_LINES)}{_TRAILER}\Z")
# Every table in one pattern, so a line costs one regex call: whole-line tables first (anchored
# at the end), then the line-start ones. The named group that matched is the line's role.
_ROLES = re.compile(
    rf"(?:(?P<comments>{_either(COMMENT_MARKERS_STRONG)})"
    rf"|(?P<maybe_comments>{_either(COMMENT_MARKERS_WEAK)})"
    rf"|(?P<related>{_either(RELATED_MARKERS)})"
    rf"|(?P<noise>{_either((*PROMO_LINES, *REPLY_LINES))})){_TRAILER}\Z"
    rf"|(?P<prefix>{_either(RELATED_PREFIXES)}\s*[:|>»›→]\s*\S"
    rf"|{_either(CREDIT_PREFIXES)}\s*:"
    rf"|{_either(COPYRIGHT_PREFIXES)}"
    rf"|{_either(CALL_PREFIXES)}"
    rf"|{_either(FOR_MORE_OPENERS)}\b.*\b{_either(FOR_MORE_POINTERS)})"
)
_ROLE_NAMES: dict[str, LineRole] = {
    "comments": "comments",
    "maybe_comments": "maybe_comments",
    "related": "related",
    "noise": "noise",
    "prefix": "noise",
}
_LEADING = re.compile("|".join(f"(?:{p})" for p in LEADING_PREFIXES))
# First words that can open a leading prefix; other lines skip the prefix regex.
_LEADING_WORDS = frozenset(
    {"by", "last", "date", "datum", "published", "posted", "updated", "scroll"}
    | {"gepubliceerd", "geplaatst", "bijgewerkt"}
)
_BYLINE = re.compile(
    r"(?:by|door|written by|geschreven door)\s+(?P<names>.+)"
    r"|(?:photo|image|picture|video|foto|beeld|illustration|illustratie)s?\s+"
    r"(?:by|door|courtesy of|credit|via|from|van)\b.*",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"[^\W\d_][\w'’.-]*|&")
_DIGIT = re.compile(r"\d")
_BULLET = re.compile(r"(?:[•●▪◦‣►·*\-–—]|\(?\d{1,3}[.)])(?=\s|$)\s*")
_DATE_TOKEN = re.compile(r"\d{1,4}(?:[:/.-]\d{1,4}){1,2}|[^\W\d_]+|\d+(?:st|nd|rd|th|e|ste|de)?")
_NUMERIC_DATE = re.compile(r"\d{1,4}[:/.-]\d{1,4}")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th|e|ste|de)?")
_KEY_STRIP = re.compile(r"[\W_]+")
_ALNUM = re.compile(r"[^\W_]")
_CLOSERS = "\"'”’»)]*"
_SENTENCE_END = ".!?…"
_CLAUSE_END = ".!?…:;,"

MAX_HEADING_WORDS = 20
MAX_HEADING_CHARS = 150
BODY_WORDS = 25
# Noise lines are short: no rule looks at lines longer than PREFIX_LINE_WORDS words; newsletter
# plugs and bylines ("By Jane Doe, Reuters") are shorter still.
PREFIX_LINE_WORDS = 40
PHRASE_LINE_WORDS = 30
BYLINE_WORDS = 15


def bullet_marker(line: str) -> int:
    """Length of the list marker ("•", "-", "1.", "2)") that starts `line`, or 0 when none."""
    match = _BULLET.match(line)
    return match.end() if match else 0


def has_alnum(text: str) -> bool:
    """Whether `text` has at least one letter or digit."""
    return _ALNUM.search(text) is not None


def line_key(text: str) -> str:
    """A case-, space- and punctuation-insensitive key for comparing lines."""
    return _KEY_STRIP.sub("", text.casefold())


def _last_char(text: str) -> str:
    """The last character before closing quotes and brackets; a space when there is none."""
    stripped = text.rstrip(_CLOSERS + " ")
    return stripped[-1] if stripped else " "


def ends_sentence(text: str) -> bool:
    """Whether `text` ends like a sentence (".", "!", "?", "…"), closing quotes allowed."""
    return _last_char(text) in _SENTENCE_END


def headline_like(text: str) -> bool:
    """Short, starts with a capital or digit, and without final punctuation: a title or heading."""
    if len(text) > MAX_HEADING_CHARS or _last_char(text) in _CLAUSE_END:
        return False
    first = text[0] if text[:1].isalnum() else _first_alnum(text)
    if not first or first.islower():
        return False
    return text.count(" ") < MAX_HEADING_WORDS  # lines are normalised: one space between words


def _first_alnum(text: str) -> str:
    match = _ALNUM.search(text)
    return match.group() if match else ""


def body_like(text: str) -> bool:
    """Ends like a sentence or is long enough to be prose."""
    return ends_sentence(text) or len(text.split()) >= BODY_WORDS


def strip_leading(text: str) -> tuple[str, str]:
    """Split a dateline or byline prefix ("(CNN) -- ", "date 2025-03 ") off: (rest, prefix)."""
    first = text[:16].split(" ", 1)[0].rstrip(":").lower()
    if first not in _LEADING_WORDS and "(CNN)" not in text[:90]:
        return text, ""
    match = _LEADING.match(text)
    if match is None or not match.group():
        return text, ""
    return text[match.end() :].strip(), match.group().strip()


def line_role(text: str) -> LineRole:
    """What a line is: a comment or related-links header, single-line noise, or text."""
    if _ALNUM.search(text) is None:
        return "noise"  # separators such as "***" or "---", stray symbols
    words = text.count(" ") + 1  # lines are normalised: one space between words
    if words > PREFIX_LINE_WORDS:
        return "text"
    lowered = text.lower()
    match = _ROLES.match(lowered)
    if match is not None and match.lastgroup is not None:
        return _ROLE_NAMES[match.lastgroup]
    return "noise" if _is_shape_noise(text, lowered, words) else "text"


def is_comment_marker(text: str) -> bool:
    """A header that opens a reader comment section ("Reader comments", "12 reacties")."""
    return line_role(text) in ("comments", "maybe_comments")


def is_comment_meta(text: str) -> bool:
    """A line only comment threads have: "Anonymous", "Reply", "2 hours ago", a bare date."""
    return _COMMENT_META.match(text.lower()) is not None or is_date_line(text)


def is_related_marker(text: str) -> bool:
    """A header above links to other articles ("Related articles", "Lees ook")."""
    return line_role(text) == "related"


def is_noise_line(text: str) -> bool:
    """Any single-line noise: promotion, related link, credit, call to visit, reply, bare date."""
    return line_role(text) == "noise"


def is_date_line(text: str) -> bool:
    """A line that is only a date or time stamp ("14 Dec 2024", "Updated 10:20 AM EST")."""
    if len(text) > 90 or _DIGIT.search(text) is None:
        return False
    lowered = text.lower()
    # Most lines fail on their first word; only then is the whole line tokenised.
    first = _DATE_TOKEN.search(lowered)
    if first is None or not _is_date_token(first.group()):
        return False
    tokens = _DATE_TOKEN.findall(lowered)
    if len(tokens) > 16:
        return False
    return all(_is_date_token(t) for t in tokens) and any(_is_date_anchor(t) for t in tokens)


def _is_date_token(token: str) -> bool:
    return (
        token in DATE_FILLERS
        or token in MONTHS
        or _ORDINAL.fullmatch(token) is not None
        or _NUMERIC_DATE.match(token) is not None
    )


def _is_date_anchor(token: str) -> bool:
    return token in _DATE_ANCHORS or _NUMERIC_DATE.match(token) is not None


def is_byline(text: str) -> bool:
    """ "By Jane Doe", "Door Jan de Vries", "Photo by X": a credit without colon."""
    match = _BYLINE.fullmatch(text)
    if match is None or match.group("names") is None:
        return match is not None
    words = _NAME_WORD.findall(match.group("names"))
    if not words or len(words) > 8 or _last_char(text) in "!?":
        return False
    return all(w[0].isupper() or w.casefold() in NAME_PARTICLES for w in words)


def _is_shape_noise(text: str, lowered: str, words: int) -> bool:
    """Rules beyond the tables: newsletter plugs anywhere in a short line, bylines, bare dates."""
    if 3 <= words <= PHRASE_LINE_WORDS and any(p in lowered for p in CALL_PHRASES):
        return True
    return (words <= BYLINE_WORDS and is_byline(text)) or is_date_line(text)
