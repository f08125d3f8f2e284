"""Digest content: what changed for a recipient group over the last 24 hours, as a dataclass tree."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..series import OBS, PET, OverviewRow, milestones, next_milestone, overview_rows
from ..tables import Outcome

if TYPE_CHECKING:
    from ..app import App
from ..config import GroupSettings

DAY = timedelta(days=1)
OUTCOME: sa.Table = Outcome.__table__  # type: ignore[attr-defined]
#: fetch healths that are not a tracking failure
HEALTHY = ("ok", "new")
#: how the likely cause of a platform incident reads
CAUSES = {
    "blocked": "blocked",
    "layout_changed": "layout changed",
    "site_down": "site down",
    "retrying": "retrying",
    "gone": "gone",
}


@dataclass(frozen=True)
class Ref:
    """A petition as the digest names it, with its dashboard link."""

    id: int
    platform: str
    title: str
    url: str
    link: str


@dataclass(frozen=True)
class Headline:
    """The group's totals: supporters summed across platforms are an upper bound (people sign twice)."""

    petitions: int
    supporters: int
    change_24h: int


@dataclass(frozen=True)
class Mover:
    """A petition's gain over 24 hours against its average day over the last 7 days."""

    petition: Ref
    supporters: int | None
    change_24h: int
    baseline_per_day: float | None
    #: the 24-hour gain over the 7-day daily average (None without a positive baseline)
    ratio: float | None


@dataclass(frozen=True)
class MilestoneCrossed:
    petition: Ref
    value: int
    label: str
    kind: str
    supporters: int


@dataclass(frozen=True)
class MilestoneAhead:
    petition: Ref
    value: int
    label: str
    kind: str
    remaining: int
    rate_per_hour: float | None
    expected_at: datetime
    earliest_at: datetime | None
    latest_at: datetime | None


@dataclass(frozen=True)
class StatusChange:
    petition: Ref
    before: str
    after: str
    at: datetime


@dataclass(frozen=True)
class OutcomeItem:
    petition: Ref
    kind: str
    occurred_at: datetime | None
    recorded_at: datetime
    source: str | None


@dataclass(frozen=True)
class Incident:
    """Failing petitions of one platform: one incident, with the most common health as likely cause."""

    platform: str
    count: int
    health: str
    cause: str
    petitions: list[Ref]


@dataclass
class Digest:
    """One group's digest for the 24 hours up to `now`."""

    group: str
    now: datetime
    local_date: str
    subject: str
    headline: Headline
    movers: list[Mover] = field(default_factory=list)
    relative_movers: list[Mover] = field(default_factory=list)
    crossed: list[MilestoneCrossed] = field(default_factory=list)
    ahead: list[MilestoneAhead] = field(default_factory=list)
    status_changes: list[StatusChange] = field(default_factory=list)
    outcomes: list[OutcomeItem] = field(default_factory=list)
    added: list[Ref] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    dashboard: str = ""
    campaign_links: dict[str, str] = field(default_factory=dict)

    @property
    def quiet(self) -> bool:
        return self.subject == "No changes"


def base_url(app: App) -> str:
    """The dashboard's public address (`[web] public_url`, else http://host:port), without a final slash."""
    web = app.settings.web
    return (web.public_url or f"http://{web.host}:{web.port}").rstrip("/")


def selected(rows: list[OverviewRow], group: GroupSettings) -> list[OverviewRow]:
    """The rows of petitions carrying any of the group's tags (every row when it has none)."""
    if not group.tags:
        return rows
    wanted = set(group.tags)
    return [row for row in rows if wanted & set(row.tags)]


def build_digest(
    app: App,
    group_name: str,
    group: GroupSettings,
    now: datetime,
    *,
    top: int = 5,
    ahead_days: int = 7,
) -> Digest:
    """The digest of `group` for the 24 hours up to `now` (milestones expected within `ahead_days`)."""
    store = app.store
    site = base_url(app)
    rows = selected(overview_rows(store, now), group)
    refs = {
        row.id: Ref(row.id, row.platform, row.title or row.url, row.url, f"{site}/petitions/{row.id}")
        for row in rows
    }
    since = now - DAY
    headline = Headline(len(rows), sum(r.supporters or 0 for r in rows), sum(r.change_24h or 0 for r in rows))
    movers = [_mover(refs[r.id], r) for r in rows if r.change_24h]
    absolute = sorted((m for m in movers if m.change_24h > 0), key=lambda m: (-m.change_24h, m.petition.id))
    relative = sorted(
        (m for m in movers if m.ratio is not None and m.change_24h > 0),
        key=lambda m: (-(m.ratio or 0), m.petition.id),
    )
    crossed: list[MilestoneCrossed] = []
    ahead: list[MilestoneAhead] = []
    for row in rows:
        thresholds = app.thresholds(row.platform)
        crossed += _crossed(app, refs[row.id], row, now, thresholds)
        projection = next_milestone(store, row.id, now, thresholds) if row.supporters is not None else None
        if (
            projection
            and projection.expected_at
            and projection.expected_at <= now + timedelta(days=ahead_days)
        ):
            ahead.append(
                MilestoneAhead(
                    refs[row.id],
                    projection.value,
                    projection.label,
                    projection.kind,
                    projection.remaining,
                    projection.rate_per_hour,
                    projection.expected_at,
                    projection.earliest_at,
                    projection.latest_at,
                )
            )
    ahead.sort(key=lambda m: (m.expected_at, m.petition.id))
    changes, outcomes, added = _events(app, refs, since, now)
    local = now.astimezone(ZoneInfo(group.timezone))
    digest = Digest(
        group=group_name,
        now=now,
        local_date=local.strftime("%A %-d %B %Y"),
        subject="",
        headline=headline,
        movers=absolute[:top],
        relative_movers=relative[:top],
        crossed=crossed,
        ahead=ahead[:top],
        status_changes=changes,
        outcomes=outcomes,
        added=added,
        incidents=_incidents(rows, refs),
        dashboard=f"{site}/",
        campaign_links={tag: f"{site}/campaigns/{tag}" for tag in group.tags},
    )
    digest.subject = subject_of(digest)
    return digest


