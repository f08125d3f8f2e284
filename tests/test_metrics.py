"""Prometheus `/metrics` through the ASGI app: values read from the store on every scrape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from aggregator.app import App
from aggregator.clock import FakeClock
from aggregator.config import Settings
from aggregator.tables import FetchLog, FetchState, Observation
from aggregator.web import create_app

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def app(database_url):
    """The app on SQLite and on PostgreSQL (when present)."""
    app = App.open(Settings(database_url=database_url), clock=FakeClock(NOW))
    yield app
    app.store.engine.dispose()


def _add(app: App, external_id: str, tags=(), platform="uk-parliament") -> int:
    petition, _ = app.store.add_petition(
        platform=platform,
        external_id=external_id,
        url=f"https://petition.parliament.uk/petitions/{external_id}",
        now=NOW - timedelta(days=2),
        tags=tags,
    )
    return petition.id


def _log(pid: int, at: datetime, outcome: str, duration_ms: int) -> FetchLog:
    url = "https://petition.parliament.uk/petitions/1.json"
    return FetchLog(
        petition_id=pid,
        at=at,
        url=url,
        host="petition.parliament.uk",
        outcome=outcome,
        duration_ms=duration_ms,
    )


def _observation(pid: int, supporters: int, at: datetime) -> Observation:
    return Observation(
        petition_id=pid,
        supporters=supporters,
        status="open",
        parser_version="1",
        first_seen_at=at,
        last_seen_at=at,
    )


def seed(app: App) -> tuple[int, int, int]:
    polled = _add(app, "1", tags=["nhs", "climate"])
    fresh = _add(app, "2")
    archived = _add(app, "3")
    with app.store.session() as session:
        session.add(_observation(polled, 12_345, NOW - 10 * MINUTE))
        session.add(_observation(archived, 99, NOW - 10 * MINUTE))
        session.add_all(
            [
                _log(polled, NOW - timedelta(hours=30), "ok", 100),  # outside the 24-hour window
                _log(polled, NOW - 70 * MINUTE, "ok", 200),
                _log(polled, NOW - 40 * MINUTE, "unchanged", 150),
                _log(polled, NOW - 10 * MINUTE, "ok", 300),
                _log(polled, NOW - 5 * MINUTE, "retrying", 2_500),
            ]
        )
        session.add(
            FetchState(
                petition_id=polled,
                health="retrying",
                consecutive_failures=1,
                last_ok_at=NOW - 10 * MINUTE,
                last_attempt_at=NOW - 5 * MINUTE,
            )
        )
        stored = session.get(type(app.store.find(archived)), archived)
        stored.archived = True
        session.commit()
    return polled, fresh, archived


async def scrape(app: App) -> dict[str, list]:
    transport = httpx.ASGITransport(app=create_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return {family.name: family.samples for family in text_string_to_metric_families(response.text)}


def values(samples: list, **labels: str) -> list[float]:
    return [s.value for s in samples if all(s.labels.get(k) == v for k, v in labels.items())]


async def test_metrics_read_the_store(app):
    polled, fresh, archived = seed(app)
    found = await scrape(app)
    mine = {"petition": str(polled), "platform": "uk-parliament", "tags": "climate,nhs"}
    assert values(found["petition_supporters"], **mine) == [12_345]
    assert not values(found["petition_supporters"], petition=str(fresh))
    assert not any(
        s.labels["petition"] == str(archived)
        for samples in found.values()
        for s in samples
        if "petition" in s.labels
    )
    assert values(found["petition_polls"], outcome="ok", **mine) == [2]
    assert values(found["petition_polls"], outcome="unchanged", **mine) == [1]
    assert values(found["petition_polls"], outcome="retrying", **mine) == [1]
    assert values(found["petition_last_poll_success"], **mine) == [0]
    assert values(found["petition_last_poll_duration_seconds"], **mine) == [2.5]
    assert values(found["petition_staleness_seconds"], **mine) == [600]
    assert values(found["petition_staleness_seconds"], petition=str(fresh)) == [2 * 86_400]
    assert values(found["petition_consecutive_failures"], **mine) == [1]
    health = {
        s.labels["health"]: s.value for s in found["petition_health"] if s.labels["petition"] == str(polled)
    }
    assert health["retrying"] == 1 and sum(health.values()) == 1 and len(health) == 6
    assert values(found["petitions_followed"], platform="uk-parliament", status="unknown") == [2]


async def test_every_scrape_reads_current_values_and_nothing_is_registered_globally(app):
    polled, _, _ = seed(app)
    before = set(REGISTRY._names_to_collectors)
    assert values((await scrape(app))["petition_supporters"], petition=str(polled)) == [12_345]
    with app.store.session() as session:
        session.add(_observation(polled, 12_400, NOW - MINUTE))
        session.commit()
    app.clock.advance(60)
    found = await scrape(app)
    assert values(found["petition_supporters"], petition=str(polled)) == [12_400]
    assert values(found["petition_staleness_seconds"], petition=str(polled)) == [660]
    assert set(REGISTRY._names_to_collectors) == before
