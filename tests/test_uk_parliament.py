"""The uk-parliament platform: URL forms, every schema era, outcomes, breakdowns and HTTP handling."""

from __future__ import annotations

import json
import pickle
from datetime import UTC, datetime, timedelta

import pytest
from aggregator_plugins.uk_parliament import UKParliament
from platform_helpers import by_kind, json_record

from aggregator.cases import load_cases, replay
from aggregator.errors import LayoutChanged, NotThisPlatform, UnsupportedURL
from aggregator.plugins import PlatformRegistry, make_plugin_manager
from aggregator.records import Breakdown
from aggregator.vocabulary import OutcomeKind, Status

UK = UKParliament()
BASE = "https://petition.parliament.uk"


def attributes(**overrides):
    """A small 2019-style attribute set; keyword arguments replace or add fields."""
    data = {
        "action": "Plant a tree for every child born in the UK",
        "background": "Trees help.",
        "additional_details": "",
        "state": "open",
        "signature_count": 4321,
        "created_at": "2019-04-01T10:00:00.000Z",
        "updated_at": "2019-05-01T10:00:00.000Z",
        "rejected_at": None,
        "opened_at": "2019-04-03T09:15:00.500Z",
        "closed_at": None,
        "moderation_threshold_reached_at": "2019-04-01T12:00:00.000Z",
        "response_threshold_reached_at": None,
        "government_response_at": None,
        "debate_threshold_reached_at": None,
        "scheduled_debate_date": None,
        "debate_outcome_at": None,
        "creator_name": "A Person",
        "rejection": None,
        "government_response": None,
        "debate": None,
        "signatures_by_country": [
            {"name": "United Kingdom", "code": "GB", "signature_count": 4300},
            {"name": "France", "code": "FR", "signature_count": 15},
        ],
        "signatures_by_constituency": [
            {"name": "Aldershot", "ons_code": "E14000530", "mp": "Some MP", "signature_count": 12},
        ],
    }
    data.update(overrides)
    return data


def envelope(attrs, pid=250001, kind="petition"):
    return {
        "links": {"self": f"{BASE}/petitions/{pid}.json"},
        "data": {"type": kind, "id": pid, "attributes": attrs},
    }


def record(body, *, pid="250001", url=None, **kwargs):
    return json_record(body, url=url or f"{BASE}/petitions/{pid}.json", pid=pid, **kwargs)


# -- declaration and URLs ------------------------------------------------------------------------


def test_declares_the_platform():
    assert UK.name == "uk-parliament"
    assert "petition.parliament.uk" in UK.hosts
    assert UK.timezone == "Europe/London"
    assert UK.min_interval == timedelta(seconds=60)
    assert UK.politeness.concurrency == 2
    assert UK.politeness.spacing == timedelta(seconds=1)
    assert UK.states_not_applicable == ("victory",)
    assert UK.parser_version == "1"
    evidence = {s.name: s.evidence for s in UK.data_sources}
    assert evidence["petition-json"] == "verified"
    assert evidence["count-json"] == "documented"


def test_registered_through_the_plugin_manager():
    registry = PlatformRegistry.from_plugins(make_plugin_manager())
    assert isinstance(registry.get("uk-parliament"), UKParliament)
    assert registry.for_url(f"{BASE}/petitions/241584").name == "uk-parliament"


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/petitions/241584",
        f"{BASE}/petitions/241584.json",
        f"{BASE}/petitions/241584/",
        f"{BASE}/petitions/241584/count.json",
        f"{BASE}/petitions/241584/signatures/new",
        f"{BASE}/petitions/241584?utm_source=twitter&utm_medium=social",
        f"{BASE}/petitions/241584#signature-count",
        f"{BASE}/archived/petitions/241584",
        f"{BASE}/archived/petitions/241584.json",
        "https://www.petition.parliament.uk/petitions/241584",
        "http://petition.parliament.uk/petitions/241584",
        "HTTPS://Petition.Parliament.UK/petitions/241584",
        "petition.parliament.uk/petitions/241584",
        "  https://petition.parliament.uk/petitions/0241584  ",
    ],
)
def test_external_id_from_url_forms(url):
    assert UK.external_id(url) == "241584"


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/",
        f"{BASE}/petitions",
        f"{BASE}/petitions.json?state=open",
        f"{BASE}/petitions?state=open&page=2",
        f"{BASE}/archived/petitions?parliament=3",
        f"{BASE}/petitions/check",
        f"{BASE}/petitions/local/SW1A1AA",
        f"{BASE}/help",
        "https://petitions.senedd.wales/petitions/245123",
        "https://example.org/petitions/241584",
        "ftp://petition.parliament.uk/petitions/241584",
    ],
)
def test_non_petition_urls_are_unsupported(url):
    with pytest.raises(UnsupportedURL, match="uk-parliament"):
        UK.external_id(url)


