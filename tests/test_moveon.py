"""The moveon platform: URL forms and share suffixes, page state, thermometer, text, the list fallback."""

from __future__ import annotations

import json

import pytest
from aggregator_plugins.moveon import MoveOn

from aggregator import LayoutChanged, NotThisPlatform, ResponseRecord, Status, UnsupportedURL
from aggregator.cases import replay

MO = MoveOn()
SLUG = "cap-insulin-at-35-for-everyone"
PAGE = f"https://sign.moveon.org/petitions/{SLUG}"
LIST = "https://petitions.moveon.org/api/v1/petitions/list318442/signatures.json"


def petition(**fields) -> dict:
    data = {"name": SLUG, "title": "Cap insulin at $35", "total_signatures": 48211, "signature_goal": 50000}
    data.update(fields)
    return data


def preload(obj: dict, key: str = f"petitions/{SLUG}") -> str:
    return f"<script>window.preloadObjects = {json.dumps({key: obj})};</script>"


def next_data(page_props: dict) -> str:
    data = {"props": {"pageProps": page_props}, "page": "/petitions/[slug]"}
    return f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script>'


def html(body: str = "", head: str = "") -> str:
    title = '<meta property="og:title" content="Cap insulin at $35">'
    return f"<html><head>{title}{head}</head><body>{body}</body></html>"


def record(body, *, url=PAGE, status=200, final_url=None, state=None, external_id=SLUG):
    raw = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
    return ResponseRecord(url, final_url or url, status, {}, raw, external_id, state or {})


def parse(body, **kwargs):
    return MO.parse(record(body, **kwargs))


# -- URL forms ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        PAGE,
        f"{PAGE}?source=rawlink&utm_source=rawlink&share=abc",
        f"{PAGE}/",
        f"{PAGE}/thanks#share",
        f"sign.moveon.org/petitions/{SLUG}",
        f"https://petitions.moveon.org/sign/{SLUG}",
        f"https://petitions.moveon.org/sign/{SLUG}.fb48?source=s.icn.fb&r_by=123456",
        f"https://petitions.moveon.org/sign/{SLUG}.tw?source=s.tw",
        f"https://petitions.moveon.org/sign/{SLUG}.html",
        f"https://petitions.moveon.org/api/v1/petitions/{SLUG}.json",
    ],
)
def test_moveon_external_id_forms(url):
    assert MO.external_id(url) == SLUG


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://sign.moveon.org/categories/health?page=2", "category page"),
        ("https://sign.moveon.org/", "petition page"),
        ("https://sign.moveon.org/petitions", "petition page"),
        (LIST, "signature list"),
        ("https://www.moveon.org/donate", "sign.moveon.org"),
        ("https://front.moveon.org/petitions/x", "sign.moveon.org"),
    ],
)
def test_moveon_refuses_other_pages(url, words):
    with pytest.raises(UnsupportedURL, match="moveon") as caught:
        MO.external_id(url)
    assert words in str(caught.value)


def test_moveon_canonical_url_and_plan():
    assert MO.canonical_url(SLUG) == PAGE and MO.external_id(MO.canonical_url(SLUG)) == SLUG
    step = MO.plan(SLUG, {"list_id": "318442"})
    assert step.url == PAGE and step.purpose == "page"


def test_moveon_declarations():
    assert MO.name == "moveon" and MO.hosts == ("sign.moveon.org", "petitions.moveon.org")
    assert {s.evidence for s in MO.data_sources} <= {"documented", "inferred"}


# -- page state ---------------------------------------------------------------------------------


def test_moveon_preloaded_state():
    result = parse(html(preload(petition(status="Verified", tags=[{"name": "health"}]))))
    assert (result.supporters, result.goal, result.goal_computed) == (48211, 50000, True)
    assert (result.status, result.raw_status, result.method) == (Status.OPEN, "Verified", "embedded-state")
    assert result.title == "Cap insulin at $35"


def test_moveon_next_data_picks_our_petition_not_related_ones():
    related = petition(name="save-the-night-trains", title="Save the night trains", total_signatures=88213)
    props = {"related": [related], "petition": petition(total_signatures="12,604", signature_goal=15000)}
    result = parse(html(next_data(props)))
    assert (result.supporters, result.goal) == (12604, 15000)


def test_moveon_several_unnamed_petitions_are_not_guessed():
    props = {"list": [petition(name=None), petition(name=None, total_signatures=5)]}
    with pytest.raises(LayoutChanged, match="no readable count"):
        parse(html(next_data(props)))


def test_moveon_related_petition_is_never_read_as_ours():
    props = {
        "petition": {"name": SLUG, "title": "Cap insulin"},
        "related": [petition(name="other", total_signatures=9)],
    }
    with pytest.raises(LayoutChanged, match="no readable count"):
        parse(html(next_data(props)))
    with pytest.raises(LayoutChanged, match="no readable count"):
        parse(html(next_data({"trending": [petition(name="other", total_signatures=9)]})))


def test_moveon_single_unnamed_petition_is_ours():
    assert parse(html(next_data({"petition": petition(name=None)}))).supporters == 48211


def test_moveon_state_with_legacy_keys():
    result = parse(html(preload({"name": SLUG, "title": "T", "signatureCount": 2000, "signatureGoal": 9999})))
    assert (result.supporters, result.goal) == (2000, 9999)


