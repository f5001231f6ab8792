"""Golden key points of the five seed articles.

`tests/golden/seed_key_points.json` was read and agreed by a person: each point is a sentence
of the article that carries its news, and none is page furniture. When the ranker changes on
purpose, re-read the new points before replacing the file; never regenerate it blindly.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from summarizer import Summary, summarize

REPO = Path(__file__).resolve().parents[1]
GOLDEN = json.loads((REPO / "tests/golden/seed_key_points.json").read_text(encoding="utf-8"))
SEEDS = sorted(GOLDEN)

# What the seeds carry that is not article text: none of it may reach a key point.
NOISE = re.compile(
    r"^Read:|Reader comments|Anonymous|CbF|Author:|Source:|Reviewed By:|bezoek de website|"
    r"^date \d|Recruiting BMW Execs For European R&D Center",
    re.IGNORECASE,
)

# Hand-picked: the news a reader must get from each seed.
MUST_HAVE = {
    "000_89d674eb3127cf61.txt": ["Key hires include Rudolf Dittrich"],
    "001_2d160cab56e072f1.txt": ["onderzoeks- en ontwikkelingscentrum op in München", "tegen 2027"],
    "002_bf494e688fbae5b2.txt": ["RMB 215,900 ($29,700)"],
    "003_5cf2ce85cec29bc8.txt": ["start selling its EVs in new overseas markets, including Europe"],
    "004_8569e7aec8610ea9.txt": ["capacity to produce 300,000 electric cars annually"],
}


def _summary(name: str) -> Summary:
    return summarize((REPO / "seeds" / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", SEEDS)
def test_key_points_match_the_reviewed_golden_file(name: str) -> None:
    """Each seed gives exactly the reviewed key points, in document order."""
    summary = _summary(name)
    assert summary.language == GOLDEN[name]["language"]
    assert [p.text for p in summary.key_points] == GOLDEN[name]["key_points"]


@pytest.mark.parametrize("name", SEEDS)
def test_key_points_carry_no_noise(name: str) -> None:
    """No byline, comment, related link, repeated headline or call to visit becomes a key point."""
    for point in _summary(name).key_points:
        assert not NOISE.search(point.text), point.text


@pytest.mark.parametrize("name", SEEDS)
def test_key_points_carry_the_news(name: str) -> None:
    """The facts a reader must get from each seed are in its key points."""
    text = " ".join(p.text for p in _summary(name).key_points)
    for needle in MUST_HAVE[name]:
        assert needle in text


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("000_89d674eb3127cf61.txt", "Xiaomi Recruiting BMW Execs For European R&D Center"),
        ("002_bf494e688fbae5b2.txt", "Xiaomi accelerates its global electric vehicle ambitions"),
    ],
)
def test_titles_found_in_the_seeds(name: str, title: str) -> None:
    """A repeated headline (000) and a leading headline (002) become the title."""
    assert _summary(name).title == title
