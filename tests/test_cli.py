"""The `newsbot` command line, run in-process (and as a real process for the demo)."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import Config, load_config
from bot.engine import open_engine
from bot.errors import ConfigError, StoreError
from bot.store import Store
from tests.conftest import SEEDS_DIR, Cli, assert_sentences_of, flat, newsbot_executable
from tests.loopback_http import unused_port

SUMMARY_KEYS = {"id", "title", "language", "key_points", "facts"}
FACT_KEYS = {"kind", "text", "value", "sentence"}
STORY_KEYS = {"headline", "key_points", "sources", "id", "first_seen", "last_seen", "update"}
INGEST_KEYS = {"id", "source", "title", "language", "story_id", "key_points", "status"}
SOURCE_KEYS = {"id", "source", "title", "language", "url"}


def one_error_line(stderr: str) -> str:
    """The single "error: ..." line of a failed command (no traceback)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in stderr
    return lines[0]


# summarize ---------------------------------------------------------------------------------------


def test_summarize_json_on_a_seed(cli: Cli, seed_files: list[Path]) -> None:
    """--json gives the contract's keys, 1..N key points, each a sentence of the article."""
    for points in (1, 3):
        payload = cli.json("summarize", "--points", str(points), str(seed_files[0]))
        assert set(payload) == SUMMARY_KEYS
        assert isinstance(payload["id"], str)
        assert isinstance(payload["title"], str)
        assert isinstance(payload["language"], str)
        assert 1 <= len(payload["key_points"]) <= points
        assert_sentences_of(payload["key_points"], seed_files[0].read_text(encoding="utf-8"))
        for fact in payload["facts"]:
            assert set(fact) == FACT_KEYS


def test_summarize_prints_a_readable_summary(cli: Cli, seed_files: list[Path]) -> None:
    """Without --json: the title, the language and numbered key points."""
    payload = cli.json("summarize", str(seed_files[2]))
    result = cli("summarize", str(seed_files[2]))
    assert result.exit_code == 0, result.stderr
    output = flat(result.stdout)
    assert flat(payload["title"] or "(untitled)") in output
    assert f"language {payload['language']}" in output
    for number, point in enumerate(payload["key_points"], start=1):
        assert f"{number}. {flat(point)}" in output


def test_summarize_json_lines_keeps_order_and_reports_bad_lines(cli: Cli) -> None:
    """- reads JSON Lines: one answer per line, in order; a bad line gets an error; exit 1."""
    lines = [
        json.dumps({"id": "a", "title": "Rates", "text": "Rates rose today. Banks reacted fast."}),
        "this is not json",
        json.dumps({"id": 3, "text": "Shares fell sharply. Traders were surprised by the news."}),
        json.dumps({"id": "d"}),
        json.dumps({"id": "e", "text": "   "}),
    ]
    result = cli("summarize", "-", input="\n".join(lines) + "\n")
    assert result.exit_code == 1
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [answer["id"] for answer in answers] == ["a", None, 3, "d", "e"]
    assert set(answers[0]) == SUMMARY_KEYS
    assert answers[0]["title"] == "Rates"
    assert_sentences_of(answers[0]["key_points"], "Rates rose today. Banks reacted fast.")
    assert set(answers[2]) == SUMMARY_KEYS
    for bad in (answers[1], answers[3], answers[4]):
        assert set(bad) == {"id", "error"}
        assert bad["error"].startswith("line ")
        assert "\n" not in bad["error"]


def test_summarize_json_lines_exit_zero_when_all_succeed(cli: Cli) -> None:
    """All good lines: exit code 0; blank lines are ignored."""
    lines = [json.dumps({"id": i, "text": f"Story {i} happened. It mattered."}) for i in range(3)]
    result = cli("summarize", "-", input="\n".join(lines) + "\n\n")
    assert result.exit_code == 0, result.stdout
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [0, 1, 2]


def test_summarize_reports_a_missing_file_in_one_line(cli: Cli) -> None:
    """A missing file gives one error sentence and exit code 1."""
    result = cli("summarize", "nowhere.txt")
    assert result.exit_code == 1
    assert "nowhere.txt does not exist" in one_error_line(result.stderr)


def test_summarize_rejects_points_out_of_range(cli: Cli, seed_files: list[Path]) -> None:
    """--points must be 1..10."""
    assert cli("summarize", "--points", "11", str(seed_files[0])).exit_code == 2


def test_summarize_refuses_a_loopback_url_without_a_traceback(cli: Cli) -> None:
    """A URL that cannot be fetched (here refused or unreachable) is one error line."""
    result = cli("summarize", "http://127.0.0.1:9/article")
    assert result.exit_code == 1
    one_error_line(result.stderr)


# ingest ------------------------------------------------------------------------------------------


