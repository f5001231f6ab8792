"""What a question asks: its wh-word, the fact kinds that can answer it, its focus and its terms.

`analyze_question` reads English, Dutch and German questions with word lists, no parser: the
wh-word of the final question sentence (a preamble before it only adds terms), the head noun after
"which"/"what"/"welk(e)" (the focus), and from both the kinds of fact expected, best first. Work is
bounded: only the last `MAX_CHARS` characters of a long text are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from summarizer.errors import QuestionError
from summarizer.language import detect_language
from summarizer.models import FactKind
from summarizer.sentences import split_sentences, words
from summarizer.stopwords import stop_words
from summarizer.terms import content_terms

WhKind = Literal[
    "who", "where", "when", "how_many", "how_much", "which", "what", "why", "how", "yesno", "other"
]

# A question is a sentence or two; a longer text is a preamble plus a question at its end.
MAX_CHARS = 1_000
MAX_TERMS = 40


@dataclass(frozen=True, slots=True)
class Question:
    """A question read for lookup.

    `expected` lists the fact kinds that can answer it, best first (empty when no kind fits, as
    for "why"); `focus` is the lemma of the noun the question asks for ("country" in "Which
    country ..."); `terms` are content lemmas for retrieval (lower case, word characters and inner
    joiners only, so safe to quote into a full-text query); `entities` are the names and quoted
    phrases of the question, which can never be its answer. `wants_title` is set when the focus
    is a work with a title (show, film, book...), usually quoted in news text. The last
    `preamble_terms` of `terms` come only from a preamble before the question. `before` and
    `after` are the lower-cased words that stand next to the answer when the question is put as
    a statement (English only): "approved the sale of which team?" has `before` ("sale", "of"),
    "Which currency plummeted to a record low?" has `after` ("plummeted", "to", "a", ...),
    "Which holiday did India celebrate?" has `before` ("celebrate",), and "Which individual’s
    account was locked?" has `after` (`POSSESSIVE`, "account", "was", "locked"). A passive
    question has both: "Which show was renewed?" has `before` ("renewed",) and `after` ("was",
    "renewed").
    """

    text: str
    language: str
    wh: WhKind
    expected: tuple[FactKind, ...] = ()
    focus: str = ""
    terms: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    wants_title: bool = False
    preamble_terms: int = 0
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Grammar:
    """The closed word classes of one language that question reading needs (lower case)."""

    wh: dict[str, WhKind]
    how_words: dict[str, tuple[WhKind, tuple[FactKind, ...]]]
    auxiliaries: frozenset[str]
    copulas: frozenset[str]
    stops: frozenset[str]  # determiners, pronouns, prepositions, conjunctions: end a noun run
    verbs: frozenset[str]  # frequent verb forms that follow a "which X" phrase
    role_verbs: frozenset[str]
    role_nouns: frozenset[str]
    money_cues: frozenset[str]
    percent_cues: frozenset[str]
    change_cues: frozenset[str]  # "how much did prices rise": a change, usually a percentage
    skip: frozenset[str]  # "of the following" in "which of the following"
    determiners: frozenset[str]


def _set(text: str) -> frozenset[str]:
    """The white-space separated words of `text`."""
    return frozenset(text.split())


_ENGLISH = _Grammar(
    wh={
        "who": "who",
        "whom": "who",
        "whose": "who",
        "where": "where",
        "when": "when",
        "which": "which",
        "what": "what",
        "how": "how",
        "why": "why",
    },
    how_words={
        "many": ("how_many", ("quantity",)),
        "much": ("how_much", ("money", "quantity", "percent")),
        "long": ("how", ("quantity", "date")),
        "old": ("how", ("quantity",)),
        "far": ("how", ("quantity",)),
        "big": ("how", ("quantity",)),
        "large": ("how", ("quantity",)),
        "high": ("how", ("quantity", "money")),
        "often": ("how", ("quantity",)),
        "soon": ("when", ("date",)),
    },
    auxiliaries=_set("is are was were do does did has have had will would can could should may"),
    copulas=_set("is are was were"),
    stops=_set(
        """the a an this that these those it he she they his her its their our my your of in on
        at for to from by with about as into over under after before and or but if than who whom
        which what where when why how not n't there here ,"""
    ),
    verbs=_set(
        """is are was were be been being do does did has have had will would can could should
        may might must won became become becomes made makes make got gets get went goes go took
        takes take gave gives give said says say told tells tell sold sells sell bought buys buy
        led leads lead ran runs run hit hits set sets put puts let lets won wins win lost loses
        lose found finds find left leaves leave came comes come saw sees see"""
    ),
    role_verbs=_set(
        """lead leads led leading head heads headed run runs ran chair chairs chaired manage
        manages managed direct directs directed oversee oversees oversaw become becomes became
        replace replaces replaced succeed succeeds succeeded appointed named hired founded"""
    ),
    role_nouns=_set(
        """ceo cfo cto coo chief head director president chairman chairwoman chairperson chair
        leader founder co-founder boss manager minister secretary governor mayor chancellor
        premier coach captain owner editor spokesperson spokesman spokeswoman executive
        commissioner ambassador commander"""
    ),
    money_cues=_set(
        """cost costs costing price priced pay paid pays spend spent spends earn earned earns
        fined fine worth raise raised charge charged charges sold bought"""
    ),
    percent_cues=_set("percent percentage per-cent share proportion"),
    change_cues=_set(
        """increase increased rise rose risen fall fell fallen drop dropped grow grew grown
        decline declined jump jumped climb climbed surge surged gain gained shrink shrank"""
    ),
    skip=_set("of the following these"),
    determiners=_set("the a an this that these those his her its their our my your"),
)

