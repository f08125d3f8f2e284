"""The `petitions digest` command: preview a group's daily digest as text, or write its HTML."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli_common import app_of, console, reports_errors
from ..config import GroupSettings
from .content import build_digest
from .render import render_html, render_text


@click.command()
@click.option("--preview", is_flag=True, help="Print the plain-text part.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path), help="Write the HTML.")
@click.option("--group", "group_name", metavar="NAME", help="One group (else every group).")
@click.pass_context
@reports_errors
def digest(ctx: click.Context, preview: bool, html_file: Path | None, group_name: str | None) -> None:
    """Build the daily digest of each recipient group: print it (--preview) or write its HTML (--html)."""
    app = app_of(ctx)
    groups = dict(app.settings.groups) or {"all": GroupSettings()}
    if group_name is not None:
        if group_name not in groups:
            raise click.BadParameter(
                f"no group {group_name!r}; groups: {', '.join(groups)}", param_hint="--group"
            )
        groups = {group_name: groups[group_name]}
    if not preview and html_file is None:
        preview = True
    now = app.clock.now()
    try:
        for name, group in groups.items():
            built = build_digest(app, name, group, now)
            if preview:
                console.print(f"Subject: {built.subject}", highlight=False, markup=False)
                console.print(render_text(built), highlight=False, markup=False, soft_wrap=True)
            if html_file is not None:
                target = html_file if len(groups) == 1 else html_file.with_stem(f"{html_file.stem}-{name}")
                target.write_text(render_html(built), encoding="utf-8")
                console.print(f"wrote {target}", highlight=False, markup=False)
    finally:
        app.store.engine.dispose()
