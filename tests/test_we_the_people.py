"""The we-the-people platform: URL forms, status mapping, pre-v1 spaced keys, unix times, error bodies."""

from __future__ import annotations

import json
import pickle
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from aggregator_plugins.we_the_people import WeThePeople

from aggregator.cases import load_cases, replay
from aggregator.errors import FetchError, LayoutChanged, NotThisPlatform, UnsupportedURL
from aggregator.plugins import PlatformRegistry, make_plugin_manager
from aggregator.records import ResponseRecord
from aggregator.vocabulary import OutcomeKind, Status

WTP = WeThePeople()
API = "https://api.whitehouse.gov/v1/petitions"
SITE = "https://petitions.whitehouse.gov"
PID = "51a2c3d4e5f60718293a4b5c"


def record(**overrides):
    """A v1 petition record; keyword arguments replace or add fields (None values are kept)."""
    data = {
        "id": PID,
        "type": "petition",
        "title": "Give every public library a telescope to lend.",
        "body": "An invented petition for the tests.",
        "issues": [{"id": 139, "name": "Science and Space Policy"}],
        "signatureThreshold": 100000,
        "signatureCount": 4321,
        "signaturesNeeded": 95679,
        "url": f"{SITE}/petition/give-every-public-library-telescope-lend",
        "deadline": 1400000000,
        "status": "open",
        "response": None,
        "created": 1397408000,
        "isSignable": True,
        "isPublic": True,
        "reachedPublic": 1397500000,
    }
    data.update(overrides)
    return data


def envelope(*results, status=200):
    return {
        "metadata": {
            "responseInfo": {"status": status, "developerMessage": "OK", "userMessage": "", "errorCode": ""},
            "resultset": {"count": len(results), "limit": 1, "offset": 0},
        },
        "results": list(results),
    }


def error_body(status="404", code="84"):
    return {
        "metadata": {
            "responseInfo": {
                "status": status,
                "developerMessage:": f"{status} Not Found: no petition here.",
                "userMessage": "Not here.",
                "errorCode": code,
                "moreInfo": "",
            }
        }
    }


def response(body, *, status=200, pid=PID, url=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    url = url or f"{API}/{pid}.json"
    return ResponseRecord(url, url, status, {}, raw, pid, purpose="petition")


def parse(body, **kwargs):
    return WTP.parse(response(body, **kwargs))


# -- URL forms ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{API}/226511.json", "226511"),
        (f"{API}/226511", "226511"),
        (f"{API}/226511.json?mock=0#x", "226511"),
        (f"{API}/226511/signatures.json", "226511"),
        (f"{API}/50a3fd762f2c88cd65000015.json", "50a3fd762f2c88cd65000015"),
        ("http://api.whitehouse.gov/v1/petitions/226511.json/", "226511"),
        ("api.whitehouse.gov/v1/petitions/226511.json", "226511"),
        (f"{SITE}/petition/secure-funding-build-moon-base", "secure-funding-build-moon-base"),
        (f"{SITE}/petition/Secure-Funding-Build-Moon-Base/?utm_source=x", "secure-funding-build-moon-base"),
        ("https://www.petitions.whitehouse.gov/petition/a-b-c", "a-b-c"),
        (
            "https://petitions.obamawhitehouse.archives.gov/petition/secure-funding-build-moon-base",
            "secure-funding-build-moon-base",
        ),
        (f"{SITE}/petition/legalize-old-style-url/AbC123xy", "legalize-old-style-url/AbC123xy"),
        (
            f"{API}.json?url=https%3A%2F%2Fpetitions.whitehouse.gov%2Fpetition%2Fsecure-funding-build-moon-base",
            "secure-funding-build-moon-base",
        ),
    ],
)
def test_external_id_accepts_api_and_page_urls(url, expected):
    assert WTP.external_id(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        f"{API}.json",
        f"{API}.json?limit=10&offset=0",
        f"{API}.json?url=https%3A%2F%2Fexample.org%2Fpetition%2Fa-b",
        "https://api.whitehouse.gov/v1/responses/716.json",
        f"{SITE}/",
        f"{SITE}/petitions",
        f"{SITE}/response/isnt-this-the-response",
        f"{SITE}/developers",
        "https://example.org/v1/petitions/226511.json",
        "ftp://api.whitehouse.gov/v1/petitions/226511.json",
    ],
)
def test_external_id_refuses_other_pages(url):
    with pytest.raises(UnsupportedURL, match="API URL"):
        WTP.external_id(url)


