"""The scottish-parliament platform: PE numbers, the derived status, real zero counts, drafts and HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aggregator_plugins.scottish_parliament import ScottishParliament
from platform_helpers import assert_cases_pickle, by_kind, json_record

from aggregator.cases import load_cases
from aggregator.errors import LayoutChanged, NotThisPlatform, UnsupportedURL
from aggregator.normalize import normalize
from aggregator.plugins import PlatformRegistry, make_plugin_manager
from aggregator.records import Breakdown
from aggregator.vocabulary import OutcomeKind, Status

SCOT = ScottishParliament()
BASE = "https://petitions.parliament.scot"
GAELIC = "https://athchuingean.parlamaid-alba.scot"


def attributes(**overrides):
    data = {
        "title": "Protect red squirrels in the Borders",
        "summary": "Calling on the Scottish Parliament to fund grey squirrel control.",
        "background_information": "",
        "petitioner": "A Person",
        "status": "under_consideration",
        "signature_count": 640,
        "created_at": "2026-01-02T10:00:00.000Z",
        "updated_at": "2026-02-01T10:00:00.000Z",
        "rejected_at": None,
        "opened_at": "2026-01-20T10:00:00.000Z",
        "under_consideration_at": "2026-01-20T10:00:00.000Z",
        "closed_at": None,
        "archived_at": None,
        "submitted_on_paper": False,
        "submitted_on": None,
        "creator_name": "A Person",
        "rejection": None,
        "topics": [],
        "signatures_by_country": [{"name": "United Kingdom", "code": "GB", "signature_count": 640}],
        "signatures_by_constituency": [{"id": "S16000150", "name": "Ettrick", "signature_count": 90}],
        "signatures_by_region": [{"id": "S17000013", "name": "South Scotland", "signature_count": 300}],
    }
    data.update(overrides)
    return data


def envelope(attrs, pe="PE2150"):
    return {
        "links": {"self": f"{BASE}/petitions/{pe}.json"},
        "data": {"type": "petition", "pe_number": pe, "attributes": attrs},
    }


def record(body, *, pid="PE2150", url=None, **kwargs):
    return json_record(body, url=url or f"{BASE}/petitions/{pid}.json", pid=pid, **kwargs)


# -- declaration and URLs ------------------------------------------------------------------------


def test_declares_the_platform():
    assert SCOT.name == "scottish-parliament"
    assert SCOT.api_version == 1
    assert {"petitions.parliament.scot", "athchuingean.parlamaid-alba.scot"} <= set(SCOT.hosts)
    assert SCOT.thresholds == {}
    evidence = {s.name: s.evidence for s in SCOT.data_sources}
    assert evidence == {"petition-json": "documented", "count-json": "inferred", "http-status": "inferred"}


def test_registered_through_the_plugin_manager():
    registry = PlatformRegistry.from_plugins(make_plugin_manager())
    assert isinstance(registry.get("scottish-parliament"), ScottishParliament)
    assert registry.for_url(f"{GAELIC}/athchuingean/PE1953").name == "scottish-parliament"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{BASE}/petitions/PE2150", "PE2150"),
        (f"{BASE}/petitions/PE2150.json", "PE2150"),
        (f"{BASE}/petitions/PE2150/count.json", "PE2150"),
        (f"{BASE}/petitions/PE2150/signatures/new", "PE2150"),
        (f"{BASE}/petitions/pe2150?utm_source=twitter#top", "PE2150"),
        (f"{BASE}/petitions/PE02150/", "PE2150"),
        (f"{BASE}/petitions/PE45", "PE0045"),
        (f"{BASE}/petitions/PE12345", "PE12345"),
        (f"{GAELIC}/athchuingean/PE1953", "PE1953"),
        (f"{GAELIC}/athchuingean/PE1953/cunnt.json", "PE1953"),
        (f"{BASE}/petitions/PP0312", "PP0312"),
        (f"{BASE}/petitions/PP312/sponsors/new", "PP0312"),
        ("http://www.petitions.parliament.scot/petitions/PE2150", "PE2150"),
        ("petitions.parliament.scot/petitions/PE2150", "PE2150"),
    ],
)
def test_external_id_from_url_forms(url, expected):
    assert SCOT.external_id(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/",
        f"{BASE}/petitions",
        f"{BASE}/petitions?state=open",
        f"{BASE}/petitions/123",
        f"{BASE}/petitions/check",
        f"{BASE}/petitions/local/G1",
        f"{BASE}/help",
        "https://petitions.senedd.wales/petitions/PE2150",
        "https://petition.parliament.uk/petitions/PE2150",
    ],
)
def test_non_petition_urls_are_refused(url):
    with pytest.raises(UnsupportedURL, match="scottish-parliament"):
        SCOT.external_id(url)


def test_canonical_url_and_plan():
    assert SCOT.canonical_url("PE2150") == f"{BASE}/petitions/PE2150"
    assert SCOT.external_id(SCOT.canonical_url("PE0045")) == "PE0045"
    assert SCOT.plan("PE2150", {}).url == f"{BASE}/petitions/PE2150.json"
    assert SCOT.plan("PP0298", {}).url == f"{BASE}/petitions/PP0298.json"
    assert SCOT.plan("PP0298", {"pe_number": "PE2199"}).url == f"{BASE}/petitions/PE2199.json"


# -- the petition JSON ---------------------------------------------------------------------------


def test_open_petition():
    result = SCOT.parse(record(envelope(attributes())))
    assert (result.supporters, result.status, result.raw_status) == (640, Status.OPEN, "under_consideration")
    assert result.title == "Protect red squirrels in the Borders"
    assert result.closes_at is None
    assert result.state is None
    assert by_kind(result)[OutcomeKind.OPENED.value].occurred_at == datetime(2026, 1, 20, 10, tzinfo=UTC)
    assert Breakdown("constituency", "S16000150", "Ettrick", 90) in result.breakdowns


def test_a_zero_count_is_real():
    attrs = attributes(status="closed", signature_count=0, signatures_by_country=[])
    result = SCOT.parse(record(envelope(attrs)))
    assert result.supporters == 0
    assert normalize(result).supporters == 0
    assert result.status is Status.CLOSED


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("under_consideration", Status.OPEN),
        ("open", Status.OPEN),
        ("closed", Status.CLOSED),
        ("completed", Status.CLOSED),
        ("rejected", Status.REJECTED),
        ("hidden", Status.REMOVED),
        ("pending", Status.PENDING),
        ("validated", Status.PENDING),
        ("sponsored", Status.PENDING),
        ("flagged", Status.PENDING),
        ("archived", Status.UNKNOWN),
    ],
)
def test_status_map(raw, status):
    assert SCOT.parse(record(envelope(attributes(status=raw)))).status is status


def test_closed_at_is_the_completion_time():
    attrs = attributes(status="closed", closed_at="2026-05-06T14:00:00.000Z")
    result = SCOT.parse(record(envelope(attrs)))
    assert result.closes_at == datetime(2026, 5, 6, 14, tzinfo=UTC)
    assert by_kind(result)[OutcomeKind.CLOSED.value].occurred_at == datetime(2026, 5, 6, 14, tzinfo=UTC)


def test_threshold_fields_when_the_site_shows_them():
    attrs = attributes(
        referral_threshold_reached_at="2026-01-21T10:00:00Z",
        referred_at="2026-01-21T10:00:00Z",
        debate_threshold_reached_at=None,
        scheduled_debate_date="2026-03-05",
        debate={"debated_on": "2026-03-05", "transcript_url": "https://www.parliament.scot/x"},
    )
    facts = by_kind(SCOT.parse(record(envelope(attrs))))
    assert {"referral_threshold_reached", "referred", "debate_scheduled", "debated"} <= set(facts)


def test_rejection():
    attrs = attributes(
        status="rejected",
        rejected_at="2026-01-09T10:00:00Z",
        rejection={"code": "irrelevant", "details": "No."},
    )
    fact = by_kind(SCOT.parse(record(envelope(attrs))))[OutcomeKind.REJECTED.value]
    assert fact.details == {"code": "irrelevant", "details": "No."}


def test_a_draft_learns_its_pe_number():
    result = SCOT.parse(record(envelope(attributes(), pe="PE2199"), pid="PP0298"))
    assert result.state == {"pe_number": "PE2199"}
    assert result.supporters == 640


def test_another_petition_or_another_fork_is_refused():
    with pytest.raises(NotThisPlatform, match="PE2151"):
        SCOT.parse(record(envelope(attributes(), pe="PE2151")))
    senedd = {"data": {"type": "petition", "id": 246000, "attributes": attributes()}}
    with pytest.raises(NotThisPlatform, match="pe_number"):
        SCOT.parse(record(senedd))
    with pytest.raises(NotThisPlatform, match="not JSON"):
        SCOT.parse(record(b"<!DOCTYPE html><html></html>"))


def test_list_page_and_bare_item():
    bare = envelope(attributes(signature_count=12))["data"]
    assert SCOT.parse(record(bare)).supporters == 12
    page = {"links": {}, "data": [envelope(attributes(signature_count=1), pe="PE0001")["data"], bare]}
    assert SCOT.parse(record(page)).supporters == 12


@pytest.mark.parametrize("value", [None, False, {"a": 1}])
def test_a_missing_count_is_refused(value):
    with pytest.raises(LayoutChanged, match="signature_count"):
        SCOT.parse(record(envelope(attributes(signature_count=value))))


def test_count_json():
    result = SCOT.parse(record({"signature_count": 700}, url=f"{BASE}/petitions/PE2150/count.json"))
    assert (result.supporters, result.method) == (700, "count-json")


# -- HTTP handling -------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
def test_gone(status):
    result = SCOT.parse(record(b"gone", status=status))
    assert (result.status, result.gone, result.raw_status) == (Status.REMOVED, True, str(status))


def test_redirects():
    pending = SCOT.parse(
        record(b"<html/>", pid="PP0312", final_url=f"{BASE}/petitions/PP0312/gathering-support")
    )
    assert (pending.status, pending.raw_status) == (Status.PENDING, "gathering-support")
    home = SCOT.parse(record(b"<html/>", final_url=f"{BASE}/"))
    assert (home.status, home.gone) == (Status.REMOVED, True)
    with pytest.raises(LayoutChanged, match="503"):
        SCOT.parse(record(b"busy", status=503))


def test_recorded_cases_replay_and_pickle():
    cases = load_cases(SCOT)
    assert {c.expected["status"] for c in cases} >= {"open", "closed", "removed", "rejected", "pending"}
    zero = next(c for c in cases if c.name == "closed-no-signatures-zero")
    assert zero.expected["supporters"] == 0
    assert_cases_pickle(SCOT, cases)
