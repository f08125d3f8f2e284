"""Milestones: platform thresholds, authors' goals and round numbers, and projected dates to reach them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any

from .vocabulary import round_number_milestones


@dataclass(frozen=True, slots=True)
class Milestone:
    """A count worth reaching: a platform threshold, the author's goal, or a round number."""

    value: int
    label: str
    kind: str


@dataclass(frozen=True)
class Projection:
    """The next milestone, and when the recent pace reaches it (None where that cannot be said)."""

    value: int
    label: str
    kind: str
    remaining: int
    rate_per_hour: float | None = None
    expected_at: datetime | None = None
    earliest_at: datetime | None = None
    #: None beside an expected date when the slowest recent day added nobody
    latest_at: datetime | None = None
    note: str | None = None

    @property
    def expected(self) -> date | None:
        return self.expected_at.date() if self.expected_at else None

    @property
    def earliest(self) -> date | None:
        return self.earliest_at.date() if self.earliest_at else None

    @property
    def latest(self) -> date | None:
        return self.latest_at.date() if self.latest_at else None


def candidates(latest: Any, thresholds: Mapping[str, int]) -> list[Milestone]:
    """A petition's milestones, given its latest `supporters`, `goal` and `computed_goal`: the
    platform's thresholds, the author's goal (never a goal the site computes) and the next rung of
    the core's round-number ladder above the count."""
    found = {
        v: Milestone(v, k.replace("_", " ").removesuffix(" reached"), "threshold")
        for k, v in thresholds.items()
    }
    if latest.goal and not latest.computed_goal:
        found.setdefault(latest.goal, Milestone(latest.goal, "the author's goal", "goal"))
    current = latest.supporters or 0
    rung = next(m for m in round_number_milestones(current + 1_000_000) if m > current)
    found.setdefault(rung, Milestone(rung, f"{rung:,} supporters", "round number"))
    return sorted(found.values(), key=lambda m: m.value)


def project(milestone: Milestone, current: int, daily: Sequence[int | None], now: datetime) -> Projection:
    """When the count reaches `milestone` at the recent pace. `daily` holds the counts in force at
    now, 1 day ago, ... 7 days ago; each day with both ends known gives a pace. Expected date: at the
    mean pace of those days; range: at the fastest and at the slowest day's pace (no latest date when
    the slowest day added nobody). A day of history is the least used; it is a trend, not a promise."""
    remaining = milestone.value - current
    paces = [(new - old) / 24 for new, old in pairwise(daily) if new is not None and old is not None]
    found = Projection(milestone.value, milestone.label, milestone.kind, remaining)
    if not paces:
        return replace(found, note="not enough history yet: a full day of counts is needed")
    mean = sum(paces) / len(paces)
    if mean <= 0:
        return replace(found, rate_per_hour=round(mean, 2), note="no growth over the last days")

    def at(pace: float) -> datetime | None:
        return now + timedelta(hours=remaining / pace) if pace > 0 else None

    found = replace(found, rate_per_hour=round(mean, 2), expected_at=at(mean))
    return replace(found, earliest_at=at(max(paces)), latest_at=at(min(paces)))