def test_a_one_word_slug_asks_for_the_api_url():
    with pytest.raises(UnsupportedURL, match=r"API URL .*v1/petitions/ID\.json.*one-word"):
        WTP.external_id(f"{SITE}/petition/telescopes")


def test_canonical_urls_and_plans():
    assert WTP.canonical_url("226511") == f"{API}/226511.json"
    assert WTP.plan("226511", {}).url == f"{API}/226511.json"
    assert WTP.plan("226511", {}).headers["Accept"] == "application/json"
    slug = "secure-funding-build-moon-base"
    assert WTP.canonical_url(slug) == f"{SITE}/petition/{slug}"
    step = WTP.plan(slug, {})
    parts = urlsplit(step.url)
    assert (parts.hostname, parts.path) == ("api.whitehouse.gov", "/v1/petitions.json")
    assert parse_qs(parts.query) == {"url": [f"{SITE}/petition/{slug}"]}
    for external_id in ("226511", PID, slug, "legalize-old-style-url/AbC123xy"):
        assert WTP.external_id(WTP.canonical_url(external_id)) == external_id
        assert WTP.external_id(WTP.plan(external_id, {}).url) == external_id


def test_declarations():
    assert WTP.name == "we-the-people"
    assert set(WTP.hosts) == {
        "api.whitehouse.gov",
        "petitions.whitehouse.gov",
        "petitions.obamawhitehouse.archives.gov",
    }
    assert WTP.min_interval == timedelta(days=1)
    assert WTP.politeness.concurrency == 1
    assert WTP.politeness.spacing == timedelta(seconds=5)
    assert WTP.states_not_applicable == ("victory",)
    evidence = {source.name: source.evidence for source in WTP.data_sources}
    assert evidence["petition-retrieve-json"] == evidence["retrieve-404-body"] == "verified"
    assert {v for k, v in evidence.items() if k not in ("petition-retrieve-json", "retrieve-404-body")} == {
        "documented"
    }


def test_registered_and_claims_its_hosts():
    registry = PlatformRegistry.from_plugins(make_plugin_manager())
    assert "we-the-people" in registry.names()
    assert registry.for_url(f"{API}/226511.json").name == "we-the-people"
    assert registry.for_url(f"{SITE}/petition/a-b").name == "we-the-people"


# -- statuses -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "signable", "status", "stored"),
    [
        ("open", True, Status.OPEN, "open"),
        ("open", False, Status.OPEN, "open"),
        ("pending response", False, Status.CLOSED, "pending response"),
        ("pending response", True, Status.OPEN, "pending response"),
        ("responded", False, Status.CLOSED, "responded"),
        ("responded", True, Status.OPEN, "responded"),
        ("Pending  Response", None, Status.CLOSED, "pending response"),
        ("closed", True, Status.CLOSED, "closed"),
        ("removed", False, Status.REMOVED, "removed"),
        ("flagged", False, Status.REMOVED, "flagged"),
        ("draft", False, Status.PENDING, "draft"),
        ("archived-ish", False, Status.UNKNOWN, "archived-ish"),
        (0, False, Status.PENDING, "0"),
        (1, False, Status.OPEN, "1"),
        (2, True, Status.OPEN, "2"),
        (3, False, Status.CLOSED, "3"),
        (4, False, Status.CLOSED, "4"),
        (4, True, Status.OPEN, "4"),
        (5, False, Status.CLOSED, "5"),
        (5, 1, Status.OPEN, "5"),
        (6, False, Status.REMOVED, "6"),
        ("6", False, Status.REMOVED, "6"),
        (9, False, Status.UNKNOWN, "9"),
    ],
)
def test_status_map(raw, signable, status, stored):
    result = parse(envelope(record(status=raw, isSignable=signable)))
    assert result.status is status
    assert result.raw_status == stored


