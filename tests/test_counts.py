"""Counts, dates and normalization: every number format, flags, merging and UTC times."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from aggregator import LayoutChanged, Outcome, ParseResult, Status, parse_count, to_utc
from aggregator.normalize import PreviousObservation, clean_title, normalize
from aggregator.times import parse_local


@pytest.mark.parametrize(
    ("raw", "value", "approximate"),
    [
        ("3,713", 3713, False),
        ("This petition had 3,713 supporters", 3713, False),
        ("470.240 Unterschriften", 470240, False),
        ("10.808 von 15.000 Unterschriften", 10808, False),
        ("36 967 717", 36967717, False),
        ("&nbsp; 158,913", 158913, False),
        ("1\u00a0234", 1234, False),
        ("1\u202f234\u202f567", 1234567, False),
        ("1'234", 1234, False),
        ("128.011", 128011, False),
        ("13898.0", 13898, False),
        (13898.0, 13898, False),
        (5156603, 5156603, False),
        ("0", 0, False),
        ("12K", 12000, True),
        ("1,2 k", 1200, True),
        ("1.5M", 1500000, True),
        ("2 million", 2000000, True),
    ],
)
def test_counts_in_every_format(raw, value, approximate):
    assert parse_count(raw) == (parse_count(raw).__class__(value, approximate))


@pytest.mark.parametrize("raw", ["", "no number here", "1,234.5", -3, True, 1.5, float("nan")])
def test_non_counts_are_refused(raw):
    with pytest.raises(LayoutChanged):
        parse_count(raw)


def test_dates_become_utc():
    assert to_utc("2019-03-20T20:33:35.184Z") == datetime(2019, 3, 20, 20, 33, 35, 184000, tzinfo=UTC)
    assert to_utc("2015-09-14", "Europe/London") == datetime(2015, 9, 13, 23, tzinfo=UTC)
    assert to_utc(date(2024, 1, 15), "Europe/London") == datetime(2024, 1, 15, tzinfo=UTC)
    assert to_utc(1371600000) == datetime(2013, 6, 19, tzinfo=UTC)
    assert to_utc(None) is None and to_utc("") is None
    assert parse_local("17/09/2025 14:30", "%d/%m/%Y %H:%M", "Europe/Brussels") == datetime(
        2025, 9, 17, 12, 30, tzinfo=UTC
    )
    with pytest.raises(LayoutChanged):
        to_utc("next tuesday")


def test_titles_are_tidied():
    assert clean_title("  Revoke Article 50\r\n ") == "Revoke Article 50"
    assert clean_title(" \n ") is None


def test_normalize_fills_gaps_from_the_previous_observation():
    previous = PreviousObservation(supporters=100, status="open", goal=500)
    got = normalize(ParseResult(title="t"), previous)
    assert (got.supporters, got.status, got.goal) == (100, Status.OPEN, 500)


def test_normalize_flags_decrease_approximation_and_computed_goals():
    got = normalize(
        ParseResult(supporters="12K", goal=15000, goal_computed=True),
        PreviousObservation(13000, "open", None),
    )
    assert got.supporters == 12000
    assert got.flags == {"approximate", "decreased", "computed_goal"}
    assert normalize(ParseResult(supporters=5)).flags == frozenset()


def test_no_count_is_null_never_zero():
    assert normalize(ParseResult(status=Status.OPEN)).supporters is None
    removed = normalize(ParseResult(status=Status.REMOVED, gone=True), PreviousObservation(40, "open", None))
    assert removed.supporters is None and removed.status is Status.REMOVED


def test_outcomes_get_utc_times_in_the_site_zone():
    got = normalize(
        ParseResult(supporters=1, outcomes=(Outcome("debated", "2020-10-12"),)), zone="Europe/London"
    )
    assert got.outcomes[0].occurred_at == datetime(2020, 10, 11, 23, tzinfo=UTC)
    assert got.as_json()["outcomes"] == [{"kind": "debated", "occurred_at": "2020-10-11T23:00:00Z"}]


def test_multi_step_results_merge():
    page = ParseResult(title="Title", status=Status.OPEN, state={"id": 7}, flags=frozenset({"a"}))
    stats = ParseResult(supporters=42, state={"seen": True})
    merged = stats.merged_over(page)
    assert (merged.title, merged.status, merged.supporters) == ("Title", Status.OPEN, 42)
    assert merged.state == {"id": 7, "seen": True} and merged.flags == {"a"}


def test_fetch_errors_survive_pickling():
    import pickle

    from aggregator import FetchError

    error = FetchError(
        "slow down", health="retrying", url="https://x.org/", http_status=429, retry_after=30.0
    )
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.health, copy.url, copy.http_status, copy.retry_after) == (
        "slow down",
        "retrying",
        "https://x.org/",
        429,
        30.0,
    )
