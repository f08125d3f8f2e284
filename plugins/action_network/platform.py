"""Action Network petitions: public pages read from their running total, and the OSDI API with a token."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

from aggregator_plugins.page_text import social_title
from aggregator_plugins.page_urls import accepted_id
from aggregator_plugins.responses import GONE, decode, removed
from selectolax.lexbor import LexborHTMLParser

from aggregator import (
    DataSource,
    LayoutChanged,
    NotThisPlatform,
    ParseResult,
    Platform,
    Politeness,
    ResponseRecord,
    Status,
    Step,
    parse_count,
)

from .urls import (
    API_PREFIX,
    HOSTS,
    canonical_url,
    id_from_url,
    is_api_id,
    is_api_url,
    is_home_page,
)

#: the running total of a public page, as public scrapers read it ("1,234 Signatures Collected")
RUNNING_TOTAL = ".action_status_running_total"
_GOAL = ".action_status_goal"
_MARKERS = ("actionnetwork", "can_embed", "action_status")


def _matches(petition: Mapping[str, Any], uuid: str) -> bool:
    identifiers = petition.get("identifiers")
    if not isinstance(identifiers, list) or not identifiers:
        return True  # nothing to compare with
    return any(isinstance(i, str) and i.lower().endswith(":" + uuid) for i in identifiers)


class ActionNetwork(Platform):
    """Action Network petitions. A public page (`/petitions/<slug>`) is one request whose running
    total is the count; an API petition (`/api/v2/petitions/<id>`, a coalition's own) is one OSDI
    request, sent with the `OSDI-API-Token` header the config names (`headers_env`)."""

    name: ClassVar[str] = "action-network"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = HOSTS
    parser_version: ClassVar[str] = "1"
    min_interval: ClassVar[timedelta] = timedelta(minutes=15)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=4))
    #: the site gives no status: a live petition is `unknown`, a hidden or missing one `removed`
    states_not_applicable: ClassVar[tuple[str, ...]] = ("pending", "open", "closed", "victory", "rejected")
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "osdi-api",
            "/api/v2/petitions/<id> (HAL+JSON, header OSDI-API-Token): total_signatures, title, "
            "action_network:hidden, identifiers (OSDI petitions docs, parsons' Action Network connector)",
            "documented",
        ),
        DataSource(
            "running-total",
            f"public page /petitions/<slug>: {RUNNING_TOTAL} ('N Signatures Collected'), as public "
            "scrapers and embed customisations read it; og:title",
            "documented",
        ),
        DataSource("page-goal", f"public page: {_GOAL} (the progress bar's goal)", "inferred"),
        DataSource("http-status", "404/410, or a redirect to the home page: removed", "inferred"),
    )

    def external_id(self, url: str) -> str:
        """A page's slug, or `api:<uuid>` for an API petition (two different ids for one petition)."""
        return accepted_id(self, url, id_from_url)

    def canonical_url(self, external_id: str) -> str:
        return canonical_url(external_id)

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        if is_api_id(external_id):
            return Step(
                canonical_url(external_id), purpose="osdi", headers={"Accept": "application/hal+json"}
            )
        return Step(canonical_url(external_id), purpose="page")

    def parse(self, response: ResponseRecord) -> ParseResult:
        if response.status in GONE:
            return removed(str(response.status), method=None)
        if response.final_url != response.url and is_home_page(response.final_url):
            return removed("redirected to the home page", method=None)
        if not 200 <= response.status < 300:
            raise LayoutChanged(f"{response.url} answered HTTP {response.status}")
        if is_api_url(response.url):
            return self._api(response)
        return self._page(response)

    def _api(self, response: ResponseRecord) -> ParseResult:
        try:
            data = json.loads(decode(response))
        except ValueError:
            raise NotThisPlatform(f"{response.url} did not answer with OSDI JSON") from None
        uuid = response.external_id.removeprefix(API_PREFIX)
        petition = _pick(data, uuid)
        count = petition.get("total_signatures")
        if count is None or isinstance(count, bool):
            raise LayoutChanged(
                f"the OSDI petition at {response.url} has no total_signatures (keys: {sorted(petition)})"
            )
        hidden = petition.get("action_network:hidden") is True
        title = petition.get("title")
        return ParseResult(
            supporters=parse_count(count).value,
            status=Status.REMOVED if hidden else Status.UNKNOWN,
            raw_status="hidden" if hidden else None,
            title=title if isinstance(title, str) else None,
            method="json-api",
        )

    def _page(self, response: ResponseRecord) -> ParseResult:
        html = decode(response)
        tree = LexborHTMLParser(html)
        node = tree.css_first(RUNNING_TOTAL)
        if node is None:
            if not any(marker in html.lower() for marker in _MARKERS):
                raise NotThisPlatform(f"{response.final_url} is not an Action Network page")
            raise LayoutChanged(
                f"Action Network page {response.final_url} has no running total ({RUNNING_TOTAL}): the "
                "petition may hide its counter; an API URL with a token gives the count"
            )
        try:
            supporters = parse_count(node.text()).value
        except LayoutChanged:
            raise LayoutChanged(
                f"the running total of {response.final_url} holds no number: {node.text().strip()[:60]!r}"
            ) from None
        goal_node = tree.css_first(_GOAL)
        goal = None
        if goal_node is not None:
            try:
                goal = parse_count(goal_node.text()).value or None
            except LayoutChanged:
                goal = None
        return ParseResult(
            supporters=supporters,
            status=Status.UNKNOWN,
            title=social_title(tree, (".action_title", "h1", "h2", "title")),
            goal=goal,
            goal_computed=goal is not None,
            method="css",
        )


def _pick(data: Any, uuid: str) -> Mapping[str, Any]:
    """The petition out of a single resource or a collection (`_embedded.osdi:petitions`)."""
    if isinstance(data, dict):
        embedded = data.get("_embedded")
        items = embedded.get("osdi:petitions") if isinstance(embedded, dict) else None
        if isinstance(items, list) and "total_signatures" not in data:
            for item in items:
                if isinstance(item, dict) and _matches(item, uuid) and item.get("identifiers"):
                    return item
            raise NotThisPlatform(f"the OSDI collection does not hold petition {uuid}")
        if not ({"total_signatures", "identifiers", "title"} & set(data)):
            raise NotThisPlatform(
                "the JSON is not an OSDI petition (no total_signatures, identifiers, title)"
            )
        if not _matches(data, uuid):
            raise NotThisPlatform(f"the OSDI petition is not {uuid} (identifiers {data.get('identifiers')})")
        return data
    raise NotThisPlatform(f"an OSDI petition is an object, not {type(data).__name__}")
