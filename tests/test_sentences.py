"""Sentence splitting, word tokens, segmenting blocks, and the tokenizer handed to sumy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sumy.nlp.stemmers import Stemmer
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.lex_rank import LexRankSummarizer

from summarizer.models import Block
from summarizer.sentences import segment, split_sentences, words
from summarizer.stopwords import stop_words
from summarizer.sumy_tokenizer import SumyTokenizer

BULLET = re.compile(r"^\s*(?:\d{1,2}[.)]|[•*–—-])\s", re.MULTILINE)
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


# Abbreviations


def test_english_titles_and_latin_abbreviations_do_not_split() -> None:
    """It keeps "Mr.", "Dr.", "e.g.", "i.e." and "vs." inside the sentence."""
    text = (
        "Mr. Smith and Dr. Jones compared brands, e.g. Xiaomi, i.e. a phone maker, vs. BMW. "
        "They disagreed."
    )
    assert split_sentences(text) == [
        "Mr. Smith and Dr. Jones compared brands, e.g. Xiaomi, i.e. a phone maker, vs. BMW.",
        "They disagreed.",
    ]


def test_abbreviations_before_numbers_do_not_split() -> None:
    """It keeps "Jan. 5", "No. 1" and "St. Louis" together but splits after a year."""
    text = "On Jan. 5 the No. 1 brand opened a store in St. Louis in Dec. 2023. Sales rose."
    assert split_sentences(text) == [
        "On Jan. 5 the No. 1 brand opened a store in St. Louis in Dec. 2023.",
        "Sales rose.",
    ]


def test_company_and_country_abbreviations_split_only_before_a_sentence_opener() -> None:
    """It splits after "U.S." or "etc." before "The", not before "Senate" or "Chief"."""
    text = (
        "Apple Inc. Chief Executive Tim Cook spoke to the U.S. Senate. "
        "Xiaomi sells phones, TVs, scooters etc. The cars came later. "
        "It does not sell them in the U.S. The reason is tariffs."
    )
    assert split_sentences(text) == [
        "Apple Inc. Chief Executive Tim Cook spoke to the U.S. Senate.",
        "Xiaomi sells phones, TVs, scooters etc.",
        "The cars came later.",
        "It does not sell them in the U.S.",
        "The reason is tariffs.",
    ]


def test_dutch_abbreviations() -> None:
    """It keeps "dhr.", "mevr.", "bijv.", "o.a.", "m.a.w.", "i.p.v.", "ca." and "nr." inside."""
    text = (
        "Dhr. Jansen en mevr. De Vries kochten bijv. een auto, o.a. een BMW, m.a.w. een dure "
        "auto i.p.v. een fiets, voor ca. 300 euro per maand enz. Het was nr. 5 in de lijst. "
        "Daarna ging het mis."
    )
    assert split_sentences(text, "nl") == [
        "Dhr. Jansen en mevr. De Vries kochten bijv. een auto, o.a. een BMW, m.a.w. een dure "
        "auto i.p.v. een fiets, voor ca. 300 euro per maand enz.",
        "Het was nr. 5 in de lijst.",
        "Daarna ging het mis.",
    ]


def test_german_abbreviations_and_ordinals() -> None:
    """It keeps "z.B.", "z. B.", "bzw.", "Dr." and the ordinal in "am 3. Oktober" inside."""
    text = (
        "Das ist z.B. ein Auto bzw. ein Bus von Dr. Müller. Nr. 5 kam am 3. Oktober, "
        "z. B. Autos. Die Firma wuchs 2023. Danach nicht mehr."
    )
    assert split_sentences(text, "de") == [
        "Das ist z.B. ein Auto bzw. ein Bus von Dr. Müller.",
        "Nr. 5 kam am 3. Oktober, z. B. Autos.",
        "Die Firma wuchs 2023.",
        "Danach nicht mehr.",
    ]


def test_french_abbreviations() -> None:
    """It keeps "M. Macron" and "p. ex." inside the sentence."""
    text = "M. Macron a parlé des prix, p. ex. Bruxelles et Paris. Mme Dupont a répondu."
    assert split_sentences(text, "fr") == [
        "M. Macron a parlé des prix, p. ex. Bruxelles et Paris.",
        "Mme Dupont a répondu.",
    ]


def test_initials() -> None:
    """It keeps the initials of "J. K. Rowling" and "George W. Bush" inside the sentence."""
    text = "J. K. Rowling wrote it. George W. Bush read it. Plan B. The plan failed."
    assert split_sentences(text) == [
        "J. K. Rowling wrote it.",
        "George W. Bush read it.",
        "Plan B.",
        "The plan failed.",
    ]


def test_lower_case_after_a_period_does_not_split() -> None:
    """It does not split before a lower-case word, even after an unknown abbreviation."""
    text = "The box holds approx. three units and 12 pcs. per crate. Sales rose."
    assert split_sentences(text) == [
        "The box holds approx. three units and 12 pcs. per crate.",
        "Sales rose.",
    ]


# Numbers and currencies


def test_decimals_and_percentages_do_not_split() -> None:
    """It keeps "RMB 20.6 billion ($2.87 billion)." and "7.16% compared to Q1." whole."""
    text = (
        "Its BEV business generated revenue of RMB 20.6 billion ($2.87 billion). "
        "Deliveries rose 26.4%, up 197.73% YoY and 7.16% compared to Q1. Margins held."
    )
    assert split_sentences(text) == [
        "Its BEV business generated revenue of RMB 20.6 billion ($2.87 billion).",
        "Deliveries rose 26.4%, up 197.73% YoY and 7.16% compared to Q1.",
        "Margins held.",
    ]


def test_currency_in_parentheses_then_a_new_sentence() -> None:
    """It keeps "RMB 215,900 ($29,700)." in one sentence and splits after the parenthesis."""
    text = (
        "Xiaomi's first EV, the SU7 electric sedan, debuted in China in March with a starting "
        "price of RMB 215,900 ($29,700). The company recently announced that it had surpassed "
        "its 2023 delivery target of 100,000 units."
    )
    assert split_sentences(text) == [
        "Xiaomi's first EV, the SU7 electric sedan, debuted in China in March with a starting "
        "price of RMB 215,900 ($29,700).",
        "The company recently announced that it had surpassed its 2023 delivery target of "
        "100,000 units.",
    ]


# Quotes, ellipses, question and exclamation marks


def test_sentence_ending_inside_quotes() -> None:
    """It splits after the closing quote, straight or curly, when the quote ends a sentence."""
    text = 'He said "it works." Then he left. She said “it works.” Then she left.'
    assert split_sentences(text) == [
        'He said "it works."',
        "Then he left.",
        "She said “it works.”",
        "Then she left.",
    ]


def test_quote_opening_a_sentence_and_question_inside_quotes() -> None:
    """It splits before an opening quote and not after '“Are you?”' followed by "she asked"."""
    text = "The CEO spoke. “We are ready,” he said. “Are you?” she asked. ‘Yes.’ Done."
    assert split_sentences(text) == [
        "The CEO spoke.",
        "“We are ready,” he said.",
        "“Are you?” she asked.",
        "‘Yes.’",
        "Done.",
    ]


def test_ellipses() -> None:
    """It splits after an ellipsis before a capital, not before a lower-case word."""
    text = "He paused... Then he left. Prices rose… and fell. Wait . . . What now?"
    assert split_sentences(text) == [
        "He paused...",
        "Then he left.",
        "Prices rose… and fell.",
        "Wait . . .",
        "What now?",
    ]


def test_question_and_exclamation_marks() -> None:
    """It splits after "?" and "!", also when they are repeated."""
    assert split_sentences("Is it fast? Yes! Really?! It is.") == [
        "Is it fast?",
        "Yes!",
        "Really?!",
        "It is.",
    ]


# Lines, bullets, links, no punctuation, CJK


def test_bullet_lines_are_one_sentence_each_without_marker() -> None:
    """It makes every bullet line (•, -, *, –, —, "1.", "2)") one sentence and strips the marker."""
    text = (
        "• Xiaomi sells its EVs solely in China. It plans to expand.\n"
        "  - Key hires include Rudolf Dittrich\n"
        "* The brand plans a European R&D facility\n"
        "– Munich is a candidate\n"
        "— Berlin is not\n"
        "1. First item\n"
        "2) Second item\n"
        "1.5 million cars were sold. That is a record."
    )
    assert split_sentences(text) == [
        "Xiaomi sells its EVs solely in China. It plans to expand.",
        "Key hires include Rudolf Dittrich",
        "The brand plans a European R&D facility",
        "Munich is a candidate",
        "Berlin is not",
        "First item",
        "Second item",
        "1.5 million cars were sold.",
        "That is a record.",
    ]


def test_wrapped_bullet_continues_on_the_next_line() -> None:
    """It joins an indented or lower-case line to the bullet above it."""
    text = (
        "• The brand says it’s “in the process of planning” its\n"
        "  European R&D facility.\n"
        "• Hiring is under way in Munich and\n"
        "more engineers will follow."
    )
    assert split_sentences(text) == [
        "The brand says it’s “in the process of planning” its European R&D facility.",
        "Hiring is under way in Munich and more engineers will follow.",
    ]


def test_links_and_emails_are_not_split() -> None:
    """It does not split inside URLs, domain names or e-mail addresses."""
    text = (
        "Read https://electrek.co/2025/08/xiaomi.html or write to press@xiaomi.com. "
        "The site www.mi.com has details."
    )
    assert split_sentences(text) == [
        "Read https://electrek.co/2025/08/xiaomi.html or write to press@xiaomi.com.",
        "The site www.mi.com has details.",
    ]


def test_short_line_without_punctuation_is_its_own_sentence() -> None:
    """It ends a sentence at a short unpunctuated line such as a title above a paragraph."""
    text = (
        "Xiaomi accelerates its global electric vehicle ambitions\n"
        "Chinese tech giant Xiaomi is reportedly preparing to expand its electric vehicle "
        "business beyond its home market, with several overseas regions in its sights.\n"
        "Xiaomi only recently launched its first EV model in China."
    )
    assert split_sentences(text) == [
        "Xiaomi accelerates its global electric vehicle ambitions",
        "Chinese tech giant Xiaomi is reportedly preparing to expand its electric vehicle "
        "business beyond its home market, with several overseas regions in its sights.",
        "Xiaomi only recently launched its first EV model in China.",
    ]


def test_wrapped_lines_are_joined() -> None:
    """It joins hard-wrapped lines, even one that ends without punctuation before a capital."""
    text = (
        "This paragraph was wrapped at a fixed width by an e-mail client and\n"
        "continues on the next line, naming the head of R&D, Rudolf Dittrich of\n"
        "BMW, before it finally ends here. Mr.\n"
        "Smith agreed."
    )
    assert split_sentences(text) == [
        "This paragraph was wrapped at a fixed width by an e-mail client and continues on the "
        "next line, naming the head of R&D, Rudolf Dittrich of BMW, before it finally ends here.",
        "Mr. Smith agreed.",
    ]


def test_a_caption_glued_to_the_next_sentence_is_cut_off() -> None:
    """It ends a sentence where a caption without a full stop runs into the next sentence."""
    text = (
        "Eliaquim Mangala (green bib) never made it off the Manchester City bench However, "
        "striker Glenn Murray scored twice. Prisoner Carlos Boente (pictured) was jailed for "
        "five years A serving prisoner has been jailed for making threats. "
        "Villagers search the rubble (file picture) The quake killed 72 people in India."
    )
    assert split_sentences(text) == [
        "Eliaquim Mangala (green bib) never made it off the Manchester City bench",
        "However, striker Glenn Murray scored twice.",
        "Prisoner Carlos Boente (pictured) was jailed for five years",
        "A serving prisoner has been jailed for making threats.",
        "Villagers search the rubble (file picture)",
        "The quake killed 72 people in India.",
    ]


def test_a_dutch_caption_glued_to_the_next_sentence_is_cut_off() -> None:
    """It cuts a Dutch caption off before "De", "Het" or "Volgens" and a lower-case word."""
    text = (
        "Lei Jun op het podium tijdens de presentatie De autofabrikant opent een centrum "
        "in München. "
        "Een Xiaomi SU7 bij de showroom Volgens analisten groeit de verkoop snel."
    )
    assert split_sentences(text, "nl") == [
        "Lei Jun op het podium tijdens de presentatie",
        "De autofabrikant opent een centrum in München.",
        "Een Xiaomi SU7 bij de showroom",
        "Volgens analisten groeit de verkoop snel.",
    ]


def test_titles_names_and_labels_are_not_taken_for_glued_sentences() -> None:
    """It keeps "told The Guardian", "seen by The Mail on Sunday", "a film called The Others",
    "images A and B" and German nouns together: none is a new sentence."""
    english = (
        "He told The Guardian that sales rose. The memo was seen by The Mail on Sunday today. "
        "She starred in a film called The Others last year. "
        "Infants can be seen in the images A and B while a juvenile is labelled C."
    )
    assert split_sentences(english) == [
        "He told The Guardian that sales rose.",
        "The memo was seen by The Mail on Sunday today.",
        "She starred in a film called The Others last year.",
        "Infants can be seen in the images A and B while a juvenile is labelled C.",
    ]
    dutch = "Het interview verscheen in De Telegraaf van zaterdag."
    assert split_sentences(dutch, "nl") == [dutch]
    german = "Der Konzern hat gestern Die Zeit informiert und die Pläne bestätigt."
    assert split_sentences(german, "de") == [german]


def test_text_without_punctuation_is_one_sentence() -> None:
    """It returns a text with no punctuation at all as one sentence, white space normalised."""
    text = "Xiaomi  hires\tBMW engineers for its Munich research centre"
    assert split_sentences(text) == ["Xiaomi hires BMW engineers for its Munich research centre"]


def test_empty_text_has_no_sentences() -> None:
    """It returns no sentences for empty or blank text."""
    assert split_sentences("") == []
    assert split_sentences(" \n\n\t ") == []


def test_cjk_full_stops() -> None:
    """It splits after 。！？ without needing spaces, keeping a closing quote with its sentence."""
    text = "小米汽车发布了新车。销量很好！你知道吗？他说：“是的。”然后离开了。"
    assert split_sentences(text, "zh") == [
        "小米汽车发布了新车。",
        "销量很好！",
        "你知道吗？",
        "他说：“是的。”",
        "然后离开了。",
    ]


def test_splitting_keeps_every_character_of_a_paragraph() -> None:
    """It loses no text: the sentences of each seed paragraph join back to the paragraph."""
    checked = 0
    for prefix in ("001", "002", "003", "004"):
        for paragraph in _seed(prefix).split("\n\n"):
            if BULLET.search(paragraph):
                continue  # bullet markers are dropped on purpose
            expected = " ".join(paragraph.split())
            assert " ".join(split_sentences(paragraph)) == expected
            checked += 1
    assert checked >= 30


# Words


def test_words_keep_numbers_codes_and_joined_words_whole() -> None:
    """It keeps "R&D", "215,900", "26.4%", "SU7", "U.S." and "Rolls-Royce" as single tokens."""
    text = (
        "Xiaomi’s R&D centre (SU7, YU7) costs RMB 215,900 ($29,700), up 26.4% in the U.S., "
        "e.g. at Rolls-Royce at 10:30."
    )
    assert words(text) == [
        "Xiaomi",
        "R&D",
        "centre",
        "SU7",
        "YU7",
        "costs",
        "RMB",
        "215,900",
        "29,700",
        "up",
        "26.4%",
        "in",
        "the",
        "U.S.",
        "e.g.",
        "at",
        "Rolls-Royce",
        "at",
        "10:30",
    ]


def test_words_drop_possessive_s_and_keep_contractions() -> None:
    """It drops a possessive ’s or 's ("Xiaomi’s" -> "Xiaomi") and keeps "don't" whole."""
    assert words("Xiaomi’s and BMW's engineers don't rest; the workers’ union") == [
        "Xiaomi",
        "and",
        "BMW",
        "engineers",
        "don't",
        "rest",
        "the",
        "workers",
        "union",
    ]


