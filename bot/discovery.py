"""Turn ingest arguments (files, folders, URLs) into an ordered list of items."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.textfile import ARTICLE_SUFFIXES
from bot.url_source import is_url


@dataclass(frozen=True, slots=True)
class IngestItem:
    """One thing to ingest: a file `path`, or a URL when `path` is None."""

    source: str
    path: Path | None = None


@dataclass(frozen=True, slots=True)
class SkippedFiles:
    """Files found in a folder whose extension is not an article's."""

    folder: Path
    files: tuple[Path, ...]


@dataclass(frozen=True, slots=True)
class Discovery:
    """The items to ingest, in order, and what was skipped in folders."""

    items: tuple[IngestItem, ...]
    skipped: tuple[SkippedFiles, ...] = ()


def discover(arguments: Sequence[str]) -> Discovery:
    """Expand folders recursively (sorted, hidden entries left out); keep files and URLs as given.

    A file named explicitly is kept whatever its extension or existence: reading it reports the
    problem. The same item named twice is kept once.
    """
    items: list[IngestItem] = []
    skipped: list[SkippedFiles] = []
    for argument in arguments:
        if is_url(argument):
            items.append(IngestItem(argument))
        elif Path(argument).is_dir():
            found, others = _walk(Path(argument))
            items.extend(IngestItem(str(path), path) for path in found)
            if others:
                skipped.append(SkippedFiles(Path(argument), others))
        else:
            items.append(IngestItem(argument, Path(argument)))
    return Discovery(tuple(dict.fromkeys(items)), tuple(skipped))


def _walk(folder: Path) -> tuple[list[Path], tuple[Path, ...]]:
    found: list[Path] = []
    others: list[Path] = []
    for root, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in files:
            if name.startswith("."):
                continue
            path = Path(root) / name
            (found if path.suffix.lower() in ARTICLE_SUFFIXES else others).append(path)
    return sorted(found), tuple(sorted(others))
