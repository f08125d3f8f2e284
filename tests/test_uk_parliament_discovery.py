"""UK Parliament discovery: the petitions.json list, its `links.next` pagination and its items."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aggregator_plugins.uk_parliament.discovery import discovery_step, parse_listing

from aggregator.errors import AggregatorError, LayoutChanged, NotThisPlatform
from aggregator.records import ResponseRecord

BASE = "https://petition.parliament.uk"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
LIST_SAMPLE = CORPUS / "uk-parliament" / "list-open-page1-2015-09-09-unboxed.json"


def item(pid, count, state="open", kind="petition"):
    return {
        "type": kind,
        "id": pid,
        "links": {"self": f"{BASE}/petitions/{pid}.json"},
        "attributes": {"action": f"Petition {pid}", "state": state, "signature_count": count},
    }


def page(*items, following=None):
    return {
        "links": {
            "self": f"{BASE}/petitions.json?state=open",
            "first": f"{BASE}/petitions.json?state=open",
            "last": f"{BASE}/petitions.json?page=3&state=open",
            "next": following,
            "prev": None,
        },
        "data": list(items),
    }


def listing(body, url=f"{BASE}/petitions.json?state=open", status=200):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return parse_listing(ResponseRecord(url, url, status, {}, raw, "", purpose="listing"))


def test_discovery_step_asks_the_list_json():
    step = discovery_step({"state": "open"})
    assert step.url == f"{BASE}/petitions.json?state=open"
    assert step.headers["Accept"] == "application/json"
    assert discovery_step({}).url == step.url
    assert discovery_step({"state": "Debated", "q": "river pollution", "count": "50"}).url == (
        f"{BASE}/petitions.json?state=debated&q=river+pollution&count=50"
    )


@pytest.mark.parametrize("state", ["pending", "everything", "hidden"])
def test_discovery_step_refuses_unknown_facets(state):
    with pytest.raises(AggregatorError, match="awaiting_response"):
        discovery_step({"state": state})


def test_items_and_next_link():
    raw = json.dumps(page(item(700001, 120345), item(700002, 99), following="X")).replace(
        '"X"', f'"{BASE}/petitions.json?page=2\\u0026state=open"'
    )
    items, following = listing(raw.encode())
    assert items == [(f"{BASE}/petitions/700001", 120345, "open"), (f"{BASE}/petitions/700002", 99, "open")]
    assert following.url == f"{BASE}/petitions.json?page=2&state=open"


def test_last_page_has_no_next_step():
    items, following = listing(page(item(700003, 5, "closed")))
    assert items == [(f"{BASE}/petitions/700003", 5, "closed")] and following is None


def test_item_statuses_and_odd_items():
    body = page(
        item(10001, 1, "rejected", kind="archived-petition"),
        item(700004, None),
        item(700005, True),
        item(700006, 12, "mystery"),
        {"type": "petition", "id": "abc"},
        "junk",
    )
    items, _ = listing(body)
    assert items == [
        (f"{BASE}/petitions/10001", 1, "rejected"),
        (f"{BASE}/petitions/700004", None, "open"),
        (f"{BASE}/petitions/700005", None, "open"),
        (f"{BASE}/petitions/700006", 12, "unknown"),
    ]


def test_next_link_off_the_site_is_refused_and_http_is_upgraded():
    with pytest.raises(LayoutChanged):
        listing(page(item(1, 1), following="https://example.org/petitions.json?page=2"))
    _, following = listing(page(item(1, 1), following="http://petition.parliament.uk/petitions.json?page=2"))
    assert following.url == f"{BASE}/petitions.json?page=2"


def test_bad_bodies():
    with pytest.raises(NotThisPlatform):
        listing(b"<html></html>")
    with pytest.raises(LayoutChanged):
        listing({"data": {"type": "petition"}})
    with pytest.raises(LayoutChanged):
        listing(page(), status=500)


@pytest.mark.skipif(not LIST_SAMPLE.is_file(), reason="../shared/corpus not available")
def test_real_list_page():
    items, following = listing(LIST_SAMPLE.read_bytes())
    assert len(items) == 50
    assert items[0] == (f"{BASE}/petitions/105991", 433450, "open")
    assert following.url == f"{BASE}/petitions.json?page=2&state=open"
