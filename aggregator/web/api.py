"""The JSON API (`/api`): petitions, campaigns, series with downsampling, CSV exports, and writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import Response

from .. import campaigns, series
from ..app import App
from ..config import parse_duration
from ..following import Entry, follow
from . import csv_export
from .api_models import (
    ERRORS,
    Added,
    AddRequest,
    AddResponse,
    CampaignDetail,
    CampaignOut,
    FetchHealth,
    Patched,
    PatchRequest,
    PetitionDetail,
    PetitionRow,
    SeriesOut,
)
from .auth import require_reader, require_writer

router = APIRouter(prefix="/api", tags=["api"], dependencies=[Depends(require_reader)])
PetitionId = Annotated[int, Path(description="the petition's id")]
CSV = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV (RFC 4180)"}}


def _app(request: Request) -> App:
    return request.app.state.app  # type: ignore[no-any-return]


def _row(app: App, petition_id: int) -> series.OverviewRow:
    found = series.petition_stats(app.store, petition_id, app.clock.now())
    if found is None:
        raise HTTPException(404, f"no petition with id {petition_id} is followed")
    return found


def _tags(given: list[str]) -> list[str]:
    return list(dict.fromkeys(tag.strip() for tag in given if tag.strip()))


Filters = Annotated[str | None, Query(max_length=200)]


@router.get("/petitions", response_model=list[PetitionRow])
def list_petitions(
    request: Request,
    tag: Filters = None,
    platform: Filters = None,
    status: Filters = None,
    q: Annotated[
        str | None, Query(max_length=200, description="text in the title, URL or external id, or #id")
    ] = None,
    include_archived: bool = False,
) -> list[series.OverviewRow]:
    """Every followed petition matching the filters, with its overview values."""
    app = _app(request)
    filters = {"tag": tag, "platform": platform, "status": status, "q": q}
    return series.overview_rows(app.store, app.clock.now(), include_archived=include_archived, **filters)


@router.get("/petitions.csv", response_class=Response, responses=CSV)
def petitions_csv(
    request: Request,
    tag: Filters = None,
    platform: Filters = None,
    status: Filters = None,
    q: Filters = None,
    include_archived: bool = False,
) -> Response:
    """The overview table as CSV (text cells that a spreadsheet would run as formulas are prefixed)."""
    rows = list_petitions(request, tag, platform, status, q, include_archived)
    return _csv(csv_export.overview_csv(rows), "petitions.csv")


def _csv(text: str, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/petitions/{petition_id}", response_model=PetitionDetail, responses=ERRORS)
def petition_detail(request: Request, petition_id: PetitionId) -> dict[str, Any]:
    """A petition: latest values, outcomes, fetch health, recent polls, milestones and the next one."""
    app = _app(request)
    row, now, store = _row(app, petition_id), app.clock.now(), app.store
    petition = store.find(petition_id)
    assert petition is not None
    thresholds = app.thresholds(row.platform)
    fetch = store.fetch_states([petition_id]).get(petition_id)
    health = FetchHealth.model_validate(fetch) if fetch else None
    if health is not None and fetch is not None and fetch.last_ok_at is not None:
        health.staleness_seconds = (now - fetch.last_ok_at).total_seconds()
    return {
        **PetitionRow.model_validate(row).model_dump(),
        "created_at": petition.created_at,
        "interval_seconds": petition.interval_seconds,
        "latest": store.latest([petition_id]).get(petition_id),
        "outcomes": store.outcomes(petition_id),
        "fetch": health,
        "recent_polls": store.fetch_log(petition_id, 10),
        "milestones": series.milestones(store, petition_id, now, thresholds),
        "next_milestone": series.next_milestone(store, petition_id, now, thresholds),
    }


def _window(app: App, petition_id: int, start: datetime | None, end: datetime | None) -> tuple[Any, Any]:
    """The window in UTC (a time without a zone is UTC), after checking the petition and the order."""
    start, end = (t.replace(tzinfo=t.tzinfo or UTC).astimezone(UTC) if t else None for t in (start, end))
    if start is not None and end is not None and end < start:
        raise HTTPException(422, f"`to` ({end.isoformat()}) is before `from` ({start.isoformat()})")
    if app.store.find(petition_id) is None:
        raise HTTPException(404, f"no petition with id {petition_id} is followed")
    return start, end


From = Annotated[datetime | None, Query(alias="from", description="ISO 8601; without a zone: UTC")]
To = Annotated[datetime | None, Query(alias="to", description="ISO 8601; without a zone: UTC")]


@router.get("/petitions/{petition_id}/series", response_model=SeriesOut, responses=ERRORS)
def petition_series(
    request: Request,
    petition_id: PetitionId,
    start: From = None,
    end: To = None,
    points: Annotated[int, Query(ge=10, le=100_000, description="the most points to return")] = 1000,
) -> dict[str, Any]:
    """Supporters over time as step points, downsampled on the server to at most `points`."""
    app = _app(request)
    start, end = _window(app, petition_id, start, end)
    found = series.series(app.store, petition_id, start, end, points)
    names = ("petition_id", "points", "previous", "rows", "downsampled")
    return {**{name: getattr(found, name) for name in names}, "start": start, "end": end}


@router.get("/petitions/{petition_id}/series.csv", response_class=Response, responses={**CSV, **ERRORS})
def petition_series_csv(
    request: Request,
    petition_id: PetitionId,
    start: From = None,
    end: To = None,
    points: Annotated[int | None, Query(ge=10, description="downsample to at most this many")] = None,
) -> Response:
    """A petition's step points as CSV (every point unless `points` is given)."""
    app = _app(request)
    start, end = _window(app, petition_id, start, end)
    found = series.series(app.store, petition_id, start, end, points)
    return _csv(csv_export.series_csv(found), f"petition-{petition_id}-series.csv")


