"""The eci platform: URL forms, the register's details and search answers, statuses, dates, discovery."""

from __future__ import annotations

import json
import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aggregator_plugins.eci import ECI, discovery_step, parse_listing
from click.testing import CliRunner
from platform_helpers import replayed

from aggregator.cases import replay
from aggregator.cli import cli
from aggregator.errors import AggregatorError, LayoutChanged, NotThisPlatform, UnsupportedURL
from aggregator.plugins import PlatformRegistry, make_plugin_manager
from aggregator.records import Breakdown, ResponseRecord
from aggregator.vocabulary import OutcomeKind, Status

PLATFORM = ECI()
API = "https://register.eci.ec.europa.eu/core/api/register"
PAGE = "https://citizens-initiative.europa.eu/initiatives/details"
PID = "2024/000003"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SEARCH_SAMPLE = CORPUS / "eci" / "eci-search-all-2025-09-17-babayagan.json"
needs_corpus = pytest.mark.skipif(
    not (CORPUS / "MANIFEST.tsv").is_file(), reason="../shared/corpus not available"
)


def details(**overrides):
    """A small details answer for ECI(2024)000003; keyword arguments replace or add fields."""
    data = {
        "id": 8800,
        "comRegNum": "ECI(2024)000003",
        "status": "ONGOING",
        "latestUpdateDate": "14/07/2025 10:32",
        "lastCall": False,
        "registrationDate": "05/03/2024",
        "deadline": "01/06/2025",
        "startCollectionDate": "01/06/2024",
        "earlyClosureDate": "",
        "partiallyRegistered": False,
        "linguisticVersions": [
            {"original": True, "languageCode": "IT", "title": "Biblioteche aperte la domenica"},
            {"original": False, "languageCode": "EN", "title": "Libraries Open on Sundays"},
        ],
        "members": [],
        "progress": [
            {"name": "REGISTERED", "active": False, "date": "05/03/2024"},
            {"name": "COLLECTION_START_DATE", "active": False, "date": "01/06/2024"},
            {"name": "ONGOING", "active": True},
        ],
        "funding": {},
        "sosReport": {
            "totalSignatures": 50321,
            "updateDate": "13/07/2025",
            "entry": [{"countryCodeType": "IT", "total": 30001}, {"countryCodeType": "GR", "total": 9000}],
        },
    }
    data.update(overrides)
    return data


def search(*entries, records=None):
    return {
        "requests": 10,
        "registered": 9,
        "successful": 1,
        "ongoing": 2,
        "answered": 1,
        "all": 9,
        "recordsFound": len(entries) if records is None else records,
        "entries": list(entries),
    }


def entry(year="2024", number="000003", status="ONGOING", supporters=50321, **more):
    data = {
        "id": 8800,
        "pubRegNum": f"ECI({year}){number}",
        "year": year,
        "number": number,
        "status": status,
        "languageCode": "EN",
        "title": "Libraries Open on Sundays",
        "totalSupporters": supporters,
        "latestUpdateDate": "14/07/2025 10:32",
        "lastCall": False,
    }
    data.update(more)
    return data


def record(body, *, url=None, final_url=None, status=200, pid=PID, headers=None, purpose="details"):
    url = url or f"{API}/details/{pid}"
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return ResponseRecord(
        url=url,
        final_url=final_url or url,
        status=status,
        headers=headers or {"content-type": "application/json"},
        body=raw,
        external_id=pid,
        purpose=purpose,
    )


def parsed(body, **kwargs):
    return PLATFORM.parse(record(body, **kwargs))


def normalized(body, **kwargs):
    return replayed(PLATFORM, record(body, **kwargs))


# -- declaration and URLs ------------------------------------------------------------------------


def test_declares_the_platform():
    assert PLATFORM.name == "eci"
    assert PLATFORM.api_version == 1
    assert {"citizens-initiative.europa.eu", "register.eci.ec.europa.eu"} <= set(PLATFORM.hosts)
    assert PLATFORM.timezone == "Europe/Brussels"
    assert PLATFORM.thresholds == {OutcomeKind.THRESHOLD.value: 1_000_000}
    assert PLATFORM.min_interval >= timedelta(hours=1)
    assert PLATFORM.politeness.concurrency == 1
    assert PLATFORM.states_not_applicable == ("victory",)
    evidence = {s.name: s.evidence for s in PLATFORM.data_sources}
    assert evidence == {
        "register-search": "verified",
        "register-details": "documented",
        "http-status": "inferred",
    }


