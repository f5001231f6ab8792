"""Topic matching: which stored articles a subscription would alert on, and why, in any language."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from bot import cli_topics
from bot.app import App, Choices, open_app
from bot.config import load_config
from bot.errors import QueryError
from bot.models import SourceText
from bot.topic_match import TopicMatches, topic_matches
from summarizer.embeddings import MultilingualEmbedder, normalise_rows
from summarizer.topics import TopicDocument, TopicError, TopicMatcher, coverage, topic_terms
from tests.conftest import SEEDS_DIR, flat


@pytest.fixture(scope="module")
def embedder() -> MultilingualEmbedder:
    return MultilingualEmbedder()


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("topics") / "seeds.db"


@pytest.fixture(scope="module")
def core(db_path: Path, embedder: MultilingualEmbedder) -> Iterator[App]:
    """A store holding the five seed articles (ingested once for the module)."""
    config = load_config(None, {"HOME": str(db_path.parent)})
    with open_app(config, store_url=str(db_path), embedder=embedder) as app:
        for path in sorted(SEEDS_DIR.glob("*.txt")):
            source = SourceText(path.name, path.read_text(encoding="utf-8"))
            assert app.ingestor.ingest_source(source).status == "new"
        yield app


@pytest.fixture(scope="module")
def matcher(embedder: MultilingualEmbedder) -> TopicMatcher:
    return TopicMatcher(embedder)


def seed_id(core: App, prefix: str) -> str:
    """The article id of the seed file starting with `prefix`."""
    (article,) = [a for a in core.store.articles_since(None) if a.source.startswith(prefix)]
    return article.id


def match(core: App, matcher: TopicMatcher, topic: str) -> TopicMatches:
    return topic_matches(core.store, matcher, topic, articles=core.articles, limit=10)


def matched_ids(result: TopicMatches) -> list[str]:
    return [item.article_id for item in result.matches]


def test_the_dutch_article_on_european_plans_matches_europe_expansion(
    core: App, matcher: TopicMatcher
) -> None:
    """The Dutch Munich R&D article matches; the Beijing factory article does not."""
    found = matched_ids(match(core, matcher, "Europe expansion"))
    assert seed_id(core, "001") in found
    assert seed_id(core, "004") not in found


def test_a_topic_none_of_the_seeds_is_about_matches_nothing(
    core: App, matcher: TopicMatcher
) -> None:
    """All seeds are about Xiaomi's cars; none is about battery recycling."""
    assert match(core, matcher, "battery recycling").matches == ()


def test_why_is_a_real_sentence_of_the_matched_article(core: App, matcher: TopicMatcher) -> None:
    """Each match names a sentence (or the title) of its own article, best match first."""
    result = match(core, matcher, "Europe expansion")
    assert result.matches
    scores = [item.score for item in result.matches]
    assert scores == sorted(scores, reverse=True)
    for item in result.matches:
        article = core.store.get_article(item.article_id)
        assert article is not None
        assert flat(item.sentence) in flat(f"{article.title}\n{article.text}")


def test_a_dutch_topic_finds_the_english_article_about_it(core: App, matcher: TopicMatcher) -> None:
    """The topic “fabriek in Peking” (factory in Beijing) finds the English Beijing article."""
    result = match(core, matcher, "fabriek in Peking")
    assert matched_ids(result)[:1] == [seed_id(core, "004")]
    assert "Beijing" in result.matches[0].sentence


def test_limit_caps_the_matches(core: App, matcher: TopicMatcher) -> None:
    """Every seed is about Xiaomi; --limit keeps the best ones only."""
    assert len(match(core, matcher, "Xiaomi").matches) == 5
    limited = topic_matches(core.store, matcher, "Xiaomi", articles=core.articles, limit=2)
    assert len(limited.matches) == 2


@pytest.mark.parametrize(
    ("topic", "says"),
    [
        ("", "give a topic"),
        ("   \n ", "give a topic"),
        ("the of and", "words that carry meaning"),
        ("?!… --", "words that carry meaning"),
        ("x" * 201, "at most 200 characters"),
    ],
)
def test_unusable_topics_get_one_clear_sentence(
    core: App, matcher: TopicMatcher, topic: str, says: str
) -> None:
    """Empty, stop-word-only, punctuation-only and over-long topics are refused in words."""
    with pytest.raises(TopicError, match=says):
        matcher.prepare(topic)
    with pytest.raises(QueryError, match=says) as raised:
        match(core, matcher, topic)
    assert "\n" not in str(raised.value)