def _campaign(app: App, tag: str, rows: list[series.OverviewRow]) -> campaigns.CampaignTotal:
    settings = app.settings.campaigns[tag]
    found = campaigns.campaign_totals(app.store, tag, app.clock.now(), rows)
    found.title, found.description = settings.title or tag, settings.description
    return found


@router.get("/campaigns", response_model=list[CampaignOut])
def list_campaigns(request: Request) -> list[campaigns.CampaignTotal]:
    """Every campaign declared in the config, with its upper-bound total and per-platform rows."""
    app = _app(request)
    rows = series.overview_rows(app.store, app.clock.now()) if app.settings.campaigns else []
    return [_campaign(app, tag, rows) for tag in app.settings.campaigns]


@router.get("/campaigns/{tag}", response_model=CampaignDetail, responses=ERRORS)
def campaign_detail(request: Request, tag: str) -> dict[str, Any]:
    """A campaign with its petitions."""
    app = _app(request)
    if tag not in app.settings.campaigns:
        raise HTTPException(404, f"no campaign {tag!r} is declared in the config ([campaigns.{tag}])")
    rows = series.overview_rows(app.store, app.clock.now(), tag=tag)
    found = _campaign(app, tag, rows)
    return {**CampaignOut.model_validate(found).model_dump(), "petition_rows": rows}


@router.post("/petitions", response_model=AddResponse, responses=ERRORS)
def add_petitions(request: Request, body: AddRequest, _who: Annotated[str, Depends(require_writer)]) -> Any:
    """Follow petitions by URL (idempotent: a followed one gets the tags and interval). Each URL has
    its own result; one that no platform recognises carries an error and does not stop the others."""
    app = _app(request)
    interval = parse_duration(body.interval) if body.interval else None
    results = []
    for url in body.urls:
        outcome = follow(app, Entry(url=url, tags=tuple(_tags(body.tags)), interval=interval))
        petition = outcome.petition
        results.append(
            Added(
                url=url,
                id=petition.id if petition else None,
                platform=petition.platform if petition else None,
                created=outcome.created,
                error=outcome.error,
                warnings=outcome.warnings,
            )
        )
    return AddResponse(results=results)


@router.patch("/petitions/{petition_id}", response_model=Patched, responses=ERRORS)
def change_petition(
    request: Request,
    petition_id: PetitionId,
    body: PatchRequest,
    _who: Annotated[str, Depends(require_writer)],
) -> Any:
    """Change a petition's tags, interval, paused or archived; resuming makes it due now."""
    app = _app(request)
    now, given, warnings = app.clock.now(), body.model_fields_set, []
    found = app.store.find(petition_id)
    if found is None:
        raise HTTPException(404, f"no petition with id {petition_id} is followed")
    interval, check_by = ..., None
    if "interval" in given:
        interval = parse_duration(body.interval) if body.interval else None
        warnings += _interval_warnings(app, found.platform, interval)
        if found.platform in app.registry.names():
            check_by = now + app.interval(app.registry.get(found.platform), interval, stretched=False)
    app.store.update_petition(
        petition_id,
        now,
        tags=_tags(body.tags) if body.tags is not None else None,
        interval=interval,
        paused=body.paused,
        archived=body.archived,
        check_by=check_by,
    )
    return Patched(petition=PetitionRow.model_validate(_row(app, petition_id)), warnings=warnings)


def _interval_warnings(app: App, platform: str, interval: timedelta | None) -> list[str]:
    if interval is None or platform not in app.registry.names():
        return []
    least = app.registry.get(platform).min_interval
    if interval >= least:
        return []
    return [f"interval {interval} is below {platform}'s minimum useful interval {least}; using {least}"]
