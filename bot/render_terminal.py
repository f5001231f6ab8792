"""Terminal rendering with rich: summaries, digests and ingest reports, readable at any width.

Article text is untrusted: it always goes in `Text` objects, never through console markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from bot.demo import DemoSection
from bot.digest import story_of
from bot.discovery import SkippedFiles
from bot.ingest import IngestOutcome
from bot.models import Digest, Story, StorySource
from bot.textfile import ARTICLE_SUFFIXES
from summarizer import Summary

UNTITLED = "(untitled)"


def summary_view(title: str, source: str, summary: Summary) -> RenderableType:
    """A summary: title, language and source, numbered key points, facts and warnings."""
    parts: list[RenderableType] = [
        Text(title or UNTITLED, style="bold"),
        Text(f"{_language(summary.language)} · {source}", style="dim"),
        Text(""),
        *_numbered(point.text for point in summary.key_points),
    ]
    if summary.facts:
        parts += [Text(""), Text("Facts", style="bold")]
        parts += [_bullet(f"{fact.kind}: {fact.text} ({fact.value})") for fact in summary.facts]
    parts += [Text(f"note: {warning}", style="yellow") for warning in summary.warnings]
    return Group(*parts)


def digest_view(digest: Digest) -> RenderableType:
    """A digest: a header line, then one section per story."""
    count = len(digest.stories)
    noun = "story" if count == 1 else "stories"
    header = f"News digest · {_period_words(digest)} · {count} {noun}"
    if digest.repeated:
        header += f" · {digest.repeated} without news left out"
    if digest.more:
        header += f" · {digest.more:,} more not shown (--max-stories)"
    sections: list[RenderableType] = [Rule(Text(header, style="bold"), align="left")]
    for number, story in enumerate(digest.stories, start=1):
        sections += [Text(""), _story_view(number, story)]
    return Group(*sections)


def demo_section_view(section: DemoSection) -> RenderableType:
    """A demo section: its title, then its lines."""
    lines = [Text(line) for line in section.lines]
    return Group(Text(""), Rule(Text(section.title, style="bold"), align="left"), *lines)


def empty_digest_line(digest: Digest) -> str:
    """What to say when a period has no stories to tell."""
    if digest.repeated:
        noun = "story only repeats" if digest.repeated == 1 else "stories only repeat"
        return f"Nothing new {digest.period.phrase}: {digest.repeated} {noun} what was said before."
    return f"Nothing ingested {digest.period.phrase}. Try `newsbot ingest seeds/`."


def skipped_note(skipped: SkippedFiles) -> Text:
    """A one-line note about files left out of a folder."""
    names = ", ".join(path.name for path in skipped.files[:5])
    more = f" and {len(skipped.files) - 5} more" if len(skipped.files) > 5 else ""
    suffixes = ", ".join(sorted(ARTICLE_SUFFIXES))
    count = len(skipped.files)
    return Text(
        f"note: skipped {count} file{'s' if count != 1 else ''} in {skipped.folder} "
        f"that {'is' if count == 1 else 'are'} not {suffixes}: {names}{more}",
        style="dim",
    )


def ingest_line(status: str, source: str, detail: str) -> Text:
    """One line of an ingest report: status, source, detail."""
    styles = {"new": "green", "unchanged": "cyan", "duplicate": "cyan", "failed": "red"}
    line = Text(f"{status:<9} ", style=styles.get(status, ""))
    line.append(source)
    if detail:
        line.append(f"  {detail}", style="dim")
    return line


def _story_view(number: int, story: Story) -> RenderableType:
    points = [p for p in story.key_points if p != story.headline]
    body: list[RenderableType] = [_bullet(point) for point in points]
    body += [_source_line(source) for source in story.sources]
    title = Text(story.headline, style="bold")
    if story.update:
        title = Text.assemble(("Update: ", "bold yellow"), title)
    heading = _hanging(f"{number}. ", title, marker_style="bold")
    return Group(heading, Padding(Group(*body), (0, 0, 0, 3), expand=False))


def _source_line(source: StorySource) -> Text:
    line = Text("source: ", style="dim")
    line.append(source.url or source.source, style="dim")
    line.append(f" ({_language(source.language)})", style="dim")
    return line


def _numbered(points: Iterable[str]) -> list[RenderableType]:
    return [_hanging(f"{number:>2}. ", point) for number, point in enumerate(points, start=1)]


def _bullet(text: str) -> RenderableType:
    return _hanging("• ", text)


def _hanging(marker: str, text: str | Text, marker_style: str = "") -> RenderableType:
    """`marker` then `text`, wrapped lines indented under the text (a hanging indent)."""
    grid = Table.grid()
    grid.add_column(no_wrap=True, style=marker_style)
    grid.add_column()
    grid.add_row(marker, text)
    return grid


def _language(code: str) -> str:
    return "language unknown" if code in {"", "und"} else f"language {code}"


def _period_words(digest: Digest) -> str:
    label = digest.period.label
    return {"all": "everything stored", "today": "today"}.get(label, f"last {label}")


def stdout_console() -> Console:
    """The console for results (stdout)."""
    return Console(highlight=False)


def stderr_console() -> Console:
    """The console for progress, notes and errors (stderr)."""
    return Console(stderr=True, highlight=False)


def outcome_line(outcome: IngestOutcome) -> Text:
    """The report line of one ingested item; a failure's line names the file and the reason."""
    if outcome.article is None:
        return ingest_line("failed", outcome.error or outcome.source, "")
    article = outcome.article
    headline = _shorten(story_of(article).headline, 70)
    if outcome.status == "duplicate":
        copy = f"{outcome.similarity:.0%} the same as" if outcome.similarity else "a copy of"
        detail = f"{copy} {article.source} · {headline}"
        return ingest_line("duplicate", outcome.source, detail)
    return ingest_line(
        outcome.status, outcome.source, f"{_language(article.language)} · {headline}"
    )


def batch_summary(outcomes: Sequence[IngestOutcome]) -> str:
    """The final line of an ingest: "ingested N, unchanged M, failed K" (and duplicates)."""
    counts = {
        status: sum(o.status == status for o in outcomes)
        for status in ("new", "unchanged", "duplicate", "failed")
    }
    copies = f", duplicates {counts['duplicate']}" if counts["duplicate"] else ""
    return (
        f"ingested {counts['new']}, unchanged {counts['unchanged']}{copies}, "
        f"failed {counts['failed']}"
    )


def _shorten(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"
