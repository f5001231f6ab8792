"""Key point selection: count and budget, document order, redundancy, poor sentences demoted."""

from __future__ import annotations

import pytest

from summarizer.keypoints import select_key_points
from summarizer.models import Block, BlockKind, Sentence, SummaryOptions
from summarizer.quality import sentence_quality
from summarizer.sentences import segment

ARTICLE = [
    "Acme Motors will build a battery factory in Rotterdam that can make 200,000 packs a year.",
    "The plant will cost 1.2 billion euros and open in 2027, the company announced on Monday.",
    "Acme Motors chief executive Jane Smith said the factory would employ 1,500 people.",
    "Is this the end of Europe's dependence on imported batteries?",
    "He said it was a great day.",
    "Rotterdam was chosen for its port, which ships parts from Asia to the factory site.",
    "Subscribe to our newsletter for more news about electric cars.",
    "The Dutch government will contribute 150 million euros towards the battery plant.",
    "Analysts expect battery demand in Europe to triple by 2030.",
]


def _sentences(lines: list[str], kinds: list[BlockKind] | None = None) -> tuple[Sentence, ...]:
    chosen: list[BlockKind] = kinds or ["paragraph"] * len(lines)
    return segment([Block(text, kind) for text, kind in zip(lines, chosen, strict=True)])


def _texts(lines: list[str], **options: int) -> list[str]:
    points = select_key_points(
        _sentences(lines),
        title="Acme to build battery plant in Rotterdam",
        language="en",
        options=SummaryOptions(**options),
    )
    return [p.text for p in points]


def test_returns_the_requested_number_in_document_order() -> None:
    """It returns exactly N key points, ordered as in the article."""
    for n in (3, 4, 5):
        points = select_key_points(
            _sentences(ARTICLE), title="", language="en", options=SummaryOptions(points=n)
        )
        assert len(points) == n
        positions = [p.position for p in points]
        assert positions == sorted(positions)


def test_keeps_the_lead_and_skips_poor_key_points() -> None:
    """It keeps the lead and never picks the question, the bare 'He said' or the promotion."""
    texts = _texts(ARTICLE, points=5)
    assert texts[0] == ARTICLE[0]
    for poor in (ARTICLE[3], ARTICLE[4], ARTICLE[6]):
        assert poor not in texts


def test_word_budget_caps_the_total() -> None:
    """With max_words it stops once the budget is reached, whatever `points` says."""
    texts = _texts(ARTICLE, points=5, max_words=20)
    assert 1 <= len(texts) <= 2
    assert sum(len(t.split()) for t in texts[:-1]) < 20


def test_no_two_key_points_say_the_same_thing() -> None:
    """A near-copy of a chosen sentence is not chosen again."""
    copy = "Acme Motors will build a battery factory in Rotterdam that makes 200,000 packs a year."
    lines = [ARTICLE[0], copy, *ARTICLE[1:3], *ARTICLE[5:6], *ARTICLE[7:]]
    texts = _texts(lines, points=5)
    assert not (ARTICLE[0] in texts and copy in texts)


def test_lead_bullets_are_preferred_and_headings_never_chosen() -> None:
    """The article's own top bullets become key points; a heading never does."""
    lines = [
        "Acme picks Rotterdam for its first European battery plant",
        "The factory will make 200,000 battery packs a year from 2027.",
        "Investment totals 1.2 billion euros, with 150 million from the Dutch state.",
        *ARTICLE[2:3],
        *ARTICLE[5:6],
        *ARTICLE[8:],
    ]
    kinds: list[BlockKind] = ["heading", "bullet", "bullet", "paragraph", "paragraph", "paragraph"]
    points = select_key_points(
        _sentences(lines, kinds), title="", language="en", options=SummaryOptions(points=3)
    )
    texts = [p.text for p in points]
    assert lines[0] not in texts
    assert lines[1] in texts
    assert lines[2] in texts


def test_empty_and_heading_only_input_give_no_points() -> None:
    """No sentences, or only headings, give an empty tuple rather than an error."""
    options = SummaryOptions()
    assert select_key_points((), title="", language="en", options=options) == ()
    only_heading = _sentences(["A heading only"], ["heading"])
    assert select_key_points(only_heading, title="", language="en", options=options) == ()


def test_short_article_gives_what_it_has() -> None:
    """A two-sentence article gives at most two key points."""
    texts = _texts(ARTICLE[:2], points=5)
    assert texts == ARTICLE[:2]


def test_deterministic() -> None:
    """The same input gives the same key points and scores."""
    first = select_key_points(
        _sentences(ARTICLE), title="", language="en", options=SummaryOptions()
    )
    second = select_key_points(
        _sentences(ARTICLE), title="", language="en", options=SummaryOptions()
    )
    assert first == second


def test_dutch_article() -> None:
    """A Dutch article gets Dutch key points, and its context-dependent sentence is avoided."""
    lines = [
        "Xiaomi opent een onderzoekscentrum in München voor elektrische auto's.",
        "Dat is volgens analisten een logische stap.",
        "Het centrum wordt geleid door Rudolf Dittrich, die 15 jaar bij BMW werkte.",
        "Xiaomi wil zijn auto's tegen 2027 in Europa verkopen.",
        "Minstens vier andere BMW-ingenieurs zijn naar Xiaomi overgestapt.",
    ]
    points = select_key_points(
        segment([Block(t) for t in lines], "nl"),
        title="Xiaomi haalt BMW-ingenieurs naar München",
        language="nl",
        options=SummaryOptions(points=3),
    )
    texts = [p.text for p in points]
    assert texts[0] == lines[0]
    assert lines[1] not in texts


@pytest.mark.parametrize(
    ("sentence", "language"),
    [
        ("Is this the end of cheap batteries for everyone in Europe?", "en"),
        ("He said the decision was final and would not be revisited.", "en"),
        ("Subscribe to our newsletter to get the latest car news.", "en"),
        ("“We are very happy,” she said.", "en"),
        ("Dat is volgens analisten een logische stap voor het bedrijf.", "nl"),
        ("Abonneer je op onze nieuwsbrief voor meer autonieuws.", "nl"),
    ],
)
def test_quality_demotes_context_dependent_sentences(sentence: str, language: str) -> None:
    """Questions, pronoun openers, quotes and promotions score below a plain news sentence."""
    plain = sentence_quality(ARTICLE[0], "en")
    assert plain == 1.0
    assert sentence_quality(sentence, language) < 0.8


def test_quality_keeps_names_that_look_like_pronouns() -> None:
    """'This Week' or 'It Holdings' open a name, not a reference to missing context."""
    assert sentence_quality("This Week Group reported record sales in Europe.", "en") == 1.0
    assert sentence_quality("Het bedrijf opent een fabriek in München.", "nl") == 1.0