def test_registered_through_the_plugin_manager():
    registry = PlatformRegistry.from_plugins(make_plugin_manager())
    assert isinstance(registry.get("eci"), ECI)
    assert registry.for_url(f"{PAGE}/2019/000007_en").name == "eci"
    assert (
        registry.for_url("https://europa.eu/citizens-initiative/initiatives/details/2019/000007_en").name
        == "eci"
    )


@pytest.mark.parametrize(
    "url",
    [
        f"{PAGE}/2019/000007_en",
        f"{PAGE}/2019/000007_fr",
        f"{PAGE}/2019/000007_DE",
        f"{PAGE}/2019/000007",
        f"{PAGE}/2019/000007_en/",
        f"{PAGE}/2019/7_en",
        f"{PAGE}/2019/000007_en?utm_source=newsletter&utm_medium=email",
        f"{PAGE}/2019/000007_en#signatures",
        "http://citizens-initiative.europa.eu/initiatives/details/2019/000007_en",
        "https://www.citizens-initiative.europa.eu/initiatives/details/2019/000007_en",
        "citizens-initiative.europa.eu/initiatives/details/2019/000007_en",
        "https://citizens-initiative.europa.eu/#/initiatives/details/2019/000007_en",
        f"{API}/details/2019/000007",
        f"{API}/details/2019/000007/",
        "https://europa.eu/citizens-initiative/initiatives/details/2019/000007_en",
        "https://ec.europa.eu/citizens-initiative/public/initiatives/ongoing/details/2019/000007",
        "https://ec.europa.eu/citizens-initiative/public/initiatives/obsolete/details/2019/000007?lg=en",
    ],
)
def test_external_id_from_url_forms(url):
    assert PLATFORM.claims(url) or "://" not in url
    assert PLATFORM.external_id(url) == "2019/000007"


@pytest.mark.parametrize(
    "url",
    [
        "https://citizens-initiative.europa.eu/",
        "https://citizens-initiative.europa.eu/find-initiative_en",
        "https://citizens-initiative.europa.eu/initiatives/details/2011/000001_en",
        f"{PAGE}/2019/000000_en",
        f"{API}/search/ALL/EN/0/0",
        f"{API}/logo/51",
        f"{API}/document/1203",
        "https://eci.ec.europa.eu/044/public/?lg=en",
        "https://europa.eu/citizens-initiative/home_en",
        "https://europa.eu/european-union/index_en",
        "ftp://citizens-initiative.europa.eu/initiatives/details/2019/000007_en",
        "https://petition.parliament.uk/petitions/241584",
    ],
)
def test_non_initiative_urls_are_unsupported(url):
    with pytest.raises(UnsupportedURL):
        PLATFORM.external_id(url)


def test_collection_system_urls_say_why():
    with pytest.raises(UnsupportedURL, match="collection system"):
        PLATFORM.external_id("https://eci.ec.europa.eu/047/public/?lg=en")


def test_claims_only_the_initiative_sites():
    assert PLATFORM.claims("https://europa.eu/citizens-initiative/initiatives/details/2022/000002_en")
    assert not PLATFORM.claims("https://europa.eu/european-union/index_en")
    assert not PLATFORM.claims("https://example.org/europa.eu/citizens-initiative/")


def test_canonical_url_round_trips_and_plan_asks_the_register():
    assert PLATFORM.canonical_url("2019/000007") == f"{PAGE}/2019/000007_en"
    assert PLATFORM.external_id(PLATFORM.canonical_url("2024/000012")) == "2024/000012"
    step = PLATFORM.plan("2019/000007", {})
    assert step.url == f"{API}/details/2019/000007"
    assert step.headers["Accept"] == "application/json"


# -- details answers ------------------------------------------------------------------------------


