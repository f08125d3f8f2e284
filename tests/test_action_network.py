"""The action-network platform: page and API URL forms, the running total, OSDI records, hidden petitions."""

from __future__ import annotations

import json

import pytest
from aggregator_plugins.action_network import ActionNetwork

from aggregator import LayoutChanged, NotThisPlatform, ResponseRecord, Status, UnsupportedURL
from aggregator.config import PlatformSettings

AN = ActionNetwork()
UUID = "7d2c41a8-3f5e-4b1c-9a0d-2e6f8b9c1d34"
API = f"https://actionnetwork.org/api/v2/petitions/{UUID}"
SLUG = "fund-free-school-meals"
PAGE = f"https://actionnetwork.org/petitions/{SLUG}"


def osdi(**fields) -> dict:
    data = {
        "identifiers": [f"action_network:{UUID}"],
        "origin_system": "Action Network",
        "title": "Protect the creek",
        "browser_url": "https://actionnetwork.org/petitions/protect-the-creek",
        "total_signatures": 5127,
        "action_network:hidden": False,
    }
    data.update(fields)
    return data


def record(body, *, url=API, status=200, final_url=None):
    raw = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
    return ResponseRecord(url, final_url or url, status, {}, raw, AN.external_id(url))


def page(inner: str) -> str:
    return (
        '<html><head><meta property="og:title" content="Fund free school meals">'
        '<link rel="stylesheet" href="https://actionnetwork.org/css/style-embed-v3.css"></head>'
        f'<body><div id="can_embed_form">{inner}</div></body></html>'
    )


# -- URL forms ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (PAGE, SLUG),
        (f"{PAGE}?source=direct_link&", SLUG),
        (f"{PAGE}/", SLUG),
        (f"{PAGE}/thankyou?referrer=group-x", SLUG),
        (f"https://www.actionnetwork.org/petitions/{SLUG}#sign", SLUG),
        (f"actionnetwork.org/petitions/{SLUG}", SLUG),
        (f"https://actionnetwork.org/widgets/v5/petition/{SLUG}?format=js&source=widget", SLUG),
        (
            "https://actionnetwork.org/petitions/d33bee9f647b75f213294b527aa82317d8725b09?source=direct_link&",
            "d33bee9f647b75f213294b527aa82317d8725b09",
        ),
        (API, f"api:{UUID}"),
        (f"https://actionnetwork.org/api/v2/petitions/{UUID.upper()}", f"api:{UUID}"),
        (f"{API}/signatures?page=2", f"api:{UUID}"),
    ],
)
def test_action_network_external_id_forms(url, expected):
    assert AN.external_id(url) == expected


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://actionnetwork.org/forms/join-us", "a form, not a petition"),
        ("https://actionnetwork.org/letters/write-your-senator", "letter"),
        ("https://actionnetwork.org/events/rally-at-city-hall", "event"),
        ("https://actionnetwork.org/groups/friends-of-the-creek", "group"),
        ("https://actionnetwork.org/api/v2/petitions", "with the petition's id"),
        ("https://actionnetwork.org/api/v2/petitions/not-a-uuid", "with the petition's id"),
        ("https://actionnetwork.org/", "petition page"),
        ("https://example.org/petitions/x", "actionnetwork.org"),
    ],
)
def test_action_network_refuses_other_pages(url, words):
    with pytest.raises(UnsupportedURL, match="action-network") as caught:
        AN.external_id(url)
    assert words in str(caught.value)


def test_action_network_canonical_urls_round_trip():
    assert AN.canonical_url(SLUG) == PAGE
    assert AN.canonical_url(f"api:{UUID}") == API
    for external_id in (SLUG, f"api:{UUID}"):
        assert AN.external_id(AN.canonical_url(external_id)) == external_id


def test_action_network_plan():
    assert AN.plan(SLUG, {}).url == PAGE
    step = AN.plan(f"api:{UUID}", {})
    assert step.url == API and step.purpose == "osdi" and step.headers["Accept"] == "application/hal+json"
    assert "OSDI-API-Token" not in step.headers  # the core adds it from the config, never the plugin


def test_action_network_token_comes_from_the_environment(monkeypatch):
    settings = PlatformSettings(headers_env={"OSDI-API-Token": "ACTION_NETWORK_TOKEN"})
    monkeypatch.setenv("ACTION_NETWORK_TOKEN", "secret-key")
    assert settings.request_headers() == {"OSDI-API-Token": "secret-key"}