_DUTCH = _Grammar(
    wh={
        "wie": "who",
        "wiens": "who",
        "waar": "where",
        "waarheen": "where",
        "waarvandaan": "where",
        "wanneer": "when",
        "welk": "which",
        "welke": "which",
        "wat": "what",
        "hoe": "how",
        "hoeveel": "how_many",
        "waarom": "why",
    },
    how_words={
        "veel": ("how_many", ("quantity",)),
        "lang": ("how", ("quantity", "date")),
        "oud": ("how", ("quantity",)),
        "ver": ("how", ("quantity",)),
        "groot": ("how", ("quantity",)),
        "hoog": ("how", ("quantity", "money")),
        "vaak": ("how", ("quantity",)),
        "duur": ("how_much", ("money",)),
        "laat": ("when", ("date",)),
        "snel": ("how", ("quantity", "date")),
    },
    auxiliaries=_set(
        "is zijn was waren heeft hebben had hadden wordt worden werd werden zal zullen kan kunnen "
        "moet moeten gaat gaan mag"
    ),
    copulas=_set("is zijn was waren"),
    stops=_set(
        """de het een deze die dit dat hij zij ze hem haar zijn hun van in op aan voor naar met
        door bij uit over om tot en of maar als dan wie wat welk welke waar wanneer hoe waarom
        niet er hier ,"""
    ),
    verbs=_set(
        """is zijn was waren heeft hebben had hadden wordt worden werd werden zal zullen kan
        kunnen moet moeten gaat gaan ging gingen won wint kreeg krijgt nam neemt kocht koopt
        verkocht verkoopt leidt leidde opende opent sloot sluit riep roept staat stond ligt lag
        zit zat komt kwam maakt maakte bouwt bouwde doet deed speelt speelde"""
    ),
    role_verbs=_set(
        """leidt leidde leiden geleid runt bestuurt bestuurde werd wordt volgt volgde opgevolgd
        benoemd aangesteld richtte opgericht"""
    ),
    role_nouns=_set(
        """ceo topman topvrouw directeur hoofd voorzitter bestuursvoorzitter baas leider
        oprichter minister premier president burgemeester bestuurder trainer coach eigenaar
        woordvoerder staatssecretaris gouverneur"""
    ),
    money_cues=_set("kost kosten kostte kostten betaald betaalt betaalde verdient verdiende waard"),
    percent_cues=_set("procent percentage aandeel"),
    change_cues=_set("gestegen steeg stegen gedaald daalde daalden gegroeid groeide gekrompen"),
    skip=_set("van de het volgende deze"),
    determiners=_set("de het een deze die dit dat zijn haar hun"),
)

