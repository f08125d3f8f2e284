"""Dashboard pages: overview, campaign, petition and managing (Jinja2, escaped, no inline script)."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlmodel import col

from .. import campaigns, series
from ..app import App
from ..tables import Observation, Petition, PetitionTag
from ..vocabulary import Health, Status
from . import auth, manage
from .auth import aggregator_of, render, require_page_reader
from .manage import duration_text, interval_of

PAGE_SIZE = 100
#: points drawn for a petition (the API serves more for a zoomed window) and per campaign line
PETITION_POINTS = 1000
CAMPAIGN_POINTS = 600
SORTS = ("title", "platform", "supporters", "change_24h", "change_7d", "rate", "status", "health")
TEXT_SORTS = ("title", "platform", "status", "health")

router = APIRouter(include_in_schema=False)
router.include_router(auth.router)
router.include_router(manage.router)


def _when(value: datetime | None, now: datetime) -> str:
    if value is None:
        return "never"
    seconds = int((now - value).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if abs(seconds) >= size:
            return f"{seconds // size} {unit} ago"
    return f"{seconds} s ago"


def _web_url(url: str) -> str:
    """Only http(s) links are rendered as links; anything else points nowhere."""
    return url if url.lower().startswith(("https://", "http://")) else "#"


def _short_url(url: str) -> str:
    """A URL without its scheme and www., to name a petition whose title is not known yet."""
    return url.split("://", 1)[-1].removeprefix("www.")


def _milestone_label(value: int, label: str) -> str:
    """`10,000: response threshold`, or the label alone when it names the number already."""
    return label if f"{value:,}" in label else f"{value:,}: {label}"


def _flags(row: Observation) -> str:
    return ", ".join(
        n.replace("_", " ") for n in ("decreased", "approximate", "computed_goal") if getattr(row, n)
    )


def spark_points(values: list[int | None], width: int = 100, height: int = 26) -> str:
    """An SVG polyline `points` attribute for a sparkline (empty when there is nothing to draw)."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(known) < 2:
        return ""
    low, high = min(v for _, v in known), max(v for _, v in known)
    last = (len(values) - 1) or 1

    def y(value: int) -> float:
        return height / 2 if high == low else (height - 2) - (value - low) * (height - 4) / (high - low)

    return " ".join(f"{i * width / last:.1f},{y(v):.1f}" for i, v in known)


auth.TEMPLATES.filters["web_url"] = _web_url
auth.TEMPLATES.filters["spark_points"] = spark_points
auth.TEMPLATES.filters["short_url"] = _short_url
auth.TEMPLATES.globals["milestone_label"] = _milestone_label
auth.TEMPLATES.globals["flags"] = _flags


@dataclass(frozen=True)
class OverviewQuery:
    """The overview's filters, sort and page, read from and written back to the query string."""

    q: str = ""
    tag: str = ""
    platform: str = ""
    status: str = ""
    health: str = ""
    sort: str = "supporters"
    desc: bool = True
    page: int = 1

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.tag or self.platform or self.status or self.health)

    def url(self, **changes: Any) -> str:
        query = replace(self, **changes)
        params = {k: v for k, v in vars(query).items() if v and k not in ("desc", "page", "sort")}
        if query.sort != "supporters" or not query.desc:
            params.update(sort=query.sort, desc="1" if query.desc else "0")
        if query.page > 1:
            params["page"] = query.page
        return "/" + (f"?{urlencode(params)}" if params else "")

    def sorted(self, key: str) -> str:
        desc = not self.desc if key == self.sort else key not in TEXT_SORTS
        return self.url(sort=key, desc=desc, page=1)

    def paged(self, page: int) -> str:
        return self.url(page=page)


def _sort_key(sort: str) -> Any:
    """Sort rows by a column; rows without a value go last whichever the direction."""
    attribute = {"rate": "rate_per_hour"}.get(sort, sort)

    def key(row: Any) -> tuple[bool, Any]:
        value = getattr(row, attribute)
        if sort == "title":
            value = (row.title or row.url).casefold()
        return (value is None, value if value is not None else 0)

    return key


def _order(rows: list[Any], query: OverviewQuery) -> list[Any]:
    present = sorted((r for r in rows if _sort_key(query.sort)(r)[0] is False), key=_sort_key(query.sort))
    missing = [r for r in rows if _sort_key(query.sort)(r)[0] is True]
    return (present[::-1] if query.desc else present) + missing


def _query(request: Request) -> OverviewQuery:
    params = request.query_params
    sort = params.get("sort", "supporters")
    try:
        page = max(1, int(params.get("page", "1")))
    except ValueError:
        page = 1
    return OverviewQuery(
        q=params.get("q", "")[:200],
        tag=params.get("tag", ""),
        platform=params.get("platform", ""),
        status=params.get("status", ""),
        health=params.get("health", ""),
        sort=sort if sort in SORTS else "supporters",
        desc=params.get("desc", "1") != "0",
        page=page,
    )


def _choices(app: App) -> dict[str, list[str]]:
    with app.store.engine.connect() as connection:
        tags = connection.scalars(sa.select(PetitionTag.tag).distinct().order_by(PetitionTag.tag))
        platforms = connection.scalars(sa.select(Petition.platform).distinct().order_by(Petition.platform))
        return {
            "tags": list(tags),
            "platforms": list(platforms),
            "statuses": [s.value for s in Status],
            "healths": [h.value for h in Health] + ["new"],
        }