def test_words_strip_french_and_italian_elision() -> None:
    """It strips elided articles in French and Italian ("l’entreprise" -> "entreprise")."""
    assert words("l’entreprise qu'il aujourd'hui", "fr") == ["entreprise", "il", "aujourd'hui"]
    assert words("dell'anno un'altra", "it") == ["anno", "altra"]
    assert words("l’entreprise", "en") == ["l’entreprise"]


def test_words_of_cjk_are_characters() -> None:
    """It gives one token per Chinese character and keeps Latin codes whole."""
    assert words("小米SU7发布。") == ["小", "米", "SU7", "发", "布"]


def test_words_have_no_punctuation() -> None:
    """It returns no token made only of punctuation or symbols."""
    tokens = words("— “Hello” — he said... (really?) $ € & -- !!")
    assert tokens == ["Hello", "he", "said", "really"]


# Segment


def test_segment_numbers_sentences_in_document_order() -> None:
    """It numbers sentences across blocks and keeps each block's index and kind."""
    blocks = [
        Block("Xiaomi expands. Q1 results", "heading"),
        Block("Xiaomi sells EVs in China. It plans to expand.", "paragraph"),
        Block("• Key hires include Rudolf Dittrich. He worked at BMW.\n• Munich", "bullet"),
        Block("   ", "paragraph"),
        Block("The end.", "paragraph"),
    ]
    sentences = segment(blocks, "en")
    assert [(s.text, s.position, s.block, s.kind) for s in sentences] == [
        ("Xiaomi expands. Q1 results", 0, 0, "heading"),
        ("Xiaomi sells EVs in China.", 1, 1, "paragraph"),
        ("It plans to expand.", 2, 1, "paragraph"),
        ("Key hires include Rudolf Dittrich. He worked at BMW.", 3, 2, "bullet"),
        ("Munich", 4, 2, "bullet"),
        ("The end.", 5, 4, "paragraph"),
    ]


