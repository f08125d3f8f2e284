"""Prometheus `/metrics`: supporters, polls, durations, staleness and health, read per scrape."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from ..app import App
from ..series import FETCH, PET, TAG, row_at
from ..tables import FetchLog
from ..vocabulary import Health
from .auth import require_reader

router = APIRouter(tags=["metrics"])
LOG: sa.Table = FetchLog.__table__  # type: ignore[attr-defined]
#: the window of the poll counts (the fetch log is pruned, so all-time counters could not be kept)
POLL_WINDOW = timedelta(hours=24)
LABELS = ["petition", "platform", "tags"]


def _last_poll(column: str) -> Any:
    """A column of the petition's newest fetch-log entry."""
    query = sa.select(LOG.c[column]).where(LOG.c.petition_id == PET.c.id)
    return query.order_by(LOG.c.at.desc(), LOG.c.id.desc()).limit(1).scalar_subquery()


class StoreCollector(Collector):
    """Reads the store on each scrape (nothing is kept between scrapes); archived petitions are left out."""

    def __init__(self, app: App) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        now = self.app.clock.now()
        columns = [
            PET.c.id,
            PET.c.platform,
            PET.c.status,
            PET.c.created_at,
            row_at(now, "supporters").label("count"),
        ]
        columns += [_last_poll("duration_ms").label("duration_ms"), _last_poll("outcome").label("outcome")]
        columns += [FETCH.c.health, FETCH.c.last_ok_at, FETCH.c.consecutive_failures]
        query = (
            sa.select(*columns)
            .outerjoin(FETCH, FETCH.c.petition_id == PET.c.id)
            .where(PET.c.archived.is_(False))
            .order_by(PET.c.id)
        )
        active = sa.select(PET.c.id).where(PET.c.archived.is_(False))
        polls = (
            sa.select(LOG.c.petition_id, LOG.c.outcome, sa.func.count())
            .where(LOG.c.at >= now - POLL_WINDOW, LOG.c.petition_id.in_(active))
            .group_by(LOG.c.petition_id, LOG.c.outcome)
        )
        with self.app.store.engine.connect() as connection:
            rows = connection.execute(query).all()
            tags: dict[int, list[str]] = {}
            for petition_id, tag in connection.execute(
                sa.select(TAG.c.petition_id, TAG.c.tag).order_by(TAG.c.tag)
            ):
                tags.setdefault(petition_id, []).append(tag)
            counts = connection.execute(polls).all()
        labels = {row.id: [str(row.id), row.platform, ",".join(tags.get(row.id, []))] for row in rows}
        yield from self._petitions(rows, labels, now)
        polled = GaugeMetricFamily(
            "petition_polls",
            f"Poll attempts in the last {POLL_WINDOW.total_seconds() / 3600:g} hours by outcome (fetch log)",
            labels=[*LABELS, "outcome"],
        )
        for petition_id, outcome, count in counts:
            if petition_id in labels:
                polled.add_metric([*labels[petition_id], outcome], count)
        yield polled
        followed = GaugeMetricFamily(
            "petitions_followed", "Followed petitions that are not archived", labels=["platform", "status"]
        )
        totals: dict[tuple[str, str], int] = {}
        for row in rows:
            totals[(row.platform, row.status)] = totals.get((row.platform, row.status), 0) + 1
        for (platform, status), count in sorted(totals.items()):
            followed.add_metric([platform, status], count)
        yield followed

    @staticmethod
    def _petitions(rows: list[Any], labels: dict[int, list[str]], now: Any) -> Iterator[Metric]:
        def gauge(name: str, text: str, extra: tuple[str, ...] = ()) -> GaugeMetricFamily:
            return GaugeMetricFamily(name, text, labels=[*LABELS, *extra])

        supporters = gauge(
            "petition_supporters", "The latest supporter count (absent when the site gave none)"
        )
        success = gauge(
            "petition_last_poll_success", "1 when the newest poll succeeded (changed or not), else 0"
        )
        duration = gauge("petition_last_poll_duration_seconds", "How long the newest poll took")
        stale = gauge(
            "petition_staleness_seconds", "Seconds since the last good poll (since it was added, if none yet)"
        )
        failures = gauge("petition_consecutive_failures", "Failed polls in a row")
        health = gauge("petition_health", "1 for the current tracking health, 0 for the others", ("health",))
        for row in rows:
            names = labels[row.id]
            if row.count is not None:
                supporters.add_metric(names, row.count)
            if row.outcome is not None:
                success.add_metric(names, 1 if row.outcome in (Health.OK, "unchanged") else 0)
                duration.add_metric(names, (row.duration_ms or 0) / 1000)
            stale.add_metric(names, max(0.0, (now - (row.last_ok_at or row.created_at)).total_seconds()))
            failures.add_metric(names, row.consecutive_failures or 0)
            if row.health is not None:
                for state in Health:
                    health.add_metric([*names, state.value], 1 if row.health == state.value else 0)
        yield from (supporters, success, duration, stale, failures, health)


@router.get(
    "/metrics",
    response_class=Response,
    dependencies=[Depends(require_reader)],
    responses={200: {"content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}}}},
)
def metrics(request: Request) -> Response:
    """Prometheus metrics in the text exposition format, read from the database on each scrape."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(request.app.state.app))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
