"""Rule-based multilingual sentence splitting and word tokenising: regexes only, no downloads.

A block is first cut into units by its line breaks (bullet lines, short lines without end
punctuation such as titles), wrapped lines are joined, then every unit is split after
sentence-ending punctuation unless the word before it is an abbreviation, an initial or an
ordinal, or the next word starts in lower case. CJK full stops always end a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache

from summarizer.models import Block, Sentence
from summarizer.stopwords import stop_words


def _set(text: str) -> frozenset[str]:
    """The white-space separated words of `text`, for the word lists below."""
    return frozenset(text.split())


# Abbreviations are compared lower-cased and without their final period.
# Titles and abbreviations that always lead into the next word, never end a sentence.
_NEVER_FINAL = _set(
    """
    mr mrs ms messrs dr prof gen sen rep gov lt col capt sgt cmdr adm rev hon pres supt atty
    vs e.g i.e cf viz approx a.k.a ex
    dhr mevr mw drs ir ing bijv bv o.a m.a.w i.p.v d.w.z t.a.v a.d.h.v m.b.t m.u.v zgn resp incl
    excl evt vnl ca
    z.b d.h u.a bzw vgl ggf evtl inkl sog jh
    mme mlle env
    sra srta dra ud uds sig dott avv
    """
)
# Abbreviations that stand before a number: "No. 5", "Nr. 3", "Jan. 5", "p. 12", "Art. 3".
_BEFORE_NUMBER = _set(
    """
    no nos nr nrs art fig figs vol vols ch sec pp tel blz par
    jan feb mar apr jun jul aug sep sept oct nov dec mrt okt dez
    """
)
# Abbreviations that may also end a sentence ("... of Apple Inc. The company"): a break only
# when the next word is a stop word ("The", "It", "Die", "Het"), which names rarely are.
_MAYBE_FINAL = _set(
    """
    inc corp ltd co bros plc cie llc jr sr st mt ave blvd rd etc al ph.d a.m p.m hr fr
    enz usw mio mrd tsd str jl mln mld e.d a.s
    ala ariz ark calif colo conn fla ga ill ind kan ky md mass mich minn miss mo mont neb nev
    okla ore pa tenn tex va vt wash wis wyo
    """
)
# Languages that write ordinals with a period ("am 3. Oktober"); a small number before a period
# is then an ordinal unless a stop word follows.
_ORDINAL_LANGUAGES = _set("de da no nb nn fi cs sk pl hu sl hr sr et lv lt is tr")

# A list marker at the start of a line: a bullet symbol, a dash or star and a space, "1." or "2)".
_BULLET = re.compile(r"\s*(?:[•·▪◦‣●■►]\s*|[-*–—]\s+|\d{1,2}[.)]\s+)")
# Latin-script ends need white space after them ("26.4%" and "example.com" are not ends);
# CJK full stops do not, as CJK text has no spaces.
_END = re.compile(r"(?P<stop>[.!?…؟]+)(?P<close>[\"'’”»)\]]*)\s+|(?P<cjk>[。！？]+[”’」』）)]*)\s*")
_NEXT_WORD = re.compile(r"[\"'“‘«„‚(\[¿¡]*(\w*)")
_DOTTED = re.compile(r"[^\W\d_](?:\.[^\W\d_])+")
_OPENERS = "\"'“‘«„‚([¿¡"
_LINE_END = (".", "!", "?", "…", '"', "”", "’", "»", ")", "。", "！", "？", ";")
# Captions and labels glued to the next sentence without punctuation, as pages flattened to text
# carry them ("... never made it off the bench However, striker Glenn Murray ..."): a sentence
# opener written with a capital, after a lower-case word and before a lower-case word, starts a
# new sentence. Only for languages that do not capitalise their nouns.
_GLUE_OPENERS = {
    "en": _set(
        """
        The A An He She It They We His Her Its Their This These Those There In On At After
        Before During Since But And However Meanwhile Despite According When While Some Like
        """
    ),
    "nl": _set(
        """
        De Het Een Hij Zij Ze Zijn Haar Hun Dit Dat Deze Die Er In Op Na Voor Tijdens Sinds
        Maar En Echter Volgens Toen Terwijl Sommige
        """
    ),
}
# Words after which a capitalised opener begins a title or a name instead ("seen by The Mail",
# "a film called The Others", "Reach for the Sky starring Kenneth More").
_GLUE_NOT_AFTER = {
    "en": _set(
        """
        the a an of in on at to for from by with into onto about as and or nor than like via per
        against called named titled dubbed starring featuring including plus versus vs
        """
    ),
    "nl": _set(
        """
        de het een van in op aan voor met door bij naar over als en of dan zoals genaamd
        getiteld tegen
        """
    ),
}
# "images A and B", "from A to Z": a capital A between such words is a label, not an article.
_GLUE_NOT_BEFORE = _set("and or to en of tot")
_GLUE = re.compile(
    r"(?P<before>(?<!\S)(?:[^\W\d_]+|\S*\)))\s"
    r"(?=(?P<opener>[^\W\d_]+)(?P<comma>,?)\s[\"'‘“]?(?P<after>\w+))"
)
# Lines at least this share of the widest line of a block are taken as hard-wrapped.
_WRAPPED_SHARE = 0.66

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Word tokens. Dotted abbreviations keep their periods ("U.S.", "e.g."); numbers stay whole with
# their separators and a percent sign ("215,900", "26.4%"); "&", hyphens and apostrophes join
# ("R&D", "Rolls-Royce", "don't"); a possessive or contracted 's is dropped ("Xiaomi’s" ->
# "Xiaomi", "it’s" -> "it") so that a name counts as one word; CJK characters are one token each.
_WORD = re.compile(
    rf"""
    (
      (?<![\w.])(?:[^\W\d_{_CJK}]\.){{2,}}
    | [{_CJK}]
    | [^\W{_CJK}]+
      (?:
        (?:[&‐‑-]|['’](?![sS]\b)|(?<=\d)[.,:/](?=\d))
        [^\W{_CJK}]+
      )*
      (?:(?<=\d)%)?
    )
    (?:['’][sS]\b)?
    """,
    re.VERBOSE,
)
# Elided articles and prepositions of French, Italian and Catalan ("l’entreprise", "dell'anno").
_ELISION_LANGUAGES = frozenset({"fr", "it", "ca"})
_ELISION = re.compile(r"^[^\W\d_]{1,5}['’](?=\w)")


def split_sentences(text: str, language: str = "en") -> list[str]:
    """Split one block of text into sentences; bullet lines are one sentence each."""
    sentences: list[str] = []
    for unit, is_bullet in _units(text):
        if is_bullet:
            sentences.append(unit)
        else:
            sentences.extend(_split_unit(unit, language))
    return sentences


def words(text: str, language: str = "en") -> list[str]:
    """The word tokens of `text` (no punctuation), in order, case kept."""
    tokens: list[str] = _WORD.findall(text)
    if language in _ELISION_LANGUAGES:
        return [_ELISION.sub("", t) if ("'" in t or "’" in t) else t for t in tokens]
    return tokens


def segment(
    blocks: tuple[Block, ...] | list[Block],
    language: str = "en",
    *,
    noise: Callable[[str], bool] | None = None,
) -> tuple[Sentence, ...]:
    """Sentences of every block, numbered in document order.

    Sentences `noise` says are page furniture ("Scroll down for video" glued to a paragraph and
    only cut off by the splitter) are left out.
    """
    out: list[Sentence] = []
    for index, block in enumerate(blocks):
        for text in _block_sentences(block, language):
            if noise is None or not noise(text):
                out.append(Sentence(text, len(out), index, block.kind))
    return tuple(out)


def _block_sentences(block: Block, language: str) -> Iterable[str]:
    """A heading is one unit, a bullet block one sentence per bullet, a paragraph is split."""
    if block.kind == "heading":
        text = _squash(block.text)
        return [text] if text else []
    if block.kind == "bullet":
        return [unit for unit, _ in _units(block.text)]
    return split_sentences(block.text, language)


def _units(text: str) -> list[tuple[str, bool]]:
    """The block cut at its line breaks into (text, is_bullet) units, wrapped lines joined."""
    lines = text.splitlines()
    widest = max((len(line.strip()) for line in lines), default=0)
    units: list[tuple[str, bool]] = []
    current: list[str] = []
    is_bullet = False
    for raw in lines:
        line = raw.strip()
        bullet = _BULLET.match(line + " ") if line else None
        if current and (not line or bullet or not _continues(current[-1], raw, is_bullet, widest)):
            units.append((_squash(" ".join(current)), is_bullet))
            current = []
        if bullet:
            current, is_bullet = [line[bullet.end() :].strip()], True
        elif line:
            is_bullet = is_bullet and bool(current)
            current.append(line)
    if current:
        units.append((_squash(" ".join(current)), is_bullet))
    return [(unit, bullet) for unit, bullet in units if unit]


def _squash(text: str) -> str:
    """`text` on one line with single spaces (str.split is 3x faster than a regex here)."""
    return " ".join(text.split())


def _continues(previous: str, raw: str, is_bullet: bool, widest: int) -> bool:
    """Whether line `raw` goes on with the unit whose last line is `previous`."""
    line = raw.strip()
    if line[0].islower():
        return True  # a sentence does not start in lower case: this is a wrapped line
    if is_bullet:
        return raw[0].isspace()  # an indented line under a bullet belongs to it
    if previous.endswith(_LINE_END):
        return True  # the splitter decides; "Mr.\nSmith" must stay together
    # A line without end punctuation that is much shorter than the block's widest line is a
    # title or a label ("Xiaomi accelerates its global EV ambitions"); a long one was wrapped.
    return len(previous) >= _WRAPPED_SHARE * widest


def _split_unit(text: str, language: str) -> list[str]:
    """Split one unit (single-spaced, no line breaks) after its sentence ends."""
    sentences: list[str] = []
    start = 0
    for match in _END.finditer(text):
        if match.end() < len(text) and not _ends_sentence(text, match, language):
            continue
        sentence = text[start : match.end()].strip()
        if sentence:
            sentences.append(sentence)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    if language in _GLUE_OPENERS:
        return [part for sentence in sentences for part in _unglue(sentence, language)]
    return sentences


def _unglue(sentence: str, language: str) -> list[str]:
    """`sentence` cut where a caption or label without end punctuation runs into the next one."""
    openers, not_after = _GLUE_OPENERS[language], _GLUE_NOT_AFTER[language]
    parts: list[str] = []
    start = 0
    for match in _GLUE.finditer(sentence):
        before, opener, after = match.group("before", "opener", "after")
        if opener not in openers or match.start() == start:
            continue  # not an opener, or no words would be left before the cut
        if not before.endswith(")") and not (before.islower() and before not in not_after):
            continue
        if after in _GLUE_NOT_BEFORE or not (after[:1].islower() or match.group("comma")):
            continue
        parts.append(sentence[start : match.end("before")])
        start = match.end()
    parts.append(sentence[start:])
    return parts


def _ends_sentence(text: str, match: re.Match[str], language: str) -> bool:
    """Whether the candidate end `match` (followed by more text) ends a sentence."""
    if match.group("cjk"):
        return True
    if text.startswith(".", match.end()):
        return False  # inside a spaced ellipsis ". . ."
    next_word = _next_word(text, match.end())
    if next_word[:1].islower():
        return False  # "e.g. the", "Wait... what", '"Why?" he asked'
    stop = match.group("stop")
    if stop != "." or match.group("close"):
        return True  # "?", "!", an ellipsis, or a period inside quotes or brackets
    token = text[text.rfind(" ", 0, match.start()) + 1 : match.start()].lstrip(_OPENERS)
    return _period_ends_sentence(token, next_word, language)


def _next_word(text: str, position: int) -> str:
    """The word that starts at `position`, after any opening quotes or brackets."""
    found = _NEXT_WORD.match(text, position)
    return found.group(1) if found else ""


def _period_ends_sentence(token: str, next_word: str, language: str) -> bool:
    """Whether a period after `token` ends the sentence, given the next word (not lower case)."""
    if not token:
        return True
    lower = token.lower()
    if lower in _NEVER_FINAL or (len(token) == 1 and token.islower()):
        return False
    maybe_final = (
        lower in _MAYBE_FINAL
        or (len(token) == 1 and token.isalpha())  # an initial: "J. K. Rowling", "Plan B."
        or _DOTTED.fullmatch(token) is not None  # "U.S.", "a.m."
        or (language in _ORDINAL_LANGUAGES and token.isdigit() and len(token) <= 3)
    )
    if next_word[:1].isdigit():
        return not (maybe_final or lower in _BEFORE_NUMBER)
    if maybe_final:
        return next_word.lower() in _openers(language)
    return True


@cache
def _openers(language: str) -> frozenset[str]:
    """Words that open sentences but rarely follow an abbreviation inside one: stop words.

    Single letters are left out so that an initial followed by an initial stays together.
    """
    listed = stop_words(language) or stop_words("en")
    return frozenset(w for w in listed if len(w) > 1)
