"""The JSON API's request and response models (pydantic), so the OpenAPI schema is complete."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ..config import parse_duration

MAX_URLS = 500


def _duration(value: str | None) -> str | None:
    if value:
        parse_duration(value)  # a clear error: write a number and a unit, e.g. 30s, 15m, 1h, 1d
    return value


Interval = Annotated[str | None, AfterValidator(_duration), Field(description="e.g. 15m, 2h, 1d")]
Tag = Annotated[str, Field(max_length=128)]


class Error(BaseModel):
    """An error: what went wrong and what to do."""

    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Error, "description": "Not signed in, and no valid bearer token"},
    403: {"model": Error, "description": "A signed-in user's write without the CSRF token (X-CSRF-Token)"},
    404: {"model": Error, "description": "No such petition or campaign"},
}


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PetitionRow(_Out):
    """A petition in the overview: latest values, changes over 24 h and 7 days, rate, health, sparkline."""

    id: int
    platform: str
    external_id: str
    url: str
    title: str | None
    status: str
    paused: bool
    archived: bool
    tags: list[str]
    supporters: int | None = Field(description="the latest count; null when the source gave none")
    approximate: bool
    goal: int | None
    computed_goal: bool = Field(description="the goal is a ladder step computed by the site, not a milestone")
    last_seen_at: datetime | None = Field(description="the last poll that saw the latest count")
    health: str = Field(
        description="ok, retrying, blocked, site_down, layout_changed, gone; new before a poll"
    )
    health_reason: str | None
    last_ok_at: datetime | None
    change_24h: int | None = Field(description="latest count minus the count in force 24 hours ago")
    change_7d: int | None = Field(description="latest count minus the count in force 7 days ago")
    rate_per_hour: float | None = Field(description="supporters per hour over the last 24 hours")
    sparkline: list[int | None] = Field(description="the count in force at 30 even times over 7 days")


class Run(_Out):
    """A run-length row: polls that saw the same count, status, goal and parser version."""

    supporters: int | None
    status: str
    goal: int | None
    computed_goal: bool
    first_seen_at: datetime
    last_seen_at: datetime
    polls: int
    method: str | None
    endpoint: str | None
    parser_version: str
    decreased: bool
    approximate: bool


class OutcomeOut(_Out):
    """A dated fact: a response, a debate, a threshold reached."""

    kind: str
    occurred_at: datetime | None
    recorded_at: datetime
    source: str | None
    details: dict[str, Any]


class FetchHealth(_Out):
    """The state of our tracking: health, its reason, failures and the time since the last good poll."""

    health: str
    health_reason: str | None
    consecutive_failures: int
    last_ok_at: datetime | None
    last_attempt_at: datetime | None
    backoff_until: datetime | None
    last_error: str | None
    staleness_seconds: float | None = None


class Poll(_Out):
    """One poll attempt from the fetch log."""

    at: datetime
    outcome: str
    http_status: int | None
    duration_ms: int
    attempts: int
    error: str | None


class MilestoneOut(_Out):
    value: int
    label: str
    kind: str = Field(description="threshold (the platform's), goal (the author's) or round number")


class ProjectionOut(MilestoneOut):
    """The next milestone; dates at the mean daily pace of the last 7 days, the range at the fastest and
    slowest day's pace (no latest date when the slowest day added nobody)."""

    remaining: int
    rate_per_hour: float | None
    expected_at: datetime | None
    earliest_at: datetime | None
    latest_at: datetime | None
    note: str | None


class PetitionDetail(PetitionRow):
    """A petition with its latest run, outcomes, fetch health, recent polls and milestones."""

    created_at: datetime
    interval_seconds: int | None = Field(description="the petition's own interval; null: the default")
    latest: Run | None
    outcomes: list[OutcomeOut]
    fetch: FetchHealth | None
    recent_polls: list[Poll]
    milestones: list[MilestoneOut]
    next_milestone: ProjectionOut | None


class PointOut(_Out):
    at: datetime
    supporters: int | None
    status: str
    method: str | None
    approximate: bool
    decreased: bool


class SeriesOut(_Out):
    """Step points: each run gives its first and last poll; downsampled per bucket to first, min, max
    and last rows when there were more points than asked for."""

    petition_id: int
    start: datetime | None
    end: datetime | None
    rows: int = Field(description="run-length rows starting in the window")
    downsampled: bool
    previous: PointOut | None = Field(description="the last point before `from`: the level at its start")
    points: list[PointOut]


class TotalOut(_Out):
    label: str
    petitions: int
    supporters: int | None
    change_24h: int | None
    change_7d: int | None
    rate_per_hour: float | None
    sparkline: list[int | None]


class CampaignOut(TotalOut):
    """A campaign: the sum of its petitions' counts, an upper bound (one person may sign several)."""

    tag: str
    title: str
    description: str
    platforms: list[str]
    by_platform: list[TotalOut]
    upper_bound: bool = True


class CampaignDetail(CampaignOut):
    petition_rows: list[PetitionRow]


class AddRequest(BaseModel):
    """Petitions to follow: URLs of any supported platform, with tags and an interval (`15m`, `1h`)."""

    model_config = ConfigDict(extra="forbid")
    urls: list[Annotated[str, Field(max_length=2048)]] = Field(min_length=1, max_length=MAX_URLS)
    tags: list[Tag] = []
    interval: Interval = None


class Added(BaseModel):
    url: str
    id: int | None = None
    platform: str | None = None
    created: bool = False
    error: str | None = None
    warnings: list[str] = []


class AddResponse(BaseModel):
    results: list[Added]


class PatchRequest(BaseModel):
    """Changes to a petition; omitted fields stay. `tags` replaces the tags; `interval: null` resets it."""

    model_config = ConfigDict(extra="forbid")
    tags: list[Tag] | None = None
    interval: Interval = None
    paused: bool | None = None
    archived: bool | None = None


class Patched(BaseModel):
    petition: PetitionRow
    warnings: list[str] = []