_GERMAN = _Grammar(
    wh={
        "wer": "who",
        "wen": "who",
        "wem": "who",
        "wessen": "who",
        "wo": "where",
        "wohin": "where",
        "woher": "where",
        "wann": "when",
        "welche": "which",
        "welcher": "which",
        "welches": "which",
        "welchen": "which",
        "welchem": "which",
        "was": "what",
        "wie": "how",
        "wieviel": "how_many",
        "wieviele": "how_many",
        "warum": "why",
        "weshalb": "why",
        "wieso": "why",
    },
    how_words={
        "viele": ("how_many", ("quantity",)),
        "viel": ("how_much", ("money", "quantity", "percent")),
        "lange": ("how", ("quantity", "date")),
        "alt": ("how", ("quantity",)),
        "teuer": ("how_much", ("money",)),
    },
    auxiliaries=_set("ist sind war waren hat haben hatte hatten wird werden wurde wurden kann"),
    copulas=_set("ist sind war waren"),
    stops=_set("der die das den dem des ein eine einen von in im auf an für mit bei aus und oder"),
    verbs=_set("ist sind war waren hat haben hatte wird werden wurde wurden leitet gewann"),
    role_verbs=_set("leitet leitete führt führte"),
    role_nouns=_set("chef chefin vorsitzender vorstandschef ceo leiter leiterin gründer minister"),
    money_cues=_set("kostet kostete kosten bezahlt zahlt"),
    percent_cues=_set("prozent anteil"),
    change_cues=_set("gestiegen stieg gesunken sank gewachsen wuchs"),
    skip=_set("der folgenden"),
    determiners=_set("der die das den dem des ein eine einen sein seine ihr ihre"),
)

_GRAMMARS: dict[str, _Grammar] = {"en": _ENGLISH, "nl": _DUTCH, "de": _GERMAN}
# When a wh-word belongs to several languages ("wie": Dutch "who", German "how") and the language
# detector cannot decide, this order breaks the tie.
_PREFERENCE = ("en", "nl", "de")


def _kinds_table() -> dict[str, tuple[FactKind, ...]]:
    """Focus lemmas (English, Dutch, German) and the fact kinds that answer them, best first."""
    groups: list[tuple[tuple[FactKind, ...], str]] = [
        (
            ("place",),
            """country state city continent nation island region area province town county
            capital location place territory village destination district neighborhood
            neighbourhood port land staat stad eiland regio gebied provincie gemeente dorp plaats
            plek hoofdstad locatie werelddeel bundesland ort""",
        ),
        (
            ("org",),
            """company automaker carmaker firm team group organization organisation airline bank
            brand chain platform network party club agency manufacturer maker retailer startup
            service union university newspaper broadcaster studio publisher supermarket store
            business corporation conglomerate giant insurer lender operator provider exchange
            institution charity ministry department committee rival competitor outlet league
            bedrijf onderneming autofabrikant fabrikant merk ploeg groep organisatie partij
            bank luchtvaartmaatschappij maatschappij keten vakbond universiteit krant omroep
            winkel supermarkt concern firma instelling ministerie unternehmen konzern firma
            hersteller verein partei""",
        ),
        (
            ("person", "role"),
            """president leader official governor senator minister ceo chief head executive
            director chairman chairwoman founder boss manager mayor chancellor premier secretary
            king queen prince princess pope commander coach captain owner spokesperson
            spokesman lawmaker judge topman topvrouw directeur voorzitter leider oprichter
            burgemeester koning koningin baas eigenaar chef vorsitzender gründer""",
        ),
        (
            ("person",),
            """person man woman star singer actor actress player member individual athlete
            candidate celebrity rapper author writer artist politician lawyer scientist
            journalist musician comedian host billionaire entrepreneur investor slugger
            quarterback pitcher driver pilot figure persoon vrouw ster zanger zangeres acteur
            actrice speler politicus schrijver kunstenaar sporter person frau spieler""",
        ),
        (
            ("money",),
            """price cost fine salary budget fee revenue sum worth valuation wage profit
            investment tax penalty bonus compensation settlement funding debt prijs kosten
            bedrag boete salaris omzet winst investering belasting schuld loon preis kosten
            betrag strafe umsatz gewinn""",
        ),
        (
            ("percent",),
            """percentage percent proportion rate margin share growth procent marge aandeel
            groei prozent anteil""",
        ),
        (
            ("date",),
            """year date month day time decade week century quarter deadline jaar datum maand
            dag tijd decennium eeuw kwartaal jahr monat tag zeit""",
        ),
        (
            ("quantity",),
            """number magnitude total count size population age height length distance
            weight speed capacity volume amount aantal omvang leeftijd grootte afstand gewicht
            snelheid anzahl zahl""",
        ),
        (
            ("event",),
            """event holiday festival award awards ceremony election tournament championship
            war hurricane storm disaster conference summit competition evenement feestdag
            verkiezing toernooi oorlog orkaan conferentie wahl""",
        ),
        (("role",), "title role job position post functie rol baan"),
    ]
    table: dict[str, tuple[FactKind, ...]] = {}
    for kinds, text in groups:
        for word in text.split():
            table.setdefault(word, kinds)
    return table


