"""ECI discovery: the register search walked by offset, each entry as (initiative URL, supporters, status)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from aggregator import AggregatorError, LayoutChanged, NotThisPlatform, ResponseRecord, Step

from . import register
from .platform import API_BASE, initiative_url

#: entries asked per search request (the path's second number is a count, the first an offset)
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
#: `--state` words → the search's category: ONGOING and ANSWERED are filters of the API (VERIFICATION
#: is answered with HTTP 400), ALL lists every registered initiative; REFUSED requests are never
#: registered, so there is nothing to follow
CATEGORIES: dict[str, str] = {"open": "ONGOING", "ongoing": "ONGOING", "answered": "ANSWERED", "all": "ALL"}
_SEARCH_PATH = re.compile(r"/core/api/register/search/([A-Z_]+)/([A-Z]{2})/(\d+)/(\d+)/*$", re.IGNORECASE)

Entry = tuple[str, int | None, str | None]
_ACCEPT = {"Accept": "application/json"}


def discovery_step(query: Mapping[str, str]) -> Step:
    """The first search request: `state` (open, answered or all; default open), optional `size`."""
    word = str(query.get("state") or "open").strip().lower()
    category = CATEGORIES.get(word)
    if category is None:
        choices = ", ".join(sorted(CATEGORIES))
        raise AggregatorError(f"the ECI register cannot list state {word!r}; choose one of: {choices}")
    size_text = str(query.get("size") or PAGE_SIZE).strip()
    if not size_text.isdigit() or not 1 <= int(size_text) <= MAX_PAGE_SIZE:
        raise AggregatorError(f"ECI search page size must be 1 to {MAX_PAGE_SIZE}, not {size_text!r}")
    return _step(category, "EN", 0, int(size_text))


def parse_listing(response: ResponseRecord) -> tuple[list[Entry], Step | None]:
    """The initiatives of one search answer and the step to the next offset, or None after the last."""
    path = urlsplit(response.final_url or response.url).path
    where = _SEARCH_PATH.search(path)
    if where is None:
        raise NotThisPlatform(f"not an ECI register search URL: {response.final_url or response.url}")
    if not 200 <= response.status < 300:
        raise LayoutChanged(f"the ECI register search answered HTTP {response.status} for {path}")
    try:
        document = json.loads(response.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise NotThisPlatform(f"the ECI register search answer is not JSON ({exc})") from None
    entries = document.get("entries") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise LayoutChanged("an ECI register search answer without an entries list")
    found = [item for item in (_entry(e) for e in entries) if item is not None]
    category, language = where.group(1).upper(), where.group(2).upper()
    offset, size = int(where.group(3)), int(where.group(4))
    total = document.get("recordsFound")
    following = offset + len(entries)
    more = size > 0 and len(entries) >= size and (not isinstance(total, int) or following < total)
    return found, _step(category, language, following, size) if more else None


def _entry(entry: Any) -> Entry | None:
    if not isinstance(entry, Mapping):
        return None
    external_id = register.registration_number(entry)
    if external_id is None:
        return None  # refused requests have no registration number to follow
    url = initiative_url(external_id)
    _, status, _ = register.status_of(entry.get("status"))
    supporters = entry.get("totalSupporters")
    if isinstance(supporters, str) and supporters.strip().isdigit():
        supporters = int(supporters)
    if isinstance(supporters, bool) or not isinstance(supporters, int) or supporters <= 0:
        supporters = None  # 0 is the register's "no figures published", never a count
    return url, supporters, status.value if status else None


def _step(category: str, language: str, offset: int, size: int) -> Step:
    return Step(f"{API_BASE}/search/{category}/{language}/{offset}/{size}", "listing", dict(_ACCEPT))
