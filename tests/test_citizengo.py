"""Unit tests of the bundled CitizenGO platform: node ids, the signit counter, teasers and placeholders."""

from __future__ import annotations

from pathlib import Path

import pytest
from aggregator_plugins.citizengo import CitizenGo
from platform_helpers import page_record, refusal, replayed

from aggregator import LayoutChanged, NotThisPlatform, ResponseRecord, Status
from aggregator.plugins import PlatformRegistry, make_plugin_manager

PLATFORM = CitizenGo()
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
HOME_PAGE = CORPUS / "citizengo" / "homepage-2018-featured-petitions.html"
URL = "https://citizengo.org/en/fm/161204-keep-the-village-school-in-aldbury-open"


def meter(count: str, goal: str = "50,000") -> str:
    return (
        '<div class="signit-statistics meter"><div class="signit-meter"><div class="range">'
        f'<span class="low">0</span><span class="high">{goal}</span></div><div class="graphic">'
        '<div class="meter-count" style="width: 50%">'
        f'<div class="number">&nbsp; {count}</div></div></div></div>'
        f'<span class="signit-signers"><span class="signatures-number">{count}</span> signatures</span></div>'
    )


def page(inside: str, nid: str = "161204", others: str = "", body_class: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta property="og:site_name" content="CitizenGO"><meta property="og:title" content="OG title">'
        f'<title>Head title | CitizenGO</title></head><body class="{body_class}">'
        f'<article class="node-{nid} node node-petition view-mode-full">'
        '<span property="dc:title" content="Keep the village school open" class="rdf-meta"></span>'
        f"{inside}</article>{others}"
        '<div class="cgo-info"><div class="counter">9,023,630</div></div></body></html>'
    )


def record(html: str | bytes, *, url: str = URL, **kwargs) -> ResponseRecord:
    return page_record(PLATFORM, html, url, **kwargs)


def normalized(html: str | bytes, **kwargs) -> dict:
    return replayed(PLATFORM, record(html, **kwargs))


@pytest.mark.parametrize(
    ("url", "nid"),
    [
        (URL, "161204"),
        ("https://citizengo.org/en/157636-delete-abortion-united-nations-agenda-csw62", "157636"),
        ("http://citizengo.org/en//en/157636-delete-abortion-united-nations-agenda-csw62", "157636"),
        (
            "https://www.citizengo.org/en-us/lf/136003-free-alfie-evans?utm_source=tw&utm_medium=social",
            "136003",
        ),
        ("https://citizengo.org/hazteoir/12345-salvemos-la-escuela#firmar", "12345"),
        ("https://citizengo.org/pt-br/sy/88001-slug/share", "88001"),
        ("citizengo.org/es/fm/137455-no-al-cierre", "137455"),
        ("https://citizengo.org/en/node/161204", "161204"),
        ("https://citizengo.org/en/161204", "161204"),
    ],
)
def test_citizengo_external_id_is_the_node_id(url, nid):
    assert PLATFORM.external_id(url) == nid
    assert PLATFORM.external_id(PLATFORM.canonical_url(nid)) == nid


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://citizengo.org/en/victories", ["victories"]),
        ("https://citizengo.org/en", ["numeric petition id"]),
        ("https://citizengo.org/en/create-your-petition", ["starting a petition"]),
        ("https://citizengo.org/en/user-profile/f4086fd1-c62b-4777-85b6-15389d78131f", ["user profile"]),
        ("https://example.org/en/157636-x", ["citizengo.org"]),
    ],
)
def test_citizengo_refuses_other_pages(url, words):
    message = refusal(PLATFORM, url)
    for word in words:
        assert word in message


def test_citizengo_is_found_by_host_and_plans_the_node_path():
    registry = PlatformRegistry.from_plugins(make_plugin_manager())
    assert registry.for_url(URL).name == "citizengo"
    assert PLATFORM.plan("161204", {}).url == "https://citizengo.org/en/node/161204"


@pytest.mark.parametrize(
    ("shown", "count"), [("158,913", 158913), ("12.480", 12480), ("&nbsp; 7,305", 7305), ("707", 707)]
)
def test_citizengo_counter_number_formats(shown, count):
    assert normalized(page(meter(shown)))["supporters"] == count


