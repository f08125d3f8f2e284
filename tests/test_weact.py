"""Unit tests of the bundled WeAct platform: URL forms, the ControlShift JSON, the page, removal."""

from __future__ import annotations

import json

import pytest
from aggregator_plugins.weact import WeAct

from aggregator import LayoutChanged, NotThisPlatform, ResponseRecord, Status, UnsupportedURL
from aggregator.cases import replay
from aggregator.plugins import PlatformRegistry, make_plugin_manager

PLATFORM = WeAct()
SLUG = "tempo-30-vor-allen-grundschulen"
PAGE = f"https://weact.campact.de/petitions/{SLUG}"
JSON_URL = f"{PAGE}.json"


def record(
    body: str | dict,
    *,
    url: str = JSON_URL,
    status: int = 200,
    final_url: str | None = None,
    purpose: str = "json",
    state: dict | None = None,
) -> ResponseRecord:
    text = json.dumps(body) if isinstance(body, dict) else body
    return ResponseRecord(
        url=url,
        final_url=final_url or url,
        status=status,
        headers={},
        body=text.encode("utf-8"),
        external_id=SLUG,
        state=state or {},
        purpose=purpose,
    )


def page(counter: str, extra: str = "") -> str:
    return (
        '<html lang="de"><head><title>Tempo 30 - WeAct</title><meta property="og:title" content="Tempo 30">'
        f'</head><body><a href="https://weact.campact.de/">WeAct</a><h1>Tempo 30</h1>{counter}{extra}'
        "</body></html>"
    )


@pytest.mark.parametrize(
    "url",
    [
        PAGE,
        f"{PAGE}/",
        f"http://weact.campact.de/petitions/{SLUG}?utm_source=twitter&share=1#comments",
        f"weact.campact.de/petitions/{SLUG}",
        f"https://weact.campact.de/petitions/{SLUG.upper()}",
        JSON_URL,
        f"{PAGE}/signatures/new",
        f"https://aktion.campact.de/weact/{SLUG}/teilnehmen",
        f"https://aktion.campact.de/weact/{SLUG}/teilnehmen?utm_campaign=weact",
    ],
)
def test_weact_external_id_forms(url):
    assert PLATFORM.external_id(url) == SLUG
    assert PLATFORM.canonical_url(SLUG) == PAGE


@pytest.mark.parametrize(
    ("url", "word"),
    [
        ("https://weact.campact.de/", "petition page"),
        ("https://weact.campact.de/petitions/search", "single petition"),
        ("https://weact.campact.de/categories/klimaschutz?cpage=2", "category"),
        ("https://weact.campact.de/efforts/krankenhaeuser-retten", "effort"),
        ("https://weact.campact.de/s/3-gruende-fuer-online-petitionen-auf-weact", "information page"),
        ("https://aktion.campact.de/klima/appell/teilnehmen", "petition page"),
    ],
)
def test_weact_refuses_other_pages(url, word):
    with pytest.raises(UnsupportedURL, match=word):
        PLATFORM.external_id(url)


def test_weact_claims_its_host_and_only_the_weact_part_of_aktion():
    registry = PlatformRegistry.from_plugins(make_plugin_manager())
    assert registry.for_url(PAGE).name == "weact"
    assert registry.for_url(f"https://aktion.campact.de/weact/{SLUG}/teilnehmen").name == "weact"
    assert not PLATFORM.claims("https://aktion.campact.de/klima/appell/teilnehmen")


def test_weact_plan_json_first_page_once_json_is_known_missing():
    assert (PLATFORM.plan(SLUG, {}).url, PLATFORM.plan(SLUG, {}).purpose) == (JSON_URL, "json")
    assert PLATFORM.plan(SLUG, {"json": False}).url == PAGE