def test_ingest_a_folder_then_again(cli: Cli, seeds_dir: Path) -> None:
    """Ingesting the seeds stores 5 articles; again reports 5 unchanged and adds no rows."""
    first = cli("ingest", str(seeds_dir))
    assert first.exit_code == 0, first.stderr
    assert "ingested 5, unchanged 0, failed 0" in first.stdout
    second = cli("ingest", str(seeds_dir))
    assert second.exit_code == 0, second.stderr
    assert "ingested 0, unchanged 5, failed 0" in second.stdout
    engine = open_engine(str(cli.db))
    try:
        counts = Store(engine).counts()
    finally:
        engine.dispose()
    assert counts.articles == 5
    assert 5 <= counts.key_points <= 5 * 4


def test_ingest_json(cli: Cli, seeds_dir: Path, seed_files: list[Path]) -> None:
    """--json lists the ingested articles with the contract's keys, in input order."""
    payload = cli.json("ingest", str(seeds_dir))
    assert [item["source"] for item in payload] == [str(path) for path in seed_files]
    for item, path in zip(payload, seed_files, strict=True):
        assert set(item) == INGEST_KEYS
        assert len(item["story_id"]) == 16
        assert len(item["id"]) == 16
        assert 1 <= len(item["key_points"]) <= 4
        assert_sentences_of(item["key_points"], path.read_text(encoding="utf-8"))


def test_ingest_groups_the_english_and_dutch_munich_articles_into_one_story(
    cli: Cli, seeds_dir: Path
) -> None:
    """The English and Dutch articles about Xiaomi's Munich R&D centre share a story; the one
    about the Beijing factory does not join it."""
    stories = {
        Path(item["source"]).name[:3]: item["story_id"]
        for item in cli.json("ingest", str(seeds_dir))
    }
    assert stories["000"] == stories["001"]
    assert stories["004"] != stories["000"]
    digest = cli.json("digest", "--since", "all")
    munich = next(s for s in digest["stories"] if len(s["sources"]) > 1 and "BMW" in s["headline"])
    assert {source["language"] for source in munich["sources"]} == {"en", "nl"}
    assert 2 <= len(munich["key_points"]) <= 5
    assert len(set(munich["key_points"])) == len(munich["key_points"])


