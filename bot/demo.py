"""The demo: the seeds ingested into a throw-away SQLite store, then the digest of everything.

Later issues extend the demo through the hooks below (sample questions, topic matches); a hook
that has nothing to show returns None and prints nothing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import bot
from bot.app import App, open_app
from bot.clock import Clock, utc_now
from bot.config import Config
from bot.errors import InputError
from bot.topic_match import topic_matches as match_topic
from summarizer.topics import TopicMatcher

DEMO_PERIOD = "all"


@dataclass(frozen=True, slots=True)
class DemoSection:
    """A titled block of demo output after the digest."""

    title: str
    lines: tuple[str, ...]


def default_seeds_dir() -> Path:
    """The `seeds/` folder next to the installed package."""
    return Path(bot.__file__).resolve().parents[1] / "seeds"


@contextmanager
def demo_app(
    config: Config, seeds: Path, *, clock: Clock = utc_now, debug: bool = False
) -> Iterator[App]:
    """The core wired to a temporary SQLite store, removed (with the folder) on exit."""
    if not seeds.is_dir():
        raise InputError(f"the seeds folder {seeds} does not exist; pass --seeds DIR")
    with (
        tempfile.TemporaryDirectory(prefix="newsbot-demo-") as folder,
        open_app(config, clock=clock, debug=debug, store_url=str(Path(folder) / "demo.db")) as app,
    ):
        yield app


def demo_sections(app: App) -> tuple[DemoSection, ...]:
    """The sections the later features add after the digest, in order."""
    hooks = (sample_questions, topic_matches)
    return tuple(section for hook in hooks if (section := hook(app)) is not None)


SAMPLE_QUESTIONS = (
    "Who leads Xiaomi's European R&D centre?",
    "What is the starting price of the Xiaomi SU7?",
    "How many vehicles did Xiaomi deliver in Q2 2025?",
    "Hoeveel elektrische auto's kan de nieuwe fabriek per jaar produceren?",
)
SAMPLE_ENTITY = "Xiaomi"


def sample_questions(app: App) -> DemoSection | None:
    """A few questions answered from the seeds' facts, and where the seeds disagree."""
    lines: list[str] = []
    for question in SAMPLE_QUESTIONS:
        result = app.lookup.ask(question)
        lines.append(f"Q: {question}")
        if result.answer is None:
            lines.append(f"   {result.note}")
            continue
        cited = result.evidence[0]
        lines.append(f"A: {result.answer}  ({cited.title or cited.source})")
    conflicts = app.lookup.facts(SAMPLE_ENTITY).conflicts
    for conflict in conflicts[:2]:
        sources = sorted({fact.evidence.source for fact in conflict.facts})
        lines.append(
            f"Sources disagree about {SAMPLE_ENTITY} ({conflict.kind}): "
            + " vs ".join(conflict.values)
            + f" in {', '.join(sources)}"
        )
    return DemoSection("Questions answered from the facts", tuple(lines))


SAMPLE_TOPICS = ("Europe expansion", "battery recycling")


def topic_matches(app: App) -> DemoSection | None:
    """Which seed articles sample subscriptions would alert on, and why."""
    matcher = TopicMatcher(app.merging.embedder)
    lines: list[str] = []
    for topic in SAMPLE_TOPICS:
        found = match_topic(app.store, matcher, topic, articles=app.articles, limit=5).matches
        count = f"{len(found)} match" + ("es" if len(found) > 1 else "") if found else "no match"
        lines.append(f'Topic "{topic}": {count}')
        for match in found:
            lines.append(f"   {match.title or Path(match.source).name}  (score {match.score:.2f})")
            lines.append(f"     why: {match.sentence}")
    return DemoSection("Topic alerts a subscription would get", tuple(lines))
