"""What every `petitions` command shares: consoles, error reporting, settings and the app."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.markup import escape

from .app import App
from .config import Settings, load_settings, parse_duration
from .errors import AggregatorError
from .following import Followed

#: tables printed to a pipe or file get a comfortable width instead of the 80 columns Rich assumes
_WIDTH = None if sys.stdout.isatty() else 120
console = Console(soft_wrap=True, width=_WIDTH)
errors = Console(stderr=True, soft_wrap=True, width=_WIDTH)


def fail(message: str) -> NoReturn:
    errors.print(f"[red]error:[/red] {escape(message)}", highlight=False)
    sys.exit(1)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the aggregator's own errors into a clear message and exit status 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except AggregatorError as exc:
            fail(str(exc))

    return wrapper


def settings_of(ctx: click.Context) -> Settings:
    return load_settings(ctx.obj["config"])


def app_of(ctx: click.Context) -> App:
    return App.open(settings_of(ctx))


def duration(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def report(outcomes: list[Followed]) -> int:
    failed = 0
    for outcome in outcomes:
        for warning in outcome.warnings:
            errors.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)
        if outcome.error:
            failed += 1
            errors.print(f"[red]error:[/red] {escape(outcome.error)}", highlight=False)
        elif outcome.petition is not None:
            verb = "added" if outcome.created else "updated"
            p = outcome.petition
            console.print(f"{verb} #{p.id} {p.platform} {p.external_id}", highlight=False, markup=False)
    return failed
