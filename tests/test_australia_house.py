"""The australia-house platform: EN numbers, page state, rendered markup, lifecycle text and refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from aggregator_plugins.australia_house import AustraliaHouse
from aggregator_plugins.australia_house.page import deadline, lifecycle
from platform_helpers import HTML_HEADERS, assert_cases_pickle, html_record

from aggregator.cases import load_cases
from aggregator.errors import LayoutChanged, NotThisPlatform, UnsupportedURL
from aggregator.plugins import PlatformRegistry, make_plugin_manager
from aggregator.vocabulary import Status

AU = AustraliaHouse()
URL = "https://www.aph.gov.au/e-petitions/petition/EN1287"


def shell(state=None, main="", escaped=False):
    script = ""
    if state is not None:
        text = json.dumps(state)
        if escaped:
            text = text.replace('"', "&q;")
        script = f'<script id="serverApp-state" type="application/json">{text}</script>'
    return f"""<!DOCTYPE html><html lang="en"><head><title>e-Petitions</title></head><body>
<nav><a href="/e-petitions">Open petitions</a></nav><app-root>{main}</app-root>{script}
<script src="/e-petitions/main.js"></script></body></html>"""


def petition(**overrides):
    data = {
        "PetitionNumber": "EN1287",
        "PetitionTitle": "Fund seatbelts on school buses",
        "SignatureCount": 3519,
        "SignDeadline": "2026-07-08T23:59:00",
        "Status": "Open for signatures",
    }
    data.update(overrides)
    return data


def record(body, *, url=URL, external_id="EN1287", **kwargs):
    return html_record(body, url=url, pid=external_id, headers=HTML_HEADERS, **kwargs)


# -- declaration and URLs ------------------------------------------------------------------------


def test_declares_the_platform_with_inferred_sources_only():
    assert AU.name == "australia-house"
    assert AU.api_version == 1
    assert AU.timezone == "Australia/Sydney"
    assert AU.hosts == ()
    assert {s.evidence for s in AU.data_sources} == {"inferred"}
    assert AU.thresholds == {}


def test_registered_and_claims_only_petition_pages():
    registry = PlatformRegistry.from_plugins(make_plugin_manager())
    assert isinstance(registry.get("australia-house"), AustraliaHouse)
    assert registry.for_url(URL).name == "australia-house"
    assert not AU.claims("https://www.aph.gov.au/Senators_and_Members")


@pytest.mark.parametrize(
    "url",
    [
        URL,
        f"{URL}/",
        "https://www.aph.gov.au/e-petitions/petition/en1287",
        "https://aph.gov.au/e-petitions/petition/EN01287?utm_source=newsletter#sign",
        "https://www.aph.gov.au/petition_list?id=EN1287",
        "https://www.aph.gov.au/petition_list?ID=en1287&tab=1",
        "www.aph.gov.au/e-petitions/petition/EN1287",
    ],
)
def test_external_id_from_url_forms(url):
    assert AU.external_id(url) == "EN1287"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.aph.gov.au/e-petitions",
        "https://www.aph.gov.au/e-petitions/petition/1287",
        "https://www.aph.gov.au/petition_list",
        "https://www.aph.gov.au/Parliamentary_Business/Petitions",
        "https://www.parliament.nz/e-petitions/petition/EN1287",
    ],
)
def test_other_urls_are_refused(url):
    with pytest.raises(UnsupportedURL, match="australia-house"):
        AU.external_id(url)


def test_canonical_url_and_plan():
    assert AU.canonical_url("EN1287") == URL
    assert AU.external_id(AU.canonical_url("EN1287")) == "EN1287"
    assert AU.plan("EN1287", {}).url == URL


# -- lifecycle and deadline ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Open for signatures", Status.OPEN),
        ("Closed – awaiting presentation", Status.CLOSED),
        ("Presented – awaiting ministerial response", Status.CLOSED),
        ("Ministerial response presented", Status.CLOSED),
        ("Closed", Status.CLOSED),
    ],
)
def test_lifecycle(text, status):
    assert lifecycle(text)[0] is status


@pytest.mark.parametrize(
    ("value", "moment"),
    [
        ("2026-07-08T23:59:00", datetime(2026, 7, 8, 13, 59, tzinfo=UTC)),
        ("21 June 2026 (11.59pm AEST)", datetime(2026, 6, 21, 13, 59, tzinfo=UTC)),
        ("12 March 2026 (11.59pm AEDT)", datetime(2026, 3, 12, 12, 59, tzinfo=UTC)),
        ("12 March 2026", datetime(2026, 3, 12, 12, 59, tzinfo=UTC)),
        ("", None),
        (None, None),
    ],
)
def test_deadline(value, moment):
    assert deadline(value) == moment


# -- the page ------------------------------------------------------------------------------------


def test_page_state():
    result = AU.parse(record(shell({"petition-EN1287": petition()})))
    assert (result.supporters, result.method) == (3519, "embedded-state")
    assert (result.status, result.raw_status) == (Status.OPEN, "Open for signatures")
    assert result.title == "Fund seatbelts on school buses"
    assert result.closes_at == datetime(2026, 7, 8, 13, 59, tzinfo=UTC)


def test_older_escaped_state_string_count_and_other_petitions_skipped():
    state = {"list": [petition(PetitionNumber="EN1200", SignatureCount=5), petition(SignatureCount="48211")]}
    result = AU.parse(record(shell(state, escaped=True)))
    assert result.supporters == "48211"


def test_state_without_a_count_is_refused():
    with pytest.raises(LayoutChanged, match="SignatureCount"):
        AU.parse(record(shell({"p": petition(SignatureCount=None)})))


def test_state_without_a_status_is_unknown():
    result = AU.parse(record(shell({"p": petition(Status=None)})))
    assert result.status is Status.UNKNOWN
    odd = AU.parse(record(shell({"p": petition(Status="Under review by the committee")})))
    assert (odd.status, odd.raw_status) == (Status.UNKNOWN, "Under review by the committee")


def test_rendered_markup():
    main = """<main><h1>Restore Saturday post</h1>
    <p class="petition-status">Closed – awaiting presentation</p>
    <dl><dt>Sign deadline</dt><dd>12 March 2026 (11.59pm AEDT)</dd>
    <dt>Signatures</dt><dd>10,582</dd></dl></main>"""
    result = AU.parse(record(shell(main=main)))
    assert (result.supporters, result.method, result.status) == (10582, "css", Status.CLOSED)
    assert result.title == "Restore Saturday post"
    assert result.closes_at == datetime(2026, 3, 12, 12, 59, tzinfo=UTC)


def test_rendered_text_skips_the_rules():
    main = "<main><p>No number of signatures is required. This petition has 2,417 signatures.</p></main>"
    assert AU.parse(record(shell(main=main))).supporters == 2417
    rule = "<main><h1>T</h1><p>A debate would need 10,000 signatures.</p></main>"
    with pytest.raises(LayoutChanged):
        AU.parse(record(shell(main=rule)))


def test_unrendered_bindings_are_refused_never_read():
    main = (
        "<main><h1>{{petition.PetitionTitle}}</h1>"
        "<dl><dt>Signatures</dt><dd>{{petition.SignatureCount}}</dd></dl></main>"
    )
    with pytest.raises(LayoutChanged, match="unrendered"):
        AU.parse(record(shell(main=main)))
    with pytest.raises(LayoutChanged, match="API not seen"):
        AU.parse(record(shell()))


def test_gone_and_redirects():
    for status in (404, 410):
        result = AU.parse(record("<html></html>", status=status))
        assert (result.status, result.gone) == (Status.REMOVED, True)
    listed = AU.parse(record(shell(), final_url="https://www.aph.gov.au/e-petitions"))
    assert (listed.status, listed.gone) == (Status.REMOVED, True)
    older = AU.parse(
        record(shell({"p": petition()}), final_url="https://www.aph.gov.au/petition_list?id=EN1287")
    )
    assert older.supporters == 3519
    with pytest.raises(NotThisPlatform):
        AU.parse(record("<html></html>", final_url="https://example.org/"))


def test_recorded_cases_replay_and_pickle():
    cases = load_cases(AU)
    assert {c.expected.get("status") for c in cases} >= {"open", "closed", "removed"}
    assert_cases_pickle(AU, cases)
