"""Unit tests of the bundled iPetitions platform: URL forms, space thousands, the site total refused."""

from __future__ import annotations

import pytest
from aggregator_plugins.ipetitions import IPetitions
from platform_helpers import PetitionPage, refusal

from aggregator import LayoutChanged, NotThisPlatform, Status

PLATFORM = IPetitions()
SLUG = "bring-back-the-school-music-program"
URL = f"https://www.ipetitions.com/petition/{SLUG}"
PAGE = PetitionPage(PLATFORM, URL, SLUG)
record = PAGE.record
normalized = PAGE.normalized


def page(inside: str) -> str:
    return (
        '<!DOCTYPE html><html><head><meta property="og:site_name" content="iPetitions">'
        "<title>Bring back music | iPetitions</title></head><body>"
        '<header><div class="live">Live signatures '
        '<span id="signaturesTotal">36 967 717</span></div></header>'
        f'<div id="main"><h1>Bring back music</h1>{inside}</div>'
        '<aside class="related-petitions"><div>2 118 signatures</div></aside></body></html>'
    )


@pytest.mark.parametrize(
    "url",
    [
        URL,
        f"http://ipetitions.com/petition/{SLUG}/",
        f"www.ipetitions.com/petition/{SLUG}?utm_source=fb&utm_campaign=share#sign",
        f"https://www.ipetitions.com/petition/{SLUG}/signatures",
        f"https://www.ipetitions.com/petition/{SLUG.upper()}",
    ],
)
def test_ipetitions_external_id_forms(url):
    assert PLATFORM.external_id(url) == SLUG
    assert PLATFORM.canonical_url(SLUG) == URL


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://www.ipetitions.com/", ["home page", "site's"]),
        ("https://www.ipetitions.com/petitions", ["list"]),
        ("https://www.ipetitions.com/petition/", ["list"]),
        ("https://example.com/petition/x", ["www.ipetitions.com"]),
    ],
)
def test_ipetitions_refuses_other_pages(url, words):
    message = refusal(PLATFORM, url)
    for word in words:
        assert word in message


@pytest.mark.parametrize(
    ("inside", "count", "goal"),
    [
        ("<p><strong>12 408</strong> signatures</p><p>Goal: 15 000</p>", 12408, 15000),
        ("<p>1\u00a0234\u00a0567 signatures</p>", 1234567, None),
        ("<p>12,408 signatures</p>", 12408, None),
        ("<p>947 signatures</p>", 947, None),
        ("<p>3 517 of 5 000 signatures</p>", 3517, 5000),
        ("<p>Signatures: 36 001</p>", 36001, None),
    ],
)
def test_ipetitions_number_formats(inside, count, goal):
    got = normalized(page(inside))
    assert (got["supporters"], got["goal"]) == (count, goal)


@pytest.mark.parametrize("inside", ["<p>Goal: 1 000 signatures</p>", "<p>Be the first to sign!</p>"])
def test_ipetitions_site_total_goal_and_related_counts_are_never_the_count(inside):
    with pytest.raises(LayoutChanged, match="signaturesTotal"):
        PLATFORM.parse(record(page(inside)))


@pytest.mark.parametrize(
    ("inside", "status", "raw"),
    [
        ('<form action="/petition/x/sign"></form>', Status.OPEN, "signable"),
        ("<div>This petition is closed.</div>", Status.CLOSED, "This petition is closed"),
        ("<div>Victory! We won.</div>", Status.VICTORY, "victory"),
        ("", Status.UNKNOWN, None),
    ],
)
def test_ipetitions_status_words(inside, status, raw):
    result = PLATFORM.parse(record(page(f"<p>10 signatures</p>{inside}")))
    assert (result.status, result.raw_status) == (status, raw)
    assert result.title == "Bring back music"


def test_ipetitions_gone_and_home_redirect():
    result = PLATFORM.parse(record("<html></html>", status=410))
    assert (result.status, result.gone, result.supporters) == (Status.REMOVED, True, None)
    moved = PLATFORM.parse(record(page(""), final_url="https://www.ipetitions.com/"))
    assert (moved.status, moved.gone) == (Status.REMOVED, True)


def test_ipetitions_refuses_other_sites_pages():
    with pytest.raises(NotThisPlatform):
        PLATFORM.parse(record("<html><body>12 signatures</body></html>"))