def test_place_names_and_derived_words_count_across_languages() -> None:
    """Europe is found as Dutch “Europa” and as “European”; “press” is not “president”."""
    europe = topic_terms("Europe expansion")
    assert coverage(europe, ["Chinese autofabrikanten vestigen zich in Europa."], "nl") == 0.5
    assert coverage(europe, ["A European expansion is planned."], "en") == 1.0
    assert coverage(topic_terms("press"), ["The president spoke."], "en") == 0.0
    assert [term.place for term in topic_terms("New York housing")] == ["New York City", None]


def test_a_document_reads_its_title_and_sentences_once() -> None:
    """Blank and repeated texts are left out of what is matched."""
    document = TopicDocument("Title", ["Title", " ", "One  sentence.", "One sentence."], "en")
    assert document.units == ["Title", "One sentence."]


def test_with_a_store_history_the_topic_is_widened_and_still_ranks_right(
    embedder: MultilingualEmbedder,
) -> None:
    """With enough stored vectors the topic moves towards its neighbours (pseudo-relevance
    feedback) and scores are read against that history."""
    matcher = TopicMatcher(embedder)
    rng = np.random.default_rng(7)
    history = normalise_rows(rng.normal(size=(matcher.options.min_history, 512)).astype("f4"))
    cold = matcher.prepare("football")
    warm = matcher.prepare("football", history)
    assert warm.history is not None
    assert cold.history is None
    assert float(cold.vector @ warm.vector) < 0.99
    on_topic = TopicDocument("Ajax beat PSV 3-1 in the Eredivisie", [], "en")
    off_topic = TopicDocument("Central bank holds interest rates", [], "en")
    scored = matcher.score_many(warm, [on_topic, off_topic])
    assert scored[0].score > scored[1].score


@pytest.fixture
def topics_cli(db_path: Path, core: App, isolated: Path) -> typer.Typer:
    """`newsbot topics` on a local app with the global --db option, like bot/cli.py."""
    app = typer.Typer()

    @app.callback()
    def _options(ctx: typer.Context, db: str = typer.Option("", "--db")) -> None:
        ctx.obj = Choices(db=db or None)

    cli_topics.register(app)
    return app


def test_cli_json_has_the_design_shape(topics_cli: typer.Typer, db_path: Path) -> None:
    """`topics match --json` prints {"topic", "matches": [{article_id, source, title, score,
    sentence}]}."""
    argv = ["--db", str(db_path), "topics", "match", "--json", "--limit", "2", "Europe expansion"]
    result = CliRunner().invoke(topics_cli, argv)
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {"topic", "matches"}
    assert payload["topic"] == "Europe expansion"
    assert 1 <= len(payload["matches"]) <= 2
    for item in payload["matches"]:
        assert set(item) == {"article_id", "source", "title", "score", "sentence"}
        assert isinstance(item["score"], float)
        assert item["source"].endswith(".txt")


def test_cli_text_shows_why_and_errors_are_one_line(topics_cli: typer.Typer, db_path: Path) -> None:
    """Text output names each match with the sentence that matched; a bad topic is one
    error line and exit code 1."""
    runner = CliRunner()
    argv = ["--db", str(db_path), "topics", "match", "fabriek in Peking"]
    shown = runner.invoke(topics_cli, argv)
    assert shown.exit_code == 0, shown.stderr
    assert "why: " in shown.stdout
    assert "Beijing" in shown.stdout
    failed = runner.invoke(topics_cli, ["--db", str(db_path), "topics", "match", "  "])
    assert failed.exit_code == 1
    assert failed.stderr.startswith("error: give a topic")
    assert len(failed.stderr.strip().splitlines()) == 1


def test_no_match_is_said_in_words() -> None:
    """An empty result is one sentence naming the topic."""
    text = cli_topics.topics_text(TopicMatches("battery recycling", ()))
    assert text == "No stored article matches “battery recycling”."
