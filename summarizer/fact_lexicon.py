"""Closed word classes that fact extraction reads names, roles and counts with (English, Dutch).

Lists of constants only, compared lower-cased unless a comment says otherwise; the gazetteers of
open classes (places, first names, known organisations) live in `summarizer.gazetteer`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeAlias

_Trie: TypeAlias = "dict[str, _Trie]"


def words(text: str) -> frozenset[str]:
    """The white-space separated words of `text`."""
    return frozenset(text.split())


def alternation(options: Iterable[str]) -> str:
    """A regex that matches any of `options` literally, longest first, written as a trie.

    Python's regex engine tries the branches of a flat alternation one after the other at every
    position; a trie ("c(?:eo|fo|hair(?:man)?)") decides by one character at a time, which keeps
    word lists of a hundred entries cheap to search for.
    """
    trie: _Trie = {}
    for option in options:
        node = trie
        for character in option:
            node = node.setdefault(character, {})
        node[""] = {}
    return _render(trie)


def _render(node: _Trie) -> str:
    """The regex of one trie node: its branches, optional when a word may end here."""
    branches = [
        re.escape(character) + _render(child)
        for character, child in sorted(node.items())
        if character
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return f"(?:{body})?" if len(branches) == 1 else body + "?"
    return body


# Legal forms: kept in a span, dropped from the canonical name ("Xiaomi Corp." -> "Xiaomi").
# "Group" and "Holding(s)" are dropped too, so that "BMW Group" and "BMW" are one organisation.
LEGAL_SUFFIXES = words(
    """
    inc inc. incorporated corp corp. corporation co co. company ltd ltd. limited llc l.l.c. llp
    lp plc ag se sa s.a. nv n.v. bv b.v. gmbh kgaa oyj asa ab spa s.p.a. pty group holdings
    holding groep
    """
)
# The last word of an organisation's name (legal forms included).
ORG_HEADS = LEGAL_SUFFIXES | words(
    """
    motors motor automobile automotive auto airlines airways bank bancorp capital partners
    ventures investments technologies technology tech labs systems software networks network
    communications media pharmaceuticals pharma therapeutics biotech energy electronics
    industries enterprises entertainment studios pictures records games foods brands stores
    research institute university college academy foundation fund trust association federation
    union council commission committee agency authority ministry department bureau services
    party parliament assembly court army navy club fc news times post journal herald gazette
    tribune telegraph press magazine broadcasting television radio insurance securities exchange
    reserve board telecom hospital museum church united city rovers wanderers athletic
    albion hotspur
    universiteit hogeschool ministerie partij stichting vereniging bank groep rechtbank kamer raad
    werke gruppe stiftung
    """
)
# The first word of "University of X", "Bank of X", "Ministerie van X".
ORG_OF_HEADS = words(
    """
    university bank ministry department institute museum office board bureau church school
    college council commission court academy federation association universiteit ministerie
    hogeschool
    """
)
# The last word of a facility or geographic feature ("Times Square", "Grand Prix Circuit").
PLACE_HEADS = words(
    """
    street avenue road square park airport station bridge river lake mountain mountains island
    islands bay sea ocean valley county province region coast canal peninsula desert circuit
    stadium arena beach harbour harbor strait gulf
    """
)
# The first word of "Gulf of Mexico", "Isle of Man", "City of London".
PLACE_OF_HEADS = words("gulf bay isle island islands sea strait cape lake city republic kingdom")

# Person titles written before a name (compared without a final period).
TITLES = words(
    """
    mr mrs ms miss dr prof sir dame lord lady sen rep gov gen col capt sgt rev hon
    dhr mevr mw drs ir ing herr frau mme mlle
    """
)
# Name particles that may stand inside a person's name after a first name ("Rudolf van der Berg").
NAME_PARTICLES = words("van der den de het ter ten von zu da di del della du le la bin al el")

# Words that name a job or office: they end a name and carry roles ("Xiaomi CEO Lei Jun").
ROLE_HEADS = words(
    """
    ceo cfo cto coo cmo cio chairman chairwoman chair chairperson president founder co-founder
    cofounder head director manager spokesperson spokesman spokeswoman minister secretary
    governor senator mayor chancellor premier analyst economist engineer designer executive boss
    owner leader editor professor researcher scientist coach captain ambassador commissioner
    treasurer chief partner investor lawyer attorney judge
    topman topvrouw directeur bestuursvoorzitter voorzitter oprichter medeoprichter woordvoerder
    woordvoerster burgemeester hoofd baas leider bestuurder topbestuurder commissaris analist
    econoom ingenieur ontwerper hoogleraar minister-president staatssecretaris
    """
)
# Multi-word roles, matched before their last word alone ("chief executive officer").
ROLE_PHRASES = (
    "chief executive officer",
    "chief financial officer",
    "chief technology officer",
    "chief operating officer",
    "chief marketing officer",
    "chief executive",
    "executive chairman",
    "executive director",
    "executive vice president",
    "vice president",
    "vice chairman",
    "managing director",
    "general manager",
    "prime minister",
    "foreign minister",
    "finance minister",
    "attorney general",
    "secretary general",
    "head coach",
    "algemeen directeur",
    "financieel directeur",
)
# Words before a role that belong to it ("former president", "voormalige BMW-executive").
ROLE_MODIFIERS = words(
    """
    former ex then-ex senior deputy acting interim global regional new current outgoing incoming
    founding then co- associate assistant junior lead principal
    voormalige voormalig oud huidige nieuwe waarnemend adjunct plaatsvervangend interim
    """
)

# Capitalised words of an office that may stand right before a name ("Secretary of State Colin
# Powell", "Home Secretary David Blunkett" after the role word).
OFFICE_WORDS = words(
    """
    state foreign home defence defense health culture trade interior justice finance treasury
    labour tory conservative democrat democratic republican liberal green opposition shadow
    """
)
# Words that open sentences without being names ("Yesterday, ...", "Meanwhile ...").
SENTENCE_ADVERBS = words(
    """
    yesterday today tomorrow tonight meanwhile however overall currently additionally
    separately finally earlier later recently nevertheless moreover furthermore instead
    gisteren vandaag morgen vanavond inmiddels intussen ondertussen bovendien daarnaast
    """
)
# Lower-case nouns that introduce a person's name ("rapper Kanye West", "zanger Marco Borsato").
PERSON_NOUNS = words(
    """
    rapper singer actor actress star player striker midfielder defender goalkeeper artist author
    writer novelist comedian musician lawmaker politician activist journalist reporter
    billionaire entrepreneur tycoon businessman businesswoman astronaut prosecutor detective
    pastor priest bishop cardinal suspect victim defendant candidate director producer presenter
    host anchor chef designer model athlete driver champion veteran
    zanger zangeres acteur actrice speler schrijver schrijfster politicus journalist ondernemer
    miljardair verdachte kandidaat presentator presentatrice coureur kampioen veteraan
    """
)
# Nationality and region adjectives: never a name on their own ("Chinese tech giant Xiaomi").
DEMONYMS = words(
    """
    american british english scottish welsh irish french german dutch belgian chinese japanese
    korean indian russian ukrainian italian spanish portuguese swiss austrian swedish norwegian
    danish finnish polish czech greek turkish israeli iranian iraqi saudi egyptian african
    european asian western eastern northern southern western-style canadian mexican brazilian
    australian taiwanese vietnamese thai indonesian arab arabic latin nordic scandinavian
    hungarian romanian bulgarian serbian croatian pakistani afghan syrian lebanese palestinian
    nigerian kenyan ethiopian argentine argentinian chilean colombian peruvian venezuelan cuban
    duits duitse chinees chinese amerikaans amerikaanse brits britse engels engelse frans franse
    nederlands nederlandse belgisch belgische europees europese aziatisch aziatische japans
    japanse russisch russische italiaans italiaanse spaans spaanse westers westerse oosters
    oosterse zweeds zweedse koreaans koreaanse indiaas indiase
    """
)
# Endings of nationality adjectives not listed above ("Kazakhstani", "Maltese").
DEMONYM_ENDINGS = ("ese", "ian", "ean", "ish", "ani", "iya")

# Upper-case abbreviations that are common nouns, not organisations ("EV", "R&D", "CEO").
COMMON_ACRONYMS = words(
    """
    ev evs suv suvs bev phev hev ice ceo cfo cto coo cmo cio md phd mba ba ma msc bsc ai ar vr
    xr tv pc it hr pr ip ipo gdp cpi vat btw etf esg kpi roi eps yoy qoq mom m&a r&d q&a b2b b2c
    saas api cpu gpu ram ssd usb hdmi led lcd oled nft co2 dna rna hiv aids covid sars faq diy
    pdf url html sms pin id vip utc gmt cet est pst edt cest am pm bc ad ok usp lgbt lgbtq
    lgbtqia bbq asap fyi sdv sdvs adas ota wifi gps 4g 5g lte nfc hq ev's suv's rpm mph kmh dvd
    dvds cd cds mp mps mep meps pm qc ko
    kwh mwh gwh kw mw gw dc ac uv hd uhd fps ui ux os ios cad gpt llm ml nlp rd
    no yes or and the of to in on at by for new read watch live video photos update breaking
    """
)

# Month and weekday names: dates, not names ("In June, Xiaomi..."). Abbreviations are left out:
# "Jun" and "Jan" are names too ("Lei Jun").
CALENDAR_WORDS = words(
    """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    januari februari maart mei juni juli augustus oktober
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
    """
)

# Cues that the capitalised words right after them name an organisation ("tech giant Xiaomi").
ORG_NOUNS_BEFORE = words(
    """
    company firm giant maker automaker carmaker manufacturer brand startup start-up retailer
    lender insurer airline broadcaster publisher developer supplier conglomerate behemoth rival
    subsidiary chipmaker operator outlet newspaper agency platform app network retailer
    bedrijf concern fabrikant autofabrikant merk techbedrijf techgigant techreus reus
    autobouwer automaker
    """
)
# Plural nouns that introduce a list of organisations ("brands like X, Y and Z").
ORG_LIST_NOUNS = words(
    """
    companies firms brands automakers carmakers manufacturers rivals competitors banks makers
    lenders retailers airlines startups giants
    bedrijven merken fabrikanten autofabrikanten autobouwers concurrenten rivalen collega’s
    collega's banken
    """
)
