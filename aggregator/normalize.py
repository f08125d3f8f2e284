"""Normalization: a platform's parse result becomes integers, canonical status, UTC times and flags."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .counts import parse_count
from .errors import LayoutChanged
from .records import Breakdown, ParseResult
from .times import to_utc
from .vocabulary import Status

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class PreviousObservation:
    """The values of the latest stored observation that normalization compares against."""

    supporters: int | None
    status: str
    goal: int | None
    computed_goal: bool = False


@dataclass(frozen=True, slots=True)
class NormalizedOutcome:
    """An outcome with its time in UTC."""

    kind: str
    occurred_at: datetime | None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Normalized:
    """One poll's values, ready to store and to show."""

    supporters: int | None
    status: Status
    raw_status: str | None
    title: str | None
    goal: int | None
    closes_at: datetime | None
    outcomes: tuple[NormalizedOutcome, ...]
    breakdowns: tuple[Breakdown, ...]
    flags: frozenset[str]
    method: str | None
    gone: bool

    @property
    def decreased(self) -> bool:
        return "decreased" in self.flags

    @property
    def approximate(self) -> bool:
        return "approximate" in self.flags

    @property
    def computed_goal(self) -> bool:
        return "computed_goal" in self.flags

    def as_json(self) -> dict[str, Any]:
        """The result as plain JSON values (the output of `petitions parse`)."""
        return {
            "supporters": self.supporters,
            "status": self.status.value,
            "raw_status": self.raw_status,
            "title": self.title,
            "goal": self.goal,
            "closes_at": _iso(self.closes_at),
            "outcomes": [{"kind": o.kind, "occurred_at": _iso(o.occurred_at)} for o in self.outcomes],
            "breakdowns": _breakdown_summary(self.breakdowns),
            "flags": sorted(self.flags),
            "method": self.method,
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _breakdown_summary(breakdowns: tuple[Breakdown, ...]) -> dict[str, int]:
    summary: dict[str, int] = {}
    for item in breakdowns:
        summary[item.kind] = summary.get(item.kind, 0) + 1
    return summary


def clean_title(title: str | None) -> str | None:
    """A title with whitespace (including trailing CR/LF) collapsed, or None when empty."""
    if title is None:
        return None
    cleaned = _SPACES.sub(" ", title).strip()
    return cleaned or None


def normalize(
    result: ParseResult, previous: PreviousObservation | None = None, zone: str = "UTC"
) -> Normalized:
    """Turn a parse result into stored values, keeping the previous value of any field not given.

    Counts become integers (flagged `approximate` for K/M forms); a count below the previous one is
    kept and flagged `decreased`; a goal the site computes is flagged `computed_goal`.
    """
    flags = set(result.flags)
    supporters = previous.supporters if previous else None
    if result.supporters is not None:
        count = parse_count(result.supporters)
        supporters = count.value
        if count.approximate:
            flags.add("approximate")
        if previous and previous.supporters is not None and count.value < previous.supporters:
            flags.add("decreased")
    status = result.status or (Status(previous.status) if previous else Status.UNKNOWN)
    if status is Status.REMOVED and result.supporters is None:
        supporters = None
    goal = previous.goal if previous else None
    if previous and previous.computed_goal and result.goal is None:
        flags.add("computed_goal")
    if result.goal is not None:
        goal = parse_count(result.goal).value
        if result.goal_computed:
            flags.add("computed_goal")
    outcomes = tuple(
        NormalizedOutcome(o.kind, to_utc(o.occurred_at, zone), dict(o.details)) for o in result.outcomes
    )
    for item in result.breakdowns:
        if item.count < 0:
            raise LayoutChanged(f"negative {item.kind} count for {item.name!r}")
    return Normalized(
        supporters=supporters,
        status=status,
        raw_status=result.raw_status,
        title=clean_title(result.title),
        goal=goal,
        closes_at=to_utc(result.closes_at, zone),
        outcomes=outcomes,
        breakdowns=result.breakdowns,
        flags=frozenset(flags),
        method=result.method,
        gone=result.gone,
    )