def _mover(ref: Ref, row: OverviewRow) -> Mover:
    change = row.change_24h or 0
    baseline = row.change_7d / 7 if row.change_7d is not None else None
    ratio = round(change / baseline, 1) if baseline and baseline > 0 else None
    return Mover(ref, row.supporters, change, round(baseline, 1) if baseline is not None else None, ratio)


def _crossed(
    app: App, ref: Ref, row: OverviewRow, now: datetime, thresholds: Mapping[str, int]
) -> list[MilestoneCrossed]:
    """Milestones between the count in force 24 hours ago (exclusive) and the latest (inclusive)."""
    if row.supporters is None or row.change_24h is None or row.change_24h <= 0:
        return []
    before = row.supporters - row.change_24h
    levels = {m.value: m for m in milestones(app.store, row.id, now - DAY, thresholds)}
    for m in milestones(app.store, row.id, now, thresholds):
        levels.setdefault(m.value, m)
    return [
        MilestoneCrossed(ref, m.value, m.label, m.kind, row.supporters)
        for value, m in sorted(levels.items())
        if before < value <= row.supporters
    ]


def _events(
    app: App, refs: Mapping[int, Ref], since: datetime, now: datetime
) -> tuple[list[StatusChange], list[OutcomeItem], list[Ref]]:
    """Status changes (a row whose status differs from the row before it), outcomes recorded and
    petitions added in `(since, now]`."""
    ids = list(refs)
    if not ids:
        return [], [], []
    prev = OBS.alias("prev")
    previous = (
        sa.select(prev.c.status)
        .where(prev.c.petition_id == OBS.c.petition_id, prev.c.first_seen_at < OBS.c.first_seen_at)
        .order_by(prev.c.first_seen_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    window = (OBS.c.first_seen_at > since, OBS.c.first_seen_at <= now, OBS.c.petition_id.in_(ids))
    query = sa.select(OBS.c.petition_id, OBS.c.status, OBS.c.first_seen_at, previous.label("before"))
    outcomes = sa.select(OUTCOME).where(
        OUTCOME.c.petition_id.in_(ids), OUTCOME.c.recorded_at > since, OUTCOME.c.recorded_at <= now
    )
    added = sa.select(PET.c.id).where(PET.c.id.in_(ids), PET.c.created_at > since, PET.c.created_at <= now)
    with app.store.engine.connect() as connection:
        rows = connection.execute(query.where(*window).order_by(OBS.c.first_seen_at, OBS.c.id)).all()
        found = connection.execute(outcomes.order_by(OUTCOME.c.recorded_at, OUTCOME.c.id)).all()
        new = connection.scalars(added.order_by(PET.c.id)).all()
    changes = [
        StatusChange(refs[r.petition_id], r.before, r.status, r.first_seen_at)
        for r in rows
        if r.before is not None and r.before != r.status
    ]
    items = [OutcomeItem(refs[o.petition_id], o.kind, o.occurred_at, o.recorded_at, o.source) for o in found]
    return changes, items, [refs[i] for i in new]


def _incidents(rows: list[OverviewRow], refs: Mapping[int, Ref]) -> list[Incident]:
    """Failing petitions grouped by platform, the biggest incident first."""
    failing: dict[str, list[OverviewRow]] = {}
    for row in rows:
        if row.health not in HEALTHY and not row.paused:
            failing.setdefault(row.platform, []).append(row)
    found = []
    for platform, bad in failing.items():
        health = Counter(r.health for r in bad).most_common(1)[0][0]
        found.append(
            Incident(platform, len(bad), health, CAUSES.get(health, health), [refs[r.id] for r in bad])
        )
    return sorted(found, key=lambda i: (-i.count, i.platform))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def subject_of(digest: Digest) -> str:
    """A summary line, e.g. "3 milestones, 1 closed, change-org failing", or "No changes"."""
    parts: list[Any] = []
    if digest.crossed:
        parts.append(_plural(len(digest.crossed), "milestone"))
    statuses = Counter(c.after for c in digest.status_changes)
    parts += [f"{n} {status}" for status, n in sorted(statuses.items())]
    if digest.outcomes:
        parts.append(_plural(len(digest.outcomes), "outcome"))
    if digest.added:
        parts.append(f"{len(digest.added)} added")
    parts += [f"{i.platform} failing" for i in digest.incidents]
    return ", ".join(parts) if parts else "No changes"