_FOCUS_KINDS = _kinds_table()
# Works with a title: their names are usually quoted (“Squid Game”) rather than typed facts.
TITLE_FOCUS = _set(
    """show movie film series song album book novel play musical episode podcast documentary
    painting game serie programma liedje nummer boek roman voorstelling sendung buch lied"""
)

_QUOTED = re.compile(r"[“\"«„]([^“”\"«»„]{1,120})[”\"»“]")
_CAPITALISED = re.compile(
    r"\b[A-Z](?:[\w&'’-]|\.(?=\w))*(?:\s+(?:[A-Z](?:[\w&'’-]|\.(?=\w))*|&|of|de|van|der))*"
)
_TRAILING = re.compile(r"(?:\s+(?:&|of|de|van|der))+$|['’]s?$|[.]$")


def analyze_question(text: str) -> Question:
    """Read `text` as a question: language, wh-word, expected fact kinds, focus, terms.

    Raises `QuestionError` when `text` is empty or a single word. Only the last `MAX_CHARS`
    characters of a longer text are read: a question comes after its preamble.
    """
    clean = _bounded(" ".join(text.split()))
    tokens = words(clean)
    if not tokens:
        raise QuestionError(
            "Ask a question in words, for example “Who leads Xiaomi's European R&D centre?”."
        )
    if len(tokens) < 2:
        raise QuestionError(
            "Ask a whole question rather than a single word, for example "
            "“Which company did Lei Jun found?”."
        )
    sentence = _question_sentence(clean)
    lowered = _clause_tokens(sentence)
    language = _language(clean, lowered)
    grammar = _GRAMMARS.get(language)
    wh, expected, focus = (
        _read(lowered, grammar, language, sentence) if grammar else ("other", (), "")
    )
    before, after = _slot(lowered, sentence, grammar) if language == "en" else ((), ())
    terms = _terms(clean, sentence, language)
    asked = len(_terms(sentence, sentence, language))
    return Question(
        text=clean,
        language=language,
        wh=wh,
        expected=expected,
        focus=focus,
        terms=terms,
        preamble_terms=len(terms) - asked,
        entities=_entities(clean, language),
        wants_title=focus in TITLE_FOCUS,
        before=before,
        after=after,
    )


def _bounded(text: str) -> str:
    """The last `MAX_CHARS` characters of `text`, starting at a word."""
    if len(text) <= MAX_CHARS:
        return text
    tail = text[-MAX_CHARS:]
    return tail[tail.find(" ") + 1 :] if " " in tail else tail


def _question_sentence(text: str) -> str:
    """The sentence that asks: the last one with a question mark, else the last one."""
    sentences = split_sentences(text, "en") or [text]
    asking = [s for s in sentences if "?" in s]
    return asking[-1] if asking else sentences[-1]


def _clause_tokens(sentence: str) -> list[str]:
    """The lower-cased words of `sentence` with "," where a clause mark (, ; : — brackets) was
    and `POSSESSIVE` after a possessive ("women’s", "farmers’"; not "it’s")."""
    tokens: list[str] = []
    for part in _CLAUSE_MARK.split(sentence):
        cursor = 0
        for word in words(part):
            found = part.find(word, cursor)
            cursor = found + len(word) if found >= 0 else cursor
            tokens.append(word.lower())
            if found >= 0 and _POSSESSIVE.match(part, cursor) and tokens[-1] not in _CONTRACTED:
                tokens.append(POSSESSIVE)
        tokens.append(",")
    return tokens[:-1]


_CLAUSE_MARK = re.compile(r"[,;:()\[\]—–]|\s-\s")
_POSSESSIVE = re.compile(r"['’]s\b|(?<=s)['’](?!\w)")
POSSESSIVE = "’s"
# Words whose "’s" is "is" or "has" ("it’s", "what’s"), not a possessive.
_CONTRACTED = frozenset("it he she that there here what who where when how which this let".split())