def test_canonical_url_round_trips():
    assert UK.canonical_url("241584") == f"{BASE}/petitions/241584"
    assert UK.external_id(UK.canonical_url("241584")) == "241584"
    assert UK.claims(UK.canonical_url("241584"))


def test_plan_asks_for_json_and_the_archive_once_seen():
    step = UK.plan("241584", {})
    assert step.url == f"{BASE}/petitions/241584.json"
    assert step.headers["Accept"] == "application/json"
    assert UK.plan("241584", {"archived": True}).url == f"{BASE}/archived/petitions/241584.json"


# -- schema eras ---------------------------------------------------------------------------------


def test_2019_envelope():
    result = UK.parse(record(envelope(attributes())))
    assert result.supporters == 4321
    assert result.status is Status.OPEN
    assert result.raw_status == "open"
    assert result.title == "Plant a tree for every child born in the UK"
    assert result.method == "json-api"
    assert result.state is None
    assert by_kind(result)[OutcomeKind.OPENED].occurred_at == datetime(2019, 4, 3, 9, 15, 0, 500000, UTC)


def test_2016_open_at_era_and_countries_without_code():
    attrs = attributes(
        signatures_by_country=[
            {"name": "United Kingdom", "signature_count": 900},
            {"name": "Ireland", "signature_count": 7},
        ]
    )
    del attrs["opened_at"]
    attrs["open_at"] = "2015-09-01T08:00:00.000Z"
    result = UK.parse(record(envelope(attrs, pid=108000), pid="108000"))
    assert by_kind(result)[OutcomeKind.OPENED].occurred_at == datetime(2015, 9, 1, 8, tzinfo=UTC)
    countries = [b for b in result.breakdowns if b.kind == "country"]
    assert countries == [
        Breakdown("country", "United Kingdom", "United Kingdom", 900),
        Breakdown("country", "Ireland", "Ireland", 7),
    ]


def test_bare_item_with_sorted_keys_and_archived_type():
    item = {
        "attributes": dict(sorted(attributes(state="closed", closed_at="2016-01-20T23:59:59.999Z").items())),
        "id": 104000,
        "links": {"self": f"{BASE}/archived/petitions/104000.json"},
        "type": "archived-petition",
    }
    body = json.dumps(item, indent=4, sort_keys=True).encode()
    result = UK.parse(record(body, pid="104000", url=f"{BASE}/archived/petitions/104000.json"))
    assert result.supporters == 4321
    assert result.status is Status.CLOSED
    assert result.state == {"archived": True}
    assert result.closes_at == datetime(2016, 1, 20, 23, 59, 59, 999000, UTC)


def test_2026_closing_date_is_the_end_of_the_london_day():
    attrs = attributes(closing_date="2026-08-10", debate_scheduled_on="2026-06-01")
    result = UK.parse(record(envelope(attrs)))
    assert result.closes_at == datetime(2026, 8, 10, 22, 59, 59, 999000, UTC)  # BST
    scheduled = by_kind(result)[OutcomeKind.DEBATE_SCHEDULED]
    assert scheduled.occurred_at == datetime(2026, 5, 31, 23, tzinfo=UTC)
    winter = UK.parse(record(envelope(attributes(closing_date="2026-01-15"))))
    assert winter.closes_at == datetime(2026, 1, 15, 23, 59, 59, 999000, UTC)  # GMT


