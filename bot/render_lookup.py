"""Terminal views of lookups: an answer with its evidence, search results, facts and conflicts.

Article text is untrusted: it always goes in `Text` objects, never through console markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from bot.lookup import KIND_HEADINGS, AskResult, EntityFact, Evidence, FactsResult, SearchResult


def ask_view(result: AskResult) -> RenderableType:
    """The answer in bold (or why there is none), then the sentences it rests on."""
    if result.answer is None:
        return Text(result.note, style="yellow")
    parts: list[RenderableType] = [Text(result.answer, style="bold"), Text("")]
    parts += [_evidence(item) for item in result.evidence]
    return Group(*parts)


def search_view(result: SearchResult) -> RenderableType:
    """Numbered matching sentences with their sources."""
    if not result.results:
        return Text(f"Nothing stored matches {result.query!r}.", style="yellow")
    rows = [
        Group(Text(f"{number}. ", style="bold").append(item.sentence), _source(item, indent=3))
        for number, item in enumerate(result.results, start=1)
    ]
    return Group(*rows)


def facts_view(result: FactsResult) -> RenderableType:
    """The facts by kind, each with its source, then the conflicts between sources."""
    if not result.names:
        return Text(f"Nothing stored mentions {result.entity!r}.", style="yellow")
    parts: list[RenderableType] = [Text(" / ".join(result.names), style="bold")]
    for kind, facts in groupby(result.facts, key=lambda fact: fact.kind):
        parts += [Text(""), Text(KIND_HEADINGS.get(kind, kind), style="bold")]
        parts += [_fact_line(fact) for fact in facts]
    if result.conflicts:
        parts += [Text(""), Text("Sources disagree", style="bold red")]
        for conflict in result.conflicts:
            parts.append(Text(f"  {conflict.kind}: " + " vs ".join(conflict.values), style="red"))
            parts += [_fact_line(fact) for fact in conflict.facts]
    return Group(*parts)


def _fact_line(fact: EntityFact) -> RenderableType:
    line = Text("  • ")
    line.append(fact.text)
    if fact.value and fact.value != fact.text:
        line.append(f" ({fact.value})", style="dim")
    return Group(line, _source(fact.evidence, indent=4, sentence=True))


def _evidence(item: Evidence) -> RenderableType:
    return Group(Text("“").append(item.sentence).append("”"), _source(item, indent=2))


def _source(item: Evidence, *, indent: int, sentence: bool = False) -> RenderableType:
    where = item.url or item.source
    cited = f"— {item.title} ({where})" if item.title else f"— {where}"
    lines: Sequence[Text] = [Text(cited)]
    if sentence:
        lines = [Text(f"“{item.sentence}”"), *lines]
    for line in lines:
        line.stylize("dim")
    return Padding(Group(*lines), (0, 0, 0, indent))
