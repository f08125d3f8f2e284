"""Unit tests of the bundled Eko platform: URL forms, both page templates, goals, donations, removal."""

from __future__ import annotations

import json

import pytest
from aggregator_plugins.eko import Eko
from aggregator_plugins.eko.templates import ladder_goal
from platform_helpers import page_record

from aggregator import LayoutChanged, NotThisPlatform, Status, UnsupportedURL
from aggregator.plugins import PlatformRegistry, make_plugin_manager

PLATFORM = Eko()
SLUG = "tell-amazon-stop-union-busting"
URL = f"https://actions.eko.org/a/{SLUG}"


def legacy(thermometer: dict | None, *, extra: str = "", title: str = "Stop the mine") -> str:
    data = json.dumps(thermometer) if thermometer is not None else "null"
    return (
        f'<html lang="en"><head><title>{title} | Ekō</title></head><body><h1>{title}</h1>{extra}'
        "<script>window.champaign = window.champaign || {};"
        f"window.champaign.personalization = {{actionCount: 17, thermometer: {data}, member: null}}"
        "</script></body></html>"
    )


def thermometer(signatures: str, goal_k: str | None = None, kind: str = "ActionsThermometer") -> dict:
    data = {"id": 1, "active": True, "offset": 0, "type": kind, "page_id": 9, "signatures": signatures}
    if goal_k is not None:
        data["goal_k"] = goal_k
    return data


def next_page(props: dict) -> str:
    data = json.dumps({"props": {"pageProps": props}, "page": "/a/[slug]"})
    return (
        '<html><head><title>x | Ekō</title></head><body><div id="__next"></div>'
        f'<script id="__NEXT_DATA__" type="application/json">{data}</script></body></html>'
    )


def parse(html: str, *, url: str = URL, **kwargs):
    return PLATFORM.parse(page_record(PLATFORM, html, url, **kwargs))


@pytest.mark.parametrize(
    "url",
    [
        URL,
        f"http://actions.eko.org/a/{SLUG}/",
        f"https://action.eko.org/a/{SLUG}",
        f"https://action.eko.org//a/{SLUG}",
        f"https://actions.sumofus.org/a/{SLUG}?source=fb&akid=3.1.x&utm_medium=email",
        f"actions.eko.org/a/{SLUG}#petition",
        f"https://actions.eko.org/a/{SLUG}/follow-up?member_id=1",
    ],
)
def test_eko_external_id_forms(url):
    assert PLATFORM.external_id(url) == SLUG
    assert PLATFORM.canonical_url(SLUG) == URL


def test_eko_numeric_page_ids_are_ids_too():
    assert PLATFORM.external_id("https://actions.eko.org/a/3204") == "3204"


@pytest.mark.parametrize(
    "url",
    [
        "https://eko.org/de/campaigns",
        "https://www.eko.org/en",
        "https://actions.eko.org/",
        "https://actions.eko.org/pages/3204",
        "https://example.org/a/x",
    ],
)
def test_eko_refuses_non_action_pages(url):
    with pytest.raises(UnsupportedURL, match="/a/<slug>"):
        PLATFORM.external_id(url)


def test_eko_claims_its_hosts_and_keeps_the_host_that_answered():
    registry = PlatformRegistry.from_plugins(make_plugin_manager())
    assert registry.for_url(f"https://action.eko.org/a/{SLUG}").name == "eko"
    assert PLATFORM.plan(SLUG, {}).url == URL
    assert PLATFORM.plan(SLUG, {"host": "action.eko.org"}).url == f"https://action.eko.org/a/{SLUG}"
    assert PLATFORM.plan(SLUG, {"host": "evil.example"}).url == URL


@pytest.mark.parametrize(
    ("signatures", "count"),
    [("128.011", 128011), ("128,011", 128011), ("1.280", 1280), ("999", 999), ("12 044", 12044)],
)
def test_eko_legacy_thermometer_number_formats(signatures, count):
    result = parse(legacy(thermometer(signatures)))
    assert result.supporters == count and result.status is Status.OPEN


def test_eko_legacy_goal_is_the_computed_ladder_step():
    result = parse(legacy(thermometer("128.011", "150k")))
    assert (result.goal, result.goal_computed, result.title) == (150_000, True, "Stop the mine")
    assert parse(legacy(thermometer("2.500.001", "3 million"))).goal == 3_000_000
    assert parse(legacy(thermometer("95"))).goal == 100


@pytest.mark.parametrize(
    ("count", "goal"),
    [(0, 100), (99, 100), (100, 200), (9_999, 10_000), (128_011, 150_000), (1_999_999, 2_000_000),
     (2_000_000, 3_000_000), (2_500_001, 3_000_000)],
)  # fmt: skip
def test_eko_ladder(count, goal):
    assert ladder_goal(count) == goal


def test_eko_page_action_count_and_donations_are_never_the_count():
    with pytest.raises(LayoutChanged, match="donation"):
        parse(legacy(thermometer("$41,880", kind="DonationsThermometer")))
    with pytest.raises(LayoutChanged, match="no count"):
        parse(legacy(None, extra="<p>17 people signed</p>"))


def test_eko_next_template():
    props = {
        "title": "Tell Amazon",
        "action_count": 48210,
        "created_at": "2025-11-03T15:20:11Z",
        "language": "en",
    }
    result = parse(next_page(props), final_url=f"https://action.eko.org//a/{SLUG}")
    assert (result.supporters, result.goal, result.title) == (48210, None, "Tell Amazon")
    assert result.state == {"host": "action.eko.org"}
    assert result.outcomes[0].kind == "opened"
    nested = parse(next_page({"page": {"title": "Nested", "action_count": "1.204"}}))
    assert (nested.supporters, nested.title) == (1204, "Nested")


@pytest.mark.parametrize(
    "props", [{"notFound": True}, {"hasError": True, "statusCode": 404}, {"statusCode": 410}]
)
def test_eko_next_template_not_found_is_removed(props):
    result = parse(next_page(props))
    assert result.status is Status.REMOVED and result.gone


@pytest.mark.parametrize("status", [404, 410])
def test_eko_gone(status):
    result = parse("<html>Ekō</html>", status=status)
    assert (result.status, result.gone, result.raw_status) == (Status.REMOVED, True, str(status))


@pytest.mark.parametrize("final", ["https://www.eko.org/en", "https://eko.org/", "https://action.eko.org/"])
def test_eko_redirect_home_is_removed(final):
    result = parse("<html>Ekō</html>", final_url=final)
    assert result.status is Status.REMOVED and result.raw_status == "redirected to the home page"


def test_eko_foreign_page():
    with pytest.raises(NotThisPlatform):
        parse("<html><body>hello</body></html>")
