"""The `petitions digest` command: preview a group's daily digest as text, or write its HTML."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli_common import app_of, console, reports_errors
from ..config import GroupSettings
from .content import build_digest
from .mail import send_digest
from .render import render_html, render_text


@click.command()
@click.option("--preview", is_flag=True, help="Print the plain-text part.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path), help="Write the HTML.")
@click.option("--send", is_flag=True, help="Email each group's digest to its recipients ([mail] settings).")
@click.option("--to", "to", metavar="ADDRESS", help="With --send: only to this address.")
@click.option("--group", "group_name", metavar="NAME", help="One group (else every group).")
@click.pass_context
@reports_errors
def digest(
    ctx: click.Context,
    preview: bool,
    html_file: Path | None,
    send: bool,
    to: str | None,
    group_name: str | None,
) -> None:
    """Build the daily digest of each recipient group: print it (--preview), write its HTML (--html)
    or email it (--send, to the group's recipients or only to --to ADDRESS)."""
    app = app_of(ctx)
    groups = dict(app.settings.groups) or {"all": GroupSettings()}
    if group_name is not None:
        if group_name not in groups:
            raise click.BadParameter(
                f"no group {group_name!r}; groups: {', '.join(groups)}", param_hint="--group"
            )
        groups = {group_name: groups[group_name]}
    if to is not None and not send:
        raise click.BadParameter("--to only applies with --send", param_hint="--to")
    if to is not None and "@" not in to:
        raise click.BadParameter(f"{to!r} is not an email address", param_hint="--to")
    if not preview and html_file is None and not send:
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
            if send:
                recipients = [to] if to is not None else list(group.recipients)
                if not recipients:
                    note = f"group {name}: no recipients (set recipients in [groups.{name}] or use --to)"
                    console.print(f"{note}; not sent", highlight=False, markup=False)
                    continue
                accepted = send_digest(app.settings.mail, built, recipients)
                sent = f"sent {name} digest {built.subject!r} to {', '.join(accepted)}"
                console.print(sent, highlight=False, markup=False)
    finally:
        app.store.engine.dispose()
