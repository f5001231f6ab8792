"""Behaviour of `summarizer.cleaning.clean`: what stays as the article body and what is dropped."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from summarizer.cleaning import MAX_CHARS, clean, detect_format
from summarizer.models import CleanedText

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data" / "cleaning"

BODY_EN = "Xiaomi will open a research centre in Munich next year, the company said on Tuesday."
BODY_EN_2 = "The centre will employ about 200 engineers, many of them hired from BMW and Audi."
BODY_NL = "Xiaomi opent volgend jaar een onderzoekscentrum in München, meldde het bedrijf dinsdag."
BODY_NL_2 = "Het centrum krijgt ongeveer 200 ingenieurs, van wie velen eerder bij BMW werkten."


def texts(cleaned: CleanedText) -> list[str]:
    """The text of every kept block, in order."""
    return [block.text for block in cleaned.blocks]


def kinds(cleaned: CleanedText) -> list[str]:
    """The kind of every kept block, in order."""
    return [block.kind for block in cleaned.blocks]


def seed(number: int) -> CleanedText:
    """The cleaned seed article whose file name starts with `number`."""
    (path,) = SEEDS.glob(f"{number:03d}_*.txt")
    return clean(path.read_text(encoding="utf-8"))


def between(noise: str, first: str = BODY_EN, second: str = BODY_EN_2) -> CleanedText:
    """Clean a two-paragraph article with `noise` as its own paragraph in the middle."""
    return clean(f"{first}\n\n{noise}\n\n{second}")


# --- format detection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!DOCTYPE html><html><body><p>Hi.</p></body></html>", "html"),
        ("<div><p>One.</p><p>Two.</p></div>", "html"),
        ("<article>Only one tag here.</article>", "html"),
        ("# Heading\n\nBody text.", "markdown"),
        ("Some **bold** words.", "markdown"),
        ("See [the report](https://example.com) for details.", "markdown"),
        ("* first\n* second", "markdown"),
        ("Plain text.\n\n- a dash list\n- is plain text too", "text"),
        ("Just a sentence with #hashtag and 3 * 4 = 12.", "text"),
    ],
)
def test_detect_format(text: str, expected: str) -> None:
    """It tells HTML from markdown from plain text by their syntax."""
    assert detect_format(text) == expected


def test_explicit_format_wins_over_detection() -> None:
    """It treats markup as plain text when told the format is text."""
    cleaned = clean("<p>Hello there.</p>", fmt="text")
    assert texts(cleaned) == ["<p>Hello there.</p>"]


# --- plain text structure ----------------------------------------------------------------------


def test_blank_lines_and_single_lines_both_separate_paragraphs() -> None:
    """It makes one block per blank-line paragraph and one per line of a multi-line chunk."""
    cleaned = clean(f"{BODY_EN}\n{BODY_EN_2}\n\n{BODY_NL}")
    assert texts(cleaned) == [BODY_EN, BODY_EN_2, BODY_NL]


def test_wrapped_line_joins_the_sentence_it_continues() -> None:
    """It joins a line that starts in lower case to the unfinished line before it."""
    cleaned = clean("Xiaomi said on Tuesday that it would\nopen a research centre in Munich.")
    assert texts(cleaned) == [
        "Xiaomi said on Tuesday that it would open a research centre in Munich."
    ]


def test_hard_wrapped_paragraph_is_one_block() -> None:
    """It joins a paragraph hard-wrapped at a fixed width into one block."""
    wrapped = (
        "Xiaomi has opened a research and development centre in Munich to\n"
        "design electric cars for European buyers, the company said in a\n"
        "statement. It hired at least five senior engineers from BMW."
    )
    cleaned = clean(wrapped)
    assert texts(cleaned) == [" ".join(wrapped.split("\n"))]


@pytest.mark.parametrize("marker", ["•", "-", "*", "–", "—", "1.", "2)"])
def test_bullet_markers_make_bullets(marker: str) -> None:
    """It turns a line that starts with a list marker into a bullet without the marker."""
    cleaned = clean(f"{marker} Xiaomi hired five BMW engineers.\n\n{BODY_EN}")
    assert cleaned.blocks[0].kind == "bullet"
    assert cleaned.blocks[0].text == "Xiaomi hired five BMW engineers."


def test_indented_line_under_a_bullet_continues_it() -> None:
    """It appends an indented line to the bullet above it."""
    cleaned = clean(f"• Xiaomi hired five engineers\n  from BMW and Audi.\n\n{BODY_EN}")
    assert texts(cleaned)[0] == "Xiaomi hired five engineers from BMW and Audi."


@pytest.mark.parametrize("marker", ["•", "-", "–", "3."])
def test_empty_bullet_is_dropped(marker: str) -> None:
    """It drops a list marker with nothing after it."""
    cleaned = clean(f"• Xiaomi hired five BMW engineers.\n{marker}\n\n{BODY_EN}")
    assert texts(cleaned) == ["Xiaomi hired five BMW engineers.", BODY_EN]
    assert marker in cleaned.removed


def test_short_line_before_body_is_a_heading() -> None:
    """It makes a short line without final punctuation a heading when body text follows."""
    cleaned = clean(f"{BODY_EN}\n\nPlans for Europe\n\n{BODY_EN_2}")
    assert kinds(cleaned) == ["paragraph", "heading", "paragraph"]


def test_heading_before_bullets_is_a_heading() -> None:
    """It makes a short line followed by bullets a heading (Dutch)."""
    cleaned = clean(f"{BODY_NL}\n\nBelangrijke mijlpalen\n\n1. {BODY_NL_2}")
    assert kinds(cleaned) == ["paragraph", "heading", "bullet"]


def test_trailing_short_line_stays_a_paragraph() -> None:
    """It keeps a short last line as a paragraph: no body follows it, so it is no heading."""
    cleaned = clean(f"{BODY_EN}\n\nMore details next week")
    assert kinds(cleaned) == ["paragraph", "paragraph"]


def test_first_line_headline_becomes_the_title() -> None:
    """It takes a headline-like first line as the title and not as a body block."""
    cleaned = clean(f"Xiaomi opens a centre in Munich\n{BODY_EN}\n{BODY_EN_2}")
    assert cleaned.title == "Xiaomi opens a centre in Munich"
    assert texts(cleaned) == [BODY_EN, BODY_EN_2]


def test_given_title_is_kept_and_its_repeat_dropped() -> None:
    """It keeps a given title and drops a body line that repeats it in other case and spacing."""
    cleaned = clean(
        f"XIAOMI  opens a centre in Munich!\n\n{BODY_EN}", title="Xiaomi opens a centre in Munich"
    )
    assert cleaned.title == "Xiaomi opens a centre in Munich"
    assert texts(cleaned) == [BODY_EN]


def test_first_sentence_is_not_taken_as_title() -> None:
    """It leaves the title empty when the first line is a sentence."""
    cleaned = clean(f"{BODY_EN}\n\n{BODY_EN_2}")
    assert cleaned.title == ""
    assert texts(cleaned) == [BODY_EN, BODY_EN_2]


# --- whitespace ---------------------------------------------------------------------------------


def test_non_breaking_and_zero_width_characters_are_normalised() -> None:
    """It turns non-breaking spaces into spaces and removes zero-width characters."""
    cleaned = clean("Xiaomi\u00a0will open\u200b a centre\u2009in Munich.\ufeff  It said so.")
    assert texts(cleaned) == ["Xiaomi will open a centre in Munich. It said so."]


def test_windows_line_endings_are_line_breaks() -> None:
    """It reads CRLF text like LF text."""
    assert texts(clean(f"{BODY_EN}\r\n\r\n{BODY_EN_2}\r\n")) == [BODY_EN, BODY_EN_2]


# --- comment sections ---------------------------------------------------------------------------


def test_english_reader_comments_are_dropped() -> None:
    """It drops an English comment thread: marker, names, dates, handles, replies, comments."""
    article = (
        f"{BODY_EN}\n{BODY_EN_2}\nReader comments\n- Anonymous\n"
        "This will never work, nobody wants a phone on wheels.\n- 14 Dec 2024\n- CbF\n"
        "Reply\n- 3 replies\n- Anonymous\nI would buy one tomorrow.\n- 15 Dec 2024"
    )
    cleaned = clean(article)
    assert texts(cleaned) == [BODY_EN, BODY_EN_2]
    assert "This will never work, nobody wants a phone on wheels." in cleaned.removed


def test_dutch_reacties_are_dropped() -> None:
    """It drops a Dutch comment thread that starts with "Reacties"."""
    article = (
        f"{BODY_NL}\n\n{BODY_NL_2}\n\nReacties\n\nAnoniem\nDit gaat nooit werken.\n"
        "14 december 2024\n\nKees123\nIk koop er morgen een.\nBeantwoorden"
    )
    cleaned = clean(article)
    assert texts(cleaned) == [BODY_NL, BODY_NL_2]
    assert "Dit gaat nooit werken." in cleaned.removed


@pytest.mark.parametrize(
    "marker",
    [
        "Comments",
        "12 comments",
        "Leave a comment",
        "Join the conversation",
        "Reacties",
        "Lees meer reacties",
        "8 reacties",
        "Plaats een reactie",
    ],
)
def test_comment_markers_start_a_thread(marker: str) -> None:
    """It drops everything from a comment marker that a thread follows."""
    article = f"{BODY_EN}\n\n{marker}\n\nJan\n2 hours ago\nGreat article, thanks!\nReply"
    cleaned = clean(article)
    assert texts(cleaned) == [BODY_EN]
    assert marker in cleaned.removed


@pytest.mark.parametrize("marker", ["Leave a comment", "Laat een reactie achter"])
def test_comment_marker_at_the_end_is_dropped(marker: str) -> None:
    """It drops a comment marker that ends the page."""
    cleaned = clean(f"{BODY_EN}\n\n{BODY_EN_2}\n\n{marker}")
    assert texts(cleaned) == [BODY_EN, BODY_EN_2]


def test_comment_counter_near_the_top_does_not_eat_the_article() -> None:
    """It drops a "12 comments" counter above the body but keeps the body after it."""
    cleaned = clean(f"12 comments\n\n{BODY_EN}\n\n{BODY_EN_2}\n\n{BODY_NL}")
    assert texts(cleaned) == [BODY_EN, BODY_EN_2, BODY_NL]


def test_comments_as_an_ordinary_heading_is_kept() -> None:
    """It keeps "Reacties" as a heading when article text, not a thread, follows it."""
    article = f"{BODY_NL}\n\nReacties\n\n{BODY_NL_2}\n\n{BODY_EN}\n\n{BODY_EN_2}"
    cleaned = clean(article)
    assert texts(cleaned) == [BODY_NL, "Reacties", BODY_NL_2, BODY_EN, BODY_EN_2]
    assert kinds(cleaned)[1] == "heading"


# --- related links ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Read: Xiaomi Aims To Sell More EVs In China Than All German Brands Combined",
        "Read more: Xiaomi beats Tesla in China",
        "READ MORE: Man bites dog in Munich",
        "Related: BYD opens a plant in Hungary",
        "See also: NIO cuts prices in Norway",
        "Also read: Tesla slashes prices again",
    ],
)
def test_english_related_link_lines_are_dropped(line: str) -> None:
    """It drops an English "Read:"/"Related:" line that links to another article."""
    cleaned = between(line)
    assert texts(cleaned) == [BODY_EN, BODY_EN_2]
    assert line in cleaned.removed


@pytest.mark.parametrize(
    "line",
    [
        "Lees ook: Xiaomi verkoopt meer auto's dan Tesla",
        "Lees meer: BYD opent een fabriek in Hongarije",
        "Bekijk ook: NIO verlaagt de prijzen in Noorwegen",
        "Zie ook: Tesla verlaagt opnieuw de prijzen",
    ],
)
def test_dutch_related_link_lines_are_dropped(line: str) -> None:
    """It drops a Dutch "Lees ook:" line that links to another article."""
    cleaned = between(line, BODY_NL, BODY_NL_2)
    assert texts(cleaned) == [BODY_NL, BODY_NL_2]


@pytest.mark.parametrize("header", ["Related articles", "Gerelateerde artikelen"])
def test_related_block_with_its_links_is_dropped(header: str) -> None:
    """It drops a "Related articles" header together with the headlines listed under it."""
    links = "BYD opens a plant in Hungary\nNIO cuts prices in Norway\n- Tesla slashes prices"
    cleaned = clean(f"{BODY_EN}\n\n{header}\n{links}\n\n{BODY_EN_2}")
    assert texts(cleaned) == [BODY_EN, BODY_EN_2]
    assert "NIO cuts prices in Norway" in cleaned.removed


# --- bylines and credits ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Author: Scooter Doll",
        "By Jane Doe",
        "By Jane Doe and John Smith, Reuters",
        "Source: Electrek",
        "Reviewed By: Editorial Team",
        "Photo: Getty Images",
        "Photo by Jane Doe",
        "Image credit: Xiaomi",
        "Last updated at 10:20 AM on 1st January 2014",
        "Published: 12:00 EST, 1 January 2014 | Updated: 13:00 EST, 1 January 2014",
        "© 2025 Example News",
    ],
)
def test_english_bylines_and_credits_are_dropped(line: str) -> None:
    """It drops an English byline, credit or time stamp line."""
    cleaned = between(line)
    assert texts(cleaned) == [BODY_EN, BODY_EN_2]
    assert line in cleaned.removed


@pytest.mark.parametrize(
    "line",
    [
        "Door: Jan de Vries",
        "Door Jan de Vries",
        "Bron: ANP",
        "Foto: ANP",
        "Fotografie: Marieke van der Berg",
        "Redactie: Piet Pietersen",
        "Beeld: Xiaomi",
        "14 december 2024, 10:20",
    ],
)
def test_dutch_bylines_and_credits_are_dropped(line: str) -> None:
    """It drops a Dutch byline ("Door", "Bron", "Foto") or time stamp line."""
    cleaned = between(line, BODY_NL, BODY_NL_2)
    assert texts(cleaned) == [BODY_NL, BODY_NL_2]
    assert line in cleaned.removed


def test_daily_mail_byline_prefix_is_removed_from_the_first_sentence() -> None:
    """It strips a DailyMail "By . X . PUBLISHED: ... UPDATED: ..." prefix, keeps the sentence."""
    article = (
        "By . Daily Mail Reporter . PUBLISHED: . 12:00 EST, 1 January 2014 . | . "
        "UPDATED: . 13:00 EST, 1 January 2014 . A man was arrested in Munich on Tuesday."
    )
    assert texts(clean(article)) == ["A man was arrested in Munich on Tuesday."]


def test_daily_mail_prefix_with_two_bylines_is_removed() -> None:
    """It strips a DailyMail prefix that names two authors."""
    article = (
        "By . Associated Press . and Daily Mail Reporter . PUBLISHED: . 12:00 EST, 1 January "
        "2014 . | . UPDATED: . 13:00 EST, 1 January 2014 . A man was arrested on Tuesday."
    )
    assert texts(clean(article)) == ["A man was arrested on Tuesday."]


def test_daily_mail_last_updated_prefix_is_removed() -> None:
    """It strips a "Last updated at ... ." prefix from the first sentence."""
    article = "Last updated at 10:20 AM on 1st January 2014 . A man was arrested on Tuesday."
    assert texts(clean(article)) == ["A man was arrested on Tuesday."]


@pytest.mark.parametrize("prefix", ["(CNN) -- ", "LONDON, England (CNN) -- ", "(CNN)"])
def test_cnn_prefix_is_removed_from_the_first_sentence(prefix: str) -> None:
    """It strips a "(CNN) --" dateline and keeps the sentence."""
    cleaned = clean(f"{prefix}A man was arrested on Tuesday.")
    assert texts(cleaned) == ["A man was arrested on Tuesday."]
    assert prefix.strip() in cleaned.removed


@pytest.mark.parametrize(
    "prefix", [" date 2025-03 ", "Published: 2025-03-14 ", "Datum 2025-03-14 "]
)
def test_metadata_date_prefix_is_removed(prefix: str) -> None:
    """It strips a leading " date 2025-03 " metadata prefix and keeps the sentence."""
    assert texts(clean(f"{prefix}{BODY_NL}")) == [BODY_NL]


# --- repeated headlines -------------------------------------------------------------------------


def test_repeated_headline_is_dropped_everywhere_and_becomes_the_title() -> None:
    """It drops every copy of a headline that appears twice and uses it as the title."""
    headline = " Xiaomi Recruiting BMW Execs For European R&D Center"
    cleaned = clean(f"{BODY_EN}\n\n{headline}\n\n{BODY_EN_2}\n\n{headline}")
    assert cleaned.title == headline.strip()
    assert texts(cleaned) == [BODY_EN, BODY_EN_2]
    assert cleaned.removed.count(headline.strip()) == 2


def test_repeated_headline_with_other_punctuation_is_dropped() -> None:
    """It matches repeats case-, space- and punctuation-insensitively (Dutch)."""
    cleaned = clean(
        f"Xiaomi opent centrum in München\n\n{BODY_NL}\n\nXIAOMI opent centrum in München!"
    )
    assert texts(cleaned) == [BODY_NL]


def test_repeated_bullets_keep_their_first_copy() -> None:
    """It keeps the first of two identical short bullets (a key-points box shown twice)."""
    bullets = "• Xiaomi hires BMW engineers\n• Munich gets a research centre"
    cleaned = clean(f"{bullets}\n\n{BODY_EN}\n\n{bullets}")
    assert texts(cleaned) == [
        "Xiaomi hires BMW engineers",
        "Munich gets a research centre",
        BODY_EN,
    ]


def test_repeated_prose_keeps_its_first_copy() -> None:
    """It keeps the first copy of a repeated paragraph and drops the later one."""
    cleaned = clean(f"{BODY_EN}\n\n{BODY_EN_2}\n\n{BODY_EN}")
    assert texts(cleaned) == [BODY_EN, BODY_EN_2]


# --- calls to act and promotions ----------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Visit our website for more news about electric cars.",
        "For more insights into technology innovations, visit the website of Xiaomi.",
        "Subscribe to our newsletter",
        "Follow us on Twitter and Facebook",
        "Sign up for our daily briefing.",
    ],
)
def test_english_calls_to_visit_or_follow_are_dropped(line: str) -> None:
    """It drops an English call to visit a website, follow or subscribe."""
    cleaned = between(line)
    assert texts(cleaned) == [BODY_EN, BODY_EN_2]


@pytest.mark.parametrize(
    "line",
    [
        "Voor meer inzichten in technologische innovaties, bezoek de website van Xiaomi.",
        "Bezoek onze website voor meer nieuws.",
        "Volg ons op Instagram",
        "Abonneer je op onze nieuwsbrief",
        "Schrijf je in voor onze nieuwsbrief.",
    ],
)
def test_dutch_calls_to_visit_or_follow_are_dropped(line: str) -> None:
    """It drops a Dutch call to visit a website ("bezoek de website"), follow or subscribe."""
    cleaned = between(line, BODY_NL, BODY_NL_2)
    assert texts(cleaned) == [BODY_NL, BODY_NL_2]


@pytest.mark.parametrize(
    "line",
    [
        "Sponsored",
        "Advertisement",
        "ADVERTISEMENT",
        "Click here to read more",
        "Sign up",
        "Share this article",
        "Story continues below advertisement",
    ],
)
def test_english_promotions_are_dropped(line: str) -> None:
    """It drops an English promotion or sharing line."""
    cleaned = between(line)
    assert texts(cleaned) == [BODY_EN, BODY_EN_2]


@pytest.mark.parametrize(
    "line",
    ["Advertentie", "Gesponsord", "Deel dit artikel", "Klik hier voor meer", "Meld je aan"],
)
def test_dutch_promotions_are_dropped(line: str) -> None:
    """It drops a Dutch promotion or sharing line ("Advertentie", "Deel dit artikel")."""
    cleaned = between(line, BODY_NL, BODY_NL_2)
    assert texts(cleaned) == [BODY_NL, BODY_NL_2]


def test_separator_lines_are_dropped() -> None:
    """It drops lines without letters or digits, such as "***"."""
    assert texts(between("* * *")) == [BODY_EN, BODY_EN_2]


# --- real content that looks like noise ---------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Sources told Reuters that the company will open a plant in Munich.",
        "Read the full report, the minister told parliament on Tuesday.",
        "By 2027 Xiaomi wants to sell its cars across Europe.",
        "Xiaomi said on its website that the factory will open next year.",
        "Customers can visit the showroom in Munich from next week.",
        "The source of the leak was a former engineer at BMW.",
        "Share prices rose 5% on Tuesday after the announcement.",
        "Advertising revenue fell by a third in the quarter.",
        "Comments from the minister were welcomed by the industry.",
        "Updated figures show sales rose 5% in 2024.",
        "Follow-up orders came in from Germany and France.",
        "The car is sponsored by nobody, Lei Jun joked.",
        "For more than a decade, Xiaomi has sold its phones on its website and in shops.",
        "Copyright holders sued the company in Munich on Tuesday.",
        "Discussion of the plan will continue next week, the minister said.",
    ],
)
def test_english_body_sentences_that_mention_noise_words_stay(line: str) -> None:
    """It keeps an English body sentence that merely contains "read", "source", "visit" etc."""
    assert line in texts(between(line))


@pytest.mark.parametrize(
    "line",
    [
        "Door de regen werd de presentatie in München uitgesteld.",
        "Bronnen melden dat Xiaomi een fabriek in Duitsland overweegt.",
        "Reacties van lezers waren overwegend positief, schrijft de krant.",
        "Blijf geïnformeerd over EV-vooruitgangen: de markt verandert snel.",
        "Volgens de website van Xiaomi opent de fabriek volgend jaar.",
        "Lees de volledige verklaring van het bedrijf op dinsdag.",
        "Voor meer dan tien jaar verkocht Xiaomi telefoons via zijn website.",
        "Meer informatie over de fabriek volgt later deze maand.",
    ],
)
def test_dutch_body_sentences_that_mention_noise_words_stay(line: str) -> None:
    """It keeps a Dutch body sentence that merely starts with "Door" or mentions "website"."""
    assert line in texts(between(line, BODY_NL, BODY_NL_2))


# --- robustness ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", "\u200b\u00a0"])
def test_empty_input_gives_no_blocks(text: str) -> None:
    """It returns no blocks and no title for empty or blank input."""
    cleaned = clean(text)
    assert cleaned.blocks == ()
    assert cleaned.title == ""


def test_binary_garbage_does_not_crash() -> None:
    """It gives best-effort blocks for binary-looking input without raising."""
    garbage = bytes(range(256)).decode("latin-1") * 20
    cleaned = clean(garbage)
    assert all("\x00" not in block.text for block in cleaned.blocks)


def test_text_without_punctuation_keeps_its_lines() -> None:
    """It keeps lines of a text without any sentence punctuation as paragraphs."""
    cleaned = clean("Xiaomi opens a plant\n\nBYD cuts prices\n\nNIO expands to Norway")
    assert texts(cleaned) == ["Xiaomi opens a plant", "BYD cuts prices", "NIO expands to Norway"]
    assert set(kinds(cleaned)) == {"paragraph"}


@pytest.mark.parametrize(
    "markup",
    [
        "<div><p>unclosed <b>bold <p>Xiaomi opens a plant in Munich.",
        "<html><head><script>var x = '<p>';</script></head></html>",
        "<script>alert(1)</script><style>p { color: red }</style>",
        "<<<>>> </p></div></html>",
        "<?xml version='1.0' encoding='iso-8859-1'?><html><body><p>Café opens.</p></body></html>",
        "<html><body>\x00\x01\x02</body></html>",
    ],
)
def test_html_garbage_does_not_crash(markup: str) -> None:
    """It cleans broken or script-only HTML without raising."""
    cleaned = clean(markup, fmt="html")
    assert all("<script" not in block.text for block in cleaned.blocks)


def test_html_with_only_scripts_has_no_blocks() -> None:
    """It keeps nothing of a page that holds only scripts and styles."""
    cleaned = clean(
        "<html><head><script>alert(1)</script><style>p{}</style></head><body></body></html>"
    )
    assert cleaned.blocks == ()


def test_short_html_falls_back_to_paragraph_extraction() -> None:
    """It reads <p>, <li> and <h*> text itself when trafilatura finds no main text."""
    markup = (
        "<html><body><nav><a href='/'>Home</a></nav><h2>Plans</h2>"
        "<p>Xiaomi opens a plant.</p><ul><li>Two hundred jobs.</li></ul></body></html>"
    )
    cleaned = clean(markup)
    assert texts(cleaned) == ["Plans", "Xiaomi opens a plant.", "Two hundred jobs."]
    assert kinds(cleaned) == ["heading", "paragraph", "bullet"]
    assert "Home" not in texts(cleaned)


def test_same_input_gives_the_same_output() -> None:
    """It is deterministic."""
    text = (SEEDS / next(SEEDS.glob("002_*.txt")).name).read_text(encoding="utf-8")
    assert clean(text) == clean(text)


def test_oversized_input_is_cut_and_the_cut_is_reported() -> None:
    """It reads only the first MAX_CHARS characters of a huge text and says so in `removed`."""
    line = "Xiaomi opened another research centre in a European city this week.\n"
    cleaned = clean(line * (MAX_CHARS["text"] // len(line) + 100), fmt="text")
    assert cleaned.removed[-1].startswith("[not read:")


# --- speed --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line", ["Short headline line\n", "x\n", "Xiaomi sells cars. " * 50 + "\n"]
)
def test_twenty_megabyte_text_takes_seconds_not_minutes(line: str) -> None:
    """It cleans 20 MB of text (many lines, tiny lines or long lines) within a few seconds."""
    text = line * (20_000_000 // len(line))
    start = time.perf_counter()
    clean(text)
    assert time.perf_counter() - start < 10


def test_huge_html_and_markdown_take_seconds_not_minutes() -> None:
    """It cleans 20 MB of HTML and of markdown within a few seconds."""
    page = "<html><body><article>" + "<p>Xiaomi sells <b>cars</b> in China.</p>" * 500_000
    markdown = "## Plans\n\nXiaomi sells **cars** in [China](https://x.y).\n\n- Yes\n\n" * 350_000
    start = time.perf_counter()
    clean(page)
    clean(markdown)
    assert time.perf_counter() - start < 15


# --- seeds: golden checks on hand-picked strings ------------------------------------------------


def test_seed_000_keeps_lead_bullets_and_drops_read_line_and_repeated_headline() -> None:
    """Seed 000: three lead bullets stay; "Read:" and both copies of the headline go."""
    cleaned = seed(0)
    assert cleaned.title == "Xiaomi Recruiting BMW Execs For European R&D Center"
    assert kinds(cleaned)[:3] == ["bullet", "bullet", "bullet"]
    assert texts(cleaned)[0] == (
        "Currently, Xiaomi sells its EVs solely in China, but it plans to expand globally."
    )
    assert "Key hires include Rudolf Dittrich, who has worked at BMW and two F1 teams." in texts(
        cleaned
    )
    body = cleaned.text
    assert "Read:" not in body
    assert "Xiaomi Recruiting BMW Execs" not in body
    assert "Reuters understands that Jannis Hellwig has also jumped ship" in body
    assert texts(cleaned)[-1].startswith("Now, with the hypercar-rivaling SU7 Ultra on the market")
    assert len(cleaned.blocks) == 9


def test_seed_001_strips_date_prefix_and_drops_website_call() -> None:
    """Seed 001 (Dutch): the " date 2025-03 " prefix and "bezoek de website" line go."""
    cleaned = seed(1)
    assert texts(cleaned)[0].startswith("Xiaomi betreedt de markt voor elektrische voertuigen (EV)")
    assert "date 2025-03" in cleaned.removed
    body = cleaned.text
    assert "bezoek de website" not in body
    assert "Voor meer inzichten" not in body
    headings = [b.text for b in cleaned.blocks if b.kind == "heading"]
    assert "Belangrijke mijlpalen en innovatieve strategieën" in headings
    assert "Conclusie: Een veelbelovende vooruitblik" in headings
    bullets = [b.text for b in cleaned.blocks if b.kind == "bullet"]
    assert bullets[0].startswith("R&D-centrum in München: Gelegen in het hart")
    assert any(b.startswith("Regelgevende obstakels:") for b in bullets)
    assert texts(cleaned)[-1].startswith("Xiaomi’s entree in de EV-sector is meer dan")


def test_seed_002_takes_headline_as_title_and_drops_reader_comments() -> None:
    """Seed 002: the first line is the title; the comment thread after "Reader comments" goes."""
    cleaned = seed(2)
    assert cleaned.title == "Xiaomi accelerates its global electric vehicle ambitions"
    body = cleaned.text
    assert texts(cleaned)[0].startswith("Chinese tech giant Xiaomi is reportedly preparing")
    assert texts(cleaned)[-1].startswith("While Xiaomi has a strong track record")
    for noise in ("Reader comments", "Anonymous", "14 Dec 2024", "CbF", "Cowboy", "bomber"):
        assert noise not in body
    assert len(cleaned.blocks) == 7
    assert set(kinds(cleaned)) == {"paragraph"}


def test_seed_003_drops_author_source_and_reviewer_and_finds_the_heading() -> None:
    """Seed 003: "Author:", "Source:", "Reviewed By:" go; the 2027 line is a heading."""
    cleaned = seed(3)
    assert {"Author: Scooter Doll", "Source: Electrek", "Reviewed By: Editorial Team"} <= set(
        cleaned.removed
    )
    assert "Scooter Doll" not in cleaned.text
    heading = next(b for b in cleaned.blocks if b.kind == "heading")
    assert heading.text == "Xiaomi is aiming to sell its EVs in Europe by 2027"
    assert texts(cleaned)[0].startswith("Executives for Xiaomi Automobile have confirmed")
    assert texts(cleaned)[-1].startswith("These are good problems to have")
    assert "such as a sponsored curve on the Grand Prix Circuit." in cleaned.text


def test_seed_004_keeps_everything_and_finds_its_headings() -> None:
    """Seed 004: nothing is noise; the short lines before body text are headings."""
    cleaned = seed(4)
    assert cleaned.removed == ()
    headings = [b.text for b in cleaned.blocks if b.kind == "heading"]
    assert "Xiaomi’s new electric car factory in China" in headings
    assert "Autonomous driving will be key in Xiaomi electric cars" in headings
    assert texts(cleaned)[0].startswith("The technological giant Xiaomi entered the big door")
    assert texts(cleaned)[-1].startswith("An important part of the current Xiaomi EV workforce")


# --- HTML and markdown fixtures -----------------------------------------------------------------


def test_html_page_keeps_the_article_and_drops_page_furniture() -> None:
    """It keeps an HTML article's text, list and subheading; nav, comments, related links go."""
    cleaned = clean((DATA / "article.html").read_text(encoding="utf-8"))
    assert cleaned.title == "Xiaomi opens a research centre in Munich"
    assert texts(cleaned) == [
        "Xiaomi has opened a research and development centre in Munich, Germany, to design "
        "electric cars for European buyers. The company hired at least five senior engineers "
        "from BMW for the site.",
        "The centre will employ about 200 people by the end of next year.",
        "Rudolf Dittrich, a former BMW executive, leads the team.",
        "Plans for Europe",
        "Xiaomi wants to sell its SU7 sedan and YU7 SUV in Europe from 2027. Sources told "
        "Reuters that the first market will be Germany, followed by France and the Netherlands.",
        "The company delivered 81,302 vehicles in the second quarter, up 197 percent from a "
        "year earlier, and expects deliveries to keep rising as a second factory opens in Beijing.",
    ]
    assert kinds(cleaned) == ["paragraph", "bullet", "bullet", "heading", "paragraph", "paragraph"]
    for noise in ("Home", "NIO cuts prices", "phone on wheels", "All rights reserved", "Read more"):
        assert noise not in cleaned.text


