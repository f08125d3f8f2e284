"""`petitions demo`: replay every platform's recorded pages from a local server, counts moving
round after round, through the real fetcher, pipeline and storage, then summarise what was stored."""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .app import App
from .cases import RecordedCase, load_cases
from .config import FetchSettings, PlatformSettings, Settings
from .following import Entry, follow
from .localserver import LocalServer, Reply, Seen
from .pipeline import poll_many
from .platform import Platform, url_host
from .plugins import PlatformRegistry, make_plugin_manager
from .records import ResponseRecord

#: recorded cases per platform replayed by the demo, at most
CASES_PER_PLATFORM = 5
DEMO_ROBOTS = b"User-agent: *\nDisallow: /api-proxy/\nDisallow: /p/*/sign\n"


@dataclass
class ReplayedPage:
    """One recorded response served by the demo server, its count moving with the round."""

    record: ResponseRecord
    base: int | None
    step: int
    server_round: list[int]

    def body(self) -> bytes:
        if self.base is None or not self.step:
            return self.record.body
        count = self.base + self.step * self.server_round[0]
        text = self.record.body.decode("utf-8")
        for old, new in ((f"{self.base:,}", f"{count:,}"), (str(self.base), str(count))):
            text = re.sub(rf"(?<!\d)(?<!\d[.,]){re.escape(old)}(?!\d|[.,]\d)", new, text)
        return text.encode("utf-8")

    def reply(self, seen: Seen) -> Reply:
        body = self.body()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if seen.headers.get("if-none-match") == etag:
            return Reply(304, b"", {"ETag": etag})
        headers = {k: v for k, v in self.record.headers.items() if k in ("content-type", "cache-control")}
        return Reply(self.record.status, body, {**headers, "ETag": etag})


def _usable(platform: Platform, case: RecordedCase) -> bool:
    """A case the demo can replay: it parses cleanly and starts where the platform's plan starts."""
    if "error" in case.expected:
        return False
    first = case.records[0]
    state = dict(case.meta.get("state") or {})
    return platform.plan(first.external_id, state).url == first.url and not state


def _chosen(registry: PlatformRegistry) -> list[tuple[Platform, RecordedCase]]:
    chosen = []
    for entry in registry.entries():
        by_status: dict[str, RecordedCase] = {}
        for case in load_cases(entry.platform):
            if _usable(entry.platform, case):
                by_status.setdefault(str(case.expected.get("status")), case)
        chosen += [(entry.platform, case) for case in list(by_status.values())[:CASES_PER_PLATFORM]]
    return chosen


def _serve(server: LocalServer, case: RecordedCase, server_round: list[int]) -> None:
    base = case.expected.get("supporters")
    growing = case.expected.get("status") == "open" and isinstance(base, int)
    for record in case.records:
        page = ReplayedPage(record, base if growing else None, max(7, (base or 0) // 300), server_round)
        if record.final_url != record.url:
            moved = Reply(301, b"", {"Location": record.final_url})
            server.route(_path(record.url), moved, host=url_host(record.url))
        server.route(_path(record.final_url), page.reply, host=url_host(record.final_url))


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[-1].split("/", 1)[-1] if "/" in url.split("://", 1)[-1] else "/"


def _settings(folder: Path, server: LocalServer, registry: PlatformRegistry, hosts: set[str]) -> Settings:
    return Settings(
        database_url=f"sqlite:///{folder / 'demo.db'}",
        contact="petitions demo (offline)",
        fetch=FetchSettings(host_overrides=server.overrides(*sorted(hosts)), retries=0),
        platforms={name: PlatformSettings(spacing=timedelta(0), concurrency=4) for name in registry.names()},
        source="demo settings",
    )


async def run_demo(console: Console, rounds: int = 4, keep: Path | None = None) -> None:
    """Serve, follow, poll `rounds` times and print what was collected."""
    registry = PlatformRegistry.from_plugins(make_plugin_manager())
    chosen = _chosen(registry)
    server_round = [0]
    with LocalServer() as server, tempfile.TemporaryDirectory(prefix="petitions-demo-") as tmp:
        folder = keep.parent if keep else Path(tmp)
        hosts = {url_host(r.url) for _, case in chosen for r in case.records}
        hosts |= {url_host(r.final_url) for _, case in chosen for r in case.records}
        for host in hosts:
            server.route("/robots.txt", Reply(200, DEMO_ROBOTS, {"Content-Type": "text/plain"}), host=host)
        for _, case in chosen:
            _serve(server, case, server_round)
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