def test_ingest_bad_inputs_fail_one_by_one(cli: Cli, tmp_path: Path) -> None:
    """Each bad file gets one line naming it and the reason; the others are stored; exit 1."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 300)
    (folder / "latin1.txt").write_bytes("Le café ferme. Les clients sont déçus.".encode("latin-1"))
    (folder / "utf16.txt").write_bytes("Die Straße ist zu. Alle warten.".encode("utf-16"))
    (folder / "one.txt").write_text("Xiaomi opens a factory in Beijing.")
    (folder / "flat.txt").write_text("xiaomi opens a factory in beijing and hires staff")
    (folder / "zh.txt").write_text("小米在北京开设工厂。该公司计划每年生产三十万辆电动汽车。")
    (folder / "photo.png").write_bytes(b"\x89PNG")
    with (folder / "huge.txt").open("wb") as handle:
        handle.truncate(26 * 1024 * 1024)
    result = cli("ingest", str(folder))
    assert result.exit_code == 1
    errors = flat(result.stderr)
    assert f"{folder / 'empty.txt'} is empty" in errors
    assert f"{folder / 'binary.txt'} looks like a binary file, not text" in errors
    assert f"{folder / 'huge.txt'} is 27.3 MB, over the 25 MB limit" in errors
    assert "skipped 1 file" in errors
    assert "photo.png" in errors
    assert "Traceback" not in result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    ingested, _, failed = summary.split(", ")
    assert int(failed.removeprefix("failed ")) >= 3
    assert int(ingested.removeprefix("ingested ")) >= 2  # latin-1 and UTF-16 at least
    assert "ingested" in summary


def test_ingest_a_missing_path_fails_that_item(cli: Cli, seed_files: list[Path]) -> None:
    """A missing path is one failed item; the good one is still ingested."""
    result = cli("ingest", "missing.txt", str(seed_files[0]))
    assert result.exit_code == 1
    assert "missing.txt cannot be read" in result.stderr
    assert "ingested 1, unchanged 0, failed 1" in result.stdout


# digest ------------------------------------------------------------------------------------------


def test_digest_json(cli: Cli, seeds_dir: Path) -> None:
    """The digest has the contract's keys, every article in exactly one story, the stories with
    most sources first, headlines never empty."""
    ingested = cli.json("ingest", str(seeds_dir))
    payload = cli.json("digest")
    assert set(payload) == {"period", "stories", "repeated", "more"}
    assert payload["period"] == "24h"
    assert payload["repeated"] == 0
    assert 2 <= len(payload["stories"]) < 5
    ids: list[str] = []
    for story in payload["stories"]:
        assert set(story) == STORY_KEYS
        assert story["headline"]
        assert story["update"] is False
        assert story["first_seen"] <= story["last_seen"]
        for source in story["sources"]:
            assert set(source) == SOURCE_KEYS
            assert source["url"] is None
            ids.append(source["id"])
        titles = {source["title"] for source in story["sources"]}
        assert story["headline"] in titles or titles == {""}  # untitled: its first key point
        assert story["headline"] not in story["key_points"]
    assert sorted(ids) == sorted(item["id"] for item in ingested)
    sizes = [len(story["sources"]) for story in payload["stories"]]
    assert sizes == sorted(sizes, reverse=True)
    assert cli.json("digest", "--since", "all")["period"] == "all"


def test_digest_of_an_empty_store_is_friendly(cli: Cli) -> None:
    """No articles: one friendly line, exit 0."""
    result = cli("digest")
    assert result.exit_code == 0
    assert result.stdout.strip() == "Nothing ingested in the last 24h. Try `newsbot ingest seeds/`."
    empty = {"period": "7d", "stories": [], "repeated": 0, "more": 0}
    assert cli.json("digest", "--since", "7d") == empty


def test_a_remembered_digest_is_not_repeated_to_its_channel(cli: Cli, seeds_dir: Path) -> None:
    """`digest --remember` records what it said; the next digest leaves it out, elsewhere not."""
    cli.json("ingest", str(seeds_dir))
    told = cli.json("digest", "--remember")
    assert told["stories"]
    again = cli("digest")
    assert again.exit_code == 0
    count = len(told["stories"])
    assert again.stdout.strip().startswith(f"Nothing new in the last 24h: {count} ")
    assert cli.json("digest")["repeated"] == count
    other = cli.json("digest", "--channel", "team")
    assert [s["id"] for s in other["stories"]] == [s["id"] for s in told["stories"]]


def test_digest_renders_every_story(cli: Cli, seeds_dir: Path) -> None:
    """The terminal digest has a header line and every headline."""
    cli("ingest", str(seeds_dir))
    headlines = [story["headline"] for story in cli.json("digest")["stories"]]
    result = cli("digest", "--since", "today")
    assert result.exit_code == 0
    assert result.stdout.startswith("News digest")
    for headline in headlines:
        assert flat(headline) in flat(result.stdout)


def test_digest_rejects_a_bad_period(cli: Cli) -> None:
    """--since must be a period."""
    result = cli("digest", "--since", "fortnight")
    assert result.exit_code == 1
    assert "--since 'fortnight' is not a period" in one_error_line(result.stderr)


# store and config choices ------------------------------------------------------------------------


def test_an_unreachable_postgresql_store_is_one_line_without_the_secret(cli: Cli) -> None:
    """A postgresql:// store nobody answers gives one sentence that does not echo the password."""
    url = f"postgresql://bot:s3cret@127.0.0.1:{unused_port()}/news"
    result = cli("--db", url, "digest", db=False)
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert line.startswith("error: the store cannot be opened: ")
    assert "s3cret" not in result.stderr + result.stdout


def test_ingest_digest_and_ask_on_postgresql(cli: Cli, postgres_url: str) -> None:
    """The seeds go into a PostgreSQL store through the command line; a second ingest adds
    nothing; the digest groups them into stories and `ask` answers from PostgreSQL's index."""
    on_postgres = replace(cli, db=postgres_url)  # type: ignore[arg-type]
    first = on_postgres.json("ingest", str(SEEDS_DIR))
    assert [item["status"] for item in first].count("new") == 5
    again = on_postgres.json("ingest", str(SEEDS_DIR))
    assert {item["status"] for item in again} == {"unchanged"}
    digest = on_postgres.json("digest", "--since", "7d")
    assert len(digest["stories"]) == 3
    answer = on_postgres("ask", "Who leads Xiaomi's European R&D centre?")
    assert answer.exit_code == 0, answer.stderr
    assert answer.stdout.splitlines()[0] == "Rudolf Dittrich"


def test_debug_lets_the_error_propagate(cli: Cli) -> None:
    """--debug re-raises instead of printing one line."""
    result = cli("--debug", "--db", "postgresql://h/db", "digest", db=False)
    assert isinstance(result.exception, StoreError)


def test_newsbot_db_environment_variable_chooses_the_store(
    cli: Cli, tmp_path: Path, seed_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """NEWSBOT_DB is used when --db is not given."""
    target = tmp_path / "env.db"
    monkeypatch.setenv("NEWSBOT_DB", str(target))
    result = cli("ingest", str(seed_files[0]), db=False)
    assert result.exit_code == 0, result.stderr
    assert target.exists()


def test_default_store_is_in_the_data_dir(cli: Cli, tmp_path: Path, seed_files: list[Path]) -> None:
    """Without --db or NEWSBOT_DB the store is $XDG_DATA_HOME/newsbot/newsbot.db."""
    result = cli("ingest", str(seed_files[0]), db=False)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "data" / "newsbot" / "newsbot.db").exists()


