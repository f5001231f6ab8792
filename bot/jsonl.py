"""Summarise JSON Lines requests `{"id", "title"?, "text"}`: one result per line, in order."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bot.models import SourceText
from bot.payloads import ErrorPayload, JsonId, SummaryPayload, error_payload, summary_payload
from bot.summaries import article_title, summarise_source
from summarizer import SummarizerError


@dataclass(frozen=True, slots=True)
class LineOptions:
    """How each line is summarised; `debug` lets unexpected errors propagate."""

    points: int = 4
    debug: bool = False


@dataclass(frozen=True, slots=True)
class LineResult:
    """The JSON answer to one input line and whether it succeeded."""

    payload: SummaryPayload | ErrorPayload
    ok: bool


class LineError(ValueError):
    """One input line cannot be summarised; carries the id to echo back."""

    def __init__(self, request_id: JsonId, message: str) -> None:
        super().__init__(message)
        self.request_id = request_id


def summarise_lines(lines: Iterable[str], options: LineOptions) -> Iterator[LineResult]:
    """Summarise each non-blank line; a bad line gives an error result and the batch goes on."""
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield summarise_line(line, number, options)


def summarise_line(line: str, number: int, options: LineOptions) -> LineResult:
    """Summarise one JSON line, turning every failure into an error payload."""
    try:
        return LineResult(_summarise(line, number, options), ok=True)
    except LineError as error:
        return LineResult(error_payload(error.request_id, str(error)), ok=False)
    except Exception as error:  # one bad line must not lose the rest of the batch
        if options.debug:
            raise
        message = f"line {number} failed unexpectedly ({type(error).__name__}: {error})"
        return LineResult(error_payload(None, message), ok=False)


def _summarise(line: str, number: int, options: LineOptions) -> SummaryPayload:
    data = _parse(line, number)
    request_id = _request_id(data)
    text, title = data.get("text"), data.get("title") or ""
    if not isinstance(text, str):
        raise LineError(request_id, f'line {number} has no "text" string; add one')
    if not isinstance(title, str):
        raise LineError(request_id, f'line {number} has a "title" that is not a string')
    source = SourceText(source=f"line {number}", text=text, fmt="auto", title=title)
    try:
        summary = summarise_source(source, options.points)
    except SummarizerError as error:
        raise LineError(request_id, f"line {number} cannot be summarised: {error}") from None
    return summary_payload(request_id, article_title(summary, source), summary)


def _parse(line: str, number: int) -> dict[str, object]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        message = f"line {number} is not valid JSON ({error.msg} at column {error.colno})"
        raise LineError(None, message) from None
    if not isinstance(data, dict):
        raise LineError(None, f'line {number} is not a JSON object like {{"id", "text"}}')
    return data


def _request_id(data: dict[str, object]) -> JsonId:
    value = data.get("id")
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    return None