def test_open_details_with_sos_report():
    result = parsed(details())
    assert result.supporters == 50321
    assert result.status is Status.OPEN and result.raw_status == "ONGOING"
    assert result.title == "Libraries Open on Sundays"
    assert result.method == "json-api"
    assert result.next_step is None
    assert result.breakdowns == (
        Breakdown("country", "IT", "Italy", 30001),
        Breakdown("country", "GR", "Greece", 9000),
    )


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("REGISTERED", Status.PENDING),
        ("ONGOING", Status.OPEN),
        ("CLOSED", Status.CLOSED),
        ("VERIFICATION", Status.CLOSED),
        ("SUBMITTED", Status.CLOSED),
        ("ANSWERED", Status.CLOSED),
        ("INSUFFICIENT_SUPPORT", Status.CLOSED),
        ("INSUFFICIENT_SUPPORT_AFTER_VERIFICATION", Status.CLOSED),
        ("WITHDRAWN", Status.CLOSED),
        ("REFUSED", Status.REJECTED),
        ("ongoing", Status.OPEN),
    ],
)
def test_status_words(raw, status):
    result = parsed(details(status=raw))
    assert result.status is status
    assert result.raw_status == raw.upper()
    assert "unknown_status" not in result.flags


def test_unknown_status_word_is_unknown_and_flagged():
    result = parsed(details(status="SUSPENDED"))
    assert result.status is Status.UNKNOWN
    assert result.raw_status == "SUSPENDED"
    assert "unknown_status" in result.flags
    assert result.supporters == 50321


def test_status_that_is_not_a_word_is_a_layout_change():
    with pytest.raises(LayoutChanged):
        parsed(details(status=3))


def test_verified_submission_wins_over_collected_sos_report():
    submission = {"totalSignatures": 1_050_000, "entry": [{"countryCodeType": "DE", "total": 400000}]}
    result = parsed(details(status="SUBMITTED", submission=submission))
    assert result.supporters == 1_050_000
    assert result.breakdowns == (Breakdown("country", "DE", "Germany", 400000),)


@pytest.mark.parametrize(
    ("total", "count"),
    [
        (50321, 50321),
        ("50321", 50321),
        ("1.204.988", 1204988),
        ("1 204 988", 1204988),
        ("1,204,988", 1204988),
    ],
)
def test_number_formats(total, count):
    body = details(sosReport={"totalSignatures": total, "entry": []})
    assert normalized(body)["supporters"] == count


@pytest.mark.parametrize("total", [True, -5, {"value": 3}])
def test_unreadable_totals_are_refused(total):
    with pytest.raises(LayoutChanged):
        parsed(details(sosReport={"totalSignatures": total, "entry": []}))


def test_text_without_a_number_is_refused_not_zero():
    got = normalized(details(sosReport={"totalSignatures": "n/a", "entry": []}))
    assert got["error"] == "LayoutChanged"


@pytest.mark.parametrize("zero", [0, "0"])
def test_zero_is_no_figures_published_never_a_count(zero):
    result = parsed(details(status="INSUFFICIENT_SUPPORT", sosReport={"totalSignatures": zero, "entry": []}))
    assert result.supporters is None
    assert "no_count_published" in result.flags
    assert normalized(details(status="WITHDRAWN", sosReport={"totalSignatures": zero}))["supporters"] is None


def test_breakdowns_skip_bad_rows_and_are_never_summed():
    rows = [
        {"countryCodeType": "fr", "total": "120"},
        {"countryCodeType": "", "total": 5},
        {"countryCodeType": "DE", "total": None},
        {"countryCodeType": "AT", "total": True},
        "junk",
        {"countryCodeType": "XX", "total": 7},
    ]
    result = parsed(details(sosReport={"totalSignatures": 9999, "entry": rows}))
    assert result.supporters == 9999
    assert result.breakdowns == (
        Breakdown("country", "FR", "France", 120),
        Breakdown("country", "XX", "XX", 7),
    )


def test_title_prefers_english_then_the_original():
    versions = [
        {"original": False, "languageCode": "DE", "title": "Deutsch"},
        {"original": True, "languageCode": "PL", "title": "  Polski \r\n"},
    ]
    assert parsed(details(linguisticVersions=versions)).title == "  Polski \r\n"
    assert normalized(details(linguisticVersions=versions))["title"] == "Polski"
    assert parsed(details(linguisticVersions=[])).title is None


def test_register_update_time_is_brussels_time_kept_in_state():
    summer = parsed(details(latestUpdateDate="14/07/2025 10:32")).state
    winter = parsed(details(latestUpdateDate="14/01/2025 10:32")).state
    assert summer == {"register_updated_at": "2025-07-14T08:32:00Z"}
    assert winter == {"register_updated_at": "2025-01-14T09:32:00Z"}
    assert parsed(details(latestUpdateDate="yesterday")).state is None


