"""Ingesting articles into a real SQLite store: discovery, dedup, bad items, digests, periods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.digest import build_digest
from bot.discovery import IngestItem, discover
from bot.errors import InputError
from bot.ingest import IngestOptions, Ingestor, IngestOutcome
from bot.models import SourceText
from bot.period import check_period_label, parse_period
from bot.store import Store
from bot.textfile import ReadOptions
from tests.conftest import assert_sentences_of

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


class FixedClock:
    """A clock that tells the time it is set to."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def store(engine: Engine) -> Store:
    """A store on SQLite and on PostgreSQL (the conftest `engine`)."""
    return Store(engine)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


def ingest_all(ingestor: Ingestor, arguments: list[str]) -> list[IngestOutcome]:
    return [ingestor.ingest(item) for item in discover(arguments).items]


def test_discovery_walks_folders_sorted_and_skips_hidden_and_other_files(tmp_path: Path) -> None:
    """Folders are walked recursively and sorted; other extensions are noted, hidden ones not."""
    for name in ["b.txt", "a.md", "sub/c.html", "sub/d.htm", ".hidden.txt", ".git/e.txt", "x.pdf"]:
        path = tmp_path / "news" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Text.")
    found = discover([str(tmp_path / "news"), "https://example.com/a"])
    names = [Path(item.source).name for item in found.items]
    assert names == ["a.md", "b.txt", "c.html", "d.htm", "a"]
    assert found.items[-1] == IngestItem("https://example.com/a")
    assert [p.name for s in found.skipped for p in s.files] == ["x.pdf"]


def test_seeds_are_ingested_once(store: Store, clock: FixedClock, seeds_dir: Path) -> None:
    """Ingesting the seeds stores each once; doing it again reports them all unchanged."""
    ingestor = Ingestor(store, IngestOptions(points=3), clock)
    first = ingest_all(ingestor, [str(seeds_dir)])
    assert [o.status for o in first] == ["new"] * 5
    again = ingest_all(ingestor, [str(seeds_dir)])
    assert [o.status for o in again] == ["unchanged"] * 5
    assert [o.article.id for o in again if o.article] == [o.article.id for o in first if o.article]
    assert store.counts().articles == 5
    for outcome in first:
        assert outcome.article is not None
        assert 1 <= len(outcome.article.key_points) <= 3
        assert_sentences_of([p.text for p in outcome.article.key_points], outcome.article.text)