@pytest.mark.parametrize(
    ("tags", "status", "raw"),
    [
        ([{"name": "outcome:victory"}], Status.VICTORY, "outcome:victory"),
        (["outcome:victory"], Status.VICTORY, "outcome:victory"),
        ([{"name": "local"}], Status.OPEN, None),
        (None, Status.OPEN, None),
    ],
)
def test_moveon_status_from_tags(tags, status, raw):
    result = parse(html(preload(petition(tags=tags))))
    assert (result.status, result.raw_status) == (status, raw)


def test_moveon_closed_wording_over_open_state():
    result = parse(html("<p>This petition is closed.</p>" + preload(petition())))
    assert result.status is Status.CLOSED


def test_moveon_list_id_is_kept_in_state():
    head = '<meta property="list_id" content="318442">'
    assert parse(html(preload(petition()), head=head)).state == {"list_id": "318442"}
    from_identifiers = parse(html(preload(petition(identifiers=[301877, "list_id:318442"]))))
    assert from_identifiers.state == {"list_id": "318442"}


# -- thermometer and text -----------------------------------------------------------------------

THERM = (
    '<div id="therm"><div class="progress-stat progress-current"><em>Current</em><strong>{c}</strong></div>'
    '<div class="progress-stat progress-goal"><em>Goal</em><strong>{g}</strong></div></div>'
)


def test_moveon_thermometer_markup():
    result = parse(html('<h1 id="petition-title">Cap insulin</h1>' + THERM.format(c="3,409", g="5,000")))
    assert (result.supporters, result.goal, result.method, result.status) == (3409, 5000, "css", Status.OPEN)


def test_moveon_victory_banner_without_state():
    banner = (
        "<div><strong>Victory!</strong> The creator of this petition declared the campaign a success.</div>"
    )
    result = parse(html(banner + THERM.format(c="2,960", g="5,000")))
    assert result.status is Status.VICTORY and result.raw_status == "victory banner"


@pytest.mark.parametrize(
    ("text", "count", "goal"),
    [
        ("47 of 100 Signatures", 47, 100),
        ("12.604 signatures", 12604, None),
        ("9 812 signers so far", 9812, None),
    ],
)
def test_moveon_text_counts(text, count, goal):
    result = parse(html(f"<p>{text}</p>"))
    assert (result.supporters, result.goal, result.method) == (count, goal, "visible-text")


@pytest.mark.parametrize(
    "text", ["0 of 100 signatures", "1 of 100 Signatures", "0 signatures", "1 signature"]
)
def test_moveon_text_placeholders_are_refused(text):
    with pytest.raises(LayoutChanged, match="placeholder"):
        parse(html(f"<p>{text}</p>"))


def test_moveon_goal_alone_is_never_the_count():
    with pytest.raises(LayoutChanged, match="no readable count"):
        parse(html('<div class="progress-goal"><strong>5,000</strong></div>'))


# -- the legacy signature list ------------------------------------------------------------------


def test_moveon_page_without_count_asks_the_signature_list():
    head = '<meta property="list_id" content="318442">'
    result = parse(html("<div id='root'>Loading…</div>", head=head))
    assert result.supporters is None and result.next_step is not None
    assert result.next_step.url == LIST and result.next_step.purpose == "signatures-json"
    assert result.state == {"list_id": "318442"} and result.title == "Cap insulin at $35"


def test_moveon_list_id_kept_from_an_earlier_poll():
    result = parse(html("<div id='root'></div>"), state={"list_id": "318442"})
    assert result.next_step is not None and result.next_step.url == LIST


def test_moveon_signature_list_total_records():
    first = record(html("", head='<meta property="list_id" content="318442">'))
    second = record({"count": 100, "page": 1, "total_pages": 74, "total_records": 7308}, url=LIST)
    got = replay(MO, [first, second], SLUG).as_json()
    assert (got["supporters"], got["status"], got["method"]) == (7308, "open", "json-api")


def test_moveon_signature_list_failures():
    with pytest.raises(LayoutChanged, match="total_records"):
        parse({"count": 2}, url=LIST)
    with pytest.raises(LayoutChanged, match="HTTP 404"):
        parse({"error_code": "not_found"}, url=LIST, status=404)
    with pytest.raises(NotThisPlatform):
        parse("<html></html>", url=LIST)


# -- gone and redirects -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
def test_moveon_gone(status):
    result = parse("", status=status)
    assert result.status is Status.REMOVED and result.gone and result.raw_status == str(status)


@pytest.mark.parametrize(
    "home", ["https://sign.moveon.org/", "https://front.moveon.org/", "https://moveon.org"]
)
def test_moveon_redirect_home_is_removed(home):
    result = parse(html(), final_url=home)
    assert result.status is Status.REMOVED and result.gone


def test_moveon_redirect_to_renamed_petition_is_read():
    renamed = "https://sign.moveon.org/petitions/cap-insulin-at-35-for-everyone-1"
    result = parse(html(preload(petition(name="cap-insulin-at-35-for-everyone-1"))), final_url=renamed)
    assert result.supporters == 48211


def test_moveon_redirect_off_site_is_not_this_platform():
    with pytest.raises(NotThisPlatform):
        parse(html(), final_url="https://example.org/landing")