def test_a_record_without_status_leaves_it_unset():
    result = parse(envelope(record(status=None)))
    assert result.status is None and result.raw_status is None


def test_a_removed_petition_keeps_its_count():
    got = replay(WTP, [response(envelope(record(status="removed")))], PID).as_json()
    assert (got["status"], got["supporters"]) == ("removed", 4321)


# -- values -------------------------------------------------------------------------------------


def test_v1_values_and_unix_times_in_utc():
    body = envelope(
        record(
            status="responded",
            isSignable=False,
            signatureCount=131072,
            deadline=1355516840,
            response={"id": 716, "url": f"{SITE}/response/x", "associationTime": 1357944472},
        )
    )
    result = parse(body)
    assert result.supporters == 131072
    assert result.goal == 100000 and not result.goal_computed
    assert result.title == "Give every public library a telescope to lend."
    assert result.closes_at == datetime(2012, 12, 14, 20, 27, 20, tzinfo=UTC)
    assert result.method == "json-api"
    assert result.gone is False
    (outcome,) = result.outcomes
    assert outcome.kind == OutcomeKind.GOVERNMENT_RESPONSE.value
    assert outcome.occurred_at == datetime(2013, 1, 11, 22, 47, 52, tzinfo=UTC)
    assert outcome.details == {"response_id": 716, "url": f"{SITE}/response/x"}
    got = replay(WTP, [response(body)], PID).as_json()
    assert got["closes_at"] == "2012-12-14T20:27:20Z"
    assert got["outcomes"] == [{"kind": "government_response", "occurred_at": "2013-01-11T22:47:52Z"}]


def test_no_threshold_outcome_without_a_date():
    # reachedPublic is the 150-signature public threshold, not the response threshold
    result = parse(envelope(record(status="pending response", isSignable=False, signatureCount=150000)))
    assert result.outcomes == ()
    assert result.goal == 100000


@pytest.mark.parametrize("empty", [None, [], {}, {"id": 3, "associationTime": None}, {"associationTime": 0}])
def test_no_response_outcome_without_a_dated_response(empty):
    assert parse(envelope(record(response=empty))).outcomes == ()


@pytest.mark.parametrize("deadline", [None, 0, "", "soon"])
def test_missing_deadline(deadline):
    assert parse(envelope(record(deadline=deadline))).closes_at is None


@pytest.mark.parametrize("threshold", [None, 0, "", True, 1.5])
def test_unusable_threshold_gives_no_goal(threshold):
    assert parse(envelope(record(signatureThreshold=threshold))).goal is None


def test_pre_v1_spaced_keys_and_numeric_status():
    item = {
        "id": PID,
        "type": "petition",
        "title": "Mint a commemorative coin for librarians.",
        "signature threshold": 25000,
        "signature count": "3120",
        "signatures needed": 0,
        "url": f"{SITE}/petition/mint-commemorative-coin-librarians",
        "deadline": "1361750400",
        "status": 4,
        "response": {"id": 9, "url": f"{SITE}/response/y", "association time": 1360094400},
        "created": 1359158400,
    }
    result = parse({"results": [item]})
    assert result.supporters == "3120"
    assert result.goal == 25000
    assert (result.status, result.raw_status) == (Status.CLOSED, "4")
    assert result.closes_at == datetime(2013, 2, 25, tzinfo=UTC)
    assert [o.occurred_at for o in result.outcomes] == [datetime(2013, 2, 5, 20, 0, tzinfo=UTC)]
    assert result.method == "json-pre-v1"
    got = replay(WTP, [response({"results": [item]})], PID).as_json()
    assert got["supporters"] == 3120


def test_picks_the_polled_petition_out_of_a_list():
    other = record(id="2001", title="Another one", signatureCount=7)
    for body in (envelope(other, record()), [other, record()]):
        assert parse(body).supporters == 4321
    with pytest.raises(NotThisPlatform, match="not among the 2"):
        parse(envelope(other, record(id="2002")))