def test_citizengo_reads_counter_goal_title():
    got = normalized(
        page(meter("32,077") + '<div class="signit-link"><a href="#">Sign this petition!</a></div>')
    )
    assert (got["supporters"], got["goal"], got["status"]) == (32077, 50000, "open")
    assert got["title"] == "Keep the village school open"
    assert got["method"] == "css"
    assert "computed_goal" not in got["flags"]


def test_citizengo_meter_number_when_the_counter_is_missing():
    html = page(meter("5,812").split('<span class="signit-signers">')[0])
    assert normalized(html)["supporters"] == 5812


def test_citizengo_never_reads_other_nodes_or_the_member_counter():
    other = f'<article class="node-158802 node node-petition node-teaser">{meter("41,006")}</article>'
    with pytest.raises(LayoutChanged, match="member counter"):
        PLATFORM.parse(record(page("<p>No counter here</p>", others=other)))
    # a page without the node at all
    with pytest.raises(LayoutChanged, match="shows no node 161204"):
        PLATFORM.parse(record(page(meter("41,006"), nid="158802")))


def test_citizengo_own_page_without_article_uses_body_class():
    html = (
        '<html><head><meta property="og:site_name" content="CitizenGO"><meta property="og:title" '
        'content="x"></head><body class="page-node page-node-161204 node-type-petition">'
        f"<h1>Keep it open</h1>{meter('3,001')}</body></html>"
    )
    got = normalized(html)
    assert got["supporters"] == 3001


@pytest.mark.parametrize(
    ("inside", "status", "raw"),
    [
        ('<div class="signit-form"><form id="signit-form-1"></form></div>', Status.OPEN, "signable"),
        ('<div class="signit-victory"><h2>Victory!</h2></div>', Status.VICTORY, "victory"),
        (
            '<div class="signit-closed"><p>This petition is closed.</p></div>',
            Status.CLOSED,
            "This petition is closed",
        ),
        (
            '<div class="messages">Esta petición está cerrada.</div>',
            Status.CLOSED,
            "Esta petición está cerrada",
        ),
        ("", Status.UNKNOWN, None),
    ],
)
def test_citizengo_status_markup(inside, status, raw):
    result = PLATFORM.parse(record(page(meter("1,000") + inside)))
    assert (result.status, result.raw_status) == (status, raw)


def test_citizengo_closed_words_in_the_petition_text_are_not_a_status():
    text = '<div class="field-name-body"><p>This petition is closed to corporate sponsors.</p></div>'
    assert PLATFORM.parse(record(page(meter("1,000") + text))).status is Status.UNKNOWN


def test_citizengo_gone_and_home_redirect():
    for status in (404, 410):
        result = PLATFORM.parse(record("<html></html>", status=status))
        assert (result.status, result.gone) == (Status.REMOVED, True)
    moved = PLATFORM.parse(record(page(""), final_url="https://citizengo.org/en"))
    assert (moved.status, moved.gone) == (Status.REMOVED, True)


def test_citizengo_refuses_other_sites_pages():
    with pytest.raises(NotThisPlatform):
        PLATFORM.parse(record("<html><body><span class='signatures-number'>12</span></body></html>"))


@pytest.mark.skipif(not HOME_PAGE.is_file(), reason="../shared/corpus not available")
def test_citizengo_reads_a_node_teaser_of_the_saved_2018_home_page():
    url = "https://citizengo.org/en/157636-delete-abortion-united-nations-agenda-csw62"
    got = normalized(HOME_PAGE.read_bytes(), url=url)
    assert got["external_id"] == "157636"
    assert got["supporters"] == 158913
    assert got["goal"] == 200000
    assert got["status"] == "open"
    assert got["title"] == "Remove Abortion from the United Nations Agenda #CSW62"
    assert got["flags"] == ["teaser"]
    # another teaser of the same page, and a carousel-only node that shows no counter
    other = record(HOME_PAGE.read_bytes(), url="https://citizengo.org/en/157577-dont-introduce-ban")
    assert PLATFORM.parse(other).supporters == 5812
    with pytest.raises(LayoutChanged):
        PLATFORM.parse(record(HOME_PAGE.read_bytes(), url="https://citizengo.org/en/lf/136003-free-alfie"))
