"""Unit tests of the bundled openPetition platform: URL forms, the progress box, statuses, placeholders."""

from __future__ import annotations

import pytest
from aggregator_plugins.openpetition import OpenPetition
from aggregator_plugins.openpetition import page as op_page
from platform_helpers import page_record, refusal, replayed
from protego import Protego

from aggregator import LayoutChanged, NotThisPlatform, ResponseRecord, Status
from aggregator.plugins import PlatformRegistry, make_plugin_manager

PLATFORM = OpenPetition()
SLUG = "tempo-30-vor-allen-grundschulen-in-kassel"
URL = f"https://www.openpetition.de/petition/online/{SLUG}"
#: the rules of openPetition's robots.txt that concern petitions (platform notes, section 1.5)
ROBOTS = Protego.parse("User-agent: *\nDisallow: /petition/unterzeichner/\nDisallow: /petition/kommentare/\n")


def page(box: str, bar: str = "", title: str = "Tempo 30 vor allen Grundschulen in Kassel") -> str:
    return (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
        '<meta property="og:site_name" content="openPetition">'
        f'<meta property="og:title" content="{title} - Online-Petition">'
        f'<link rel="canonical" href="{URL}"></head><body>'
        f'<div class="module-petition-status-bar">{bar}</div><h1>{title}</h1>'
        f'<div class="progress-box">{box}</div>'
        '<aside><div class="petition-teaser">713 Unterschriften</div></aside></body></html>'
    )


def record(html: str, *, url: str = URL, **kwargs) -> ResponseRecord:
    return page_record(PLATFORM, html, url, headers={"content-type": "text/html; charset=UTF-8"}, **kwargs)


def normalized(html: str, **kwargs) -> dict:
    return replayed(PLATFORM, record(html, **kwargs))


@pytest.mark.parametrize(
    ("url", "external_id"),
    [
        (URL, SLUG),
        (f"http://openpetition.de/petition/online/{SLUG}", SLUG),
        (f"openpetition.de/petition/online/{SLUG}/", SLUG),
        (f"https://WWW.openPetition.de/petition/online/{SLUG.upper()}", SLUG),
        (f"{URL}?utm_source=newsletter&utm_medium=email#unterschreiben", SLUG),
        (f"{URL}?language=en_GB.utf8", SLUG),
        (f"https://www.openpetition.de/petition/unterzeichner/{SLUG}", SLUG),
        (f"https://www.openpetition.de/petition/kommentare/{SLUG}", SLUG),
        (f"https://www.openpetition.de/petition/argumente/{SLUG}", SLUG),
        (f"https://www.openpetition.de/petition/blog/{SLUG}/3", SLUG),
        (f"https://www.openpetition.eu/at/petition/online/{SLUG}", f"eu/at/{SLUG}"),
        (f"https://openpetition.eu/petition/online/{SLUG}", f"eu/{SLUG}"),
        (f"https://www.openpetition.org/us/petition/online/{SLUG}?ref=share", f"org/us/{SLUG}"),
    ],
)
def test_openpetition_external_id_forms(url, external_id):
    assert PLATFORM.external_id(url) == external_id
    assert PLATFORM.external_id(PLATFORM.canonical_url(external_id)) == external_id


def test_openpetition_canonical_urls_keep_the_site():
    assert PLATFORM.canonical_url(SLUG) == URL
    assert PLATFORM.canonical_url("eu/at/x-y") == "https://www.openpetition.eu/at/petition/online/x-y"
    assert PLATFORM.canonical_url("eu/x-y") == "https://www.openpetition.eu/petition/online/x-y"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://www.openpetition.de/", ["/petition/online/<slug>"]),
        ("https://www.openpetition.de/petitionen?seite=3", ["list of petitions"]),
        ("https://www.openpetition.de/petition/online/", ["/petition/online/<slug>"]),
        ("https://www.openpetition.de/!qmfrx", ["short links"]),
        ("https://www.openpetition.de/user/profil/123", ["user profile"]),
        ("https://www.change.org/p/tempo-30", ["www.openpetition.de"]),
    ],
)
def test_openpetition_refuses_other_pages(url, words):
    message = refusal(PLATFORM, url)
    for word in words:
        assert word in message


def test_openpetition_is_found_by_host():
    registry = PlatformRegistry.from_plugins(make_plugin_manager())
    assert registry.for_url(URL).name == "openpetition"
    assert registry.for_url("https://openpetition.eu/at/petition/online/x").name == "openpetition"


