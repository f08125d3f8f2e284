"""The `petitions` command line: follow, import, list, show, poll, run, plugins, parse, demo."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .app import App
from .cases import replay
from .config import Settings, load_settings, parse_duration
from .errors import AggregatorError
from .following import Entry, Followed, follow, import_file, resolve
from .pipeline import poll_many
from .platform import url_host
from .plugins import PlatformRegistry, make_plugin_manager
from .recording import record as record_command
from .records import ResponseRecord
from .scaffold import new_platform
from .scheduler import Scheduler
from .store import PollRecord
from .views import petition_detail, petitions_table, plugins_table

#: tables printed to a pipe or file get a comfortable width instead of the 80 columns Rich assumes
_WIDTH = None if sys.stdout.isatty() else 120
console = Console(soft_wrap=True, width=_WIDTH)
errors = Console(stderr=True, soft_wrap=True, width=_WIDTH)


def _fail(message: str) -> None:
    errors.print(f"[red]error:[/red] {escape(message)}", highlight=False)
    sys.exit(1)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the aggregator's own errors into a clear message and exit status 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except AggregatorError as exc:
            _fail(str(exc))

    return wrapper


def _settings(ctx: click.Context) -> Settings:
    return load_settings(ctx.obj["config"])


def _app(ctx: click.Context) -> App:
    return App.open(_settings(ctx))


def _duration(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


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


def _report(outcomes: list[Followed]) -> int:
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


@cli.command()
@click.argument("urls", nargs=-1, required=True)
@click.option("--tag", "tags", multiple=True, help="A label (repeatable).")
@click.option("--interval", callback=_duration, help="How often to poll, e.g. 30m, 2h, 1d.")
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
    app = _app(ctx)
    entries = [Entry(url, tags, interval, extractor=extractor) for url in urls]
    failed = _report([follow(app, entry, platform_name) for entry in entries])
    if failed:
        sys.exit(1)


@cli.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
@reports_errors
def import_(ctx: click.Context, file: Path) -> None:
    """Follow the petitions of a CSV (url,tags,interval) or TOML ([[petition]]) file; idempotent."""
    outcomes = import_file(_app(ctx), file)
    failed = _report(outcomes)
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
    app = _app(ctx)
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
    app = _app(ctx)
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
    app = _app(ctx)
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
    """Run the scheduler until Ctrl-C / SIGTERM; finished polls are always stored."""
    app = _app(ctx)

    async def main() -> None:
        try:
            await Scheduler(app).run()
        finally:
            await app.aclose()

    logging.getLogger("aggregator").setLevel(logging.INFO)
    errors.print(
        f"scheduler running on {app.settings.database_url} (config: {app.settings.source}); Ctrl-C stops",
        markup=False,
        highlight=False,
    )
    asyncio.run(main())


@cli.command()
@click.pass_context
@reports_errors
def plugins(ctx: click.Context) -> None:
    """List the loaded platforms, the plugin behind each and their data sources."""
    settings = _settings(ctx)
    registry = PlatformRegistry.from_plugins(
        make_plugin_manager(settings.plugins_dir or None), settings.host_map()
    )
    console.print(plugins_table(registry))


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", required=True, help="The URL the body was fetched from.")
@click.option("--status", default=200, show_default=True, help="The HTTP status that came with it.")
@click.option("--final-url", help="The URL after redirects (default: --url).")
@click.option(
    "--platform", "platform_name", help="Read it as this platform's response (default: from the URL)."
)
@click.option("--extractor", help="Read it with this named extractor of the config ([extractors.NAME]).")
@click.pass_context
@reports_errors
def parse(
    ctx: click.Context,
    file: Path,
    url: str,
    status: int,
    final_url: str | None,
    platform_name: str | None,
    extractor: str | None,
) -> None:
    """Parse a saved response body as if fetched from URL; print the normalized result as JSON."""
    settings = _settings(ctx)
    registry = PlatformRegistry.from_plugins(
        make_plugin_manager(settings.plugins_dir or None), settings.host_map()
    )
    if extractor:
        platform_name = settings.extractors[extractor].platform if extractor in settings.extractors else None
        settings.extractor_state(extractor)  # an unknown name is a clear error
    platform = registry.get(platform_name) if platform_name else registry.for_url(url)
    if platform.uses_extractors and not extractor:
        extractor = settings.extractor_for(url_host(url))
    external_id = platform.external_id(url)
    record = ResponseRecord(
        url=url,
        final_url=final_url or url,
        status=status,
        headers={},
        body=file.read_bytes(),
        external_id=external_id,
        state=settings.extractor_state(extractor),
    )
    result = replay(platform, [record], external_id)
    click.echo(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
    if result.error is not None:
        _fail(f"{file} cannot be read as a {platform.name} response: {result.error}")


@cli.command()
@click.option("--rounds", default=4, show_default=True, help="How many polling rounds to run.")
@click.option("--keep", type=click.Path(path_type=Path), help="Keep the demo database at this path.")
@reports_errors
def demo(rounds: int, keep: Path | None) -> None:
    """Offline demo: replay recorded pages from a local server and poll them into a throwaway database."""
    from .demo import run_demo

    asyncio.run(run_demo(console, rounds=rounds, keep=keep))


cli.add_command(record_command)
cli.add_command(new_platform)


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
        _fail(str(exc))
    pm.hook.register_commands(cli=cli)
    cli(obj={})