def _language(text: str, lowered: list[str]) -> str:
    """The question's language: the detector when it is sure, else the wh-word's language.

    Short questions are hard to identify ("Who leads BMW?" reads as Sesotho), while their
    wh-word names the language; a wh-word shared by two languages is settled by the detector.
    """
    guess = detect_language(text)
    cued = _wh_languages(lowered)
    if guess.code in cued or (guess.reliable and guess.code != "und"):
        return guess.code
    if cued:
        return cued[0]
    return guess.code if guess.code != "und" else "en"


def _wh_languages(lowered: list[str]) -> list[str]:
    """The languages whose wh-word comes first in the question sentence, in preference order."""
    first: dict[str, int] = {}
    for code in _PREFERENCE:
        wh = _GRAMMARS[code].wh
        index = next((i for i, token in enumerate(lowered) if token in wh), None)
        if index is not None:
            first[code] = index
    if not first:
        return []
    earliest = min(first.values())
    return [code for code in _PREFERENCE if first.get(code) == earliest]


def _read(
    lowered: list[str], grammar: _Grammar, language: str, sentence: str
) -> tuple[WhKind, tuple[FactKind, ...], str]:
    """(wh, expected kinds, focus) of the question sentence's lower-cased words."""
    index = _wh_index(lowered, grammar)
    if index is None:
        yesno = bool(lowered) and lowered[0] in grammar.auxiliaries
        return ("yesno" if yesno else "other"), (), ""
    wh = grammar.wh[lowered[index]]
    rest = lowered[index + 1 :]
    if wh in ("how", "how_many"):
        return _read_how(wh, rest, grammar, language)
    if wh == "who":
        return "who", _who_kinds(rest, grammar, sentence), ""
    if wh in _FIXED_KINDS:
        return wh, _FIXED_KINDS[wh], ""
    return _read_which(wh, rest, grammar, language)


_FIXED_KINDS: dict[WhKind, tuple[FactKind, ...]] = {
    "where": ("place",),
    "when": ("date",),
    "why": (),
}


def _wh_index(lowered: list[str], grammar: _Grammar) -> int | None:
    """Where the asking wh-word is: the first one, unless it opens a relative clause after a
    comma and another wh-word follows ("Kanye West, who ..., is buying which platform?")."""
    found = [i for i, token in enumerate(lowered) if token in grammar.wh]
    if not found:
        return None
    if len(found) > 1 and found[0] > 0 and lowered[found[0] - 1] == ",":
        return found[1]
    return found[0]


def _read_how(
    wh: WhKind, rest: list[str], grammar: _Grammar, language: str
) -> tuple[WhKind, tuple[FactKind, ...], str]:
    """ "how many/much/long ..." and Dutch "hoeveel": the measure asked for and its unit."""
    if wh == "how_many":  # "hoeveel", "wieviel": one word for "how many" and "how much"
        kinds: tuple[FactKind, ...] = ("quantity", "money", "percent")
    elif rest and rest[0] in grammar.how_words:
        wh, kinds = grammar.how_words[rest[0]]
        rest = rest[1:]
    else:
        return "how", (), ""
    focus = _focus(rest, grammar, language)
    changes = wh != "how_many" or language != "en"
    if (
        any(token in grammar.percent_cues for token in rest[:3])
        or focus in _PERCENT_FOCUS
        or (changes and any(token in grammar.change_cues for token in rest))
    ):
        return wh, ("percent", *[k for k in kinds if k != "percent"]), focus
    if any(token in grammar.money_cues for token in rest) or _FOCUS_KINDS.get(focus) == ("money",):
        return "how_much", ("money", *[k for k in kinds if k != "money"]), focus
    if wh == "how_many" and language != "en":
        return wh, ("quantity",), focus
    return wh, kinds, focus


_PERCENT_FOCUS = frozenset({"percent", "percentage", "procent", "prozent"})


