"""Campaign totals: the petitions of a campaign tag summed, overall and per platform (an upper bound)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .series import OverviewRow, overview_rows
from .store_reads import StoreReads as Store


def _sum(values: Iterable[Any]) -> Any:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


@dataclass
class Total:
    """Summed values of petitions: an upper bound, since public counts cannot tell double signers."""

    label: str
    petitions: int = 0
    supporters: int | None = None
    change_24h: int | None = None
    change_7d: int | None = None
    rate_per_hour: float | None = None
    sparkline: list[int | None] = field(default_factory=list)

    @classmethod
    def of(cls, label: str, rows: Sequence[OverviewRow], **extra: Any) -> Any:
        """The sums of the known values of `rows` (None where none is known)."""
        rate = _sum(r.rate_per_hour for r in rows)
        spark = [_sum(values) for values in zip(*(r.sparkline for r in rows), strict=True)]
        changes = _sum(r.change_24h for r in rows), _sum(r.change_7d for r in rows)
        rate = None if rate is None else round(rate, 2)
        return cls(label, len(rows), _sum(r.supporters for r in rows), *changes, rate, spark, **extra)


@dataclass
class CampaignTotal(Total):
    """A campaign (a tag declared in `[campaigns]`): its total, an upper bound, and per-platform rows."""

    tag: str = ""
    title: str = ""
    description: str = ""
    platforms: list[str] = field(default_factory=list)
    by_platform: list[Total] = field(default_factory=list)
    upper_bound: bool = True


def campaign_totals(
    store: Store, tag: str, now: datetime, rows: Sequence[OverviewRow] | None = None
) -> CampaignTotal:
    """The totals of the petitions tagged `tag` (among `rows` when given, else read), per platform."""
    rows = overview_rows(store, now, tag=tag) if rows is None else [r for r in rows if tag in r.tags]
    platforms = sorted({r.platform for r in rows})
    by_platform = [Total.of(name, [r for r in rows if r.platform == name]) for name in platforms]
    found: CampaignTotal = CampaignTotal.of(tag, rows, tag=tag, platforms=platforms, by_platform=by_platform)
    return found
