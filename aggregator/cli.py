"""The `petitions` command line: follow, import, list, show, poll, run, plugins, parse, demo."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path
from typing import Any

import click
from rich.logging import RichHandler
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .app import App
from .cli_common import app_of, console, duration, errors, fail, report, reports_errors
from .cli_platforms import discover, parse, plugins
from .config import load_settings
from .demo import demo
from .digest.cli import digest
from .errors import AggregatorError
from .following import Entry, follow, import_file, resolve
from .pipeline import poll_many
from .plugins import make_plugin_manager
from .recording import record as record_command
from .scaffold import new_platform
from .scheduler import Scheduler
from .store import PollRecord
from .views import petition_detail, petitions_table
from .web.server import serve, url_of
from .web.users import user


@click.group()
@click.version_option(__version__, prog_name="petitions")
@click.option(
    "--config", "config", metavar="PATH", help="Settings file (else $PETITIONS_CONFIG, ./petitions.toml)."
)
@click.option("-v", "--verbose", is_flag=True, help="Log every poll.")
@click.pass_context
def cli(ctx: click.Context, config: str | None, verbose: bool) -> None:
    """Follow petitions across platforms: polite polling, normalized counts, stored history."""
    ctx.ensure_object(dict)
    ctx.obj["config"] = config
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=errors, show_path=False)],
    )


@cli.command()
@click.argument("urls", nargs=-1, required=True)
@click.option("--tag", "tags", multiple=True, help="A label (repeatable).")
@click.option("--interval", callback=duration, help="How often to poll, e.g. 30m, 2h, 1d.")
@click.option(
    "--platform", "platform_name", help="Treat the URLs as this platform's (for hosts it does not know)."
)
@click.option(
    "--extractor", help="Read the pages with this named extractor of the config ([extractors.NAME])."
)
@click.pass_context
@reports_errors
def add(
    ctx: click.Context,
    urls: tuple[str, ...],
    tags: tuple[str, ...],
    interval: Any,
    platform_name: str | None,
    extractor: str | None,
) -> None:
    """Follow one or more petitions by URL."""
    app = app_of(ctx)
    entries = [Entry(url, tags, interval, extractor=extractor) for url in urls]
    failed = report([follow(app, entry, platform_name) for entry in entries])
    if failed:
        sys.exit(1)


@cli.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
@reports_errors
def import_(ctx: click.Context, file: Path) -> None:
    """Follow the petitions of a CSV (url,tags,interval) or TOML ([[petition]]) file; idempotent."""
    outcomes = import_file(app_of(ctx), file)
    failed = report(outcomes)
    console.print(f"{len(outcomes) - failed} imported, {failed} with errors", highlight=False)
    if failed:
        sys.exit(1)


@cli.command(name="list")
@click.option("--tag", help="Only petitions with this tag.")
@click.option("--archived", is_flag=True, help="Include archived petitions.")
@click.pass_context
@reports_errors
def list_(ctx: click.Context, tag: str | None, archived: bool) -> None:
    """List followed petitions with their latest values and health."""
    app = app_of(ctx)
    petitions = app.store.petitions(tag, include_archived=archived)
    if not petitions:
        console.print("No petitions followed yet: `petitions add URL` follows one.")
        return
    console.print(petitions_table(app.store, petitions, app.clock.now()))


@cli.command()
@click.argument("reference")
@click.option("--history", default=10, show_default=True, help="How many history rows to show.")
@click.pass_context
@reports_errors
def show(ctx: click.Context, reference: str, history: int) -> None:
    """Show one petition (by id or URL): latest values, health, outcomes and recent history."""
    app = app_of(ctx)
    for part in petition_detail(app.store, resolve(app, reference), app.clock.now(), history):
        console.print(part, highlight=False)


async def _poll_pass(app: App, ids: list[int] | None) -> list[PollRecord]:
    now = app.clock.now()
    app.store.mark_due(ids, now)
    tasks = app.store.claim_due(now, limit=1_000_000, lease=app.settings.schedule.lease)
    with Progress(
        TextColumn("polling"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    ) as progress:
        bar = progress.add_task("poll", total=len(tasks))
        try:
            return await poll_many(app, tasks, on_done=lambda _r: progress.advance(bar))
        finally:
            await app.aclose()


@cli.command()
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "everything", is_flag=True, help="Poll every active petition.")
@click.pass_context
@reports_errors
def poll(ctx: click.Context, ids: tuple[int, ...], everything: bool) -> None:
    """Poll petitions once now (all active ones with --all), with a progress bar."""
    if not ids and not everything:
        raise click.UsageError("name petition ids, or pass --all")
    app = app_of(ctx)
    records = asyncio.run(_poll_pass(app, None if everything else list(ids)))
    for record in records:
        if not record.succeeded:
            errors.print(
                f"#{record.task.petition_id}: {record.health.value}: {record.health_reason}",
                highlight=False,
                markup=False,
            )
    ok = sum(r.succeeded for r in records)
    console.print(f"polled {len(records)}: {ok} ok, {len(records) - ok} failed", highlight=False)
    console.print(petitions_table(app.store, app.store.petitions(), app.clock.now()))


@cli.command()
@click.pass_context
@reports_errors
def run(ctx: click.Context) -> None:
    """Run the scheduler (and the dashboard, unless [web] serve = false) until Ctrl-C / SIGTERM."""
    app = app_of(ctx)

    async def main() -> None:
        scheduler = Scheduler(app)
        try:
            if app.settings.web.serve:
                await asyncio.gather(scheduler.run(), serve(app, scheduler.stopping))
            else:
                await scheduler.run()
        finally:
            await app.aclose()

    logging.getLogger("aggregator").setLevel(logging.INFO)
    errors.print(
        f"scheduler running on {app.settings.database_url} (config: {app.settings.source}); Ctrl-C stops",
        markup=False,
        highlight=False,
    )
    asyncio.run(main())


@cli.command("serve")
@click.pass_context
@reports_errors
def serve_command(ctx: click.Context) -> None:
    """Serve the dashboard and JSON API only (no polling) until Ctrl-C."""
    app = app_of(ctx)

    async def main() -> None:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stopping.set)
        try:
            await serve(app, stopping)
        finally:
            await app.aclose()

    errors.print(f"dashboard on {url_of(app)} (Ctrl-C stops)", markup=False, highlight=False)
    asyncio.run(main())


cli.add_command(record_command)
for command in (discover, plugins, parse, demo):
    cli.add_command(command)
cli.add_command(new_platform)
cli.add_command(user)
cli.add_command(digest)


def _plugins_dir_from(argv: list[str]) -> str | None:
    """The config's plugins_dir, read before click parses `--config`, so local plugins can add commands."""
    explicit = None
    for number, arg in enumerate(argv):
        if arg == "--config" and number + 1 < len(argv):
            explicit = argv[number + 1]
        elif arg.startswith("--config="):
            explicit = arg.split("=", 1)[1]
    try:
        return load_settings(explicit).plugins_dir or None
    except AggregatorError:
        return None  # the command reports the bad config itself


def main() -> None:
    """Entry point: load plugin commands, then run the command line."""
    try:
        pm = make_plugin_manager(_plugins_dir_from(sys.argv[1:]))
    except AggregatorError as exc:
        fail(str(exc))
    pm.hook.register_commands(cli=cli)
    cli(obj={})
