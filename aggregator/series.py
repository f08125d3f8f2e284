"""Series queries: step points, shape-keeping downsampling, overview rows, campaign totals, milestones."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from .milestones import Milestone, Projection, candidates, project
from .store_reads import StoreReads as Store
from .tables import FetchState, Observation, Petition, PetitionTag, UTCDateTime

OBS: sa.Table = Observation.__table__  # type: ignore[attr-defined]
PET: sa.Table = Petition.__table__  # type: ignore[attr-defined]
TAG: sa.Table = PetitionTag.__table__  # type: ignore[attr-defined]
FETCH: sa.Table = FetchState.__table__  # type: ignore[attr-defined]
DAY, WEEK = timedelta(days=1), timedelta(days=7)
#: samples in an overview sparkline: the count in force at 30 evenly spaced times over the last 7 days
#: the shortest span a rate per hour is computed over
MIN_RATE_HOURS = 1.0
SPARK_POINTS = 30
#: points one downsampling bucket can give (its first, min, max and last rows, and the last row's end)
PER_BUCKET = 5
#: statuses of petitions still collecting, whose milestone dates can be projected
COLLECTING = ("open", "unknown")


@dataclass(frozen=True, slots=True)
class Point:
    """One step point: the count polls saw at a time (the first or last poll of a run)."""

    at: datetime
    supporters: int | None
    status: str
    method: str | None = None
    approximate: bool = False
    decreased: bool = False


@dataclass(frozen=True, slots=True)
class Series:
    """A petition's step points in a window, downsampled when there were more than asked for."""

    petition_id: int
    points: list[Point]
    #: the last point before the window (the level the chart enters the window at), if any
    previous: Point | None
    #: run-length rows starting in the window
    rows: int
    downsampled: bool


_ROW = [OBS.c[name] for name in ("id", "first_seen_at", "last_seen_at", "supporters", "status", "method")]
_ROW += [OBS.c.approximate, OBS.c.decreased]


def _point(row: Any, at: datetime) -> Point:
    return Point(at, row.supporters, row.status, row.method, bool(row.approximate), bool(row.decreased))


