"""The `newsbot discord` commands: register the slash commands, print the invite URL.

The Discord SDK is imported inside the commands, so `newsbot` starts without loading it; the
shared CLI helpers are imported there too, because bot/cli.py imports this module.
"""

from __future__ import annotations

import asyncio
import os
from typing import Annotated

import typer

discord_app = typer.Typer(
    name="discord",
    help="Set up the Discord bot: register its /news command, print its invite URL.\n\n"
    "\b\nExamples:\n"
    "  newsbot discord invite\n"
    "  newsbot discord sync --guild 123456789012345678\n"
    "  newsbot discord sync",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add this module's commands to `app`."""
    app.add_typer(discord_app)


@discord_app.command("sync")
def sync(
    ctx: typer.Context,
    guild: Annotated[
        int | None,
        typer.Option(
            "--guild",
            metavar="ID",
            min=1,
            help="Register in this server only (shows at once; for testing). "
            "Default: globally, in every server the bot is in.",
        ),
    ] = None,
) -> None:
    """Register the /news slash command and its subcommands with Discord.

    \b
    An explicit step: run it once after installing, and again after an
    upgrade that changes the commands; `newsbot serve` never does it.
    Needs DISCORD_TOKEN.

    \b
    Examples:
      newsbot discord sync --guild 123456789012345678
      newsbot discord sync
    """
    from bot.cli import _choices, reporting
    from bot.platforms.discord_bot import discord_token, sync_commands

    with reporting(_choices(ctx)):
        token = discord_token(os.environ)
        count = asyncio.run(sync_commands(token, guild))
    where = f"in server {guild}" if guild is not None else "globally"
    noun = "command" if count == 1 else "commands"
    typer.echo(f"registered {count} slash {noun} (/news and its subcommands) {where}")


@discord_app.command("invite")
def invite(
    ctx: typer.Context,
    client_id: Annotated[
        int | None,
        typer.Option(
            "--client-id",
            metavar="ID",
            min=1,
            help="The application id (Developer Portal, General Information). "
            "Default: asked of Discord with DISCORD_TOKEN.",
        ),
    ] = None,
) -> None:
    """Print the URL that adds the bot to a server.

    \b
    Scopes bot and applications.commands; permissions View Channels, Send
    Messages, Send Messages in Threads, Embed Links and Read Message History.

    \b
    Examples:
      newsbot discord invite
      newsbot discord invite --client-id 123456789012345678
    """
    from bot.cli import _choices, reporting
    from bot.platforms.discord_bot import application_id, discord_token, invite_url

    with reporting(_choices(ctx)):
        if client_id is None:
            client_id = asyncio.run(application_id(discord_token(os.environ)))
    typer.echo(invite_url(client_id))