def test_whitespace_changes_do_not_make_a_new_article(
    store: Store, clock: FixedClock, tmp_path: Path
) -> None:
    """The fingerprint ignores whitespace: re-wrapped text is the same article."""
    ingestor = Ingestor(store, IngestOptions(), clock)
    (tmp_path / "a.txt").write_text("Prices rose.  Shares fell.\n\nMarkets closed.")
    (tmp_path / "b.txt").write_text("Prices rose. Shares fell.\nMarkets closed.\n")
    outcomes = ingest_all(ingestor, [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    assert [o.status for o in outcomes] == ["new", "unchanged"]


def write_bad_inputs(folder: Path) -> None:
    folder.mkdir()
    (folder / "01_empty.txt").write_bytes(b"")
    (folder / "02_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01" * 32)
    (folder / "03_latin1.txt").write_bytes(
        "Le café de la gare ferme. Les clients sont déçus.".encode("latin-1")
    )
    (folder / "04_utf16.txt").write_bytes(
        "Die Straße wird gesperrt. Die Anwohner sind verärgert.".encode("utf-16")
    )
    (folder / "05_one_sentence.txt").write_text("Xiaomi opens a factory in Beijing.")
    (folder / "06_no_punctuation.txt").write_text(
        "xiaomi opens a factory in beijing and hires staff"
    )
    (folder / "07_chinese.txt").write_text(
        "小米在北京开设工厂。该公司计划每年生产三十万辆电动汽车。小米还将在欧洲设立研发中心。"
    )
    (folder / "08_whitespace.md").write_text(" \n\n \t\n")
    (folder / "09_big.txt").write_text("Big news. " * 300)


def test_bad_inputs_fail_alone_and_the_batch_goes_on(
    store: Store, clock: FixedClock, tmp_path: Path
) -> None:
    """Empty, binary and oversized files fail with a reason naming the file; the rest go on."""
    write_bad_inputs(tmp_path / "in")
    options = IngestOptions(points=4, read=ReadOptions(max_bytes=1500))
    outcomes = ingest_all(Ingestor(store, options, clock), [str(tmp_path / "in")])
    by_name = {Path(o.source).name: o for o in outcomes}
    assert len(by_name) == 9
    reasons = {
        "01_empty.txt": "is empty",
        "02_binary.txt": "looks like a binary file, not text",
        "08_whitespace.md": "is empty",
        "09_big.txt": "is 3,000 bytes, over the 1,500 bytes limit",
    }
    for name, reason in reasons.items():
        assert by_name[name].status == "failed"
        assert f"{name} {reason}" in str(by_name[name].error)
    for name in ["03_latin1.txt", "04_utf16.txt"]:
        assert by_name[name].status == "new", by_name[name].error
    latin = by_name["03_latin1.txt"].article
    utf16 = by_name["04_utf16.txt"].article
    assert latin is not None
    assert "café" in latin.text
    assert "déçus" in latin.text
    assert utf16 is not None
    assert utf16.text.startswith("Die Straße")


@pytest.mark.parametrize(
    "name",
    [
        "03_latin1.txt",
        "04_utf16.txt",
        "05_one_sentence.txt",
        "06_no_punctuation.txt",
        "07_chinese.txt",
    ],
)
def test_odd_but_real_text_gets_a_best_effort_summary_or_a_reason(
    store: Store, clock: FixedClock, tmp_path: Path, name: str
) -> None:
    """Each odd text is summarised with key points from the article, or fails with a reason."""
    write_bad_inputs(tmp_path / "in")
    outcome = Ingestor(store, IngestOptions(points=4), clock).ingest(
        IngestItem(str(tmp_path / "in" / name), tmp_path / "in" / name)
    )
    if outcome.status == "failed":
        assert name in str(outcome.error)
        return
    stored = outcome.article
    assert stored is not None
    assert 1 <= len(stored.key_points) <= 4
    assert_sentences_of([p.text for p in stored.key_points], stored.text)


def test_urls_are_read_through_the_fetcher(store: Store, clock: FixedClock) -> None:
    """A URL item is fetched by the injected fetcher and stored with its final URL."""

    def fetch(url: str, now: datetime) -> SourceText:
        html = "<html><body><p>Markets rallied today. Investors cheered.</p></body></html>"
        return SourceText(url, html, "html", "Rally", url + "?final", now)

    ingestor = Ingestor(store, IngestOptions(), clock, fetch=fetch)
    outcome = ingestor.ingest(IngestItem("https://news.example/rally"))
    assert outcome.status == "new", outcome.error
    assert outcome.article is not None
    assert outcome.article.url == "https://news.example/rally?final"
    assert outcome.article.fetched_at == T0


def test_a_failing_fetch_is_one_failed_item(store: Store, clock: FixedClock) -> None:
    """A fetch error becomes the item's reason."""

    def fetch(url: str, now: datetime) -> SourceText:
        raise InputError("news.example answered 404 Not Found")

    outcome = Ingestor(store, IngestOptions(), clock, fetch=fetch).ingest(
        IngestItem("https://news.example/x")
    )
    assert outcome.status == "failed"
    assert outcome.error == "news.example answered 404 Not Found"


def test_digest_covers_the_period_newest_first(
    store: Store, clock: FixedClock, seed_files: list[Path]
) -> None:
    """The digest holds the articles ingested in its period, newest first, one story each."""
    ingestor = Ingestor(store, IngestOptions(), clock)
    ingestor.ingest(IngestItem(str(seed_files[0]), seed_files[0]))
    clock.now = T0 + timedelta(days=2)
    ingestor.ingest(IngestItem(str(seed_files[1]), seed_files[1]))
    clock.now = T0 + timedelta(days=2, hours=1)
    recent = build_digest(store, parse_period("24h", clock.now))
    everything = build_digest(store, parse_period("all", clock.now))
    assert [s.sources[0].source for s in recent.stories] == [str(seed_files[1])]
    assert [s.sources[0].source for s in everything.stories] == [
        str(seed_files[1]),
        str(seed_files[0]),
    ]
    for story in everything.stories:
        assert story.headline
        assert story.sources[0].title == "" or story.headline == story.sources[0].title


@pytest.mark.parametrize(
    ("label", "start"),
    [
        ("24h", T0 - timedelta(hours=24)),
        ("7d", T0 - timedelta(days=7)),
        ("36H", T0 - timedelta(hours=36)),
        ("all", None),
    ],
)
def test_periods(label: str, start: datetime | None) -> None:
    """Periods count back from now; "all" has no start."""
    assert parse_period(label, T0).start == start


def test_today_starts_at_local_midnight() -> None:
    """ "today" starts at midnight in the local timezone."""
    start = parse_period("today", T0).start
    assert start is not None
    local = start.astimezone()
    assert (local.hour, local.minute, local.second) == (0, 0, 0)
    assert start <= T0


@pytest.mark.parametrize("label", ["", "0h", "3w", "yesterday", "24", "h"])
def test_bad_periods_are_refused(label: str) -> None:
    """Anything but N h, N d, today or all is refused with a hint."""
    with pytest.raises(ValueError, match="24h or 7d"):
        check_period_label(label)