def test_list_page_picks_the_petition_by_id():
    page = {
        "links": {"self": f"{BASE}/petitions.json?state=open", "next": None},
        "data": [
            envelope(attributes(signature_count=1), pid=1)["data"],
            envelope(attributes(signature_count=77), pid=250001)["data"],
        ],
    }
    assert UK.parse(record(page)).supporters == 77
    with pytest.raises(NotThisPlatform, match="list page"):
        UK.parse(record(page, pid="999"))


def test_count_is_never_the_sum_of_breakdowns():
    result = UK.parse(record(envelope(attributes(signature_count=5))))
    assert result.supporters == 5
    assert sum(b.count for b in result.breakdowns if b.kind == "country") == 4315


def test_breakdown_kinds_and_keys():
    attrs = attributes(
        signatures_by_country=[{"name": "British Antarctic Territory", "code": "BAT", "signature_count": 2}],
        signatures_by_region=[{"name": "Wales", "ons_code": "L", "signature_count": 40}],
        signatures_by_constituency=[
            {"name": "Cardiff East", "ons_code": "W07000080", "mp": None, "signature_count": 9},
            {"name": "Broken row", "ons_code": "W07000099", "mp": None, "signature_count": None},
        ],
    )
    result = UK.parse(record(envelope(attrs)))
    assert set(result.breakdowns) == {
        Breakdown("country", "BAT", "British Antarctic Territory", 2),
        Breakdown("region", "L", "Wales", 40),
        Breakdown("constituency", "W07000080", "Cardiff East", 9),
    }


# -- titles and statuses -------------------------------------------------------------------------


def test_title_whitespace_is_normalised():
    result = UK.parse(record(envelope(attributes(action="  Save the\tlocal   library\r\n"))))
    assert result.title == "Save the local library"


@pytest.mark.parametrize(("state", "status"), [("open", Status.OPEN), ("closed", Status.CLOSED)])
def test_null_rejection_does_not_make_a_petition_rejected(state, status):
    attrs = attributes(
        state=state,
        rejection={"code": None, "details": None},
        closed_at="2019-10-03T22:59:59.999Z" if state == "closed" else None,
    )
    result = UK.parse(record(envelope(attrs)))
    assert result.status is status
    assert OutcomeKind.REJECTED not in by_kind(result)


def test_rejected_uses_state_and_records_the_code():
    attrs = attributes(
        state="rejected",
        rejected_at="2019-04-02T10:00:00.000Z",
        rejection={"code": "duplicate", "details": "There's already a petition\r\n"},
        signatures_by_country=None,
        signatures_by_constituency=None,
    )
    result = UK.parse(record(envelope(attrs)))
    assert result.status is Status.REJECTED
    rejected = by_kind(result)[OutcomeKind.REJECTED]
    assert rejected.occurred_at == datetime(2019, 4, 2, 10, tzinfo=UTC)
    assert rejected.details == {"code": "duplicate", "details": "There's already a petition"}
    assert result.breakdowns == ()


def test_unknown_state_word_is_unknown_with_raw_kept():
    result = UK.parse(record(envelope(attributes(state="Completed"))))
    assert result.status is Status.UNKNOWN
    assert result.raw_status == "completed"


# -- outcomes ------------------------------------------------------------------------------------


