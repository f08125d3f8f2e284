"""Storage on SQLite and PostgreSQL: migrations, run-length series, outcomes, claims, fetch state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from aggregator.database import make_engine
from aggregator.migrations import current_revision, head_revision
from aggregator.normalize import Normalized, NormalizedOutcome
from aggregator.records import Breakdown
from aggregator.store import FetchMemory, PollRecord, Store
from aggregator.tables import Observation
from aggregator.vocabulary import Health, Status

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def store(database_url):
    store = Store(make_engine(database_url))
    yield store
    store.engine.dispose()


def _normalized(supporters, status=Status.OPEN, goal=None, flags=(), outcomes=(), breakdowns=()):
    return Normalized(
        supporters=supporters,
        status=status,
        raw_status=status.value,
        title="A petition",
        goal=goal,
        closes_at=None,
        outcomes=tuple(outcomes),
        breakdowns=tuple(breakdowns),
        flags=frozenset(flags),
        method="json-api",
        gone=False,
    )


def _poll(
    store,
    petition_id,
    at,
    normalized=None,
    *,
    unchanged=False,
    health=Health.OK,
    version="1",
    breakdowns_due=False,
    memory=None,
):
    [task] = [t for t in store.claim_due(at, 100, timedelta(minutes=10)) if t.petition_id == petition_id]
    record = PollRecord(
        task=task,
        at=at,
        next_check_at=at + timedelta(hours=1),
        health=health,
        health_reason=None if health is Health.OK else "boom",
        url="https://example.org/p/1",
        normalized=normalized,
        unchanged=unchanged,
        parser_version=version,
        validators=memory,
        breakdowns_due=breakdowns_due,
    )
    store.record(record, DAY)
    return record


def _add(store, external_id="1", at=T0, **kwargs):
    petition, _ = store.add_petition(
        platform="uk-parliament",
        external_id=external_id,
        url=f"https://petition.parliament.uk/petitions/{external_id}",
        now=at,
        **kwargs,
    )
    return petition


def _rows(store, petition_id) -> list[Observation]:
    return list(reversed(store.history(petition_id, 100)))


def test_migrations_reach_head_and_match_the_tables(database_url):
    engine = make_engine(database_url)
    assert current_revision(engine) == head_revision() is not None
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []
    make_engine(database_url)  # migrating again is a no-op
    engine.dispose()


def test_adding_is_idempotent_and_merges_tags(store):
    first = _add(store, tags=["nhs"])
    again, created = store.add_petition(
        platform="uk-parliament",
        external_id="1",
        url="x",
        now=T0,
        tags=["nhs", "health"],
        interval=timedelta(hours=2),
    )
    assert not created and again.id == first.id
    assert store.tags([first.id]) == {first.id: ["health", "nhs"]}
    assert store.find(first.id).interval_seconds == 7200
    assert [p.id for p in store.petitions(tag="health")] == [first.id]


def test_unchanged_values_extend_the_latest_row(store):
    p = _add(store)
    _poll(store, p.id, T0, _normalized(100))
    _poll(store, p.id, T0 + DAY, _normalized(100))
    _poll(store, p.id, T0 + 2 * DAY, unchanged=True)
    [row] = _rows(store, p.id)
    assert (row.supporters, row.first_seen_at, row.last_seen_at, row.polls) == (100, T0, T0 + 2 * DAY, 3)


def test_each_key_change_cuts_a_row_and_title_does_not(store):
    p = _add(store)
    _poll(store, p.id, T0, _normalized(100))
    _poll(store, p.id, T0 + DAY, _normalized(150))
    _poll(store, p.id, T0 + 2 * DAY, _normalized(150, Status.CLOSED))
    _poll(store, p.id, T0 + 3 * DAY, _normalized(150, Status.CLOSED, goal=500))
    _poll(store, p.id, T0 + 4 * DAY, _normalized(150, Status.CLOSED, goal=500), version="2")
    rows = _rows(store, p.id)
    assert [(r.supporters, r.status, r.goal, r.parser_version) for r in rows] == [
        (100, "open", None, "1"),
        (150, "open", None, "1"),
        (150, "closed", None, "1"),
        (150, "closed", 500, "1"),
        (150, "closed", 500, "2"),
    ]
    assert store.find(p.id).status == "closed"


def test_decrease_is_stored_and_flagged_and_missing_count_is_null(store):
    p = _add(store)
    _poll(store, p.id, T0, _normalized(100))
    _poll(store, p.id, T0 + DAY, _normalized(90, flags={"decreased"}))
    _poll(store, p.id, T0 + 2 * DAY, _normalized(None, Status.REMOVED))
    rows = _rows(store, p.id)
    assert [(r.supporters, r.decreased) for r in rows] == [(100, False), (90, True), (None, False)]


def test_outcomes_are_recorded_once(store):
    p = _add(store)
    debated = NormalizedOutcome("debated", T0 - DAY)
    _poll(store, p.id, T0, _normalized(100, outcomes=[debated]))
    _poll(
        store,
        p.id,
        T0 + DAY,
        _normalized(101, outcomes=[debated, NormalizedOutcome("government_response", T0)]),
    )
    assert [(o.kind, o.occurred_at) for o in store.outcomes(p.id)] == [
        ("debated", T0 - DAY),
        ("government_response", T0),
    ]


def test_breakdowns_are_stored_only_when_due(store):
    p = _add(store)
    countries = [Breakdown("country", "GB", "United Kingdom", 90), Breakdown("country", "FR", "France", 10)]
    _poll(store, p.id, T0, _normalized(100, breakdowns=countries), breakdowns_due=True)
    _poll(store, p.id, T0 + DAY, _normalized(110, breakdowns=countries), breakdowns_due=False)
    with store.engine.connect() as connection:
        count = connection.execute(sa.text("select count(*) from breakdown")).scalar_one()
    assert count == 2
    assert store.find(p.id).last_breakdown_at == T0


def test_claims_skip_claimed_paused_and_future_petitions(store):
    a, b = _add(store, "1"), _add(store, "2")
    tasks = store.claim_due(T0, 10, timedelta(minutes=10))
    assert sorted(t.petition_id for t in tasks) == [a.id, b.id]
    assert store.claim_due(T0 + timedelta(minutes=5), 10, timedelta(minutes=10)) == []
    # a lease that ran out (a crashed poll) makes the petition due again
    assert len(store.claim_due(T0 + timedelta(minutes=11), 10, timedelta(minutes=10))) == 2


def test_failures_count_up_and_success_resets_them(store):
    p = _add(store)
    _poll(store, p.id, T0, health=Health.RETRYING)
    _poll(store, p.id, T0 + DAY, health=Health.RETRYING)
    state = store.fetch_states([p.id])[p.id]
    assert (state.consecutive_failures, state.health, state.last_error) == (2, "retrying", "boom")
    memory = FetchMemory("https://example.org/p/1", '"v1"', None, "abc", "1")
    _poll(store, p.id, T0 + 2 * DAY, _normalized(5), memory=memory)
    state = store.fetch_states([p.id])[p.id]
    assert (state.consecutive_failures, state.health, state.etag, state.last_ok_at) == (
        0,
        "ok",
        '"v1"',
        T0 + 2 * DAY,
    )
    assert [e.outcome for e in store.fetch_log(p.id)] == ["ok", "retrying", "retrying"]
    assert store.prune_fetch_log(T0 + DAY) == 1


def test_times_come_back_timezone_aware_utc(store):
    p = _add(store)
    _poll(store, p.id, T0, _normalized(1))
    row = _rows(store, p.id)[0]
    assert row.first_seen_at.tzinfo is not None and row.first_seen_at.utcoffset() == timedelta(0)


def test_concurrent_claims_never_overlap(database_url):
    from concurrent.futures import ThreadPoolExecutor

    first = Store(make_engine(database_url))
    for number in range(60):
        _add(first, str(number))
    stores = [first, Store(make_engine(database_url)), Store(make_engine(database_url))]

    def claim_all(store):
        claimed = []
        while batch := store.claim_due(T0, 3, timedelta(hours=1)):
            claimed += [task.petition_id for task in batch]
        return claimed

    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(claim_all, stores))
    everything = [pid for claimed in results for pid in claimed]
    assert len(everything) == len(set(everything)) == 60
    for store in stores:
        store.engine.dispose()