def test_closes_at_is_the_end_of_the_deadline_day_in_brussels():
    assert normalized(details())["closes_at"] == "2025-06-01T21:59:59Z"
    early = normalized(details(earlyClosureDate="15/02/2025"))
    assert early["closes_at"] == "2025-02-15T22:59:59Z"
    assert normalized(details(status="REGISTERED", deadline=""))["closes_at"] is None


def _kinds(result):
    return {o.kind: o for o in result.outcomes}


def test_outcomes_of_an_answered_initiative():
    body = details(
        status="ANSWERED",
        submission={"totalSignatures": 1_100_000, "entry": []},
        progress=[
            {"name": "COLLECTION_START_DATE", "active": False, "date": "01/06/2024"},
            {"name": "CLOSED", "active": False, "date": "01/06/2025"},
            {"name": "SUBMITTED", "active": False, "date": "02/10/2025"},
            {"name": "ANSWERED", "active": True, "date": "01/03/2026"},
        ],
        answer={
            "id": 9,
            "decisionDate": "27/02/2026",
            "links": [{"defaultName": "COMMUNICATION", "defaultLink": "https://ec.europa.eu/x"}],
        },
    )
    got = _kinds(parsed(body))
    assert got[OutcomeKind.OPENED.value].occurred_at == datetime(2024, 5, 31, 22, 0, tzinfo=UTC)
    assert got[OutcomeKind.CLOSED.value].occurred_at == datetime(2025, 5, 31, 22, 0, tzinfo=UTC)
    assert got[OutcomeKind.REFERRED.value].details["verified_signatures"] == 1_100_000
    response = got[OutcomeKind.GOVERNMENT_RESPONSE.value]
    assert response.occurred_at == datetime(2026, 2, 26, 23, 0, tzinfo=UTC)  # decisionDate wins
    assert response.details["links"] == {"COMMUNICATION": "https://ec.europa.eu/x"}
    assert OutcomeKind.THRESHOLD.value not in got  # the 1,000,000 rule is a platform threshold


def test_answer_date_from_progress_when_the_answer_has_none():
    body = details(status="ANSWERED", progress=[{"name": "ANSWERED", "active": True, "date": "01/03/2026"}])
    got = _kinds(parsed(body))
    assert got[OutcomeKind.GOVERNMENT_RESPONSE.value].occurred_at == datetime(2026, 2, 28, 23, 0, tzinfo=UTC)


def test_early_closure_and_withdrawal():
    got = _kinds(parsed(details(status="WITHDRAWN", earlyClosureDate="10/01/2025")))
    assert got[OutcomeKind.CLOSED.value].details == {"early_closure": True}
    withdrawn = [{"name": "WITHDRAWN", "active": True, "date": "11/01/2025"}]
    got = _kinds(parsed(details(status="WITHDRAWN", progress=withdrawn)))
    assert got[OutcomeKind.CLOSED.value].details == {"reason": "withdrawn"}


def test_open_initiative_has_no_closed_outcome_and_bad_dates_are_dropped():
    progress = [{"name": "CLOSED", "active": False, "date": "31/02/2025"}]
    result = parsed(details(startCollectionDate="not a date", progress=progress))
    assert OutcomeKind.CLOSED.value not in _kinds(result)
    assert OutcomeKind.OPENED.value not in _kinds(result)
    assert result.supporters == 50321


def test_details_of_another_initiative_are_not_this_one():
    with pytest.raises(NotThisPlatform, match="2024/000004"):
        parsed(details(comRegNum="ECI(2024)000004"))


@pytest.mark.parametrize(
    ("raw", "category"),
    [("ONGOING", "ONGOING"), ("ANSWERED", "ANSWERED"), ("VERIFICATION", "ALL"), ("SUBMITTED", "ALL")],
)
def test_details_without_figures_ask_the_search(raw, category):
    body = details(status=raw)
    del body["sosReport"]
    result = parsed(body)
    assert result.supporters is None
    assert result.next_step.url == f"{API}/search/{category}/EN/0/0"
    assert "no_count_published" not in result.flags


def test_details_without_figures_of_a_failed_initiative_have_no_count():
    body = details(status="INSUFFICIENT_SUPPORT")
    del body["sosReport"]
    result = parsed(body)
    assert result.next_step is None
    assert result.supporters is None and "no_count_published" in result.flags


