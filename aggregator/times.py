"""Dates and times from sites' many formats, always returned as timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from .errors import LayoutChanged


def to_utc(value: datetime | date | str | int | float | None, zone: str = "UTC") -> datetime | None:
    """A UTC datetime from an ISO-8601 string, a date, a naive or aware datetime or unix seconds.

    Naive values are read in `zone` (the site's own time zone); a bare date is its midnight there.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise LayoutChanged(f"expected a date, got {value!r}")
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed: datetime | date = (
                date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
            )
        except ValueError as exc:
            raise LayoutChanged(f"unreadable date {text[:40]!r}") from exc
        value = parsed
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone))
    return value.astimezone(UTC)


def parse_local(text: str, fmt: str, zone: str) -> datetime:
    """A UTC datetime from text in a fixed `strptime` format, read in the site's time zone."""
    try:
        naive = datetime.strptime(text.strip(), fmt)
    except ValueError as exc:
        raise LayoutChanged(f"date {text[:40]!r} does not match {fmt!r}") from exc
    return naive.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
