"""The controlshift platform: host-qualified ids, the JSON, status from the whole record, page fallback."""

from __future__ import annotations

import json

import pytest
from aggregator_plugins.controlshift import ControlShift
from aggregator_plugins.controlshift.platform import status_of

from aggregator import LayoutChanged, NotThisPlatform, ResponseRecord, Status, UnsupportedURL
from aggregator.cases import replay
from aggregator.plugins import PlatformRegistry, make_plugin_manager

CS = ControlShift()
HOST = "you.38degrees.org.uk"
SLUG = "save-the-riverside-allotments"
ID = f"{HOST}/{SLUG}"
PAGE = f"https://{HOST}/petitions/{SLUG}"
JSON_URL = PAGE + ".json"


def petition(**fields) -> dict:
    data = {
        "id": 41880,
        "title": "Save the Riverside allotments",
        "slug": SLUG,
        "ended": False,
        "successful": False,
        "goal": 5000,
        "signature_count": 3118,
    }
    data.update(fields)
    return data


def record(body, *, url=JSON_URL, status=200, final_url=None, purpose="petition-json", state=None):
    raw = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
    return ResponseRecord(url, final_url or url, status, {}, raw, CS.external_id(url), state or {}, purpose)


def html(body: str) -> str:
    head = '<meta property="og:title" content="Save the Riverside allotments">'
    return f"<html><head>{head}</head><body>{body}</body></html>"


FORM = f'<form id="new_signature" action="/petitions/{SLUG}/signatures" method="post"></form>'


# -- URL forms ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (PAGE, ID),
        (JSON_URL, ID),
        (f"{PAGE}/share?utm_source=facebook&utm_medium=social", ID),
        (f"{PAGE}/thanks#top", ID),
        (f"http://{HOST.upper()}/petitions/{SLUG}/", ID),
        (f"{HOST}/petitions/{SLUG}", ID),
        (
            "https://petitions.example.org/fr/petitions/sauvez-les-jardins",
            "petitions.example.org/sauvez-les-jardins",
        ),
        (
            "https://demo.controlshiftlabs.com/petitions/repair-the-road-1.json",
            "demo.controlshiftlabs.com/repair-the-road-1",
        ),
    ],
)
def test_controlshift_external_id_forms(url, expected):
    assert CS.external_id(url) == expected


@pytest.mark.parametrize(
    ("url", "words"),
    [
        (f"https://{HOST}/efforts/drivers-licenses-for-all", "adds up many petitions"),
        (f"https://{HOST}/categories/transport", "lists many petitions"),
        (f"https://{HOST}/petitions/new", "single petition"),
        (f"https://{HOST}/petitions", "petition page"),
        (f"https://{HOST}/", "petition page"),
        ("ftp:///petitions/x", "address"),
    ],
)
def test_controlshift_refuses_other_pages(url, words):
    with pytest.raises(UnsupportedURL, match="controlshift") as caught:
        CS.external_id(url)
    assert words in str(caught.value)


def test_controlshift_canonical_url_on_the_petitions_host():
    assert (
        CS.canonical_url("petitions.example.org/sauvez") == "https://petitions.example.org/petitions/sauvez"
    )
    assert CS.external_id(CS.canonical_url(ID)) == ID


def test_controlshift_plan_json_first_then_the_page_once_json_is_known_missing():
    step = CS.plan(ID, {})
    assert step.url == JSON_URL and step.purpose == "petition-json"
    assert CS.plan(ID, {"json_missing": True}).url == PAGE


def test_controlshift_mapped_hosts_go_through_the_registry():
    assert CS.claims(PAGE) and not CS.claims("https://petitions.example.org/petitions/x")
    mapped = PlatformRegistry.from_plugins(make_plugin_manager(), {"petitions.example.org": "controlshift"})
    assert mapped.for_url("https://petitions.example.org/petitions/x").name == "controlshift"


# -- the petition JSON --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "status", "raw"),
    [
        ({"ended": False, "successful": False}, Status.OPEN, "not ended"),
        ({"ended": True, "successful": True}, Status.VICTORY, "ended, successful"),
        ({"ended": True, "successful": True, "ended_type": "won"}, Status.VICTORY, "ended, successful (won)"),
        ({"ended": True, "successful": False}, Status.CLOSED, "ended"),
        ({"ended": True, "successful": False, "ended_type": "lost"}, Status.CLOSED, "ended (lost)"),
        ({"ended": False, "successful": True}, Status.VICTORY, "successful"),
        ({"launched": False, "ended": False}, Status.PENDING, "unlaunched"),
        ({}, Status.OPEN, "not ended"),
    ],
)
def test_controlshift_status_is_a_function_of_the_record(fields, status, raw):
    assert status_of(fields) == (status, raw)
    if fields:
        result = CS.parse(record(petition(**fields)))
        assert (result.status, result.raw_status) == (status, raw)


def test_controlshift_json_values():
    result = CS.parse(record(petition()))
    assert result.supporters == 3118 and result.title == "Save the Riverside allotments"
    assert result.goal == 5000 and result.goal_computed and result.method == "json-api"
    assert result.next_step is None


@pytest.mark.parametrize("count", ["3,118", "3.118", 3118.0, "3118"])
def test_controlshift_number_formats(count):
    assert CS.parse(record(petition(signature_count=count))).supporters == 3118


