"""Benchmark of the web side's heavy reads: the 1,000-petition overview and a year-long series."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from aggregator import series
from aggregator.app import App
from aggregator.clock import FakeClock
from aggregator.config import Settings
from aggregator.tables import FetchLog, FetchState, Observation, Petition, PetitionTag
from aggregator.web import create_app

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PETITIONS = 1_000
#: hourly polls of each overview petition: 30 days, a new run-length row on most polls
HISTORY_HOURS = 30 * 24
#: the long petition: a year of 5-minute polls, the count changing at every poll
YEAR_ROWS = 105_000
OVERVIEW_TARGET_MS, SERIES_TARGET_MS = 300, 100


def _rows(petition_id: int, start: datetime, step: timedelta, count: int, rng: random.Random) -> list[dict]:
    rows, supporters, at = [], rng.randint(100, 50_000), start
    for _ in range(count):
        supporters += rng.choice((0, 1, 2, 5, 20, 80))
        if rows and rows[-1]["supporters"] == supporters:
            rows[-1]["last_seen_at"], rows[-1]["polls"] = at, rows[-1]["polls"] + 1
        else:
            rows.append(
                {
                    "petition_id": petition_id,
                    "supporters": supporters,
                    "status": "open",
                    "parser_version": "1",
                    "first_seen_at": at,
                    "last_seen_at": at,
                    "polls": 1,
                    "method": "json-api",
                }
            )
        at += step
    return rows


def build(app: App) -> int:
    """Fill the database; returns the id of the year-long petition."""
    rng = random.Random(5)
    platforms = ["uk-parliament", "change-org", "avaaz", "openpetition"]
    engine = app.store.engine
    with engine.begin() as connection:
        petitions = [
            {
                "platform": platforms[i % 4],
                "external_id": str(100_000 + i),
                "url": f"https://example.org/petitions/{100_000 + i}",
                "title": f"Petition number {i}",
                "status": "open",
                "paused": False,
                "archived": False,
                "next_check_at": NOW,
                "created_at": NOW - timedelta(days=60),
                "state": {},
            }
            for i in range(PETITIONS + 1)
        ]
        connection.execute(sa.insert(Petition.__table__), petitions)
        ids = list(connection.scalars(sa.select(Petition.__table__.c.id).order_by("id")))
        connection.execute(
            sa.insert(PetitionTag.__table__),
            [{"petition_id": pid, "tag": f"campaign-{pid % 10}"} for pid in ids],
        )
        connection.execute(
            sa.insert(FetchState.__table__),
            [
                {"petition_id": pid, "health": "ok", "consecutive_failures": 0, "last_ok_at": NOW}
                for pid in ids
            ],
        )
        log = []
        for pid in ids[:PETITIONS]:
            for hour in range(24):
                log.append(
                    {
                        "petition_id": pid,
                        "at": NOW - timedelta(hours=hour),
                        "url": "https://example.org/",
                        "host": "example.org",
                        "http_status": 200,
                        "outcome": "ok" if rng.random() > 0.05 else "retrying",
                        "duration_ms": rng.randint(50, 900),
                        "attempts": 1,
                    }
                )
        connection.execute(sa.insert(FetchLog.__table__), log)
    table = Observation.__table__
    for pid in ids[:PETITIONS]:
        rows = _rows(pid, NOW - timedelta(hours=HISTORY_HOURS), timedelta(hours=1), HISTORY_HOURS + 1, rng)
        with engine.begin() as connection:
            connection.execute(sa.insert(table), rows)
    year = ids[-1]
    start = NOW - timedelta(minutes=5 * (YEAR_ROWS - 1))
    rows = [
        {
            "petition_id": year,
            "supporters": 1_000 + 7 * i + (i % 13),
            "status": "open",
            "parser_version": "1",
            "first_seen_at": start + timedelta(minutes=5 * i),
            "last_seen_at": start + timedelta(minutes=5 * i),
            "polls": 1,
            "method": "json-api",
        }
        for i in range(YEAR_ROWS)
    ]
    with engine.begin() as connection:
        connection.execute(sa.insert(table), rows)
    return year


def timed(run: Callable[[], Any], repeat: int = 7) -> tuple[float, Any]:
    """The median wall time in milliseconds of `repeat` runs after one warm-up, and the last result."""
    result = run()
    times = []
    for _ in range(repeat):
        begun = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - begun) * 1000)
    return statistics.median(times), result


async def through_asgi(app: App, path: str, repeat: int = 7) -> tuple[float, httpx.Response]:
    """The median time of GET `path` through the ASGI app (httpx.ASGITransport: no network)."""
    transport = httpx.ASGITransport(app=create_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        response = await client.get(path)
        response.raise_for_status()
        times = []
        for _ in range(repeat):
            begun = time.perf_counter()
            response = await client.get(path)
            times.append((time.perf_counter() - begun) * 1000)
    return statistics.median(times), response


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite:///{Path(folder) / 'bench.db'}", source="benchmark")
        app = App.open(settings, clock=FakeClock(NOW))
        begun = time.perf_counter()
        year = build(app)
        with app.store.engine.connect() as connection:
            observations = connection.scalar(sa.select(sa.func.count()).select_from(Observation.__table__))
        versions = (
            f"SQLite {sqlite3.sqlite_version}, SQLAlchemy {sa.__version__}, Python {sys.version.split()[0]}"
        )
        took = time.perf_counter() - begun
        print(f"built {PETITIONS + 1:,} petitions, {observations:,} rows in {took:.1f} s ({versions})")
        results = []
        ms, rows = timed(lambda: series.overview_rows(app.store, NOW))
        results.append(
            ("overview of all petitions, query only", ms, OVERVIEW_TARGET_MS, f"{len(rows):,} rows")
        )
        ms, response = asyncio.run(through_asgi(app, "/api/petitions"))
        size = f"{len(response.json()):,} rows, {len(response.content) / 1e6:.1f} MB JSON"
        results.append(("GET /api/petitions (ASGI)", ms, OVERVIEW_TARGET_MS, size))
        ms, found = timed(lambda: series.series(app.store, year, points=1000))
        text = f"{found.rows:,} rows -> {len(found.points)} points"
        results.append(("year series -> 1,000 points, query only", ms, SERIES_TARGET_MS, text))
        ms, response = asyncio.run(through_asgi(app, f"/api/petitions/{year}/series?points=1000"))
        results.append(("GET /api/petitions/{id}/series (ASGI)", ms, SERIES_TARGET_MS, ""))
        ms, response = asyncio.run(through_asgi(app, "/"))
        results.append(("GET / (dashboard overview page, ASGI)", ms, OVERVIEW_TARGET_MS, ""))
        ms, response = asyncio.run(through_asgi(app, "/metrics"))
        results.append(("GET /metrics (ASGI)", ms, None, f"{len(response.content) / 1e3:.0f} kB"))
        asyncio.run(app.aclose())
    failed = False
    for name, ms, target, note in results:
        verdict = "" if target is None else ("ok" if ms <= target else "OVER TARGET")
        failed |= verdict == "OVER TARGET"
        limit = f"(target {target} ms)" if target else ""
        print(f"{name:<45} {ms:8.1f} ms  {limit:<18} {verdict:<12} {note}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
