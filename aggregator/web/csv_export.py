"""CSV exports of the overview table and of a series, formula-like text cells neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from ..series import OverviewRow, Series

#: a text cell starting with one of these is read as a formula by spreadsheets (CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
OVERVIEW_COLUMNS = (
    "id", "platform", "external_id", "title", "url", "tags", "status", "paused", "archived", "supporters",
    "approximate", "goal", "computed_goal", "change_24h", "change_7d", "rate_per_hour", "last_seen_at",
    "health", "health_reason", "last_ok_at",
)  # fmt: skip
SERIES_COLUMNS = ("petition_id", "at", "supporters", "status", "method", "approximate", "decreased")


def cell(value: Any) -> Any:
    """A value as written in a CSV cell: numbers as numbers (never altered), booleans as true/false,
    times in ISO 8601 UTC, None empty, and text starting like a formula prefixed with `'`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV document (RFC 4180 quoting, CRLF line ends) with every cell made safe by `cell`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([cell(value) for value in row] for row in rows)
    return out.getvalue()


def overview_csv(rows: Iterable[OverviewRow]) -> str:
    """The overview table: one line per petition, tags separated by `;` as in import files."""
    lines = (
        [";".join(row.tags) if name == "tags" else getattr(row, name) for name in OVERVIEW_COLUMNS]
        for row in rows
    )
    return to_csv(OVERVIEW_COLUMNS, lines)


def series_csv(found: Series) -> str:
    """A petition's step points, one line per point."""
    lines = (
        (found.petition_id, p.at, p.supporters, p.status, p.method, p.approximate, p.decreased)
        for p in found.points
    )
    return to_csv(SERIES_COLUMNS, lines)
