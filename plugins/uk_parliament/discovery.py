"""UK Parliament discovery: petitions.json walked by its own `links.next`, items as (URL, count, status)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from aggregator import AggregatorError, LayoutChanged, NotThisPlatform, ResponseRecord, Status, Step

from .platform import BASE_URL, HOST, STATUS_MAP

#: `state` facets of the current parliament's list (an unknown facet would silently list `all`)
FACETS = frozenset(
    {
        "all",
        "open",
        "recent",
        "closed",
        "rejected",
        "awaiting_response",
        "with_response",
        "awaiting_debate",
        "debated",
        "not_debated",
    }
)
#: list filters passed on as given besides `state`: a search text, a topic code, a page size (max 50)
PASSED_ON = ("q", "topic", "count")
_LIST_PATH = re.compile(r"^/(?:archived/)?petitions\.json$")

Entry = tuple[str, int | None, str | None]


def discovery_step(query: Mapping[str, str]) -> Step:
    """The first list page: `state` (a facet, default `open`), optional `q`, `topic` and `count`."""
    state = str(query.get("state") or "open").strip().lower()
    if state not in FACETS:
        choices = ", ".join(sorted(FACETS))
        raise AggregatorError(f"UK Parliament lists have no state {state!r}; choose one of: {choices}")
    params = {"state": state}
    params.update({key: str(query[key]) for key in PASSED_ON if query.get(key)})
    return Step(f"{BASE_URL}/petitions.json?{urlencode(params)}", "listing", {"Accept": "application/json"})


def parse_listing(response: ResponseRecord) -> tuple[list[Entry], Step | None]:
    """The petitions of one list page (canonical URL, signature_count, status) and the next page's step."""
    if not 200 <= response.status < 300:
        raise LayoutChanged(f"the UK Parliament list answered HTTP {response.status} for {response.url}")
    try:
        document = json.loads(response.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise NotThisPlatform(f"the UK Parliament list page is not JSON ({exc})") from None
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, list):
        raise LayoutChanged("a UK Parliament list page without a data list")
    items = [entry for entry in (_entry(item) for item in data) if entry is not None]
    links = document.get("links")
    following = links.get("next") if isinstance(links, Mapping) else None
    if not following:
        return items, None
    if not isinstance(following, str) or not _is_list_url(following):
        raise LayoutChanged(f"the UK Parliament list's next link is not a list page there: {following!r}")
    parts = urlsplit(following)
    following = parts._replace(scheme="https", netloc=HOST).geturl()
    return items, Step(following, "listing", {"Accept": "application/json"})


def _entry(item: Any) -> Entry | None:
    if not isinstance(item, Mapping) or not str(item.get("id") or "").isdigit():
        return None
    attributes = item.get("attributes")
    attributes = attributes if isinstance(attributes, Mapping) else {}
    count = attributes.get("signature_count")
    supporters = count if isinstance(count, int) and not isinstance(count, bool) and count >= 0 else None
    state = attributes.get("state")
    status = STATUS_MAP.get(state.strip().lower(), Status.UNKNOWN) if isinstance(state, str) else None
    return f"{BASE_URL}/petitions/{int(item['id'])}", supporters, status.value if status else None


def _is_list_url(url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    return parts.scheme in ("http", "https") and host == HOST and bool(_LIST_PATH.match(parts.path))
