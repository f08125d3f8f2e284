"""Unit tests of the bundled GoPetition platform: URL forms, JSON-LD and text counts, goals, statuses."""

from __future__ import annotations

import json

import pytest
from aggregator_plugins.gopetition import GoPetition
from platform_helpers import PetitionPage

from aggregator import LayoutChanged, NotThisPlatform, Status, UnsupportedURL

PLATFORM = GoPetition()
SLUG = "keep-the-riverside-dog-park-open"
URL = f"https://www.gopetition.com/petitions/{SLUG}.html"
PAGE = PetitionPage(PLATFORM, URL, SLUG)
record = PAGE.record
normalized = PAGE.normalized


def page(inside: str, head: str = "") -> str:
    return (
        '<!DOCTYPE html><html><head><meta property="og:site_name" content="GoPetition">'
        f"<title>Keep the dog park open - GoPetition</title>{head}</head><body>"
        "<header><span>Over 2,000,000 signatures this year</span></header>"
        f"<main><h1>Keep the dog park open</h1>{inside}</main>"
        '<div class="sidebar"><div class="petition-card">18,992 signatures</div></div></body></html>'
    )


@pytest.mark.parametrize(
    "url",
    [
        URL,
        f"http://gopetition.com/petitions/{SLUG}.html",
        f"www.gopetition.com/petitions/{SLUG}.html?utm_source=twitter&ref=share#comments",
        f"https://www.gopetition.com/petitions/{SLUG}/signatures.html",
        f"https://www.gopetition.com/petitions/{SLUG}/sign.html",
        f"https://www.gopetition.com/petitions/{SLUG.upper()}.html",
    ],
)
def test_gopetition_external_id_forms(url):
    assert PLATFORM.external_id(url) == SLUG
    assert PLATFORM.canonical_url(SLUG) == URL


@pytest.mark.parametrize(
    "url",
    [
        "https://www.gopetition.com/",
        "https://www.gopetition.com/tag/environment/page2",
        "https://www.gopetition.com/petitions",
        "https://www.example.com/petitions/x.html",
    ],
)
def test_gopetition_refuses_other_pages(url):
    with pytest.raises(UnsupportedURL):
        PLATFORM.external_id(url)


@pytest.mark.parametrize(
    ("inside", "count", "goal"),
    [
        ("<p>1,204 signatures</p><p>Goal: 2,000</p>", 1204, 2000),
        ("<p>3,517 of 5,000 signatures</p>", 3517, 5000),
        ("<p>Signatures: 12,004</p>", 12004, None),
        ("<p>This petition had 862 signatures</p>", 862, None),
        ("<p>Help us reach 5,000 signatures!</p><p>4,118 signatures</p>", 4118, None),
        ("<p>5,000 signatures goal</p><p>77 people have signed</p>", 77, 5000),
        ("<p>1.204 signatures</p>", 1204, None),
    ],
)
def test_gopetition_visible_counts_and_goals(inside, count, goal):
    got = normalized(page(inside))
    assert (got["supporters"], got["goal"], got["method"]) == (count, goal, "visible-text")


def test_gopetition_json_ld_wins_over_text():
    counter = {
        "@type": "InteractionCounter",
        "interactionType": {"@type": "JoinAction"},
        "userInteractionCount": 3519,
    }
    head = f'<script type="application/ld+json">{json.dumps({"interactionStatistic": counter})}</script>'
    got = normalized(page("<p>3,517 of 5,000 signatures</p>", head))
    assert (got["supporters"], got["goal"], got["method"]) == (3519, 5000, "json-ld")


@pytest.mark.parametrize(
    "inside", ["<p>Help us reach 5,000 signatures!</p>", "<p>Goal: 2,000</p>", "<p>No counter at all</p>"]
)
def test_gopetition_goal_sidebar_and_header_are_never_the_count(inside):
    with pytest.raises(LayoutChanged):
        PLATFORM.parse(record(page(inside)))


@pytest.mark.parametrize(
    ("inside", "status", "raw"),
    [
        ('<form action="/petitions/x/sign.html"></form>', Status.OPEN, "signable"),
        ("<div>This petition is closed.</div>", Status.CLOSED, "This petition is closed"),
        ("<div>Victory! The council agreed.</div>", Status.VICTORY, "victory"),
        ("", Status.UNKNOWN, None),
    ],
)
def test_gopetition_status_words(inside, status, raw):
    result = PLATFORM.parse(record(page(f"<p>10 signatures</p>{inside}")))
    assert (result.status, result.raw_status) == (status, raw)


def test_gopetition_title_without_site_name():
    assert PLATFORM.parse(record(page("<p>10 signatures</p>"))).title == "Keep the dog park open"


def test_gopetition_gone_and_home_redirect():
    result = PLATFORM.parse(record("<html></html>", status=404))
    assert (result.status, result.gone, result.supporters) == (Status.REMOVED, True, None)
    moved = PLATFORM.parse(record(page(""), final_url="https://www.gopetition.com/"))
    assert (moved.status, moved.gone) == (Status.REMOVED, True)


def test_gopetition_refuses_other_sites_pages():
    with pytest.raises(NotThisPlatform):
        PLATFORM.parse(record("<html><body>12 signatures</body></html>"))