@router.get("/", dependencies=[Depends(require_page_reader)])
def overview(request: Request) -> Response:
    app = aggregator_of(request)
    query = _query(request)
    now = app.clock.now()
    rows = series.overview_rows(
        app.store,
        now,
        tag=query.tag or None,
        platform=query.platform or None,
        status=query.status or None,
        q=query.q or None,
    )
    if query.health:
        rows = [r for r in rows if r.health == query.health]
    matching = _order(rows, query)
    pages = max(1, math.ceil(len(matching) / PAGE_SIZE))
    query = replace(query, page=min(query.page, pages))
    everything = not query.filtered
    campaigns = _campaigns(app, now, rows) if everything and query.page == 1 else []
    start = (query.page - 1) * PAGE_SIZE
    return render(
        request,
        "overview.html",
        {
            "rows": matching[start : start + PAGE_SIZE],
            "matched": len(matching),
            "total": len(rows) if everything else _followed(app),
            "pages": pages,
            "query": query,
            "choices": _choices(app),
            "campaigns": campaigns,
        },
    )


def _followed(app: App) -> int:
    with app.store.engine.connect() as connection:
        query = sa.select(sa.func.count()).select_from(Petition).where(col(Petition.archived).is_(False))
        return int(connection.scalar(query) or 0)


def _campaigns(app: App, now: datetime, rows: list[series.OverviewRow] | None = None) -> list[Any]:
    """Each declared campaign's totals (from the overview rows when given), titled from the config."""
    return [
        dataclasses.replace(
            campaigns.campaign_totals(app.store, tag, now, rows),
            title=settings.title or tag,
            description=settings.description,
        )
        for tag, settings in app.settings.campaigns.items()
    ]


@router.get("/campaigns/{tag}", dependencies=[Depends(require_page_reader)])
def campaign(request: Request, tag: str) -> Response:
    app = aggregator_of(request)
    settings = app.settings.campaigns.get(tag)
    if settings is None:
        return _not_found(request, f"No campaign is declared with the tag {tag!r}.")
    now = app.clock.now()
    rows = sorted(series.overview_rows(app.store, now, tag=tag), key=lambda r: -(r.supporters or 0))
    total = campaigns.campaign_totals(app.store, tag, now, rows)
    total = dataclasses.replace(total, title=settings.title or tag, description=settings.description)
    chart: dict[str, Any] = {"series": [], "total": "Combined total (upper bound)"}
    for row in rows:
        label = f"{row.platform}: {row.title or row.url}"
        points = series.step_series(app.store, row.id, points=CAMPAIGN_POINTS)
        chart["series"].append({"label": label if len(label) <= 60 else label[:59] + "…", **points})
    return render(
        request,
        "campaign.html",
        {"c": total, "rows": rows, "chart": chart, "has_points": any(s["t"] for s in chart["series"])},
    )


def _not_found(request: Request, message: str) -> Response:
    return render(request, "message.html", {"heading": "Not found", "message": message}, 404)


@router.get("/petitions/{petition_id}", dependencies=[Depends(require_page_reader)])
def petition(request: Request, petition_id: int) -> Response:
    app = aggregator_of(request)
    found = app.store.find(petition_id)
    if found is None:
        return _not_found(request, f"No petition #{petition_id} is followed.")
    now = app.clock.now()
    store = app.store
    latest = store.latest([petition_id]).get(petition_id)
    runs = store.history(petition_id, 51)
    outcomes = store.outcomes(petition_id)
    stats = series.petition_stats(store, petition_id, now)
    found_series = series.series(store, petition_id, points=PETITION_POINTS)
    points = {
        "t": [int(p.at.timestamp()) for p in found_series.points],
        "v": [p.supporters for p in found_series.points],
    }
    thresholds = app.thresholds(found.platform)
    milestone = series.next_milestone(store, petition_id, now, thresholds)
    marks = series.milestones(store, petition_id, now, thresholds)
    chart = {
        "series": [{"label": "Supporters", **points}],
        # zoomed in, the chart asks the API for the window at full detail when this was downsampled
        "detail": f"/api/petitions/{petition_id}/series" if found_series.downsampled else None,
        "milestones": [{"value": m.value, "label": _milestone_label(m.value, m.label)} for m in marks],
        "events": [
            {"t": int(o.occurred_at.timestamp()), "label": o.kind.replace("_", " ")}
            for o in outcomes
            if o.occurred_at is not None
        ],
    }
    return render(
        request,
        "petition.html",
        {
            "p": found,
            "tags": store.tags([petition_id])[petition_id],
            "latest": latest,
            "stats": stats,
            "milestone": milestone,
            "health": store.fetch_states([petition_id]).get(petition_id),
            "attempts": store.fetch_log(petition_id, 10),
            "runs": runs[:50],
            "runs_more": len(runs) > 50,
            "outcomes": outcomes,
            "interval": duration_text(app.interval(app.registry.get(found.platform), interval_of(found)))
            if found.platform in app.registry.names()
            else None,
            "chart": chart,
            "has_points": bool(points["t"]),
            "when": lambda value: _when(value, now),
        },
    )
