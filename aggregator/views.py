"""Terminal views: the tables and summaries the CLI prints (scraped text printed as plain text)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.markup import escape
from rich.table import Table

from .platform import Platform
from .plugins import PlatformRegistry
from .store import Store
from .tables import Petition


def _count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _when(value: datetime | None, now: datetime) -> str:
    if value is None:
        return "never"
    seconds = int((now - value).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if abs(seconds) >= size:
            return f"{seconds // size}{unit} ago"
    return f"{seconds}s ago"


def petitions_table(store: Store, petitions: Sequence[Petition], now: datetime) -> Table:
    """One row per petition: latest supporters, status, health and when it was last polled."""
    ids = [p.id for p in petitions if p.id is not None]
    latest, states, tags = store.latest(ids), store.fetch_states(ids), store.tags(ids)
    table = Table(show_lines=False)
    for name in ("id", "platform", "title", "supporters", "status", "health", "checked", "tags"):
        table.add_column(name, no_wrap=name not in ("title", "tags"))
    for petition in petitions:
        assert petition.id is not None
        obs, state = latest.get(petition.id), states.get(petition.id)
        table.add_row(
            str(petition.id),
            petition.platform,
            escape((petition.title or petition.url)[:60]),
            _count(obs.supporters if obs else None) + (" ≈" if obs and obs.approximate else ""),
            petition.status + (" (paused)" if petition.paused else ""),
            state.health if state else "new",
            _when(state.last_attempt_at if state else None, now),
            escape(", ".join(tags.get(petition.id, []))),
        )
    return table


def petition_detail(store: Store, petition: Petition, now: datetime, history: int = 10) -> list[Table | str]:
    """Latest values, health, outcomes, recent history and recent poll attempts of one petition."""
    assert petition.id is not None
    state = store.fetch_states([petition.id]).get(petition.id)
    latest = store.latest([petition.id]).get(petition.id)
    lines: list[Table | str] = [
        f"[bold]{escape(petition.title or '(title not known yet)')}[/bold]",
        f"#{petition.id}  {petition.platform}  {escape(petition.url)}",
        f"supporters: {_count(latest.supporters if latest else None)}"
        + (
            f"  goal: {_count(latest.goal)}{' (computed by the site)' if latest.computed_goal else ''}"
            if latest and latest.goal
            else ""
        )
        + f"  status: {petition.status}",
        f"tags: {escape(', '.join(store.tags([petition.id])[petition.id])) or '—'}",
    ]
    if state:
        lines.append(
            f"health: {state.health}"
            + (f" ({escape(state.health_reason)})" if state.health_reason else "")
            + f"; last good poll {_when(state.last_ok_at, now)}"
            + f"; failures in a row: {state.consecutive_failures}"
        )
    else:
        lines.append("health: not polled yet (`petitions poll` polls it now)")
    runs = Table(
        "from", "to", "supporters", "status", "goal", "polls", "flags", title="history (newest first)"
    )
    for row in store.history(petition.id, history):
        flags = [name for name in ("decreased", "approximate", "computed_goal") if getattr(row, name)]
        runs.add_row(
            f"{row.first_seen_at:%Y-%m-%d %H:%M}",
            f"{row.last_seen_at:%Y-%m-%d %H:%M}",
            _count(row.supporters),
            row.status,
            _count(row.goal),
            str(row.polls),
            ", ".join(flags),
        )
    lines.append(runs)
    outcomes = store.outcomes(petition.id)
    if outcomes:
        facts = Table("when", "outcome", title="outcomes")
        for outcome in outcomes:
            facts.add_row(f"{outcome.occurred_at:%Y-%m-%d}" if outcome.occurred_at else "—", outcome.kind)
        lines.append(facts)
    attempts = Table("at", "outcome", "http", "ms", "error", title="recent polls")
    for entry in store.fetch_log(petition.id, 5):
        attempts.add_row(
            f"{entry.at:%Y-%m-%d %H:%M:%S}",
            entry.outcome,
            str(entry.http_status or "—"),
            str(entry.duration_ms),
            escape((entry.error or "")[:100]),
        )
    lines.append(attempts)
    return lines


def _hosts(platform: Platform) -> str:
    if platform.hosts:
        return ", ".join(platform.hosts)
    return "hosts named in the config's extractors" if platform.uses_extractors else "URL patterns"


def plugins_listing(registry: PlatformRegistry) -> list[str]:
    """Every loaded platform: its plugin, pace, hosts and data sources with their evidence."""
    lines = []
    for entry in registry.entries():
        platform = entry.platform
        lines.append(
            f"[bold]{platform.name}[/bold]  (plugin {escape(entry.plugin)}, "
            f"parser v{platform.parser_version}, "
            f"polled at most once every {platform.min_interval})"
        )
        lines.append(f"  hosts: {escape(_hosts(platform))}")
        for source in platform.data_sources:
            lines.append(f"  - {escape(source.name)} ({source.evidence}): {escape(source.description)}")
    return lines


def platforms_markdown(registry: PlatformRegistry, bundled_only: bool = False) -> str:
    """The README's table of supported platforms, made from the registry (`petitions plugins --markdown`)."""
    lines = ["| platform | hosts | data sources (evidence) |", "|---|---|---|"]
    for entry in registry.entries():
        platform = entry.platform
        if bundled_only and not type(platform).__module__.startswith("aggregator_plugins."):
            continue
        hosts = ", ".join(f"`{h}`" for h in platform.hosts) or _hosts(platform)
        sources = "; ".join(f"{s.name} ({s.evidence})" for s in platform.data_sources)
        lines.append(f"| `{platform.name}` | {hosts} | {sources} |")
    return "\n".join(lines) + "\n"