def _who_kinds(rest: list[str], grammar: _Grammar, sentence: str) -> tuple[FactKind, ...]:
    """A person first; a role first when the question names a leadership verb or title."""
    clause = rest[: rest.index(",")] if "," in rest else rest
    if any(t in grammar.role_verbs for t in clause[:3]) or any(
        t in grammar.role_nouns for t in clause[:7]
    ):
        return ("role", "person", "org")
    if rest and rest[0] in grammar.copulas and _names_only(sentence, rest[0]):
        return ("role", "org")  # "Who is Lei Jun?": what the person is
    return ("person", "org")


def _names_only(sentence: str, copula: str) -> bool:
    """Whether everything after the copula of `sentence` is capitalised: "Who is Lei Jun?"."""
    tail = sentence.split(copula, 1)[-1] if copula in sentence else ""
    rest = words(tail)
    return bool(rest) and all(token[:1].isupper() for token in rest)


def _read_which(
    wh: WhKind, rest: list[str], grammar: _Grammar, language: str
) -> tuple[WhKind, tuple[FactKind, ...], str]:
    """ "which/what (of the) ADJ* NOUN", "what is the NOUN": the focus noun and its kinds."""
    while rest and rest[0] in grammar.skip:
        rest = rest[1:]
    if rest and rest[0] in grammar.copulas:
        rest = rest[1:]
        while rest and rest[0] in grammar.determiners:
            rest = rest[1:]
    focus = _focus(rest, grammar, language)
    kinds = _FOCUS_KINDS.get(focus, ())
    if not kinds and focus in _NAME_FOCUS:
        kinds = ("person", "org", "place")
    if any(token in grammar.money_cues for token in rest) and not kinds:
        kinds = ("money",)
    if kinds and kinds[0] == "date":
        return "when", kinds, focus
    return wh, kinds, focus


_NAME_FOCUS = frozenset({"name", "naam"})


def _focus(rest: list[str], grammar: _Grammar, language: str) -> str:
    """The lemma of the head noun at the start of `rest`, or "" when a verb or pronoun comes first.

    The noun run ends at a stop word, a frequent verb, an "-ed" form or an "-ly" adverb; its
    last word the focus table knows wins, else its last word ("Which wildly popular show"). A
    plural possessive only classifies the head ("which women’s sport": a sport); a singular one
    is what is asked for ("which individual’s account": the individual).
    """
    run, _ = _focus_run(rest, grammar, language)
    kept = _head_words(run)
    if not kept:
        return ""
    lemmas = [_lemma(token, language) for token in kept]
    known = [lemma for lemma in lemmas if _known(lemma, language)]
    if len(known) > 1 and known[-1] in TITLE_FOCUS:
        return known[-2]  # "awards show": the kind of show names the answer's kind
    if known:  # English puts the head last ("island nation"), compounds have it inside
        return _compound_head(known[-1] if language == "en" else known[0], language)
    if language == "en":
        return lemmas[-1]
    plain = [lemma for lemma, token in zip(lemmas, kept, strict=True) if not token.endswith("e")]
    return (plain or lemmas)[0]


def _head_words(run: list[str]) -> list[str]:
    """The words of a noun run that can be its head: no possessive marks, and no possessive
    that only classifies the word after it ("women" in "women’s sport")."""
    last = len(run) - 1
    return [
        token
        for index, token in enumerate(run)
        if token != POSSESSIVE and not (index + 1 < last and run[index + 1] == POSSESSIVE)
    ]


def _focus_run(rest: list[str], grammar: _Grammar, language: str) -> tuple[list[str], int]:
    """The noun run at the start of `rest` (possessive marks kept) and the index after it."""
    run: list[str] = []
    end = 0
    for index, token in enumerate(rest):
        if index - run.count(POSSESSIVE) >= 6:
            break
        if token == POSSESSIVE:
            if not run:
                break
            run.append(token)
            end = index + 1
            if _lemma(run[-2], language) == run[-2] and not run[-2].endswith("s"):
                break  # a singular possessor is what is asked for
            continue
        stop = token == "," or token in grammar.stops
        if stop or token in grammar.verbs or token.isdigit():
            if run or stop or token in grammar.auxiliaries:
                break
            continue
        if language == "en" and token.endswith("ly") and len(token) > 4:
            if run:
                break
            continue
        if language == "en" and run and token.endswith(("ed", "ing")) and len(token) > 4:
            break
        run.append(token)
        end = index + 1
    return run, end


