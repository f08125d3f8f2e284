"""Unit tests of the bundled Care2 / ThePetitionSite platform: ids, the count endpoint, the page, zeros."""

from __future__ import annotations

import json

import pytest
from aggregator_plugins.care2 import Care2
from aggregator_plugins.care2.platform import COUNT, COUNT_ONLY, PAGE

from aggregator import LayoutChanged, NotThisPlatform, ResponseRecord, Status, UnsupportedURL
from aggregator.cases import replay

PLATFORM = Care2()
PID = "342050428"
PAGE_URL = "https://www.thepetitionsite.com/takeaction/342/050/428/"
COUNT_URL = f"https://www.thepetitionsite.com/servlets/petitions/signatures.php?petitionID={PID}"


def page(inside: str = "", goal: str = "50000") -> str:
    return (
        '<!DOCTYPE html><html><head><meta property="og:site_name" content="Care2 Petitions">'
        "<title>Protect the herons | Care2 Petitions</title>"
        f'<script>C2.petition = {{"goal":"{goal}"}};</script>'
        f'</head><body><div id="petition-col"><h1>Protect the herons</h1></div>{inside}'
        '<div class="related"><div class="petition"><span>210,448 signatures</span></div></div></body></html>'
    )


def record(body: str | bytes, *, url: str = PAGE_URL, status: int = 200, purpose: str = PAGE, **kwargs):
    return ResponseRecord(
        url=url,
        final_url=kwargs.get("final_url") or url,
        status=status,
        headers={},
        body=body.encode("utf-8") if isinstance(body, str) else body,
        external_id=PID,
        purpose=purpose,
    )


def count_record(payload: object, *, purpose: str = COUNT_ONLY, status: int = 200) -> ResponseRecord:
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return record(body, url=COUNT_URL, status=status, purpose=purpose)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.thepetitionsite.com/342/050/428/protect-heron-nesting-sites/",
        "http://thepetitionsite.com/342/050/428/protect-heron-nesting-sites",
        "www.thepetitionsite.com/342/050/428/protect-heron-nesting-sites/?src=share&utm_source=fb#sign",
        PAGE_URL,
        "https://www.thepetitionsite.com/takeaction/342/050/428",
        "https://www.thepetitionsite.com/de-de/takeaction/342/050/428/",
        "https://www.thepetitionsite.com/fr-fr/342/050/428/protegeons-les-herons/",
        COUNT_URL,
        COUNT_URL + "&type=all",
    ],
)
def test_care2_external_id_is_the_three_groups(url):
    assert PLATFORM.external_id(url) == PID
    assert PLATFORM.canonical_url(PID) == PAGE_URL


@pytest.mark.parametrize(
    "url",
    [
        "https://www.thepetitionsite.com/",
        "https://www.thepetitionsite.com/browse-petitions/",
        "https://www.thepetitionsite.com/animal-welfare/pets/2/",
        "https://www.thepetitionsite.com/34/050/428/short-groups/",
        "https://www.thepetitionsite.com/servlets/petitions/signatures.php?petitionID=12",
        "https://www.care2.com/news/member/342050428",
    ],
)
def test_care2_refuses_other_pages(url):
    with pytest.raises(UnsupportedURL):
        PLATFORM.external_id(url)


def test_care2_plans_the_page_then_asks_the_count_endpoint():
    assert PLATFORM.plan(PID, {}).url == PAGE_URL
    result = PLATFORM.parse(record(page('<form id="sign-form"></form>')))
    assert result.next_step is not None
    assert result.next_step.url == COUNT_URL
    assert result.next_step.purpose == COUNT_ONLY  # the page shows no count of its own
    assert (result.title, result.goal, result.goal_computed) == ("Protect the herons", 50000, True)
    assert (result.status, result.raw_status) == (Status.OPEN, "signable")
    assert result.supporters is None  # the related petition's 210,448 is never read


@pytest.mark.parametrize(("value", "count"), [("48213", 48213), (48213, 48213), (" 7 ", 7)])
def test_care2_endpoint_count_as_string_or_number(value, count):
    result = PLATFORM.parse(count_record({"signature_count": value, "signatures": []}))
    assert (result.supporters, result.method) == (count, "json-api")


def test_care2_a_zero_or_empty_endpoint_is_never_recorded():
    for payload in ({"signature_count": "0", "signatures": []}, {"signature_count": 0}, ""):
        with pytest.raises(LayoutChanged, match="never recorded"):
            PLATFORM.parse(count_record(payload))
    kept = PLATFORM.parse(count_record({"signature_count": "0"}, purpose=COUNT))
    assert kept.supporters is None and kept.flags == {"placeholder_ignored"}
    missing = PLATFORM.parse(count_record("", purpose=COUNT, status=404))
    assert missing.supporters is None and "endpoint_empty" in missing.flags


@pytest.mark.parametrize(
    "payload", ['{"error": "no such petition"}', "<html>busy</html>", '{"signature_count": "n/a"}']
)
def test_care2_unreadable_endpoint_is_a_changed_layout(payload):
    with pytest.raises(LayoutChanged):
        PLATFORM.parse(count_record(payload, purpose=COUNT))


def test_care2_page_count_stands_when_the_endpoint_answers_zero():
    steps = [
        record(page('<div class="signature-count"><strong>3,118</strong> signatures of 5,000 goal</div>')),
        count_record({"signature_count": "0", "signatures": []}, purpose=COUNT),
    ]
    got = replay(PLATFORM, steps, PID).as_json()
    assert got["supporters"] == 3118
    assert got["method"] == "visible-text"
    assert "placeholder_ignored" in got["flags"]


def test_care2_endpoint_count_wins_over_the_page_text():
    steps = [
        record(page('<div class="signature-count">48,100 signatures</div>')),
        count_record({"signature_count": "48213"}, purpose=COUNT),
    ]
    got = replay(PLATFORM, steps, PID).as_json()
    assert (got["supporters"], got["method"]) == (48213, "json-api")


@pytest.mark.parametrize(
    ("inside", "status", "raw"),
    [
        ('<div class="victory-banner"><strong>Victory!</strong></div>', Status.VICTORY, "victory"),
        ("<p>This petition is closed.</p>", Status.CLOSED, "This petition is closed"),
        (
            "<p>Sorry, this petition is no longer accepting signatures.</p>",
            Status.CLOSED,
            "no longer accepting signatures",
        ),
        ('<form action="/takeaction/342/050/428/sign"></form>', Status.OPEN, "signable"),
        ("<p>Nothing to see.</p>", Status.UNKNOWN, None),
    ],
)
def test_care2_page_status(inside, status, raw):
    result = PLATFORM.parse(record(page(inside)))
    assert (result.status, result.raw_status) == (status, raw)


def test_care2_page_without_goal_has_none():
    result = PLATFORM.parse(record(page(goal="0")))
    assert result.goal is None and not result.goal_computed


def test_care2_gone_and_home_redirect_end_the_poll():
    for status in (404, 410):
        result = PLATFORM.parse(record("<html></html>", status=status))
        assert (result.status, result.gone, result.next_step) == (Status.REMOVED, True, None)
    moved = PLATFORM.parse(record(page(), final_url="https://www.thepetitionsite.com/browse-petitions/"))
    assert (moved.status, moved.gone, moved.next_step) == (Status.REMOVED, True, None)


def test_care2_refuses_other_sites_pages():
    with pytest.raises(NotThisPlatform):
        PLATFORM.parse(record("<html><body><h1>Elsewhere</h1>12 signatures</body></html>"))
