"""Series queries on SQLite and PostgreSQL: step points, downsampling, overview, campaigns, milestones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
import sqlalchemy as sa

from aggregator import campaigns, series
from aggregator.database import make_engine
from aggregator.milestones import Milestone, candidates, project
from aggregator.plugins import platform_by_name
from aggregator.store import Store
from aggregator.tables import FetchState, Observation

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)
DAY = timedelta(days=1)


@pytest.fixture
def store(database_url):
    store = Store(make_engine(database_url))
    yield store
    store.engine.dispose()


def add(store, external_id="1", platform="uk-parliament", tags=(), status="open", title=None, archived=False):
    petition, _ = store.add_petition(
        platform=platform,
        external_id=external_id,
        url=f"https://example.org/{platform}/{external_id}",
        now=NOW - 30 * DAY,
        tags=tags,
    )
    with store.session() as session:
        stored = session.get(type(petition), petition.id)
        stored.status, stored.title, stored.archived = status, title, archived
        session.commit()
    return petition.id


def observe(store, petition_id, runs, **flags):
    """Store run-length rows given as (first_seen_at, last_seen_at, supporters)."""
    with store.session() as session:
        session.add_all(
            Observation(
                petition_id=petition_id,
                supporters=supporters,
                status=flags.get("status", "open"),
                goal=flags.get("goal"),
                computed_goal=flags.get("computed_goal", False),
                parser_version="1",
                first_seen_at=first,
                last_seen_at=last,
                polls=max(1, int((last - first) / H) + 1),
                method="json-api",
            )
            for first, last, supporters in runs
        )
        session.commit()


def hourly(start, hours, value, step):
    """One single-poll row an hour, the count growing by `step` each hour."""
    return [(start + H * i, start + H * i, value + step * i) for i in range(hours)]


def test_each_run_is_a_point_at_its_first_and_last_poll_and_nothing_is_invented(store):
    pid = add(store)
    t0 = NOW - 10 * H
    observe(store, pid, [(t0, t0 + 2 * H, 100), (t0 + 3 * H, t0 + 3 * H, 150), (t0 + 4 * H, t0 + 6 * H, 170)])
    found = series.series(store, pid)
    assert [(p.at, p.supporters) for p in found.points] == [
        (t0, 100),
        (t0 + 2 * H, 100),
        (t0 + 3 * H, 150),
        (t0 + 4 * H, 170),
        (t0 + 6 * H, 170),
    ]
    assert not found.downsampled and found.rows == 3 and found.previous is None
    assert found.points[0].method == "json-api"
    window = series.series(store, pid, t0 + H, t0 + 4 * H)
    assert [(p.at, p.supporters) for p in window.points] == [
        (t0 + 2 * H, 100),
        (t0 + 3 * H, 150),
        (t0 + 4 * H, 170),
    ]
    assert (window.previous.at, window.previous.supporters) == (t0, 100)
    assert series.step_series(store, pid)["v"] == [100, 100, 150, 170, 170]
    assert series.series(store, add(store, "empty")).points == []


def test_downsampling_keeps_first_last_min_and_max_within_the_budget(store):
    pid = add(store)
    t0 = NOW - 3000 * H
    runs = hourly(t0, 3000, 10_000, 3)
    runs[1100] = (runs[1100][0], runs[1100][1], 5)  # a dip (fraud removals)
    runs[2200] = (runs[2200][0], runs[2200][1], 99_999)  # a spike
    runs[1500] = (runs[1500][0], runs[1500][1], None)  # a poll without a count
    runs[-1] = (runs[-1][0], runs[-1][0] + 5 * H, runs[-1][2])  # the last run lasted five hours
    observe(store, pid, runs)
    found = series.series(store, pid, points=200)
    assert found.downsampled and found.rows == 3000 and len(found.points) <= 200
    pairs = [(p.at, p.supporters) for p in found.points]
    assert pairs[0] == (t0, 10_000)
    assert pairs[-2:] == [(runs[-1][0], runs[-1][2]), (runs[-1][1], runs[-1][2])]
    assert (runs[1100][0], 5) in pairs and (runs[2200][0], 99_999) in pairs
    real = {(first, value) for first, _, value in runs} | {(last, value) for _, last, value in runs}
    assert set(pairs) <= real
    assert all(a.at < b.at for a, b in pairwise(found.points))
    small = series.series(store, pid, NOW - 2000 * H, NOW - 1000 * H, points=50)
    assert len(small.points) <= 50 and all(NOW - 2000 * H <= p.at <= NOW - 1000 * H for p in small.points)
    assert (runs[1100][0], 5) in {(p.at, p.supporters) for p in small.points}


def test_overview_changes_rate_and_sparkline(store):
    pid = add(store, tags=["nhs"])
    observe(store, pid, hourly(NOW - 10 * DAY, 241, 1_000, 10))  # 10 an hour for 10 days, up to now
    [row] = series.overview_rows(store, NOW)
    assert row.supporters == 1_000 + 2_400
    assert (row.change_24h, row.change_7d, row.rate_per_hour) == (240, 1_680, 10.0)
    assert len(row.sparkline) == series.SPARK_POINTS and row.sparkline[-1] == row.supporters
    assert row.sparkline[0] == row.supporters - 1_680 and row.tags == ["nhs"] and row.health == "new"


def test_changes_use_the_count_in_force_at_or_before_the_boundary(store):
    pid = add(store)
    # counts seen 30 hours ago (held until 26 hours ago), then nothing until 2 hours ago
    observe(store, pid, [(NOW - 30 * H, NOW - 26 * H, 500), (NOW - 2 * H, NOW - 2 * H, 740)])
    [row] = series.overview_rows(store, NOW)
    assert row.change_24h == 240 and row.change_7d is None
    assert row.rate_per_hour == 10.0  # 240 between the last poll seeing 500 and the poll seeing 740
    young = add(store, "young")
    observe(store, young, [(NOW - 4 * H, NOW - 3 * H, 100), (NOW - H, NOW, 180)])
    row = series.petition_stats(store, young, NOW)
    assert row.change_24h is None and row.rate_per_hour == 20.0  # since the first count


def test_overview_filters_and_reads_in_a_constant_number_of_queries(store):
    for number in range(6):
        pid = add(
            store,
            str(number),
            platform="uk-parliament" if number % 2 else "change-org",
            tags=["climate"] if number < 3 else [],
            title=f"Save 100% of the {'bees' if number == 4 else 'trees'}",
            status="closed" if number == 5 else "open",
        )
        observe(store, pid, hourly(NOW - 3 * DAY, 73, 100 * number, number))
    archived = add(store, "old", archived=True)
    with store.session() as session:
        session.add(FetchState(petition_id=archived, health="gone"))
        session.commit()
    statements = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    rows = series.overview_rows(store, NOW)
    assert len(statements) == 2 and len(rows) == 6
    assert [r.id for r in series.overview_rows(store, NOW, tag="climate")] == [r.id for r in rows[:3]]
    assert {r.platform for r in series.overview_rows(store, NOW, platform="change-org")} == {"change-org"}
    assert [r.status for r in series.overview_rows(store, NOW, status="closed")] == ["closed"]
    assert [r.title for r in series.overview_rows(store, NOW, q="BEES")] == ["Save 100% of the bees"]
    assert len(series.overview_rows(store, NOW, q="100%")) == 6 and not series.overview_rows(
        store, NOW, q="1_0"
    )
    assert [r.id for r in series.overview_rows(store, NOW, q=f"#{rows[2].id}")] == [rows[2].id]
    with_archived = series.overview_rows(store, NOW, include_archived=True)
    assert len(with_archived) == 7 and with_archived[-1].health == "gone"


def test_campaign_totals_are_an_upper_bound_per_platform(store):
    for number, platform in enumerate(("uk-parliament", "change-org", "change-org")):
        pid = add(store, str(number), platform=platform, tags=["climate"])
        observe(store, pid, hourly(NOW - 2 * DAY, 49, 1_000 * (number + 1), 2))
    observe(store, add(store, "other"), hourly(NOW - 2 * DAY, 49, 50_000, 1))
    total = campaigns.campaign_totals(store, "climate", NOW)
    assert total.upper_bound and total.petitions == 3 and total.platforms == ["change-org", "uk-parliament"]
    assert total.supporters == 6_000 + 3 * 96 and total.change_24h == 3 * 48 and total.rate_per_hour == 6.0
    assert [(t.label, t.petitions, t.supporters) for t in total.by_platform] == [
        ("change-org", 2, 5_000 + 2 * 96),
        ("uk-parliament", 1, 1_000 + 96),
    ]
    assert total.sparkline[-1] == total.supporters


class Latest:
    def __init__(self, supporters, goal=None, computed_goal=False):
        self.supporters, self.goal, self.computed_goal = supporters, goal, computed_goal


def test_milestones_are_thresholds_author_goals_and_the_next_round_number():
    uk = {"response_threshold_reached": 10_000, "debate_threshold_reached": 100_000}
    found = candidates(Latest(12_345, goal=20_000), uk)
    assert [(m.value, m.kind) for m in found] == [
        (10_000, "threshold"),
        (20_000, "goal"),
        (25_000, "round number"),
        (100_000, "threshold"),
    ]
    assert found[0].label == "response threshold"
    assert [m.value for m in candidates(Latest(12_345, goal=15_000, computed_goal=True), {})] == [25_000]
    assert [m.value for m in candidates(Latest(3_400_000), {})] == [4_000_000]
    assert [m.value for m in candidates(Latest(None), {})] == [1_000]


def test_projection_uses_the_mean_daily_pace_and_the_fastest_and_slowest_days():
    milestone = Milestone(10_000, "response threshold", "threshold")
    daily = [9_000, 8_760, 8_280, None]  # +240 and +480 over the last two days; older unknown
    found = project(milestone, 9_000, daily, NOW)
    assert found.remaining == 1_000 and found.rate_per_hour == 15.0
    assert found.expected_at == NOW + timedelta(hours=1_000 / 15)
    assert found.earliest_at == NOW + timedelta(hours=1_000 / 20)
    assert found.latest_at == NOW + timedelta(hours=1_000 / 10)
    assert found.expected == found.expected_at.date()
    stalled = project(milestone, 9_000, [9_000, 9_000, 8_520], NOW)
    assert stalled.expected_at == NOW + timedelta(hours=1_000 / 10) and stalled.latest_at is None
    assert project(milestone, 9_000, [9_000, None], NOW).note.startswith("not enough history")
    assert project(milestone, 9_000, [9_000, 9_000], NOW).note == "no growth over the last days"


def test_next_milestone_from_the_store(store):
    pid = add(store)
    observe(store, pid, hourly(NOW - 3 * DAY, 73, 8_000, 10))  # 8,720 now, 10 an hour
    thresholds = {"response_threshold_reached": 10_000}
    found = series.next_milestone(store, pid, NOW, thresholds)
    assert (found.value, found.remaining, found.rate_per_hour) == (10_000, 1_280, 10.0)
    assert found.expected_at == NOW + timedelta(hours=128)
    assert [m.value for m in series.milestones(store, pid, NOW, thresholds)] == [10_000]
    uk = platform_by_name("uk-parliament").thresholds
    assert {m.value for m in series.milestones(store, pid, None, uk)} >= {10_000, 100_000}
    closed = add(store, "2", status="closed")
    observe(store, closed, hourly(NOW - 3 * DAY, 73, 8_000, 10))
    assert (
        series.next_milestone(store, closed, NOW, thresholds).note == "the petition is closed: no projection"
    )
    assert series.next_milestone(store, add(store, "3"), NOW, thresholds) is None
