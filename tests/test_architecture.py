"""The import direction of DESIGN.md, enforced by parsing every module's imports with `ast`."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAT_SDKS = frozenset({"slack_bolt", "slack_sdk", "discord"})
SUMMARIZER_FORBIDDEN = CHAT_SDKS | {"bot", "httpx", "aiohttp", "requests", "sqlalchemy"}


def imported_roots(source: str, filename: str = "<string>") -> Iterator[tuple[int, str]]:
    """(line, top-level package) of every absolute import in `source`, wherever it appears."""
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def violations(folder: Path, forbidden: frozenset[str], exclude: Path | None = None) -> list[str]:
    """Every forbidden import under `folder` (except under `exclude`), as "path:line imports x"."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        if exclude is not None and path.is_relative_to(exclude):
            continue
        for line, root in imported_roots(path.read_text(encoding="utf-8"), str(path)):
            if root in forbidden:
                found.append(f"{path.relative_to(folder.parent)}:{line} imports {root}")
    return found


def test_the_checker_sees_every_kind_of_import() -> None:
    """Self-check: plain, dotted, from-, aliased and nested imports are all detected."""
    source = """
import os
import discord
import slack_sdk.web as web
from slack_bolt.async_app import AsyncApp
from . import sibling

def later():
    import httpx
    from sqlalchemy import select
"""
    roots = {root for _, root in imported_roots(source)}
    assert roots == {"os", "discord", "slack_sdk", "slack_bolt", "httpx", "sqlalchemy"}
    assert {root for _, root in imported_roots(source) if root in CHAT_SDKS} == CHAT_SDKS


def test_the_checker_reports_files_and_lines_and_honours_the_exclusion(tmp_path: Path) -> None:
    """Self-check: a violating file is reported with its line, unless it is under `exclude`."""
    core = tmp_path / "bot"
    (core / "platforms").mkdir(parents=True)
    (core / "digest.py").write_text("import json\nfrom discord import Client\n")
    (core / "platforms" / "discord_app.py").write_text("import discord\n")
    assert violations(core, CHAT_SDKS, exclude=core / "platforms") == [
        "bot/digest.py:2 imports discord"
    ]
    assert len(violations(core, CHAT_SDKS)) == 2


@pytest.mark.parametrize("folder", ["summarizer", "bot"])
def test_packages_exist(folder: str) -> None:
    """Guard against a vacuous pass: the folders checked hold Python files."""
    assert list((ROOT / folder).rglob("*.py"))


def test_summarizer_is_a_pure_library() -> None:
    """summarizer/ imports no bot code, network, database or chat SDK."""
    assert violations(ROOT / "summarizer", SUMMARIZER_FORBIDDEN) == []


def test_bot_core_is_platform_neutral() -> None:
    """bot/ outside bot/platforms/ never imports slack_bolt, slack_sdk or discord."""
    assert violations(ROOT / "bot", CHAT_SDKS, exclude=ROOT / "bot" / "platforms") == []