# -- search answers -------------------------------------------------------------------------------


def test_search_answer_picks_the_initiative_by_year_and_number():
    body = search(entry("2024", "000002", supporters=7), entry(supporters=61000), entry("2023", "000003"))
    result = parsed(body, url=f"{API}/search/ONGOING/EN/0/0", purpose="search")
    assert result.supporters == 61000
    assert result.status is Status.OPEN
    assert result.method == "search-json"
    assert result.title == "Libraries Open on Sundays"


def test_search_answer_without_the_initiative_is_not_this_one():
    with pytest.raises(NotThisPlatform, match=PID):
        parsed(search(entry("2024", "000002")), url=f"{API}/search/ALL/EN/0/0")


@pytest.mark.parametrize("status", ["INSUFFICIENT_SUPPORT", "REGISTERED", "ONGOING"])
def test_search_zero_is_never_a_count(status):
    result = parsed(search(entry(status=status, supporters=0)), url=f"{API}/search/ALL/EN/0/0")
    assert result.supporters is None
    assert "no_count_published" in result.flags


def test_search_then_details_merge_in_a_poll():
    first = details()
    del first["sosReport"]
    steps = [
        record(first),
        record(search(entry(supporters=777)), url=f"{API}/search/ONGOING/EN/0/0", purpose="search"),
    ]
    got = replay(PLATFORM, steps, PID).as_json()
    assert got["supporters"] == 777
    assert got["status"] == "open"
    assert [o["kind"] for o in got["outcomes"]] == ["opened"]
    assert got["closes_at"] == "2025-06-01T21:59:59Z"


@needs_corpus
def test_real_search_answer_gives_the_initiative():
    url = f"{PAGE}/2019/000007_en"
    body = SEARCH_SAMPLE.read_bytes()
    got = replay(PLATFORM, [record(body, url=url, pid="2019/000007")], "2019/000007").as_json()
    assert (got["supporters"], got["status"], got["raw_status"]) == (1269351, "closed", "ANSWERED")
    assert (
        got["title"]
        == "Cohesion policy for the equality of the regions and sustainability of the regional cultures"
    )