def test_outcomes_are_utc_facts():
    attrs = attributes(
        state="closed",
        closed_at="2019-10-03T22:59:59.999Z",
        response_threshold_reached_at="2019-04-10T08:00:00.000Z",
        debate_threshold_reached_at="2019-04-20T08:00:00.000Z",
        government_response_at="2019-05-02T14:30:00.250Z",
        government_response={"responded_on": "2019-05-01", "summary": "We  agree.", "details": "..."},
        scheduled_debate_date="2019-07-01",
        debate_outcome_at="2019-07-02T09:00:00.000Z",
        debate={
            "debated_on": "2019-07-01",
            "transcript_url": "https://hansard.example/t",
            "video_url": None,
            "debate_pack_url": None,
            "overview": "",
        },
    )
    found = by_kind(UK.parse(record(envelope(attrs))))
    for outcome in found.values():
        assert outcome.occurred_at.tzinfo is not None
        assert outcome.occurred_at.utcoffset() == timedelta(0)
    assert found[OutcomeKind.MODERATION_THRESHOLD].occurred_at == datetime(2019, 4, 1, 12, tzinfo=UTC)
    assert found[OutcomeKind.RESPONSE_THRESHOLD].details == {"threshold": 10_000}
    assert found[OutcomeKind.DEBATE_THRESHOLD].details == {"threshold": 100_000}
    response = found[OutcomeKind.GOVERNMENT_RESPONSE]
    assert response.occurred_at == datetime(2019, 5, 2, 14, 30, 0, 250000, UTC)
    assert response.details == {"responded_on": "2019-05-01", "summary": "We agree."}
    # date-only fields are London days: midnight BST is 23:00 UTC the day before
    assert found[OutcomeKind.DEBATE_SCHEDULED].occurred_at == datetime(2019, 6, 30, 23, tzinfo=UTC)
    assert found[OutcomeKind.DEBATED].occurred_at == datetime(2019, 6, 30, 23, tzinfo=UTC)
    assert found[OutcomeKind.DEBATED].details == {"transcript_url": "https://hansard.example/t"}
    assert found[OutcomeKind.CLOSED].occurred_at == datetime(2019, 10, 3, 22, 59, 59, 999000, UTC)


def test_government_response_from_responded_on_alone():
    attrs = attributes(government_response={"responded_on": "2019-12-02", "summary": "No."})
    response = by_kind(UK.parse(record(envelope(attrs))))[OutcomeKind.GOVERNMENT_RESPONSE]
    assert response.occurred_at == datetime(2019, 12, 2, tzinfo=UTC)  # GMT


def test_not_debated_outcome_is_not_a_debate():
    attrs = attributes(
        debate_outcome_at="2019-07-02T09:00:00.000Z",
        debate={"debated_on": None, "overview": "The committee decided not to debate it."},
    )
    assert OutcomeKind.DEBATED not in by_kind(UK.parse(record(envelope(attrs))))


def test_open_petition_has_no_closed_or_rejected_outcome():
    found = by_kind(UK.parse(record(envelope(attributes()))))
    assert set(found) == {OutcomeKind.MODERATION_THRESHOLD, OutcomeKind.OPENED}


def test_unreadable_outcome_date_drops_the_outcome_not_the_poll():
    result = UK.parse(record(envelope(attributes(response_threshold_reached_at="soon"))))
    assert result.supporters == 4321
    assert OutcomeKind.RESPONSE_THRESHOLD not in by_kind(result)


# -- HTTP handling -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [404, 410])
def test_gone(code):
    result = UK.parse(record(b"<html>gone</html>", status=code))
    assert result.status is Status.REMOVED
    assert result.gone is True
    assert result.raw_status == str(code)
    assert result.supporters is None


@pytest.mark.parametrize("page", ["gathering-support", "moderation-info"])
def test_moderation_pages_are_pending(page):
    result = UK.parse(record(b"<!DOCTYPE html><html></html>", final_url=f"{BASE}/petitions/250001/{page}"))
    assert result.status is Status.PENDING
    assert result.raw_status == page
    assert result.supporters is None
    assert result.gone is False


def test_redirect_to_home_page_is_stopped():
    result = UK.parse(record(b"<!DOCTYPE html><html></html>", final_url=f"{BASE}/"))
    assert (result.status, result.raw_status, result.gone) == (Status.REMOVED, "stopped", True)