def test_action_network_declares_no_status_states():
    assert {"open", "closed", "victory"} <= set(AN.states_not_applicable)
    assert "removed" not in AN.states_not_applicable


# -- the OSDI API -------------------------------------------------------------------------------


def test_action_network_api_record():
    result = AN.parse(record(osdi()))
    assert (result.supporters, result.status, result.raw_status) == (5127, Status.UNKNOWN, None)
    assert result.title == "Protect the creek" and result.method == "json-api" and result.goal is None


def test_action_network_api_hidden_is_removed_with_its_count():
    result = AN.parse(record(osdi(**{"action_network:hidden": True})))
    assert (result.supporters, result.status, result.raw_status) == (5127, Status.REMOVED, "hidden")
    assert not result.gone


def test_action_network_api_zero_is_a_count():
    assert AN.parse(record(osdi(total_signatures=0))).supporters == 0


def test_action_network_api_without_total_signatures():
    with pytest.raises(LayoutChanged, match="total_signatures"):
        AN.parse(record(osdi(total_signatures=None)))


def test_action_network_api_other_petition_or_not_osdi():
    with pytest.raises(NotThisPlatform, match="is not"):
        AN.parse(record(osdi(identifiers=["action_network:00000000-0000-4000-8000-000000000000"])))
    with pytest.raises(NotThisPlatform):
        AN.parse(record({"error": "API Key invalid or not present"}))
    with pytest.raises(NotThisPlatform):
        AN.parse(record("<html>login</html>"))


def test_action_network_api_collection_picks_ours():
    other = osdi(identifiers=["action_network:11111111-2222-4333-8444-555555555555"], total_signatures=9)
    body = {"total_records": 2, "_embedded": {"osdi:petitions": [other, osdi(total_signatures=77)]}}
    assert AN.parse(record(body)).supporters == 77
    with pytest.raises(NotThisPlatform, match="collection"):
        AN.parse(record({"_embedded": {"osdi:petitions": [other]}}))


@pytest.mark.parametrize("status", [404, 410])
def test_action_network_gone(status):
    for url in (API, PAGE):
        result = AN.parse(record("", url=url, status=status))
        assert result.status is Status.REMOVED and result.gone and result.raw_status == str(status)


def test_action_network_other_statuses_are_layout_changes():
    with pytest.raises(LayoutChanged, match="HTTP 400"):
        AN.parse(record("", status=400))


# -- the public page ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "count"),
    [
        ("2,318 Signatures Collected", 2318),
        ("2.318 Signatures Collected", 2318),
        ("2\u00a0318 Signatures Collected", 2318),
        ("<strong>41,006</strong> Signatures Collected", 41006),
        ("0 Signatures Collected", 0),
    ],
)
def test_action_network_running_total(total, count):
    result = AN.parse(record(page(f'<div class="action_status_running_total">{total}</div>'), url=PAGE))
    assert result.supporters == count and result.method == "css" and result.status is Status.UNKNOWN
    assert result.title == "Fund free school meals"


def test_action_network_page_goal_is_flagged_computed():
    inner = '<div class="action_status_running_total">2,318 Signatures Collected</div>'
    inner += '<div class="action_status_goal">Goal: 4,000</div>'
    result = AN.parse(record(page(inner), url=PAGE))
    assert result.goal == 4000 and result.goal_computed


def test_action_network_page_goal_is_never_the_count():
    with pytest.raises(LayoutChanged, match="running total"):
        AN.parse(record(page('<div class="action_status_goal">Goal: 4,000</div>'), url=PAGE))


def test_action_network_page_running_total_without_number():
    with pytest.raises(LayoutChanged, match="no number"):
        AN.parse(
            record(page('<div class="action_status_running_total">Signatures Collected</div>'), url=PAGE)
        )


def test_action_network_page_that_is_not_action_network():
    with pytest.raises(NotThisPlatform):
        AN.parse(record("<html><body><p>Elsewhere</p></body></html>", url=PAGE))


def test_action_network_redirect_home_is_removed():
    result = AN.parse(record(page(""), url=PAGE, final_url="https://actionnetwork.org/"))
    assert result.status is Status.REMOVED and result.gone
