"""Unit tests of the bundled innn.it platform: URL forms, the embedded signable, statuses, removal."""

from __future__ import annotations

import json

import pytest
from aggregator_plugins.innn_it import InnnIt
from platform_helpers import page_record

from aggregator import LayoutChanged, NotThisPlatform, Status, UnsupportedURL
from aggregator.plugins import PlatformRegistry, make_plugin_manager

PLATFORM = InnnIt()
SLUG = "schuetzt-den-grunewald"
URL = f"https://innn.it/{SLUG}"


def page(props: dict | None) -> str:
    data = "" if props is None else json.dumps({"props": {"pageProps": props}, "page": "/[slug]"})
    script = (
        f'<script id="__NEXT_DATA__" type="application/json">{data}</script>' if props is not None else ""
    )
    return f'<html><head><title>x | innn.it</title></head><body><div id="__next"></div>{script}</body></html>'


def signable(**fields) -> dict:
    return {"signable": {"name": SLUG, "title": "Schützt den Grunewald", "signatureCount": 23519, **fields}}


def parse(html: str, *, url: str = URL, **kwargs):
    return PLATFORM.parse(page_record(PLATFORM, html, url, **kwargs))


@pytest.mark.parametrize(
    "url",
    [
        URL,
        f"{URL}/",
        f"http://www.innn.it/{SLUG}?utm_source=whatsapp&utm_medium=share&ref=copylink",
        f"innn.it/{SLUG}#unterschreiben",
        f"https://innn.it/{SLUG}/updates",
    ],
)
def test_innn_it_external_id_forms(url):
    assert PLATFORM.external_id(url) == SLUG
    assert PLATFORM.canonical_url(SLUG) == URL


@pytest.mark.parametrize(
    "url",
    [
        "https://innn.it/",
        "https://innn.it/api/v2/posts/initiatives?limit=100&offset=0&type=petition",
        "https://innn.it/external-search?q=wald",
        "https://innn.it/impressum",
        "https://example.org/schuetzt-den-grunewald",
    ],
)
def test_innn_it_refuses_site_pages(url):
    with pytest.raises(UnsupportedURL, match=r"innn\.it/<slug>"):
        PLATFORM.external_id(url)


def test_innn_it_claims_its_hosts():
    registry = PlatformRegistry.from_plugins(make_plugin_manager())
    assert registry.for_url(URL).name == "innn-it"
    assert PLATFORM.plan(SLUG, {}).url == URL


def test_innn_it_reads_the_signable():
    result = parse(
        page(signable(signatureTarget=25000, initiativeStatus="active", createdAt="2026-01-14T09:12:44Z"))
    )
    assert (result.supporters, result.goal, result.goal_computed) == (23519, 25000, False)
    assert (result.status, result.raw_status, result.title) == (
        Status.OPEN,
        "active",
        "Schützt den Grunewald",
    )
    assert result.method == "embedded-state" and result.outcomes[0].kind == "opened"


@pytest.mark.parametrize(
    ("fields", "status", "raw"),
    [
        ({"success": True, "initiativeStatus": "closed"}, Status.VICTORY, "success"),
        ({"success": False, "initiativeStatus": "closed"}, Status.CLOSED, "closed"),
        ({"initiativeStatus": "DRAFT"}, Status.PENDING, "DRAFT"),
        ({"initiativeStatus": "blocked"}, Status.REMOVED, "blocked"),
        ({"initiativeStatus": "something-new"}, Status.UNKNOWN, "something-new"),
        ({}, Status.OPEN, None),
    ],
)
def test_innn_it_status_map(fields, status, raw):
    result = parse(page(signable(**fields)))
    assert (result.status, result.raw_status) == (status, raw)


@pytest.mark.parametrize(("value", "count"), [(23519, 23519), ("23.519", 23519), ({"total": 812}, 812)])
def test_innn_it_count_forms(value, count):
    assert parse(page(signable(signatureCount=value))).supporters == count


def test_innn_it_without_a_count_or_data_is_refused_not_zero():
    with pytest.raises(LayoutChanged, match="signatureCount"):
        parse(page(signable(signatureCount=None)))
    with pytest.raises(LayoutChanged, match="signable"):
        parse(page({"somethingElse": {}}))
    with pytest.raises(LayoutChanged, match="placeholder"):
        parse(page(None).replace("</body>", "<strong>0</strong> Unterschriften</body>"))


@pytest.mark.parametrize("props", [{"hasError": True}, {"notFound": True}, {"statusCode": 404}])
def test_innn_it_error_page_is_removed(props):
    result = parse(page(props))
    assert result.status is Status.REMOVED and result.gone


@pytest.mark.parametrize("status", [404, 410])
def test_innn_it_gone(status):
    assert parse("<html></html>", status=status).status is Status.REMOVED


def test_innn_it_redirect_home_is_removed_and_foreign_answers_refused():
    assert parse(page(signable()), final_url="https://innn.it/").status is Status.REMOVED
    with pytest.raises(NotThisPlatform):
        parse(page(signable()), final_url="https://example.org/x")
    with pytest.raises(NotThisPlatform):
        parse("<html><body>hello</body></html>")