@needs_corpus
def test_petitions_parse_reads_the_real_search_answer():
    args = ["parse", str(SEARCH_SAMPLE), "--url", f"{PAGE}/2019/000007_en"]
    result = CliRunner().invoke(cli, args, obj={}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    got = json.loads(result.output)
    assert (got["supporters"], got["status"], got["raw_status"]) == (1269351, "closed", "ANSWERED")


@needs_corpus
def test_real_search_answer_every_status_word_is_known():
    entries = json.loads(SEARCH_SAMPLE.read_bytes())["entries"]
    for item in entries:
        pid = f"{item['year']}/{item['number']}"
        result = PLATFORM.parse(
            record(SEARCH_SAMPLE.read_bytes(), url=f"{API}/search/ALL/EN/0/1000", pid=pid)
        )
        assert result.status is not Status.UNKNOWN, item["status"]
        assert result.supporters is None or result.supporters > 0


# -- HTTP and odd bodies -----------------------------------------------------------------------


@pytest.mark.parametrize("code", [404, 410])
def test_gone(code):
    result = parsed(b'{"status": 404, "error": "Not Found"}', status=code)
    assert result.status is Status.REMOVED and result.gone
    assert result.raw_status == str(code)
    assert result.supporters is None


@pytest.mark.parametrize("body", [b"", b"null", b"  \n"])
def test_empty_answer_is_gone(body):
    result = parsed(body)
    assert result.status is Status.REMOVED and result.gone and result.raw_status == "empty"


def test_redirect_to_the_home_page_is_gone():
    result = parsed(b"<html><app-root></app-root></html>", final_url="https://register.eci.ec.europa.eu/")
    assert result.status is Status.REMOVED and result.gone and result.raw_status == "redirected"


def test_unfollowed_redirect_inside_the_api_is_followed():
    target = f"{API}/details/2024/000003?lang=en"
    result = parsed(b"", status=302, headers={"location": target})
    assert result.next_step.url == target
    assert result.supporters is None


def test_public_page_body_is_not_the_register():
    page = b"<!DOCTYPE html><html><body><app-root></app-root></body></html>"
    with pytest.raises(NotThisPlatform, match="app shell"):
        parsed(page, url=f"{PAGE}/2024/000003_en", headers={"content-type": "text/html"})


def test_other_hosts_and_shapes_are_not_this_platform():
    with pytest.raises(NotThisPlatform):
        parsed(details(), url="https://example.org/core/api/register/details/2024/000003")
    with pytest.raises(NotThisPlatform):
        parsed([1, 2, 3])
    with pytest.raises(NotThisPlatform):
        parsed({"data": {"attributes": {}}})


def test_server_error_reaching_the_parser_is_a_layout_change():
    with pytest.raises(LayoutChanged):
        parsed(b"oops", status=500)


def test_results_pickle():
    result = parsed(details(status="ANSWERED", answer={"decisionDate": "01/02/2026", "links": []}))
    assert pickle.loads(pickle.dumps(result)) == result


# -- discovery ------------------------------------------------------------------------------------


def test_discovery_step_defaults_to_ongoing_from_offset_zero():
    step = discovery_step({"state": "open"})
    assert step.url == f"{API}/search/ONGOING/EN/0/100"
    assert discovery_step({}).url == step.url
    assert discovery_step({"state": "all", "size": "50"}).url == f"{API}/search/ALL/EN/0/50"
    assert discovery_step({"state": "Answered"}).url == f"{API}/search/ANSWERED/EN/0/100"


@pytest.mark.parametrize(
    "query", [{"state": "verification"}, {"state": "rejected"}, {"size": "0"}, {"size": "x"}]
)
def test_discovery_step_refuses_what_the_register_cannot_list(query):
    with pytest.raises(AggregatorError):
        discovery_step(query)


def _listing_record(body, url):
    return ResponseRecord(url, url, 200, {}, json.dumps(body).encode(), "", purpose="listing")


def test_listing_pages_by_offset_until_records_found():
    entries = [entry("2024", f"{n:06d}", supporters=n * 10) for n in range(1, 4)]
    items, following = parse_listing(_listing_record(search(*entries, records=7), f"{API}/search/ALL/EN/0/3"))
    assert items[0] == (f"{PAGE}/2024/000001_en", 10, "open")
    assert following.url == f"{API}/search/ALL/EN/3/3"
    last = [entry("2024", f"{n:06d}") for n in (7,)]
    items, following = parse_listing(_listing_record(search(*last, records=7), f"{API}/search/ALL/EN/6/3"))
    assert len(items) == 1 and following is None


def test_listing_stops_on_a_full_page_that_reaches_records_found():
    entries = [entry("2024", f"{n:06d}") for n in range(1, 4)]
    _, following = parse_listing(_listing_record(search(*entries, records=6), f"{API}/search/ALL/EN/3/3"))
    assert following is None
    _, following = parse_listing(_listing_record(search(*entries), f"{API}/search/ALL/EN/0/0"))
    assert following is None


def test_listing_entries_statuses_and_placeholder_zero():
    body = search(
        entry("2019", "000007", "ANSWERED", 1269000),
        entry("2025", "000002", "REGISTERED", 0),
        entry("2024", "000009", "MYSTERY", "12345"),
        {"id": 5, "title": "a refused request without a number", "status": "REFUSED"},
    )
    items, _ = parse_listing(_listing_record(body, f"{API}/search/ALL/EN/0/0"))
    assert items == [
        (f"{PAGE}/2019/000007_en", 1269000, "closed"),
        (f"{PAGE}/2025/000002_en", None, "pending"),
        (f"{PAGE}/2024/000009_en", 12345, "unknown"),
    ]


def test_listing_refuses_other_urls_and_bodies():
    with pytest.raises(NotThisPlatform):
        parse_listing(_listing_record(search(), f"{API}/details/2024/000003"))
    with pytest.raises(LayoutChanged):
        parse_listing(_listing_record({"entries": None}, f"{API}/search/ALL/EN/0/0"))


@needs_corpus
def test_listing_reads_the_real_search_answer():
    url = f"{API}/search/ALL/EN/0/1000"
    record_ = ResponseRecord(url, url, 200, {}, SEARCH_SAMPLE.read_bytes(), "", purpose="listing")
    items, following = parse_listing(record_)
    assert len(items) == 121 and following is None
    assert (f"{PAGE}/2019/000007_en", 1269351, "closed") in items
    assert sum(1 for _, _, status in items if status == "open") == 7
    assert all(PLATFORM.external_id(url) for url, _, _ in items)