def test_controlshift_jsonp_and_wrapped_records():
    jsonp = "/**/callback(" + json.dumps(petition()) + ");"
    assert CS.parse(record(jsonp)).supporters == 3118
    wrapped = {
        "petition": {**petition(signature_count=None), "public_signature_count": 234, "launched": True}
    }
    assert CS.parse(record(wrapped)).supporters == 234


def test_controlshift_zero_count_from_json_is_real_and_goal_is_never_the_count():
    result = CS.parse(record(petition(signature_count=0, goal=100)))
    assert result.supporters == 0 and result.goal == 100
    with pytest.raises(LayoutChanged, match="signature_count"):
        CS.parse(record(petition(signature_count=None)))


def test_controlshift_no_goal():
    result = CS.parse(record(petition(goal=None)))
    assert result.goal is None and not result.goal_computed


def test_controlshift_json_that_is_not_a_petition():
    with pytest.raises(NotThisPlatform):
        CS.parse(record({"categories": []}))


@pytest.mark.parametrize(
    ("status", "body"), [(404, {"error": "Not Found"}), (200, "<html>page</html>"), (406, "")]
)
def test_controlshift_missing_json_falls_back_to_the_page(status, body):
    result = CS.parse(record(body, status=status))
    assert result.next_step is not None and result.next_step.url == PAGE
    assert result.next_step.purpose == "page-fallback" and result.flags == {"json_unavailable"}
    assert result.supporters is None and result.status is None


def test_controlshift_json_redirected_home_is_removed():
    result = CS.parse(record("<html>home</html>", final_url=f"https://{HOST}/"))
    assert result.status is Status.REMOVED and result.gone


def test_controlshift_json_redirected_to_the_page_reads_the_page():
    result = CS.parse(record(html(f'<span class="signature-count">812</span>{FORM}'), final_url=PAGE))
    assert (
        result.supporters == 812 and result.status is Status.OPEN and result.state == {"json_missing": True}
    )


# -- the page fallback --------------------------------------------------------------------------


def page(body: str, **kwargs):
    return CS.parse(record(html(body), url=PAGE, purpose=kwargs.pop("purpose", "page"), **kwargs))


def test_controlshift_page_count_element_and_goal_text():
    result = page(
        f'<p><span class="signature-count">2,174</span> people have signed. Help us get to 5,000.</p>{FORM}'
    )
    assert (result.supporters, result.goal, result.goal_computed) == (2174, 5000, True)
    assert result.method == "css" and result.status is Status.OPEN and result.raw_status == "sign form"
    assert result.title == "Save the Riverside allotments" and result.state is None


def test_controlshift_page_data_attribute():
    assert page('<div data-signature-count="4 402">4.4k</div>').supporters == 4402


@pytest.mark.parametrize(
    ("text", "count", "goal"),
    [
        ("1.204 of 2.000 signatures", 1204, 2000),
        ("3 118 people have signed", 3118, None),
        ("Signatures: 987 signatures so far", 987, None),
    ],
)
def test_controlshift_page_text_counts(text, count, goal):
    result = page(f"<p>{text}</p>")
    assert (result.supporters, result.goal, result.method) == (count, goal, "visible-text")


@pytest.mark.parametrize(
    "text", ["0 signatures", "1 signature", "0 of 100 signatures", "1 people have signed"]
)
def test_controlshift_page_text_placeholders_are_refused(text):
    with pytest.raises(LayoutChanged, match="placeholder"):
        page(f"<p>{text}</p>")


def test_controlshift_page_goal_is_never_the_count():
    with pytest.raises(LayoutChanged, match="no readable count"):
        page("<p>Our goal: 5,000</p>")


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("This petition was successful! The council agreed.", Status.VICTORY),
        ("This petition has ended.", Status.CLOSED),
        ("We are no longer accepting signatures.", Status.CLOSED),
        ("Thank you.", Status.UNKNOWN),
    ],
)
def test_controlshift_page_status_wording(text, status):
    assert page(f'<p>{text}</p><span class="signature-count">50</span>').status is status


def test_controlshift_page_fallback_remembers_json_is_missing():
    result = page('<span class="signature-count">50</span>', purpose="page-fallback")
    assert result.state == {"json_missing": True}


@pytest.mark.parametrize("status", [404, 410])
def test_controlshift_page_gone(status):
    result = CS.parse(record("", url=PAGE, status=status, purpose="page-fallback"))
    assert result.status is Status.REMOVED and result.gone


def test_controlshift_page_redirected_elsewhere():
    home = CS.parse(record(html(""), url=PAGE, final_url=f"https://{HOST}/", purpose="page"))
    assert home.status is Status.REMOVED
    with pytest.raises(NotThisPlatform):
        CS.parse(record(html(""), url=PAGE, final_url="https://elsewhere.example/blog/post", purpose="page"))


def test_controlshift_json_404_then_page_404_is_removed_in_one_poll():
    chain = [
        record({"error": "Not Found"}, status=404),
        record("", url=PAGE, status=404, purpose="page-fallback"),
    ]
    got = replay(CS, chain, ID).as_json()
    assert (got["status"], got["supporters"], got["flags"]) == ("removed", None, ["json_unavailable"])
