"""`petitions demo`: replay every platform's recorded pages from a local server, counts moving
round after round, through the real fetcher, pipeline and storage, summarise what was stored, then
serve the dashboard on 127.0.0.1 until Ctrl-C (`--no-serve` stops after the summary)."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import signal
import socket
import tempfile
from datetime import timedelta
from pathlib import Path

import click
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .app import App
from .cases import RecordedCase, load_cases
from .cli_common import console as stdout
from .cli_common import reports_errors
from .config import CampaignSettings, FetchSettings, PlatformSettings, Settings, WebSettings
from .following import Entry, follow
from .localserver import LocalServer
from .pipeline import poll_many
from .platform import Platform
from .plugins import PlatformRegistry, make_plugin_manager
from .testing_replay import poll_problem, serve_case

#: recorded cases per platform replayed by the demo, at most
CASES_PER_PLATFORM = 5
#: the environment variable holding the demo dashboard's session secret (random per run)
DEMO_SECRET = "PETITIONS_DEMO_SECRET"
DEMO_ROBOTS = b"User-agent: *\nDisallow: /api-proxy/\nDisallow: /p/*/sign\n"


def _usable(platform: Platform, case: RecordedCase) -> bool:
    """A case the demo can replay: it parses cleanly and starts where the platform's plan starts."""
    return "error" not in case.expected and poll_problem(platform, case) is None


def _chosen(registry: PlatformRegistry) -> list[tuple[Platform, RecordedCase]]:
    chosen = []
    for entry in registry.entries():
        by_status: dict[str, RecordedCase] = {}
        for case in load_cases(entry.platform):
            if _usable(entry.platform, case):
                by_status.setdefault(str(case.expected.get("status")), case)
        chosen += [(entry.platform, case) for case in list(by_status.values())[:CASES_PER_PLATFORM]]
    return chosen


def _settings(folder: Path, server: LocalServer, registry: PlatformRegistry, hosts: set[str]) -> Settings:
    return Settings(
        database_url=f"sqlite:///{folder / 'demo.db'}",
        contact="petitions demo (offline)",
        fetch=FetchSettings(host_overrides=server.overrides(*sorted(hosts)), retries=0),
        platforms={name: PlatformSettings(spacing=timedelta(0), concurrency=4) for name in registry.names()},
        campaigns={"demo": CampaignSettings(title="Demo: every platform", description="all demo petitions")},
        source="demo settings",
    )


def free_port(preferred: int) -> int:
    """`preferred` when nothing listens on it on 127.0.0.1, else a free port."""
    for port in (preferred, 0):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise OSError("no free TCP port on 127.0.0.1")


async def serve_dashboard(
    console: Console, settings: Settings, port: int, stopping: asyncio.Event | None = None
) -> None:
    """Serve the demo database's dashboard on 127.0.0.1 until Ctrl-C (or `stopping` is set), with a
    throwaway demo user."""
    from .web.server import serve, url_of
    from .web.users import add_user

    os.environ.setdefault(DEMO_SECRET, secrets.token_urlsafe(32))
    web = WebSettings(host="127.0.0.1", port=free_port(port), secret_env=DEMO_SECRET)
    app = App.open(settings.model_copy(update={"web": web}))
    password = secrets.token_urlsafe(12)
    add_user(app.store.engine, "demo", password, app.clock.now(), replace=True)
    signals = (signal.SIGINT, signal.SIGTERM) if stopping is None else ()
    stopping = stopping or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in signals:
        loop.add_signal_handler(sig, stopping.set)
    console.print(
        f"\nDashboard: {url_of(app)}  (sign in as demo / {password} to manage; Ctrl-C stops)",
        highlight=False,
        markup=False,
    )
    try:
        await serve(app, stopping)
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
        await app.aclose()


