"""Language identification on real article text, short texts in many languages and edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.language import MAX_CHARS, detect_language

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("prefix", "code"), [("000", "en"), ("001", "nl"), ("002", "en"), ("003", "en"), ("004", "en")]
)
def test_seed_articles(prefix: str, code: str) -> None:
    """It recognises the seed articles (001 Dutch, the others English) reliably."""
    guess = detect_language(_seed(prefix))
    assert guess.code == code
    assert guess.reliable
    assert guess.confidence > 0.99


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("de", "Der chinesische Konzern will seine Elektroautos bald auch in Europa verkaufen."),
        ("fr", "Le groupe chinois veut vendre ses voitures électriques en Europe dès 2027."),
        ("es", "La empresa china quiere vender sus coches eléctricos en Europa a partir de 2027."),
        ("it", "L'azienda cinese vuole vendere le sue auto elettriche in Europa entro il 2027."),
        ("pt", "A empresa chinesa quer vender os seus carros elétricos na Europa até 2027."),
        ("nl", "Het Chinese bedrijf wil zijn elektrische auto's vanaf 2027 in Europa verkopen."),
        ("en", "The Chinese company wants to sell its electric cars in Europe from 2027."),
    ],
)
def test_short_sentences_in_european_languages(code: str, text: str) -> None:
    """It identifies one news sentence in each of seven European languages."""
    guess = detect_language(text)
    assert guess.code == code
    assert guess.confidence > 0.5  # Spanish and Portuguese compete with Galician: 0.6-0.7


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("zh", "小米计划在2027年开始在欧洲销售电动汽车。"),
        ("ru", "Компания Xiaomi планирует продавать электромобили в Европе с 2027 года."),
        ("ar", "تخطط شركة شاومي لبيع سياراتها الكهربائية في أوروبا بحلول عام 2027."),
    ],
)
def test_non_latin_scripts(code: str, text: str) -> None:
    """It identifies Chinese, Russian and Arabic, with Latin brand names mixed in."""
    guess = detect_language(text)
    assert guess.code == code
    assert guess.reliable


@pytest.mark.parametrize(
    "text", ["", "   \n\t ", "12345 678,90", "!!! ... ??? -- ()", "2027 - 15%"]
)
def test_nothing_to_go_on_is_undetermined(text: str) -> None:
    """It answers "und" with confidence 0 for empty text, digits only or punctuation only."""
    guess = detect_language(text)
    assert (guess.code, guess.confidence, guess.reliable) == ("und", 0.0, False)


def test_links_alone_are_undetermined() -> None:
    """It ignores URLs and e-mail addresses, so a text made only of them is "und"."""
    guess = detect_language("https://www.example.com/news/2025/xiaomi press@example.com")
    assert guess.code == "und"


def test_a_bare_name_is_undetermined_not_a_random_language() -> None:
    """It answers "und" for a brand name and model code instead of a low-confidence guess."""
    guess = detect_language("Xiaomi SU7")
    assert guess.code == "und"
    assert not guess.reliable
    assert guess.confidence < 0.15


def test_mixed_text_gives_the_majority_language() -> None:
    """It gives the language of most of a text that mixes Dutch with an English quote."""
    text = (
        "Xiaomi opent een onderzoekscentrum in München en werft ingenieurs van BMW. "
        'Een woordvoerder zei: "We are planning our European R&D facility." '
        "Het bedrijf wil zijn auto's vanaf 2027 in Europa verkopen en zoekt nog personeel."
    )
    assert detect_language(text).code == "nl"


def test_only_the_start_of_a_long_text_is_read() -> None:
    """It decides on the first MAX_CHARS characters: a long English tail after them is ignored."""
    dutch = "Het bedrijf wil zijn elektrische auto's vanaf 2027 in Europa verkopen. "
    english = "The company wants to sell its electric cars in Europe from 2027. "
    text = dutch * (MAX_CHARS // len(dutch) + 1) + english * 500
    assert detect_language(text).code == "nl"
    assert detect_language(english * 500).code == "en"


def test_confidence_is_a_probability_and_reliable_follows_it() -> None:
    """It reports a confidence in [0, 1], high for a paragraph and lower for two words."""
    long = detect_language(_seed("002"))
    short = detect_language("Tesla Model")
    assert 0.0 <= short.confidence <= 1.0
    assert short.confidence < long.confidence
    assert not short.reliable