def _slot(
    lowered: list[str], sentence: str, grammar: _Grammar | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(before, after): the words next to the answer when the question is put as a statement.

    In place ("approved the sale of which team"): the two words before the wh-word. Fronted and
    followed by do/will/has and a subject ("Which holiday did India celebrate"): the verb and its
    particle, which the answer follows. Fronted otherwise ("Which currency plummeted to a record
    low"): the words after the wh-phrase, which the answer precedes. None for "what is ...".
    """
    index = _wh_index(lowered, grammar) if grammar else None
    if grammar is None or index is None or grammar.wh[lowered[index]] not in _SLOT_WH:
        return (), ()
    if index > 0 and lowered[index - 1] != ",":
        before = lowered[max(index - 2, 0) : index]
        return tuple(before[before.index(",") + 1 :] if "," in before else before), ()
    end = _phrase_end(lowered, index, grammar)
    if end is None:
        return (), ()
    if lowered[end - 1] == POSSESSIVE:
        end -= 1  # "which individual’s account was locked": the answer is a possessor
    rest = lowered[end:]
    capitalised = _capitalised_words(sentence)
    if rest and rest[0] in grammar.auxiliaries and _opens_subject(rest[1:], capitalised, grammar):
        return _verb_after_subject(rest[1:], capitalised, grammar), ()
    after = _predicate(rest, grammar)
    return _passive_verb(after), after


def _passive_verb(after: tuple[str, ...]) -> tuple[str, ...]:
    """The participle of a passive predicate ("was renewed for"), which an active sentence puts
    before the answer ("Netflix renewed “Squid Game”"); () when the predicate is active."""
    index = 0
    while index < len(after) and after[index] in PASSIVE_AUXILIARIES:
        index += 1
    if index == 0 or index >= len(after):
        return ()
    verb = after[index]
    regular = verb.endswith(("ed", "en")) and not verb.endswith("een")  # not "green"
    return (verb,) if (regular and len(verb) > 3) or verb in _IRREGULAR_PARTICIPLES else ()


PASSIVE_AUXILIARIES = frozenset("is are was were be been being".split())
_IRREGULAR_PARTICIPLES = frozenset(
    """held made sold built found hit shut set put won lost told paid led struck sent brought
    bought caught taught kept left met read run seen shown known given taken done""".split()
)


_SLOT_WH = frozenset({"which", "what", "who"})
_PRONOUNS = frozenset("he she it they we you i".split())
_ADVERBS = frozenset(
    "recently reportedly also just still already now once first finally officially soon not "
    "never ever".split()
)
_PARTICLES = frozenset("out up off down back over away".split())


def _phrase_end(lowered: list[str], index: int, grammar: _Grammar) -> int | None:
    """The index after the wh-phrase that starts at `index` ("which wildly popular show"), or
    None when a copula follows the wh-word ("what is her name?", "which is the most ...")."""
    end = index + 1
    while end < len(lowered) and lowered[end] in grammar.skip:
        end += 1
    if end < len(lowered) and lowered[end] in grammar.copulas:
        return None
    if grammar.wh[lowered[index]] == "who":
        return end
    _, length = _focus_run(lowered[end:], grammar, "en")
    return end + length


def _capitalised_words(sentence: str) -> frozenset[str]:
    """The lower-cased words written with a capital after the sentence's first word: names."""
    return frozenset(word.lower() for word in words(sentence)[1:] if word[:1].isupper())


def _opens_subject(rest: list[str], capitalised: frozenset[str], grammar: _Grammar) -> bool:
    """Whether `rest` opens with a subject: a pronoun, a determiner, a name or a plural noun."""
    if not rest:
        return False
    token = rest[0]
    return (
        token in _PRONOUNS
        or token in grammar.determiners
        or token in capitalised
        or _plural_noun(token, grammar)
    )


def _plural_noun(token: str, grammar: _Grammar) -> bool:
    """Whether a lower-cased word looks like a plural noun ("lawmakers", "owners")."""
    return (
        token.endswith("s")
        and not token.endswith("ss")
        and token not in grammar.stops
        and token not in grammar.verbs
        and token not in grammar.auxiliaries
    )


def _verb_after_subject(
    rest: list[str], capitalised: frozenset[str], grammar: _Grammar
) -> tuple[str, ...]:
    """The verb (and its particle) after the subject that opens `rest`: "India celebrate",
    "NFL owners approve", "the company’s CEO announce", "he famously call"; () when none."""
    index = _subject_length(rest, capitalised, grammar)
    while index < len(rest) and (rest[index] in _ADVERBS or rest[index].endswith("ly")):
        index += 1
    if index >= len(rest) or rest[index] == "," or rest[index] in grammar.stops:
        return ()
    verb = rest[index : index + 1]
    if index + 1 < len(rest) and rest[index + 1] in _PARTICLES:
        verb.append(rest[index + 1])
    return tuple(verb)


def _subject_length(rest: list[str], capitalised: frozenset[str], grammar: _Grammar) -> int:
    """How many words the subject that opens `rest` takes."""
    token = rest[0]
    if token in _PRONOUNS:
        return 1
    index = 1
    if token in grammar.determiners:
        while index + 1 < len(rest) and rest[index + 1] == POSSESSIVE:
            index += 2
        return index + 1
    if token in capitalised:
        while index < len(rest) and (rest[index] in capitalised or rest[index] == POSSESSIVE):
            index += 1
        if index + 1 < len(rest) and _plural_noun(rest[index], grammar):
            index += 1  # "NFL owners"
    return index


def _predicate(rest: list[str], grammar: _Grammar) -> tuple[str, ...]:
    """Up to eight words after a fronted wh-phrase, adverbs skipped, to the clause's end."""
    words_ = [token for token in rest if token not in _ADVERBS and not token.endswith("ly")]
    clause = words_[: words_.index(",")] if "," in words_ else words_
    return tuple(clause[:8])


def _known(lemma: str, language: str) -> bool:
    """Whether the focus table or the title list knows `lemma` (Dutch/German: its compound head)."""
    return _compound_head(lemma, language) in _FOCUS_KINDS or lemma in TITLE_FOCUS


def _compound_head(lemma: str, language: str) -> str:
    """The known head of a Dutch or German compound ("autofabrikant" -> "fabrikant")."""
    if lemma in _FOCUS_KINDS or language not in ("nl", "de"):
        return lemma
    heads = [w for w in _FOCUS_KINDS if len(w) >= 4 and lemma.endswith(w)]
    return max(heads, key=len) if heads else lemma


@cache
def _lemma(token: str, language: str) -> str:
    """The lemma of one lower-cased token (itself when it is a stop word)."""
    found = content_terms(token, language)
    return found[0] if len(found) == 1 else token


def _terms(text: str, sentence: str, language: str) -> tuple[str, ...]:
    """Content lemmas, the question sentence's first, then the preamble's; compounds also split.

    Names are also kept as written (lower-cased): lemmatisers mangle them ("Lei" -> "leu").
    """
    stops = stop_words(language) | _ALL_WH
    preamble = text[: text.rfind(sentence)] if sentence in text else ""
    found: list[str] = []
    for part in (sentence, preamble):
        names = [w.lower() for w in words(part, language) if w[:1].isupper()]
        names = [name for name in names if name not in stops]
        for term in content_terms(part, language) + names:
            pieces = [term] + [p for p in re.split(r"[-‐‑/]", term) if len(p) >= 3 and p != term]
            found.extend(p for p in pieces if p not in _ALL_WH and _SAFE_TERM.fullmatch(p))
    return tuple(dict.fromkeys(found))[:MAX_TERMS]


_SAFE_TERM = re.compile(r"\w(?:[\w&'’.,:/%‐‑-]*\w%?)?")


def _entities(text: str, language: str) -> tuple[str, ...]:
    """Quoted phrases and capitalised names of the question (a sentence's first word only when
    it is not a stop word: "Netflix announced", not "Which")."""
    found = [m.group(1).strip() for m in _QUOTED.finditer(text)]
    starts = {0} | {m.end() for m in _SENTENCE_START.finditer(text)}
    stops = stop_words(language) | stop_words("en") | _ALL_WH
    for match in _CAPITALISED.finditer(text):
        phrase = _TRAILING.sub("", match.group(0))
        first, _, remainder = phrase.partition(" ")
        if match.start() in starts and first.lower() in stops:
            phrase = _TRAILING.sub("", remainder)
        if phrase:
            found.append(phrase)
    return tuple(dict.fromkeys(found))


_ALL_WH = frozenset(word for grammar in _GRAMMARS.values() for word in grammar.wh)
_SENTENCE_START = re.compile(r"[.?!:;]\s+[\"“]?")