def series(
    store: Store,
    petition_id: int,
    start: datetime | None = None,
    end: datetime | None = None,
    points: int | None = 1000,
) -> Series:
    """The step points of a petition from `start` to `end` (inclusive), at most `points` (>= 10) if given.

    Each run-length row gives a point at its first poll and one at its last poll (one when they
    coincide); nothing is interpolated. When that is more than `points`, the window is cut into
    `(points - 1) // 5` equal time buckets holding the rows by their first poll, and each bucket
    keeps only its first row, its last row and the rows with its fewest and most supporters (M4
    aggregation; a min or max already held by the first or last row is not repeated, else its
    earliest row is kept). Kept rows give their first-poll point, and each bucket's last row its
    last-poll point too, so jumps, dips and the level at every bucket's end survive. Buckets are
    computed in SQL with indexed subqueries: only the kept rows leave the database."""
    if points is not None and points < 2 * PER_BUCKET:
        raise ValueError(f"ask for at least {2 * PER_BUCKET} points")
    mine = OBS.c.petition_id == petition_id
    with store.engine.connect() as connection:
        low = start or connection.scalar(sa.select(sa.func.min(OBS.c.first_seen_at)).where(mine))
        newest = sa.select(OBS.c.last_seen_at).where(mine).order_by(OBS.c.first_seen_at.desc()).limit(1)
        high = end or connection.scalar(newest)
        if low is None or high is None or high < low:
            return Series(petition_id, [], None, 0, False)
        window = (mine, OBS.c.first_seen_at >= low, OBS.c.first_seen_at <= high)
        count = connection.scalar(sa.select(sa.func.count()).select_from(OBS).where(*window)) or 0
        before = None
        if start is not None:
            query = (
                sa.select(*_ROW).where(mine, OBS.c.first_seen_at < low).order_by(OBS.c.first_seen_at.desc())
            )
            before = connection.execute(query.limit(1)).first()
        downsampled = points is not None and 2 * count + 1 > points
        if downsampled and points is not None:
            ids, tails = _kept(connection, petition_id, low, high, max(1, (points - 1) // PER_BUCKET))
            query = sa.select(*_ROW).where(OBS.c.id.in_(ids))
        else:
            query = sa.select(*_ROW).where(*window)
        rows = connection.execute(query.order_by(OBS.c.first_seen_at)).all()
    found: list[Point] = []
    previous = None
    if before is not None:
        spans = before.last_seen_at >= low
        previous = _point(before, before.first_seen_at if spans else before.last_seen_at)
        if spans and before.first_seen_at < before.last_seen_at <= high:
            found.append(_point(before, before.last_seen_at))
    for row in rows:
        found.append(_point(row, row.first_seen_at))
        tail = not downsampled or row.id in tails
        if tail and row.last_seen_at > row.first_seen_at and row.last_seen_at <= high:
            found.append(_point(row, row.last_seen_at))
    return Series(petition_id, found, previous, count, downsampled)


def _kept(
    connection: sa.Connection, petition_id: int, low: datetime, high: datetime, buckets: int
) -> tuple[set[int], set[int]]:
    """The ids of the rows each bucket keeps, and of the buckets' last rows."""
    width = (high - low) / buckets
    edges = [(i, low + width * i, low + width * (i + 1)) for i in range(buckets)]
    edges[-1] = (buckets - 1, edges[-1][1], high + timedelta(microseconds=1))
    ids: set[int] = set()
    tails: set[int] = set()
    wanted: list[tuple[int, datetime, datetime, int]] = []
    for i, first, first_value, last, last_value, fewest, most in _per_bucket(connection, petition_id, edges):
        if first is not None:
            ids.update((first, last))
            tails.add(last)
            wanted += [
                (len(wanted), *edges[i][1:], v) for v in {fewest, most} - {first_value, last_value, None}
            ]
    if wanted:  # the earliest row holding a min or max that the first and last rows do not hold
        ids.update(i for _, i in _per_bucket(connection, petition_id, wanted) if i is not None)
    return ids, tails


def _per_bucket(connection: sa.Connection, petition_id: int, buckets: list[tuple[Any, ...]]) -> list[Any]:
    """Run the per-bucket subqueries over literal `(i, lo, hi)` rows (or `(i, lo, hi, value)`: the
    earliest row holding the value)."""
    names = ("i", "lo", "hi", "v")[: len(buckets[0])]
    values = {
        f"{name}{k}": value for k, row in enumerate(buckets) for name, value in zip(names, row, strict=True)
    }
    return connection.execute(
        _bucket_sql(len(buckets), len(names) == 4), {"pid": petition_id, **values}
    ).all()


@lru_cache(maxsize=64)
def _bucket_sql(count: int, valued: bool) -> sa.TextClause:
    """The per-bucket query as text: SQLAlchemy cannot cache VALUES constructs, and compiling one
    with hundreds of rows took longer than running it; as text it is built once per size."""
    names = ("i", "lo", "hi", "v") if valued else ("i", "lo", "hi")
    rows = ", ".join("(" + ", ".join(f":{name}{k}" for name in names) + ")" for k in range(count))
    inside = (
        f"FROM {OBS.name} o WHERE o.petition_id = :pid AND o.first_seen_at >= b.lo AND o.first_seen_at < b.hi"
    )
    if valued:
        picks = [f"(SELECT o.id {inside} AND o.supporters = b.v ORDER BY o.first_seen_at LIMIT 1)"]
    else:
        picks = [
            f"(SELECT o.{column} {inside} ORDER BY o.first_seen_at {order} LIMIT 1)"
            for order in ("ASC", "DESC")
            for column in ("id", "supporters")
        ]
        picks += [f"(SELECT {extreme}(o.supporters) {inside})" for extreme in ("min", "max")]
    sql = f"WITH b({', '.join(names)}) AS (VALUES {rows}) SELECT b.i, {', '.join(picks)} FROM b"
    typed = (sa.bindparam(f"{name}{k}", type_=UTCDateTime()) for k in range(count) for name in ("lo", "hi"))
    return sa.text(sql).bindparams(*typed)


def step_series(
    store: Store,
    petition_id: int,
    start: datetime | None = None,
    end: datetime | None = None,
    points: int = 1000,
) -> dict[str, list[Any]]:
    """The series as chart columns: `t` (Unix seconds) and `v` (supporters, None for no count)."""
    found = series(store, petition_id, start, end, points).points
    return {"t": [int(p.at.timestamp()) for p in found], "v": [p.supporters for p in found]}


# -- overview ------------------------------------------------------------------------------------


@dataclass
class OverviewRow:
    """One petition in the overview: latest values, changes, rate, health and a sparkline."""

    id: int
    platform: str
    external_id: str
    url: str
    title: str | None
    status: str
    paused: bool
    archived: bool
    tags: list[str] = field(default_factory=list)
    supporters: int | None = None
    approximate: bool = False
    goal: int | None = None
    computed_goal: bool = False
    last_seen_at: datetime | None = None
    #: the fetch health, "new" before the first poll
    health: str = "new"
    health_reason: str | None = None
    last_ok_at: datetime | None = None
    #: the latest count minus the count in force 24 hours (7 days) ago; None without both
    change_24h: int | None = None
    change_7d: int | None = None
    #: supporters per hour over the last 24 hours (since the first count, for younger series)
    rate_per_hour: float | None = None
    #: the count in force at `SPARK_POINTS` evenly spaced times over the last 7 days
    sparkline: list[int | None] = field(default_factory=list)


_DIRECT = ("id", "platform", "external_id", "url", "title", "status", "paused", "archived", "supporters")
_DIRECT += ("approximate", "goal", "computed_goal", "last_seen_at", "health_reason", "last_ok_at")
_FETCHED = ("health", "health_reason", "last_ok_at")


def row_at(when: datetime | None, column: str = "id", oldest: bool = False) -> Any:
    """A column of the petition's row in force at `when`: the newest starting at or before it."""
    row = OBS.alias()
    query = sa.select(row.c[column]).where(row.c.petition_id == PET.c.id)
    if when is not None:
        query = query.where(row.c.first_seen_at <= when)
    order = row.c.first_seen_at if oldest else row.c.first_seen_at.desc()
    return query.order_by(order).limit(1).scalar_subquery()


def _filters(
    tag: str | None, platform: str | None, status: str | None, q: str | None, ids: Sequence[int] | None
) -> list[Any]:
    found: list[Any] = [PET.c.platform == platform] if platform else []
    if tag:
        found.append(PET.c.id.in_(sa.select(TAG.c.petition_id).where(TAG.c.tag == tag)))
    if status:
        found.append(PET.c.status == status)
    if q and q.strip():
        text = q.strip()
        words = [sa.func.lower(c).contains(text.lower(), autoescape=True) for c in (PET.c.title, PET.c.url)]
        words.append(PET.c.external_id.contains(text, autoescape=True))
        if text.lstrip("#").isdigit():
            words.append(PET.c.id == int(text.lstrip("#")))
        found.append(sa.or_(*words))
    if ids is not None:
        found.append(PET.c.id.in_(list(ids)))
    return found


def overview_rows(
    store: Store,
    now: datetime,
    *,
    tag: str | None = None,
    platform: str | None = None,
    status: str | None = None,
    q: str | None = None,
    ids: Sequence[int] | None = None,
    include_archived: bool = False,
) -> list[OverviewRow]:
    """The overview of the petitions matching the filters (`q` searches titles, URLs and ids) in two
    queries whatever their number: one row per petition with its latest, first, day-old and week-old
    rows, fetch state and sparkline samples (indexed one-row subqueries), then the tags."""
    conditions = _filters(tag, platform, status, q, ids)
    if not include_archived:
        conditions.append(PET.c.archived.is_(False))
    samples = [now - WEEK + WEEK * i / (SPARK_POINTS - 1) for i in range(SPARK_POINTS)]
    found = [row_at(now).label("latest_id"), row_at(now, oldest=True).label("first_id")]
    found += [
        row_at(now - DAY).label("day_id"),
        row_at(now - WEEK, "supporters").label("week_supporters"),
    ]
    found += [row_at(t, "supporters").label(f"spark{i}") for i, t in enumerate(samples)]
    base = sa.select(*(PET.c[n] for n in _DIRECT[:8]), *found).where(*conditions).subquery("base")
    latest, first, day = OBS.alias("latest"), OBS.alias("first"), OBS.alias("day")
    joined = [first.c.supporters.label("first_supporters"), first.c.first_seen_at.label("first_at")]
    joined += [day.c.supporters.label("day_supporters"), day.c.last_seen_at.label("day_last")]
    query = (
        sa.select(base, *(latest.c[n] for n in _DIRECT[8:13]), *(FETCH.c[n] for n in _FETCHED), *joined)
        .outerjoin(latest, latest.c.id == base.c.latest_id)
        .outerjoin(first, first.c.id == base.c.first_id)
        .outerjoin(day, day.c.id == base.c.day_id)
        .outerjoin(FETCH, FETCH.c.petition_id == base.c.id)
        .order_by(base.c.id)
    )
    chosen = sa.select(PET.c.id).where(*conditions)
    tags = sa.select(TAG.c.petition_id, TAG.c.tag).where(TAG.c.petition_id.in_(chosen)).order_by(TAG.c.tag)
    with store.engine.connect() as connection:
        rows = [_overview_row(row, now) for row in connection.execute(query)]
        by_id = {row.id: row for row in rows}
        for petition_id, name in connection.execute(tags):
            by_id[petition_id].tags.append(name)
    return rows


def _overview_row(row: Any, now: datetime) -> OverviewRow:
    values = row._mapping
    found = OverviewRow(**{name: values[name] for name in _DIRECT}, health=row.health or "new")
    for flag in ("paused", "archived", "approximate", "computed_goal"):
        setattr(found, flag, bool(values[flag]))
    found.sparkline = [values[f"spark{i}"] for i in range(SPARK_POINTS)]
    current = row.supporters
    if current is None:
        return found
    if row.day_supporters is not None:
        found.change_24h = current - row.day_supporters
    if row.week_supporters is not None:
        found.change_7d = current - row.week_supporters
    if row.day_last is not None:  # the day-old count held until its last poll, or until now-24h
        since, then = min(row.day_last, now - DAY), row.day_supporters
    else:
        since, then = row.first_at, row.first_supporters
    hours = (row.last_seen_at - since).total_seconds() / 3600
    if then is not None and hours >= MIN_RATE_HOURS:  # a rate over minutes would be extrapolated noise
        found.rate_per_hour = round((current - then) / hours, 2)
    return found


def petition_stats(store: Store, petition_id: int, now: datetime) -> OverviewRow | None:
    """The overview row of one petition (archived or not), or None when it is not followed."""
    found = overview_rows(store, now, ids=[petition_id], include_archived=True)
    return found[0] if found else None


# -- campaigns -----------------------------------------------------------------------------------


# -- milestones ----------------------------------------------------------------------------------


def _latest(connection: sa.Connection, petition_id: int, now: datetime | None, days: int = 0) -> Any:
    """The petition, its latest count and goal, and the counts in force 0..`days` days before now."""
    daily = (row_at(now - DAY * k if now else None, "supporters").label(f"day{k}") for k in range(days + 1))
    query = sa.select(PET.c.platform, PET.c.status, OBS.c.supporters, OBS.c.goal, OBS.c.computed_goal, *daily)
    query = query.select_from(PET).outerjoin(OBS, OBS.c.id == row_at(now)).where(PET.c.id == petition_id)
    return connection.execute(query).first()


def milestones(
    store: Store, petition_id: int, now: datetime | None, thresholds: Mapping[str, int]
) -> list[Milestone]:
    """A petition's milestones, to mark on its chart."""
    with store.engine.connect() as connection:
        row = _latest(connection, petition_id, now)
    if row is None:
        return []
    return candidates(row, thresholds)


def next_milestone(
    store: Store, petition_id: int, now: datetime, thresholds: Mapping[str, int]
) -> Projection | None:
    """The smallest milestone above the latest count, projected from the last 7 days' paces."""
    with store.engine.connect() as connection:
        row = _latest(connection, petition_id, now, days=7)
    if row is None or row.supporters is None:
        return None
    levels = candidates(row, thresholds)
    ahead = next(m for m in levels if m.value > row.supporters)  # the round-number ladder never ends
    if row.status not in COLLECTING:
        note = f"the petition is {row.status}: no projection"
        return Projection(ahead.value, ahead.label, ahead.kind, ahead.value - row.supporters, note=note)
    return project(ahead, row.supporters, [row._mapping[f"day{k}"] for k in range(8)], now)