def test_redirect_to_archive_is_kept_in_state():
    body = envelope(attributes(state="closed"), kind="archived-petition")
    result = UK.parse(record(body, final_url=f"{BASE}/archived/petitions/250001.json"))
    assert result.state == {"archived": True}
    # and the flag survives a later poll of the archived URL
    later = UK.parse(record(envelope(attributes(state="closed")), state={"archived": True}))
    assert later.state == {"archived": True}


def test_unfollowed_redirect_becomes_a_next_step():
    response = record(b"", status=301, headers={"Location": "/archived/petitions/250001.json"})
    result = UK.parse(response)
    assert result.next_step.url == f"{BASE}/archived/petitions/250001.json"
    assert result.state == {"archived": True}


def test_other_http_errors_are_reported():
    with pytest.raises(LayoutChanged, match="503"):
        UK.parse(record(b"busy", status=503))


def test_response_from_another_host_is_not_this_platform():
    with pytest.raises(NotThisPlatform, match=r"example\.org"):
        UK.parse(record(envelope(attributes()), final_url="https://example.org/"))


# -- unreadable bodies ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<!DOCTYPE html><html><body><span class='count'>1,234</span></body></html>",
        b"Loading...",
        b"[1, 2, 3]",
        b'{"error": "Not Found"}',
        json.dumps({"data": {"type": "initiative", "id": 250001, "attributes": {}}}).encode(),
        json.dumps({"data": {"type": "petition", "id": 999, "attributes": attributes()}}).encode(),
        json.dumps({"data": "nothing"}).encode(),
        json.dumps({"attributes": {"title": "x", "status": "open", "signature_count": 3}}).encode(),
        json.dumps({"signature_count": 12}).encode(),  # count.json body without a count.json request
    ],
)
def test_placeholder_or_foreign_bodies_are_not_this_platform(body):
    with pytest.raises(NotThisPlatform, match="UK Parliament"):
        UK.parse(record(body))


@pytest.mark.parametrize(
    "attrs",
    [
        {k: v for k, v in attributes().items() if k != "signature_count"},
        attributes(signature_count=None),
        attributes(signature_count=[1]),
        attributes(signature_count=True),
    ],
)
def test_petition_without_a_usable_count_is_layout_changed(attrs):
    with pytest.raises(LayoutChanged, match="signature_count"):
        UK.parse(record(envelope(attrs)))


def test_petition_item_without_attributes_is_layout_changed():
    with pytest.raises(LayoutChanged, match="attributes"):
        UK.parse(record({"data": {"type": "petition", "id": 250001}}))


# -- count.json ----------------------------------------------------------------------------------


def test_count_json_by_url_and_by_purpose():
    body = {"signature_count": 812, "response_threshold_reached_at": None, "debated": False}
    by_url = UK.parse(record(body, url=f"{BASE}/petitions/250001/count.json"))
    by_purpose = UK.parse(record(body, purpose="count"))
    for result in (by_url, by_purpose):
        assert result.supporters == 812
        assert (result.status, result.title, result.outcomes) == (None, None, ())
        assert result.method == "count-json"
    with pytest.raises(LayoutChanged, match="signature_count"):
        UK.parse(record({"debated": False}, purpose="count"))


# -- whole-chain checks --------------------------------------------------------------------------


def test_replay_normalizes_outcomes_to_utc_json():
    data = replay(UK, [record(envelope(attributes(scheduled_debate_date="2019-01-14")))], "250001").as_json()
    assert data["supporters"] == 4321
    assert {"kind": "debate_scheduled", "occurred_at": "2019-01-14T00:00:00Z"} in data["outcomes"]
    assert data["breakdowns"] == {"country": 2, "constituency": 1}


def test_results_pickle():
    result = UK.parse(record(envelope(attributes(closing_date="2026-08-10"))))
    assert pickle.loads(pickle.dumps(result)) == result


def test_recorded_cases_cover_every_state():
    cases = load_cases(UK)
    statuses = {case.expected["status"] for case in cases}
    assert {"open", "closed", "rejected", "removed", "pending"} <= statuses
    assert len(cases) >= 10