@pytest.mark.parametrize(
    ("ended", "successful", "status"),
    [(False, False, Status.OPEN), (True, False, Status.CLOSED), (True, True, Status.VICTORY)],
)
def test_weact_controlshift_status(ended, successful, status):
    body = {"title": "T", "signature_count": 10808, "goal": 15000, "ended": ended, "successful": successful}
    result = PLATFORM.parse(record(body))
    assert (result.status, result.supporters, result.goal, result.goal_computed) == (
        status,
        10808,
        15000,
        False,
    )
    assert result.raw_status == f"ended={str(ended).lower()}, successful={str(successful).lower()}"


@pytest.mark.parametrize(
    "body",
    [{"signature_count": 1377}, {"signatures_count": "1.377"}, {"petition": {"signature_count": "1377"}}],
)
def test_weact_json_count_spellings(body):
    assert PLATFORM.parse(record(body)).supporters == 1377


def test_weact_json_without_a_count_is_refused():
    with pytest.raises(LayoutChanged, match="signature_count"):
        PLATFORM.parse(record({"title": "T", "goal": 15000}))


@pytest.mark.parametrize(("status", "body"), [(404, '{"error":"Not Found"}'), (200, "<html>Campact</html>")])
def test_weact_missing_json_falls_back_to_the_page(status, body):
    result = PLATFORM.parse(record(body, status=status))
    assert result.supporters is None and result.next_step.url == PAGE
    assert result.next_step.purpose == "page-after-json"


def test_weact_page_counter_and_json_false_remembered():
    html = page('<div data-signatures="4817" data-goal="5000">4.817 von 5.000 Unterschriften</div>')
    result = PLATFORM.parse(record(html, url=PAGE, purpose="page-after-json"))
    assert (result.supporters, result.goal, result.method, result.state) == (
        4817,
        5000,
        "css",
        {"json": False},
    )
    again = PLATFORM.parse(record(html, url=PAGE, purpose="page"))
    assert again.state is None and again.status is Status.UNKNOWN


def test_weact_page_text_of_goal_never_read_as_the_count():
    html = page("<cmpr-card-footer data-signatures>10.808 von 15.000 Unterschriften</cmpr-card-footer>")
    assert PLATFORM.parse(record(html, url=PAGE, purpose="page")).supporters == 10808
    plain = page("<p>Schon 2.041 von 5.000 Unterschriften gesammelt</p>")
    result = PLATFORM.parse(record(plain, url=PAGE, purpose="page"))
    assert (result.supporters, result.goal, result.method) == (2041, 5000, "visible-text")


def test_weact_milestones_are_never_the_count():
    html = page("<ul><li>2026-01-20 10:00:00 +0100 1.000 Unterschriften erreicht</li></ul>")
    with pytest.raises(LayoutChanged, match="erreicht"):
        PLATFORM.parse(record(html, url=PAGE, purpose="page"))


@pytest.mark.parametrize("final", ["https://weact.campact.de/", "https://www.campact.de/"])
def test_weact_removed_petitions_redirect_home_with_200(final):
    for url, purpose in ((JSON_URL, "json"), (PAGE, "page")):
        result = PLATFORM.parse(record("<html>WeAct</html>", url=url, purpose=purpose, final_url=final))
        assert (result.status, result.gone, result.supporters) == (Status.REMOVED, True, None)


def test_weact_renamed_slug_redirect_is_followed_not_removed():
    html = page('<div data-signatures="120"></div>')
    result = PLATFORM.parse(record(html, url=PAGE, purpose="page", final_url=f"{PAGE}-4"))
    assert result.supporters == 120


def test_weact_json_then_page_gone_is_removed():
    steps = [
        record('{"error":"Not Found"}', status=404),
        record("<html>nicht gefunden</html>", url=PAGE, status=404, purpose="page-after-json"),
    ]
    got = replay(PLATFORM, steps, SLUG).as_json()
    assert (got["status"], got["supporters"], got["raw_status"]) == ("removed", None, "404")


def test_weact_foreign_answers():
    with pytest.raises(NotThisPlatform):
        PLATFORM.parse(record("<html>x</html>", url=PAGE, purpose="page", final_url="https://example.org/"))
    with pytest.raises(NotThisPlatform):
        PLATFORM.parse(record("<html><body>hello</body></html>", url=PAGE, purpose="page"))
