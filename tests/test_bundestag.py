"""The bundestag platform: dated URLs, German number format, status phrases, deadline and refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from aggregator_plugins.bundestag import Bundestag
from aggregator_plugins.bundestag.page import german_count
from platform_helpers import assert_cases_pickle, html_record

from aggregator.cases import load_cases
from aggregator.errors import LayoutChanged, NotThisPlatform, UnsupportedURL
from aggregator.plugins import PlatformRegistry, make_plugin_manager
from aggregator.vocabulary import OutcomeKind, Status

BT = Bundestag()
BASE = "https://epetitionen.bundestag.de"
PAGE = f"{BASE}/petitionen/_2026/_05/_30/Petition_201716.nc.html"
ID = "2026-05-30/201716"


def page(main, head="<title>Petition 201716 | ePetitionen - Deutscher Bundestag</title>"):
    return f"""<!DOCTYPE html><html lang="de"><head><meta charset="UTF-8">{head}</head>
<body><header><nav>
<a href="/epet/petuebersicht/mz.nc.html">Petitionen in der Mitzeichnungsfrist</a></nav></header>
<main id="content">{main}</main><footer>Deutscher Bundestag</footer></body></html>"""


def record(body, *, url=PAGE, external_id=ID, headers=None, **kwargs):
    headers = headers or {"content-type": "text/html;charset=UTF-8"}
    return html_record(body, url=url, pid=external_id, headers=headers, **kwargs)


COUNTER = (
    "<h1>Steuerfreiheit für Bitcoin nach einem Jahr beibehalten</h1>"
    '<p>Anzahl Online-Mitzeichnungen <span class="mzanzahl">{}</span></p>'
)


# -- declaration and URLs ------------------------------------------------------------------------


def test_declares_the_platform():
    assert BT.name == "bundestag"
    assert BT.api_version == 1
    assert BT.timezone == "Europe/Berlin"
    assert BT.thresholds == {OutcomeKind.THRESHOLD.value: 30000}
    assert set(BT.states_not_applicable) == {"victory", "pending", "rejected"}
    evidence = {s.name: s.evidence for s in BT.data_sources}
    assert evidence == {
        "mzanzahl": "documented",
        "count-text": "documented",
        "status-phrases": "inferred",
        "http-status": "inferred",
    }


def test_registered_through_the_plugin_manager():
    registry = PlatformRegistry.from_plugins(make_plugin_manager())
    assert isinstance(registry.get("bundestag"), Bundestag)
    assert registry.for_url(PAGE).name == "bundestag"


@pytest.mark.parametrize(
    "url",
    [
        PAGE,
        f"{BASE}/petitionen/_2026/_05/_30/Petition_201716.$$$.a.u.html",
        f"{BASE}/petitionen/_2026/_05/_30/Petition_201716.%24%24%24.a.u.html",
        f"{BASE}/petitionen/_2026/_05/_30/Petition_201716.mitzeichnen.html",
        f"{BASE}/content/petitionen/_2026/_05/_30/Petition_201716.nc.html",
        f"{PAGE}?utm_source=reddit#mitzeichnen",
        "http://www.epetitionen.bundestag.de/petitionen/_2026/_05/_30/Petition_201716.nc.html",
        "epetitionen.bundestag.de/petitionen/_2026/_05/_30/Petition_201716.nc.html",
    ],
)
def test_external_id_from_url_forms(url):
    assert BT.external_id(url) == ID


@pytest.mark.parametrize(
    ("url", "hint"),
    [
        (f"{BASE}/epet/petuebersicht/mz.nc.html", "dated URL"),
        (f"{BASE}/petitionen/Petition_201716.nc.html", "publication date"),
        (f"{BASE}/petitionen/_action.html?petitionId=201716", "publication date"),
        (f"{BASE}/petitionen/_2026/_13/_30/Petition_201716.nc.html", "dated URL"),
        ("https://www.bundestag.de/petitionen/_2026/_05/_30/Petition_201716.nc.html", "dated URL"),
    ],
)
def test_other_urls_are_refused(url, hint):
    with pytest.raises(UnsupportedURL, match=hint):
        BT.external_id(url)


def test_canonical_url_and_plan():
    assert BT.canonical_url(ID) == PAGE
    assert BT.external_id(BT.canonical_url(ID)) == ID
    step = BT.plan(ID, {})
    assert step.url == PAGE
    assert step.headers["Accept-Language"].startswith("de")


# -- German numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        ("987", 987),
        ("1.234", 1234),
        ("176.134", 176134),
        ("12.345.678", 12345678),
        ("1\u00a0234", 1234),
    ],
)
def test_german_count(text, value):
    assert german_count(text) == value


@pytest.mark.parametrize("text", ["1,5", "1.23", "ca. 2.000", "", "—", "12.34.567"])
def test_german_count_refuses_other_forms(text):
    with pytest.raises(LayoutChanged):
        german_count(text)


# -- the page ------------------------------------------------------------------------------------


def test_counter_span_status_deadline_and_opened():
    main = COUNTER.format("21.487") + (
        "<p>Diese Petition befindet sich in der Mitzeichnungsfrist.</p>"
        "<p>Mitzeichnungsfrist: 30.05.2026 - 11.07.2026</p>"
    )
    result = BT.parse(record(page(main)))
    assert (result.supporters, result.method) == (21487, "css")
    assert (result.status, result.raw_status) == (Status.OPEN, "in der Mitzeichnungsfrist")
    assert result.title == "Steuerfreiheit für Bitcoin nach einem Jahr beibehalten"
    assert result.closes_at == datetime(2026, 7, 11, 21, 59, 59, tzinfo=UTC)
    assert result.outcomes[0].kind == OutcomeKind.OPENED.value
    assert result.outcomes[0].occurred_at == date(2026, 5, 30)


def test_text_fallback_when_the_span_is_missing():
    main = "<h1>Titel</h1><p>Anzahl der Online-Mitzeichnungen: 3.021</p>"
    result = BT.parse(record(page(main)))
    assert (result.supporters, result.method) == (3021, "visible-text")


@pytest.mark.parametrize(
    ("phrase", "status"),
    [
        ("Die Mitzeichnungsfrist ist abgelaufen.", Status.CLOSED),
        ("Mitzeichnungsfrist beendet", Status.CLOSED),
        ("Die Petition befindet sich in der parlamentarischen Prüfung.", Status.CLOSED),
        ("Petition abgeschlossen", Status.CLOSED),
        ("noch 12 Tage", Status.OPEN),
        ("Mitzeichnungsfrist läuft", Status.OPEN),
        ("Sachgebiet: Finanzen", Status.UNKNOWN),
    ],
)
def test_status_phrases(phrase, status):
    assert BT.parse(record(page(COUNTER.format("5") + f"<p>{phrase}</p>"))).status is status


def test_the_menu_is_not_a_status_but_a_signing_link_is():
    assert BT.parse(record(page(COUNTER.format("5")))).status is Status.UNKNOWN
    link = '<a href="/petitionen/_2026/_05/_30/Petition_201716.mitzeichnen.html">Mitzeichnen</a>'
    result = BT.parse(record(page(COUNTER.format("5") + link)))
    assert (result.status, result.raw_status) == (Status.OPEN, "mitzeichnen")


def test_the_most_advanced_phrase_wins_and_conclusion_is_an_outcome():
    main = COUNTER.format("53.112") + (
        "<p>Mitzeichnungsfrist abgelaufen</p><p>Petition abgeschlossen am 27.11.2025</p>"
    )
    result = BT.parse(record(page(main)))
    assert result.status is Status.CLOSED
    assert result.raw_status == "Petition abgeschlossen"
    assert result.outcomes[-1].kind == "concluded"
    assert result.outcomes[-1].occurred_at == date(2025, 11, 27)


@pytest.mark.parametrize(
    ("head", "main", "title"),
    [
        (
            '<meta property="og:title" content="Petition 201716: Bitcoin-Haltefrist">',
            "",
            "Bitcoin-Haltefrist",
        ),
        ("<title>Petition 201716 | ePetitionen</title>", "<h1>Petition 201716</h1>", None),
        ("<title>Haltefrist behalten | ePetitionen - Deutscher Bundestag</title>", "", "Haltefrist behalten"),
    ],
)
def test_titles(head, main, title):
    body = page(main + '<p>Anzahl Online-Mitzeichnungen <span class="mzanzahl">7</span></p>', head=head)
    assert BT.parse(record(body)).title == title


@pytest.mark.parametrize("shown", ["", "  ", "…", "-"])
def test_an_empty_counter_is_refused_never_zero(shown):
    with pytest.raises(LayoutChanged, match="without a count"):
        BT.parse(record(page(f'<h1>T</h1><p>Mitzeichnungen <span class="mzanzahl">{shown}</span></p>')))


def test_gone_and_redirects():
    for status in (404, 410):
        result = BT.parse(record("<html>weg</html>", status=status))
        assert (result.status, result.gone, result.supporters) == (Status.REMOVED, True, None)
    home = BT.parse(record(page("<h1>ePetitionen</h1>"), final_url=f"{BASE}/epet/startseite.html"))
    assert (home.status, home.gone) == (Status.REMOVED, True)
    with pytest.raises(NotThisPlatform):
        BT.parse(record("<html></html>", final_url="https://example.org/Petition_201716"))
    with pytest.raises(NotThisPlatform):
        BT.parse(record("<html><body>no site name</body></html>"))


def test_recorded_cases_replay_and_pickle():
    cases = load_cases(BT)
    assert {c.expected.get("status") for c in cases} >= {"open", "closed", "removed"}
    assert any(c.expected.get("error") == "LayoutChanged" for c in cases)
    assert_cases_pickle(BT, cases)
