"""`newsbot ask`, `facts` and `search` on the command line: the --json contract and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli, flat

ASK_KEYS = {"question", "answer", "evidence"}
EVIDENCE_KEYS = {"article_id", "source", "title", "sentence"}
FACT_KEYS = {"kind", "text", "value", "sentence", "article_id", "source", "title"}


@pytest.fixture
def seeded(cli: Cli, seeds_dir: Path) -> Cli:
    result = cli("ingest", str(seeds_dir))
    assert result.exit_code == 0, result.stderr
    return cli


def test_ask_json_answers_with_evidence(seeded: Cli) -> None:
    payload = seeded.json("ask", "What is the starting price of the Xiaomi SU7?")
    assert set(payload) == ASK_KEYS
    assert "215,900" in payload["answer"]
    assert payload["evidence"]
    for item in payload["evidence"]:
        assert set(item) == EVIDENCE_KEYS
        assert "seeds" in item["source"]
    assert any("215,900" in item["sentence"] for item in payload["evidence"])


def test_ask_prints_the_answer_then_the_evidence(seeded: Cli) -> None:
    result = seeded("ask", "Who leads Xiaomi's European R&D centre?")
    assert result.exit_code == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert "Dittrich" in lines[0]
    assert "Dittrich" in flat(result.stdout.split("\n", 1)[1])


def test_ask_without_support_says_so_and_answer_is_null(seeded: Cli) -> None:
    payload = seeded.json("ask", "Who won the football World Cup in 2022?")
    assert payload["answer"] is None
    assert payload["evidence"] == []
    result = seeded("ask", "Who won the football World Cup in 2022?")
    assert result.exit_code == 0
    assert "Nothing in the stored news answers" in result.stdout


@pytest.mark.parametrize(
    ("command", "argument"), [("ask", ""), ("ask", "Xiaomi"), ("facts", " "), ("search", "the")]
)
def test_unusable_queries_get_one_error_line(seeded: Cli, command: str, argument: str) -> None:
    result = seeded(command, argument)
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr


def test_facts_json_lists_facts_and_conflicts(seeded: Cli) -> None:
    payload = seeded.json("facts", "Xiaomi")
    assert set(payload) == {"entity", "facts", "conflicts"}
    assert payload["entity"] == "Xiaomi"
    assert payload["facts"]
    for fact in payload["facts"]:
        assert set(fact) == FACT_KEYS
        assert fact["text"] in fact["sentence"]
    for conflict in payload["conflicts"]:
        assert set(conflict) == {"kind", "values", "facts"}
        assert len(set(conflict["values"])) >= 2


def test_facts_prints_kinds_and_disagreements(seeded: Cli) -> None:
    result = seeded("facts", "Xiaomi")
    assert result.exit_code == 0, result.stderr
    assert "Money" in result.stdout
    assert "Sources disagree" in result.stdout


def test_search_json_is_ranked(seeded: Cli) -> None:
    payload = seeded.json("search", "gross margin")
    assert set(payload) == {"query", "results"}
    assert payload["results"]
    assert set(payload["results"][0]) == EVIDENCE_KEYS | {"score"}
    assert "26.4%" in payload["results"][0]["sentence"]
    scores = [item["score"] for item in payload["results"]]
    assert scores == sorted(scores, reverse=True)


def test_lookups_on_an_empty_store(cli: Cli) -> None:
    assert cli.json("ask", "Who leads the R&D centre?")["answer"] is None
    assert cli.json("search", "Xiaomi")["results"] == []
    assert cli.json("facts", "Xiaomi")["facts"] == []
