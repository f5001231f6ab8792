"""The `newsbot health` command: the deployment's state in a few lines, or JSON; the exit code
says ok (0), degraded (0 unless --strict, then 2) or down (1).

The shared CLI helpers are imported inside the command, because bot/cli.py imports this module.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import typer

from bot.health import Health

EXIT_DOWN = 1
EXIT_DEGRADED = 2


def register(app: typer.Typer) -> None:
    """Add this module's command to `app`."""
    app.command("health")(health_command)


def health_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit with 2 when degraded (for health checks).")
    ] = False,
) -> None:
    """Check the store, the feeds, the deliveries and the leading instance.

    \b
    Reads only: nothing is changed or migrated. Exit code 0 when ok or
    degraded (2 with --strict), 1 when the store cannot be reached.

    \b
    Examples:
      newsbot health
      NEWSBOT_DB=postgresql://newsbot@db/newsbot newsbot health --json --strict
    """
    from bot.cli import _choices, _configure, _echo_json, reporting
    from bot.clock import utc_now
    from bot.engine import open_engine
    from bot.health import check_health

    choices = _choices(ctx)
    with reporting(choices):
        config = _configure(choices)
        engine = open_engine(config.store.url)
        try:
            health = check_health(
                engine,
                utc_now(),
                failure_threshold=config.feeds.failure_threshold,
                lease=config.schedule.lease,
            )
        finally:
            engine.dispose()
    if as_json:
        _echo_json(health_payload(health))
    else:
        typer.echo(health_text(health))
    if health.status == "down":
        raise typer.Exit(EXIT_DOWN)
    if health.status == "degraded" and strict:
        raise typer.Exit(EXIT_DEGRADED)


def health_payload(health: Health) -> dict[str, Any]:
    """The JSON of `newsbot health`."""
    payload = asdict(health)
    payload["problems"] = list(health.problems)
    return payload


def health_text(health: Health) -> str:
    """A few readable lines."""
    lines = [f"newsbot health: {health.status} ({health.database} store)"]
    if health.status != "down":
        leader = {True: "yes", False: "no", None: "unknown"}[health.leader]
        lines += [
            f"  schema {health.schema}, {health.articles} articles",
            f"  sources: {health.sources} followed, {health.failing_sources} failing, "
            f"{health.overdue_sources} overdue",
            f"  digests: {health.schedules} scheduled; an instance runs them: {leader}",
            f"  deliveries: {health.stuck_deliveries} stuck, {health.failed_deliveries} failed "
            "or skipped in the last day",
        ]
    lines += [f"  - {problem}" for problem in health.problems]
    return "\n".join(lines)
