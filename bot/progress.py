"""Run an ingest batch with a progress bar (on a terminal, for more than a few items)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bot.discovery import IngestItem
from bot.ingest import Ingestor, IngestOutcome
from bot.render_terminal import outcome_line

PROGRESS_THRESHOLD = 5


def run_batch(
    ingestor: Ingestor, items: Sequence[IngestItem], console: Console
) -> tuple[IngestOutcome, ...]:
    """Ingest every item in order, printing one line per item to `console` as it goes."""
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=len(items) <= PROGRESS_THRESHOLD or not console.is_terminal,
    )
    outcomes: list[IngestOutcome] = []
    with progress:
        task = progress.add_task("ingesting", total=len(items))
        for outcome in ingestor.ingest_all(items):
            outcomes.append(outcome)
            progress.console.print(outcome_line(outcome), soft_wrap=True)
            progress.advance(task)
    return tuple(outcomes)