def test_openpetition_never_plans_a_robots_disallowed_path():
    for external_id in (
        SLUG,
        PLATFORM.external_id(f"https://www.openpetition.de/petition/unterzeichner/{SLUG}"),
    ):
        step = PLATFORM.plan(external_id, {})
        assert ROBOTS.can_fetch(step.url, "petition-aggregator")
        assert "/petition/online/" in step.url


@pytest.mark.parametrize(
    ("text", "count", "goal"),
    [
        ("470.240 Unterschriften 94 % 500.000 für Sammelziel", 470240, 500000),
        ("10.808 von 15.000 Unterschriften", 10808, 15000),
        ("860 signatures 86 % 1,000 for collection target Collection finished", 860, 1000),
        ("1.206 Unterschriften davon 903 Unterschriften aus Lindenau", 1206, None),
        ("4\u00a0817 Unterschriften", 4817, None),
        ("12 Unterstützende", 12, None),
    ],
)
def test_openpetition_progress_box_numbers(text, count, goal):
    reading = op_page.progress(text)
    assert reading is not None
    assert (reading.supporters, reading.goal) == (count, goal)


@pytest.mark.parametrize(
    "text", ["500.000 für Sammelziel", "94 % 500.000 für Sammelziel", "davon 3.902 Unterschriften aus Kassel"]
)
def test_openpetition_goal_or_quorum_share_alone_is_no_count(text):
    assert op_page.progress(text) is None


def test_openpetition_page_reads_count_goal_title_and_opened_month():
    got = normalized(
        page(
            "<p><strong>470.240</strong> Unterschriften</p>"
            "<p>94 % <strong>500.000</strong> für Sammelziel</p>",
            "<li>Gestartet Januar 2025</li><li>noch 3 Tage</li>",
        )
    )
    assert got["supporters"] == 470240
    assert got["goal"] == 500000
    assert "computed_goal" not in got["flags"]
    assert got["status"] == "open"
    assert got["title"] == "Tempo 30 vor allen Grundschulen in Kassel"
    assert got["outcomes"] == [{"kind": "opened", "occurred_at": "2024-12-31T23:00:00Z"}]
    assert got["method"] == "css"


@pytest.mark.parametrize(
    ("words", "status", "raw"),
    [
        ("noch 12 Tage", Status.OPEN, "in Zeichnung"),
        ("in Zeichnung", Status.OPEN, "in Zeichnung"),
        ("Sammlung beendet", Status.CLOSED, "Sammlung beendet"),
        ("Collection finished", Status.CLOSED, "Collection finished"),
        ("Eingereicht", Status.CLOSED, "eingereicht"),
        ("Petition erfolgreich eingereicht", Status.CLOSED, "eingereicht"),
        ("Im Dialog", Status.CLOSED, "im Dialog"),
        ("Petition wurde zurückgezogen", Status.CLOSED, "zurückgezogen"),
        ("Petition war erfolgreich", Status.VICTORY, "erfolgreich"),
        ("Diese Petition wurde gesperrt", Status.REJECTED, "gesperrt"),
    ],
)
def test_openpetition_status_words(words, status, raw):
    result = PLATFORM.parse(record(page("<p>1.000 Unterschriften</p>", f"<li>{words}</li>")))
    assert (result.status, result.raw_status) == (status, raw)


def test_openpetition_without_status_words_is_unknown():
    result = PLATFORM.parse(record(page("<p>1.000 Unterschriften</p>")))
    assert result.status is Status.UNKNOWN


def test_openpetition_sidebar_counts_are_never_read():
    with pytest.raises(LayoutChanged, match="progress box"):
        PLATFORM.parse(record(page("<p>500.000 für Sammelziel</p>")))
    html = page("").replace('<div class="progress-box"></div>', "")
    with pytest.raises(LayoutChanged, match=r"no \.progress-box"):
        PLATFORM.parse(record(html))


def test_openpetition_gone_and_home_redirect():
    for status in (404, 410):
        result = PLATFORM.parse(record("<html></html>", status=status))
        assert (result.status, result.gone, result.supporters) == (Status.REMOVED, True, None)
    moved = PLATFORM.parse(record(page(""), final_url="https://www.openpetition.de/petitionen"))
    assert moved.status is Status.REMOVED and moved.gone


def test_openpetition_refuses_other_sites_pages():
    with pytest.raises(NotThisPlatform):
        PLATFORM.parse(record("<html><head><title>Other</title></head><body>12 Unterschriften</body></html>"))