def test_markdown_article_is_stripped_of_syntax_and_noise() -> None:
    """It maps markdown to blocks, strips inline syntax and drops byline, links, ads, comments."""
    cleaned = clean((DATA / "article.md").read_text(encoding="utf-8"))
    assert cleaned.title == "Xiaomi bouwt een onderzoekscentrum in München"
    assert texts(cleaned)[0] == (
        "Xiaomi opent een onderzoeks- en ontwikkelingscentrum in München, waar het elektrische "
        "auto's voor Europese kopers ontwerpt. Het bedrijf haalde minstens vijf ingenieurs weg "
        "bij BMW."
    )
    assert kinds(cleaned) == ["paragraph", "bullet", "bullet", "heading", "paragraph", "paragraph"]
    assert texts(cleaned)[3] == "Plannen voor Europa"
    body = cleaned.text
    for noise in ("Jan de Vries", "Lees ook", "Advertentie", "Volg ons", "Anoniem", "Kees123"):
        assert noise not in body
    for syntax in ("**", "](", "![", "`", "#"):
        assert syntax not in body


def test_markdown_heading_levels_and_nested_lists() -> None:
    """It makes every markdown heading a heading and every list item, nested too, a bullet."""
    markdown = "# Title here\n\n## Part one\n\nBody text here.\n\n- outer\n  - inner\n\n1. first"
    cleaned = clean(markdown)
    assert cleaned.title == "Title here"
    assert texts(cleaned) == ["Part one", "Body text here.", "outer", "inner", "first"]
    assert kinds(cleaned) == ["heading", "paragraph", "bullet", "bullet", "bullet"]