def test_segment_of_a_dutch_seed_article() -> None:
    """It segments the Dutch seed into sentences that all end with a period or are headings."""
    blocks = [Block(p.strip()) for p in _seed("001").split("\n\n") if p.strip()]
    sentences = segment(blocks, "nl")
    assert len(sentences) >= 40
    assert [s.position for s in sentences] == list(range(len(sentences)))
    assert "Hier krijgt Xiaomi’s visie vorm" in sentences[10].text


# sumy


@pytest.fixture
def no_nltk(monkeypatch: pytest.MonkeyPatch) -> None:
    """NLTK's tokenizers fail, as they do without their data: only ours may be used."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise LookupError("NLTK data is not available")

    monkeypatch.setattr("nltk.sent_tokenize", refuse)
    monkeypatch.setattr("nltk.word_tokenize", refuse)
    monkeypatch.setattr("nltk.tokenize.PunktTokenizer", refuse)


@pytest.mark.usefixtures("no_nltk")
def test_lexrank_over_an_english_article_with_our_tokenizer() -> None:
    """It lets PlaintextParser and LexRank summarise English with no NLTK tokenizer at all."""
    parser = PlaintextParser(_seed("002"), SumyTokenizer("english"))
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = stop_words("en")
    summary = [str(s) for s in summarizer(parser.document, 3)]
    source = " ".join(_seed("002").split())
    assert len(summary) == 3
    assert all(sentence in source for sentence in summary)
    first = next(s for s in parser.document.sentences if "215,900" in str(s))
    assert "215,900" in first.words  # sumy's own tokenizer drops numbers


@pytest.mark.usefixtures("no_nltk")
def test_lexrank_over_a_dutch_text_with_our_tokenizer() -> None:
    """It summarises Dutch and keeps "dhr. Jansen" in one sentence (Punkt has no Dutch list)."""
    text = (
        "Xiaomi opent een onderzoekscentrum in München. Dhr. Jansen van BMW leidt het centrum.\n"
        "Het bedrijf werft ingenieurs van BMW en Audi. De auto's komen in 2027 naar Europa.\n\n"
        "Xiaomi verkoopt nu alleen auto's in China. De SU7 kost ca. 30.000 euro."
    )
    parser = PlaintextParser(text, SumyTokenizer("nl"))
    summarizer = LexRankSummarizer(Stemmer("dutch"))
    summarizer.stop_words = stop_words("nl")
    sentences = [str(s) for s in parser.document.sentences]
    assert "Dhr. Jansen van BMW leidt het centrum." in sentences
    assert len(sentences) == 6
    assert len(summarizer(parser.document, 2)) == 2


def test_sumy_tokenizer_languages() -> None:
    """It takes an ISO code or a sumy name and reports sumy's name and the ISO code."""
    assert (SumyTokenizer("en").language, SumyTokenizer("en").code) == ("english", "en")
    assert (SumyTokenizer("Dutch").language, SumyTokenizer("Dutch").code) == ("dutch", "nl")
    tokenizer = SumyTokenizer("de")
    assert tokenizer.to_sentences("Das ist z.B. gut. Nr. 5 kam.") == (
        "Das ist z.B. gut.",
        "Nr. 5 kam.",
    )
    assert tokenizer.to_words("Das ist z.B. gut.") == ("Das", "ist", "z.B.", "gut")
