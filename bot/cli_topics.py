"""The `newsbot topics` commands: what a topic subscription would match among the stored news.

The shared CLI helpers are imported inside the command, because bot/cli.py imports this module.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from bot.topic_match import TopicMatches

topics_app = typer.Typer(
    name="topics",
    help="Topic alerts: see which stored articles a subscription to a topic would match.\n\n"
    "\b\nExamples:\n"
    '  newsbot topics match "Europe expansion"\n'
    '  newsbot topics match --json --limit 3 "Xiaomi SU7 price"',
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add this module's commands to `app`."""
    app.add_typer(topics_app)


@topics_app.command("match")
def match(
    ctx: typer.Context,
    topic: Annotated[
        str, typer.Argument(help="The topic, free text in any language (at most 200 characters).")
    ],
    limit: Annotated[
        int,
        typer.Option("--limit", min=1, max=100, metavar="N", help="Show at most N articles."),
    ] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """List the stored articles a subscription to TOPIC would alert on, best first.

    \b
    The same matcher as alerts: the topic's meaning (multilingual, so an
    English topic finds Dutch articles) and its words, over each article's
    title, key points and fact sentences. Each match shows the sentence
    that matched best.

    \b
    Examples:
      newsbot topics match "Europe expansion"
      newsbot topics match --json "uitbreiding naar Europa"
    """
    from bot.app import open_app
    from bot.cli import _choices, _configure, _echo_json, reporting
    from bot.topic_match import topic_matches
    from summarizer.embeddings import MultilingualEmbedder
    from summarizer.topics import TopicMatcher

    choices = _choices(ctx)
    with reporting(choices):
        embedder = MultilingualEmbedder()
        with open_app(_configure(choices), debug=choices.debug, embedder=embedder) as core:
            result = topic_matches(
                core.store, TopicMatcher(embedder), topic, articles=core.articles, limit=limit
            )
    if as_json:
        _echo_json(topics_payload(result))
    else:
        typer.echo(topics_text(result))


def topics_payload(result: TopicMatches) -> dict[str, Any]:
    """The JSON of `newsbot topics match` (DESIGN.md), with the matched sentence per match."""
    return {
        "topic": result.topic,
        "matches": [
            {
                "article_id": item.article_id,
                "source": item.source,
                "title": item.title,
                "score": round(item.score, 3),
                "sentence": item.sentence,
            }
            for item in result.matches
        ],
    }


def topics_text(result: TopicMatches) -> str:
    """The matches as readable lines: score, title and source, then why it matched."""
    if not result.matches:
        return f"No stored article matches “{result.topic}”."
    noun = "article matches" if len(result.matches) == 1 else "articles match"
    lines = [f"{len(result.matches)} {noun} “{result.topic}”:"]
    for item in result.matches:
        title = item.title or "(untitled)"
        lines.append(f"  {item.score:5.2f}  {title} ({item.source})")
        lines.append(f"         why: {item.sentence}")
    return "\n".join(lines)