async def run_demo(
    console: Console,
    rounds: int = 4,
    keep: Path | None = None,
    serve: bool = False,
    port: int = 8765,
    stopping: asyncio.Event | None = None,
) -> None:
    """Serve, follow, poll `rounds` times, print what was collected, then serve the dashboard."""
    # the summary reports every petition's health; per-poll warnings would only repeat it
    logging.getLogger("aggregator.pipeline").setLevel(logging.ERROR)
    registry = PlatformRegistry.from_plugins(make_plugin_manager())
    chosen = _chosen(registry)
    server_round = [0]
    with LocalServer() as server, tempfile.TemporaryDirectory(prefix="petitions-demo-") as tmp:
        folder = keep.parent if keep else Path(tmp)
        hosts: set[str] = set()
        for _, case in chosen:
            hosts |= set(serve_case(server, case, robots=DEMO_ROBOTS, server_round=server_round))
        settings = _settings(folder, server, registry, hosts)
        if keep:
            settings = settings.model_copy(update={"database_url": f"sqlite:///{keep}"})
        app = App.open(settings)
        console.print(
            f"Demo: a local server on {server.address} replays {len(chosen)} recorded pages of "
            f"{len({p.name for p, _ in chosen})} platforms; open petitions gain supporters every round.\n"
        )
        for platform, case in chosen:
            follow(app, Entry(platform.canonical_url(case.records[0].external_id), ("demo", platform.name)))
        try:
            for number in range(rounds):
                server_round[0] = number
                app.store.mark_due(None, app.clock.now())
                tasks = app.store.claim_due(app.clock.now(), 10_000, settings.schedule.lease)
                records = await poll_many(app, tasks)
                written = sum(r.normalized is not None for r in records)
                unchanged = sum(r.unchanged for r in records)
                failed = len(records) - written - unchanged
                console.print(
                    f"round {number + 1}: polled {len(records)}: {written} read, {unchanged} unchanged "
                    f"(304 or same body), {failed} not read (see health)"
                )
        finally:
            await app.aclose()
        console.print()
        for part in _summary(app):
            console.print(part, highlight=False)
        requests = len(server.requests)
        console.print(
            f"\n{requests} HTTP requests served locally (robots.txt included); nothing left this machine."
        )
        if keep:
            console.print(
                f'Database kept at {keep}: put database_url = "sqlite:///{keep}" in petitions.toml '
                "and `petitions list` shows it."
            )
        if serve:
            await serve_dashboard(console, settings, port, stopping)


def _summary(app: App) -> list[Table | str]:
    petitions = app.store.petitions()
    ids = [p.id for p in petitions if p.id is not None]
    states = app.store.fetch_states(ids)
    table = Table(title="What the demo collected", box=box.SIMPLE_HEAD)
    table.add_column("#", no_wrap=True)
    table.add_column("platform", no_wrap=True)
    table.add_column("title", min_width=12, max_width=34, no_wrap=True, overflow="ellipsis")
    table.add_column("supporters", no_wrap=True)
    table.add_column("rows/polls", no_wrap=True, justify="right")
    table.add_column("status", no_wrap=True)
    table.add_column("health", no_wrap=True)
    notes = []
    for petition in petitions:
        assert petition.id is not None
        runs = list(reversed(app.store.history(petition.id, 1000)))
        counts = [r.supporters for r in runs if r.supporters is not None]
        span = (
            (f"{counts[0]:,} → {counts[-1]:,}" if counts[0] != counts[-1] else f"{counts[0]:,}")
            if counts
            else "—"
        )
        state = states.get(petition.id)
        if state and state.health_reason:
            notes.append(f"#{petition.id} {state.health}: {escape(state.health_reason)}")
        table.add_row(
            str(petition.id),
            petition.platform,
            escape(petition.title or petition.url),
            span,
            f"{len(runs)}/{sum(r.polls for r in runs)}",
            petition.status,
            state.health if state else "new",
        )
    return [table, *notes]


@click.command("demo")
@click.option("--rounds", default=4, show_default=True, help="How many polling rounds to run.")
@click.option("--keep", type=click.Path(path_type=Path), help="Keep the demo database at this path.")
@click.option("--no-serve", is_flag=True, help="Exit after the summary instead of serving the dashboard.")
@click.option("--port", default=8765, show_default=True, help="Dashboard port (another if it is taken).")
@reports_errors
def demo(rounds: int, keep: Path | None, no_serve: bool, port: int) -> None:
    """Offline demo: replay recorded pages from a local server, poll them into a throwaway database,
    then serve the dashboard on 127.0.0.1 until Ctrl-C."""
    asyncio.run(run_demo(stdout, rounds=rounds, keep=keep, serve=not no_serve, port=port))