def test_a_single_record_of_another_petition_is_refused():
    with pytest.raises(NotThisPlatform, match="not '51a2"):
        parse(envelope(record(id="2001")))


def test_a_single_record_without_id_is_taken():
    item = record()
    del item["id"]
    assert parse(envelope(item)).supporters == 4321


def test_a_bare_record_is_accepted():
    assert parse(record()).supporters == 4321


def test_slug_polls_match_by_page_url_or_take_the_only_record():
    slug = "give-every-public-library-telescope-lend"
    step = WTP.plan(slug, {})
    lookup = ResponseRecord(step.url, step.url, 200, {}, json.dumps(envelope(record())).encode(), slug)
    assert WTP.parse(lookup).supporters == 4321
    listing = envelope(record(id="1", url=f"{SITE}/petition/x-y"), record())
    listed = ResponseRecord(step.url, step.url, 200, {}, json.dumps(listing).encode(), slug)
    assert WTP.parse(listed).supporters == 4321


# -- gone and errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("http_status", [404, 200])
def test_the_404_error_body(http_status):
    result = parse(error_body(), status=http_status)
    assert (result.status, result.gone, result.raw_status) == (Status.REMOVED, True, "error 404")
    assert result.supporters is None
    assert result.method == "error-body"
    got = replay(WTP, [response(error_body(), status=http_status)], PID).as_json()
    assert (got["supporters"], got["status"], got["raw_status"]) == (None, "removed", "error 404")


@pytest.mark.parametrize(
    ("http_status", "body"), [(404, b"<html>Not Found</html>"), (410, b""), (410, b"{}")]
)
def test_http_404_and_410_without_an_error_body(http_status, body):
    result = parse(body, status=http_status)
    assert (result.status, result.gone, result.raw_status) == (Status.REMOVED, True, f"error {http_status}")
    assert result.method == "http-status"


def test_a_server_error_body_is_retried():
    with pytest.raises(FetchError, match="error 599") as caught:
        parse(error_body(status=599, code="83"))
    assert caught.value.health == "retrying"


def test_another_error_body_is_a_layout_change():
    with pytest.raises(LayoutChanged, match="error 400"):
        parse(error_body(status="400", code="12"))


def test_unexpected_http_status():
    with pytest.raises(LayoutChanged, match="HTTP status 302"):
        parse(envelope(record()), status=302)


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><title>We the People</title></html>",
        b"",
        b"\xff\xfe not text",
        b"[1, 2, 3]",
        b'"a string"',
        b"42",
        b"[]",
        json.dumps(
            {"links": {}, "data": {"type": "petition", "attributes": {"signature_count": 5}}}
        ).encode(),
        json.dumps({"title": "no count anywhere"}).encode(),
    ],
)
def test_other_bodies_are_not_this_platform(body):
    with pytest.raises(NotThisPlatform):
        parse(body)


def test_a_record_of_another_type_is_not_this_platform():
    with pytest.raises(NotThisPlatform, match="'response'"):
        parse(envelope(record(type="response")))


@pytest.mark.parametrize(
    "body",
    [
        envelope(record(signatureCount=None)),
        envelope({k: v for k, v in record().items() if k != "signatureCount"}),
        envelope(),
        {"metadata": {"responseInfo": {"status": 200}}},
        {"metadata": {}, "results": {"id": PID}},
        envelope(record(signatureCount={"total": 5})),
        envelope(record(status=["open"])),
    ],
)
def test_a_petition_response_without_a_count_is_a_layout_change(body):
    with pytest.raises(LayoutChanged):
        parse(body)


# -- recorded cases -----------------------------------------------------------------------------


def test_recorded_cases_cover_every_status_and_pickle():
    cases = load_cases(WTP)
    statuses = {case.expected["status"] for case in cases}
    assert {"open", "closed", "removed"} <= statuses
    assert any(case.expected.get("raw_status") == "error 404" for case in cases)
    assert any(case.expected.get("method") == "json-pre-v1" for case in cases)
    for case in cases:
        outcome = replay(WTP, case.records, case.records[-1].external_id)
        assert outcome.error is None, case.name
        assert pickle.loads(pickle.dumps(outcome.result)) == outcome.result
