"""WeAct, Campact's petition platform (weact.campact.de, ControlShift software): JSON, then the page."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

from aggregator_plugins.page_urls import RejectedURL, accepted_id, split_url
from aggregator_plugins.responses import GONE, decode, removed

from aggregator import (
    DataSource,
    LayoutChanged,
    NotThisPlatform,
    Outcome,
    OutcomeKind,
    ParseResult,
    Platform,
    Politeness,
    ResponseRecord,
    Step,
)

from . import reading

HOST = "weact.campact.de"
AKTION_HOST = "aktion.campact.de"
BASE = f"https://{HOST}"
EXAMPLE = f"{BASE}/petitions/<slug>"
#: step purposes: the ControlShift JSON, the page after the JSON failed, the page alone
JSON, PAGE_AFTER_JSON, PAGE = "json", "page-after-json", "page"
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_NOT_PETITIONS = frozenset({"search", "new", "featured", "mine", "recent", "popular", "map"})
_OTHER_PAGES: dict[str, str] = {
    "categories": "a category page, which lists many petitions",
    "efforts": "an effort, which gathers many petitions",
    "s": "an information page",
    "users": "a user profile",
}
_JSON_HEADERS = {"Accept": "application/json"}


def slug_from_url(url: str) -> str:
    """The slug of `weact.campact.de/petitions/<slug>` (also `.json` and sub-pages) or of the Aktion
    template `aktion.campact.de/weact/<slug>/teilnehmen`; query and fragment dropped."""
    host, segments = split_url(url)
    if host == AKTION_HOST and len(segments) >= 2 and segments[0].lower() == "weact":
        slug = segments[1].lower()
    elif host == HOST and len(segments) >= 2 and segments[0].lower() == "petitions":
        slug = segments[1].lower().removesuffix(".json")
    elif host == HOST and segments and segments[0].lower() in _OTHER_PAGES:
        raise RejectedURL(f"a single petition such as {EXAMPLE}; this is {_OTHER_PAGES[segments[0].lower()]}")
    else:
        raise RejectedURL(f"a petition page such as {EXAMPLE}")
    if not _SLUG.fullmatch(slug) or slug in _NOT_PETITIONS:
        raise RejectedURL(f"a single petition such as {EXAMPLE}")
    return slug


def is_petition_url(url: str) -> bool:
    try:
        slug_from_url(url)
    except RejectedURL:
        return False
    return True


class WeAct(Platform):
    """weact.campact.de petitions. The ControlShift JSON `/petitions/<slug>.json` first; when it is
    not served, the petition page (`[data-signatures]`, "N von M Unterschriften"), and the plugin
    remembers to ask the page directly. Removed petitions redirect to the home page with 200."""

    name: ClassVar[str] = "weact"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = (HOST,)
    #: the Aktion template, where some petitions redirect; the rest of aktion.campact.de is Campact's own
    url_patterns: ClassVar[tuple[str, ...]] = (r"(?i)^(?:https?:)?//aktion\.campact\.de/weact/",)
    parser_version: ClassVar[str] = "1"
    timezone: ClassVar[str] = "Europe/Berlin"
    min_interval: ClassVar[timedelta] = timedelta(minutes=15)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=3))
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "controlshift-json",
            "/petitions/<slug>.json: signature_count (or signatures_count), goal, ended, successful, "
            "title, created_at; ControlShift's documented JSON (controlshift/slate), tried first by "
            "PetitionsManager weact_scraper.py; not seen in a saved WeAct response",
            "inferred",
        ),
        DataSource(
            "data-signatures",
            "the page's [data-signatures] counter, or its text '10.808 von 15.000 Unterschriften' "
            "(seen on WeAct cards by PetitionsManager; on the petition page itself inferred)",
            "inferred",
        ),
        DataSource(
            "http-status",
            "404/410, or a redirect to the home page with HTTP 200 (removed petitions; PetitionsManager)",
            "documented",
        ),
    )

    def external_id(self, url: str) -> str:
        """The petition slug (lower-case)."""
        return accepted_id(self, url, slug_from_url)

    def canonical_url(self, external_id: str) -> str:
        return f"{BASE}/petitions/{external_id}"

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        """The JSON, unless an earlier poll found it missing while the page answered."""
        if state.get("json") is False:
            return Step(self.canonical_url(external_id), purpose=PAGE)
        return Step(f"{self.canonical_url(external_id)}.json", purpose=JSON, headers=_JSON_HEADERS)

    def parse(self, response: ResponseRecord) -> ParseResult:
        json_step = response.purpose == JSON or urlsplit(response.url).path.endswith(".json")
        if json_step and response.status in GONE:
            # the route may not exist on WeAct, or the petition is gone: the page settles it
            return ParseResult(
                next_step=Step(self.canonical_url(response.external_id), purpose=PAGE_AFTER_JSON)
            )
        if response.status in GONE:
            return removed(str(response.status))
        if not is_petition_url(response.final_url):
            host = (urlsplit(response.final_url).hostname or "").lower()
            if host.endswith("campact.de"):
                return removed("redirected to the home page")
            raise NotThisPlatform(f"{response.url} ended at {response.final_url}, not on WeAct")
        text = decode(response)
        if json_step:
            found = reading.read_json(text)
            if found is None:
                return ParseResult(
                    next_step=Step(self.canonical_url(response.external_id), purpose=PAGE_AFTER_JSON)
                )
            return _result(found, None)
        if "campact" not in text.lower():
            raise NotThisPlatform(f"{response.final_url} did not answer with a WeAct page")
        found = reading.read_page(text)
        if found is None:
            raise LayoutChanged(
                f"WeAct page {response.final_url} has no count: looked for [data-signatures] and "
                "'N von M Unterschriften' (milestones 'N Unterschriften erreicht' are not counts)"
            )
        return _result(found, {"json": False} if response.purpose == PAGE_AFTER_JSON else None)


def _result(found: reading.Reading, state: Mapping[str, Any] | None) -> ParseResult:
    outcomes = (Outcome(OutcomeKind.OPENED.value, found.created_at),) if found.created_at else ()
    return ParseResult(
        supporters=found.supporters,
        status=found.status,
        raw_status=found.raw_status,
        title=found.title,
        goal=found.goal,
        outcomes=outcomes,
        method=found.method,
        state=state,
    )
