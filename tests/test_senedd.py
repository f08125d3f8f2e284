"""The senedd platform: URL forms on both hosts, the fork's JSON, per-petition thresholds and HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aggregator_plugins.senedd import Senedd
from aggregator_plugins.senedd.attributes import COMPLETED, REFERRAL_THRESHOLD
from platform_helpers import assert_cases_pickle, by_kind, json_record

from aggregator.cases import load_cases
from aggregator.errors import LayoutChanged, NotThisPlatform, UnsupportedURL
from aggregator.plugins import PlatformRegistry, make_plugin_manager
from aggregator.records import Breakdown
from aggregator.vocabulary import OutcomeKind, Status

SENEDD = Senedd()
BASE = "https://petitions.senedd.wales"
WELSH = "https://deisebau.senedd.cymru"


def attributes(**overrides):
    data = {
        "action": "Build a footbridge over the Taff at Pontypridd",
        "background": "Walkers have to use the busy road bridge.",
        "additional_details": "",
        "state": "open",
        "signature_count": 812,
        "threshold_for_referral": 250,
        "threshold_for_debate": 10000,
        "created_at": "2026-01-02T10:00:00.000Z",
        "updated_at": "2026-02-01T10:00:00.000Z",
        "rejected_at": None,
        "opened_at": "2026-01-10T09:00:00.000Z",
        "closed_at": "2026-07-10T22:59:59.999Z",
        "completed_at": None,
        "moderation_threshold_reached_at": "2026-01-03T12:00:00.000Z",
        "referral_threshold_reached_at": "2026-01-12T15:30:00.000Z",
        "referred_at": None,
        "debate_threshold_reached_at": None,
        "scheduled_debate_date": None,
        "debate_outcome_at": None,
        "archived_at": None,
        "submitted_on_paper": False,
        "submitted_on": None,
        "creator_name": "A Person",
        "rejection": None,
        "debate": None,
        "topics": [],
        "signatures_by_country": [{"name": "United Kingdom", "code": "GB", "signature_count": 810}],
        "signatures_by_constituency": [
            {"id": "W09000046", "name": "Pontypridd Cynon Merthyr", "signature_count": 401}
        ],
        "signatures_by_region": [{"id": "W10000009", "name": "South Wales Central", "signature_count": 620}],
    }
    data.update(overrides)
    return data


def envelope(attrs, pid=246000):
    return {"data": {"type": "petition", "id": pid, "attributes": attrs}}


def record(body, *, pid="246000", url=None, **kwargs):
    return json_record(body, url=url or f"{BASE}/petitions/{pid}.json", pid=pid, **kwargs)


# -- declaration and URLs ------------------------------------------------------------------------


def test_declares_the_platform():
    assert SENEDD.name == "senedd"
    assert SENEDD.api_version == 1
    assert {"petitions.senedd.wales", "deisebau.senedd.cymru"} <= set(SENEDD.hosts)
    assert SENEDD.timezone == "Europe/London"
    assert SENEDD.states_not_applicable == ("victory",)
    assert SENEDD.thresholds == {REFERRAL_THRESHOLD: 250, OutcomeKind.DEBATE_THRESHOLD.value: 10000}
    evidence = {s.name: s.evidence for s in SENEDD.data_sources}
    assert evidence == {"petition-json": "documented", "count-json": "documented", "http-status": "inferred"}


def test_registered_through_the_plugin_manager():
    registry = PlatformRegistry.from_plugins(make_plugin_manager())
    assert isinstance(registry.get("senedd"), Senedd)
    assert registry.for_url(f"{WELSH}/deisebau/245678").name == "senedd"


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/petitions/245678",
        f"{BASE}/petitions/245678.json",
        f"{BASE}/petitions/245678/count.json",
        f"{BASE}/petitions/245678/signatures/new",
        f"{BASE}/petitions/245678/?utm_source=facebook&utm_medium=social#signatures",
        f"{WELSH}/deisebau/245678",
        f"{WELSH}/deisebau/245678.json",
        f"{WELSH}/deisebau/245678/cyfrif.json",
        f"{WELSH}/deisebau/245678/llofnodion/newydd",
        f"{WELSH}/petitions/245678",
        f"{BASE}/deisebau/245678",
        "https://petition.senedd.wales/petitions/245678",
        "https://deiseb.senedd.cymru/deisebau/245678",
        "http://www.petitions.senedd.wales/petitions/0245678",
        "petitions.senedd.wales/petitions/245678",
    ],
)
def test_external_id_from_url_forms(url):
    assert SENEDD.external_id(url) == "245678"


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/",
        f"{BASE}/petitions",
        f"{BASE}/petitions?state=open",
        f"{BASE}/petitions.json?state=open&page=2",
        f"{BASE}/petitions/check",
        f"{BASE}/petitions/local/CF10",
        f"{BASE}/help",
        f"{WELSH}/deisebau",
        "https://petition.parliament.uk/petitions/245678",
        "ftp://petitions.senedd.wales/petitions/245678",
    ],
)
def test_non_petition_urls_are_refused(url):
    with pytest.raises(UnsupportedURL, match="senedd"):
        SENEDD.external_id(url)


def test_canonical_url_and_plan():
    assert SENEDD.canonical_url("245678") == f"{BASE}/petitions/245678"
    assert SENEDD.external_id(SENEDD.canonical_url("245678")) == "245678"
    step = SENEDD.plan("245678", {})
    assert step.url == f"{BASE}/petitions/245678.json"
    assert step.headers["Accept"] == "application/json"


# -- the petition JSON ---------------------------------------------------------------------------


def test_open_petition_deadline_thresholds_and_breakdowns():
    result = SENEDD.parse(record(envelope(attributes())))
    assert result.supporters == 812
    assert (result.status, result.raw_status) == (Status.OPEN, "open")
    assert result.title == "Build a footbridge over the Taff at Pontypridd"
    assert result.method == "json-api"
    # for open petitions the fork writes the (extended) deadline into closed_at
    assert result.closes_at == datetime(2026, 7, 10, 22, 59, 59, 999000, UTC)
    facts = by_kind(result)
    assert OutcomeKind.CLOSED.value not in facts
    assert facts[REFERRAL_THRESHOLD].details == {"threshold": 250}
    assert set(result.breakdowns) == {
        Breakdown("country", "GB", "United Kingdom", 810),
        Breakdown("constituency", "W09000046", "Pontypridd Cynon Merthyr", 401),
        Breakdown("region", "W10000009", "South Wales Central", 620),
    }


def test_per_petition_thresholds_win_over_the_defaults():
    attrs = attributes(threshold_for_debate=5000, debate_threshold_reached_at="2026-03-01T10:00:00.000Z")
    result = SENEDD.parse(record(envelope(attrs)))
    assert by_kind(result)[OutcomeKind.DEBATE_THRESHOLD.value].details == {"threshold": 5000}
    missing = attributes(debate_threshold_reached_at="2026-03-01T10:00:00.000Z")
    del missing["threshold_for_debate"]
    assert by_kind(SENEDD.parse(record(envelope(missing))))[OutcomeKind.DEBATE_THRESHOLD.value].details == {
        "threshold": 10000
    }


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("open", Status.OPEN),
        ("closed", Status.CLOSED),
        ("completed", Status.CLOSED),
        ("rejected", Status.REJECTED),
        ("hidden", Status.REMOVED),
        ("pending", Status.PENDING),
        ("validated", Status.PENDING),
        ("sponsored", Status.PENDING),
        ("flagged", Status.PENDING),
        ("Referred", Status.UNKNOWN),
    ],
)
def test_status_map(raw, status):
    result = SENEDD.parse(record(envelope(attributes(state=raw))))
    assert result.status is status
    assert result.raw_status == raw.lower()


def test_completed_petition_records_closing_and_completion():
    attrs = attributes(
        state="completed", completed_at="2026-11-02T12:00:00.000Z", referred_at="2026-07-11T09:00Z"
    )
    facts = by_kind(SENEDD.parse(record(envelope(attrs))))
    assert facts[OutcomeKind.CLOSED.value].occurred_at == datetime(2026, 7, 10, 22, 59, 59, 999000, UTC)
    assert facts[COMPLETED].occurred_at == datetime(2026, 11, 2, 12, tzinfo=UTC)
    assert facts[OutcomeKind.REFERRED.value].occurred_at == datetime(2026, 7, 11, 9, tzinfo=UTC)


def test_rejection_and_debate_outcomes():
    rejected = attributes(
        state="rejected",
        rejected_at="2026-01-05T10:00:00Z",
        rejection={"code": "duplicate", "details": " Dup.\r\n"},
    )
    fact = by_kind(SENEDD.parse(record(envelope(rejected))))[OutcomeKind.REJECTED.value]
    assert fact.details == {"code": "duplicate", "details": "Dup."}
    debated = attributes(state="closed", debate={"debated_on": "2026-10-07", "transcript_url": None})
    assert by_kind(SENEDD.parse(record(envelope(debated))))[
        OutcomeKind.DEBATED.value
    ].occurred_at == datetime(2026, 10, 6, 23, tzinfo=UTC)


def test_a_bare_item_and_a_list_page():
    bare = {"type": "petition", "id": 246000, "attributes": attributes(signature_count=9)}
    assert SENEDD.parse(record(bare)).supporters == 9
    page = {"links": {}, "data": [envelope(attributes(signature_count=3), pid=1)["data"], bare]}
    assert SENEDD.parse(record(page)).supporters == 9
    with pytest.raises(NotThisPlatform, match="list page"):
        SENEDD.parse(record(page, pid="777"))


def test_count_json():
    body = {"signature_count": 6431, "threshold_for_referral": 250, "threshold_for_debate": 10000}
    result = SENEDD.parse(record(body, url=f"{BASE}/petitions/246000/count.json", purpose="count"))
    assert (result.supporters, result.method, result.status) == (6431, "count-json", None)
    with pytest.raises(LayoutChanged):
        SENEDD.parse(record({"threshold_for_referral": 250}, url=f"{BASE}/petitions/246000/count.json"))


@pytest.mark.parametrize("value", [None, True, [1], {"n": 1}])
def test_a_missing_or_odd_count_is_refused(value):
    with pytest.raises(LayoutChanged, match="signature_count"):
        SENEDD.parse(record(envelope(attributes(signature_count=value))))


def test_bodies_of_other_platforms_are_refused():
    with pytest.raises(NotThisPlatform, match="not JSON"):
        SENEDD.parse(record(b"<html><body>Sign here</body></html>"))
    scottish = {"data": {"type": "petition", "pe_number": "PE2100", "attributes": {"signature_count": 1}}}
    with pytest.raises(NotThisPlatform, match="Scottish"):
        SENEDD.parse(record(scottish))
    with pytest.raises(NotThisPlatform, match="246001"):
        SENEDD.parse(record(envelope(attributes(), pid=246001)))
    with pytest.raises(NotThisPlatform, match="came from"):
        SENEDD.parse(record(envelope(attributes()), final_url="https://example.org/x.json"))


# -- HTTP handling -------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
def test_gone(status):
    result = SENEDD.parse(record(b"<html>Not found</html>", status=status))
    assert (result.status, result.gone, result.raw_status, result.supporters) == (
        Status.REMOVED,
        True,
        str(status),
        None,
    )


@pytest.mark.parametrize(
    "final",
    [
        f"{BASE}/petitions/246000/gathering-support",
        f"{BASE}/petitions/246000/moderation-info",
        f"{WELSH}/deisebau/246000/casglu-cefnogaeth",
        f"{WELSH}/deisebau/246000/cymedroli-gwybodaeth",
    ],
)
def test_moderation_redirects_are_pending(final):
    result = SENEDD.parse(record(b"<html></html>", final_url=final))
    assert result.status is Status.PENDING
    assert result.supporters is None


def test_a_redirect_to_the_home_page_is_removed():
    result = SENEDD.parse(record(b"<html>Home</html>", final_url=f"{BASE}/"))
    assert (result.status, result.gone) == (Status.REMOVED, True)


def test_an_unfollowed_redirect_is_followed_and_other_statuses_refused():
    moved = record(b"", status=308, headers={"location": f"{BASE}/petitions/246000.json"}, url=f"{WELSH}/x")
    assert SENEDD.parse(moved).next_step.url == f"{BASE}/petitions/246000.json"
    with pytest.raises(LayoutChanged, match="500"):
        SENEDD.parse(record(b"oops", status=500))


def test_recorded_cases_replay_and_pickle():
    cases = load_cases(SENEDD)
    assert {c.expected["status"] for c in cases} >= {"open", "closed", "removed", "rejected", "pending"}
    assert_cases_pickle(SENEDD, cases)
