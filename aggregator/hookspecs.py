"""The hooks a plugin may implement. Each hook registers objects; the core dispatches by key."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click

    from .platform import Platform

PROJECT = "petition_aggregator"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_platforms(register: Callable[[Platform], None]) -> None:
    """Call `register(platform)` once for each petition platform the plugin provides.

    A platform's `name` is stored with every petition and must be unique across plugins.
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add click commands to the `petitions` command group (`@cli.command()`)."""