def test_newsbot_toml_in_the_working_directory_is_read(
    cli: Cli, isolated: Path, seed_files: list[Path]
) -> None:
    """./newsbot.toml sets the default number of key points."""
    (isolated / "newsbot.toml").write_text("[summarizer]\npoints = 1\n")
    assert len(cli.json("summarize", str(seed_files[3]))["key_points"]) == 1


def test_a_config_mistake_is_one_sentence_naming_the_key(cli: Cli, tmp_path: Path) -> None:
    """An unknown key stops the command with the file, the key and the fix."""
    config = tmp_path / "bad.toml"
    config.write_text('[store]\nuri = "x.db"\n')
    result = cli("--config", str(config), "digest")
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert "unknown key 'uri' in [store]" in line
    assert "url" in line


def test_the_example_config_is_valid_and_holds_the_defaults() -> None:
    """config.example.toml loads and matches the built-in defaults."""
    example = Path(__file__).resolve().parents[1] / "config.example.toml"
    loaded = load_config(example, {"HOME": "/home/x"})
    defaults = load_config(None, {"HOME": "/home/x"})
    assert loaded.summarizer == defaults.summarizer
    assert loaded.ingest == defaults.ingest
    assert loaded.digest == defaults.digest
    assert loaded.schedule == defaults.schedule
    assert loaded.alerts == defaults.alerts
    assert loaded.store.url == "/home/x/.local/share/newsbot/newsbot.db"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[summarizer]\npoints = 11\n", "[summarizer] points must be a whole number from 1 to 10"),
        ("[summarizer]\npoints = true\n", "[summarizer] points must be a whole number"),
        ('[summarizer]\npoints = "4"\n', "[summarizer] points must be a whole number"),
        ("[ingest]\nmax_file_mb = -1\n", "[ingest] max_file_mb must be a positive number"),
        ('[digest]\nsince = "fortnight"\n', "[digest] since is not a period"),
        ("[digest]\nsince = 24\n", "[digest] since must be a string"),
        ("[chat]\nx = 1\n", "unknown section [chat]"),
        ("[alerts]\nper_hour = 0\n", "[alerts] per_hour must be a whole number from 1 to 60"),
        ('store = "x"\n', "store must be a table"),
        ("[store\n", "is not valid TOML"),
    ],
)
def test_config_errors_name_the_key(tmp_path: Path, toml: str, message: str) -> None:
    """Wrong types and values raise ConfigError naming the key and what is expected."""
    path = tmp_path / "newsbot.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as raised:
        load_config(path, {})
    assert message in str(raised.value)


def test_config_precedence() -> None:
    """NEWSBOT_DB overrides [store] url; the default follows XDG_DATA_HOME."""
    assert load_config(None, {"XDG_DATA_HOME": "/xdg"}).store.url == "/xdg/newsbot/newsbot.db"
    assert load_config(None, {"NEWSBOT_DB": "/tmp/a.db"}).store.url == "/tmp/a.db"
    assert isinstance(load_config(None, {}), Config)


# demo --------------------------------------------------------------------------------------------


def test_demo_as_a_real_process(cli: Cli, tmp_path: Path, seeds_dir: Path) -> None:
    """`newsbot demo` exits 0, prints every seed's headline, and leaves no temporary store."""
    assert cli("ingest", str(seeds_dir)).exit_code == 0
    digest = cli.json("digest", "--since", "all")
    headlines = [story["headline"] for story in digest["stories"]]
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "COLUMNS": "120", "XDG_DATA_HOME": str(tmp_path)}
    env.pop("NEWSBOT_DB", None)
    done = subprocess.run(
        [str(newsbot_executable()), "demo"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "ingested 5, unchanged 0, failed 0" in done.stderr
    output = flat(done.stdout)
    assert output.startswith("News digest")
    assert 2 <= len(headlines) < 5
    for headline in headlines:
        assert flat(headline) in output
    answers = output.split("Questions answered from the facts", 1)[1]
    assert "A: Rudolf Dittrich" in answers
    assert "215,900" in answers
    assert "Sources disagree about Xiaomi" in answers
    topics = output.split("Topic alerts a subscription would get", 1)[1]
    europe, battery = topics.split('Topic "battery recycling"', 1)
    assert "001_2d160cab56e072f1.txt" in europe  # the Dutch article about Xiaomi in Europe
    assert "8569e7aec8610ea9" not in europe  # the Beijing factory
    assert battery.strip().startswith(": no match")
    assert list(temp.iterdir()) == []
    assert not (tmp_path / "newsbot").exists()
