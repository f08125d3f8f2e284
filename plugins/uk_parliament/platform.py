"""UK Parliament petitions (petition.parliament.uk, alphagov/e-petitions): URLs, plan and JSON parser."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

from aggregator_plugins.epetitions import STATUSES, Site, breakdowns, clean_text, effective_url

from aggregator import (
    DataSource,
    LayoutChanged,
    Listing,
    NotThisPlatform,
    OutcomeKind,
    ParseResult,
    Platform,
    Politeness,
    ResponseRecord,
    Status,
    Step,
)

from .attributes import DEBATE_THRESHOLD, RESPONSE_THRESHOLD, closes_at, outcomes

HOST = "petition.parliament.uk"
BASE_URL = f"https://{HOST}"

_PETITION_TYPES = ("petition", "archived-petition")

#: raw `state` words (all of e-petitions' states; only open, closed and rejected are served as JSON)
STATUS_MAP: dict[str, Status] = {
    **STATUSES,
    "dormant": Status.PENDING,
    "removed": Status.REMOVED,
    "stopped": Status.REMOVED,
}
SITE = Site(
    name="UK Parliament",
    hosts=(HOST,),
    # /petitions/N, /petitions/N.json, /petitions/N/count.json, /petitions/N/signatures/new,
    # and the same under /archived/
    petition_path=re.compile(
        r"^/(?:archived/)?petitions/(\d+)(?:\.json|/count(?:\.json)?|/signatures/new)?/*$", re.IGNORECASE
    ),
    count_path=re.compile(r"/count(?:\.json)?/*$", re.IGNORECASE),
    moderation_pages=("gathering-support", "moderation-info"),
    status_field="state",
    statuses=STATUS_MAP,
    # a stopped petition redirects to the home page
    home_redirect="stopped",
)


class UKParliament(Platform):
    """petition.parliament.uk: one JSON request per poll (`/petitions/{id}.json`)."""

    name: ClassVar[str] = "uk-parliament"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = (HOST, f"www.{HOST}")
    parser_version: ClassVar[str] = "1"
    timezone: ClassVar[str] = "Europe/London"
    #: counts are refreshed in batches about once a minute (Cache-Control max-age=60)
    min_interval: ClassVar[timedelta] = timedelta(seconds=60)
    politeness: ClassVar[Politeness] = Politeness(concurrency=2, spacing=timedelta(seconds=1))
    states_not_applicable: ClassVar[tuple[str, ...]] = ("victory",)
    #: the platform's own milestones
    thresholds: ClassVar[Mapping[str, int]] = {
        OutcomeKind.RESPONSE_THRESHOLD.value: RESPONSE_THRESHOLD,
        OutcomeKind.DEBATE_THRESHOLD.value: DEBATE_THRESHOLD,
    }
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "petition-json",
            "/petitions/{id}.json: count (attributes.signature_count), state, title (action), "
            "outcome dates, per-country/region/constituency counts",
            "verified",
        ),
        DataSource(
            "archived-petition-json",
            "/archived/petitions/{id}.json: the same item with type archived-petition, served after "
            "a parliament is archived (/petitions/{id}.json redirects there)",
            "verified",
        ),
        DataSource(
            "count-json",
            "/petitions/{id}/count.json: signature_count and threshold/debate dates, no title or state",
            "documented",
        ),
        DataSource(
            "http-status",
            "404 for a hidden or missing petition, 410 for a removed one, a redirect to the home page "
            "for a stopped one, and to /gathering-support or /moderation-info while in moderation",
            "documented",
        ),
    )

    # -- URLs ---------------------------------------------------------------------------------

    def discovery(self, query: Mapping[str, str]) -> Step:
        """The first list page for `petitions discover` (see discovery.py)."""
        from .discovery import discovery_step  # discovery.py builds on this module

        return discovery_step(query)

    def parse_listing(self, response: ResponseRecord) -> Listing:
        """The petitions of one list page and the next page's step (see discovery.py)."""
        from .discovery import parse_listing

        return Listing.of(*parse_listing(response))

    def external_id(self, url: str) -> str:
        match = SITE.path_match(url)
        if match is None:
            raise self.unsupported(
                url,
                f"a single petition, {BASE_URL}/petitions/NUMBER (also .json, /count.json or "
                f"/archived/petitions/NUMBER); list, search and help pages are not petitions",
            )
        return str(int(match.group(1)))

    def canonical_url(self, external_id: str) -> str:
        return f"{BASE_URL}/petitions/{external_id}"

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        prefix = "/archived" if state.get("archived") else ""
        return Step(
            url=f"{BASE_URL}{prefix}/petitions/{external_id}.json",
            purpose="petition",
            headers={"Accept": "application/json"},
        )

    # -- parsing ------------------------------------------------------------------------------

    def parse(self, response: ResponseRecord) -> ParseResult:
        path = urlsplit(effective_url(response)).path
        archived = bool(response.state.get("archived")) or path.lower().startswith("/archived/")
        answer = SITE.answer(response)
        if answer is not None:
            # every answer keeps whether the petition is archived
            return replace(answer, state=_state(archived))
        document = _load_json(response.body)
        if SITE.wants_count(response, document):
            return _parse_count(document, archived)
        item = _petition_item(document, response.external_id)
        if item.get("type") == "archived-petition" or "/archived/" in str(_links_self(document, item)):
            archived = True
        return self._parse_item(item, archived)

    def _parse_item(self, item: Mapping[str, Any], archived: bool) -> ParseResult:
        attributes = item["attributes"]
        if "signature_count" not in attributes or attributes["signature_count"] is None:
            raise LayoutChanged(
                "UK Parliament petition JSON without attributes.signature_count "
                f"(attributes: {', '.join(sorted(attributes))[:200]})"
            )
        supporters = attributes["signature_count"]
        if isinstance(supporters, bool) or not isinstance(supporters, int | str):
            raise LayoutChanged(f"attributes.signature_count is not a number: {supporters!r}")

        status, raw_status = SITE.status(attributes)
        return ParseResult(
            supporters=supporters,
            status=status,
            raw_status=raw_status,
            title=clean_text(attributes.get("action")),
            closes_at=closes_at(attributes, self.timezone),
            outcomes=tuple(outcomes(item, attributes, raw_status, self.timezone)),
            breakdowns=tuple(breakdowns(attributes, "ons_code", falsy_key_is_missing=True)),
            method="json-api",
            state=_state(archived),
        )


# -- helpers ----------------------------------------------------------------------------------


def _state(archived: bool) -> dict[str, Any] | None:
    return {"archived": True} if archived else None


def _describe(body: bytes) -> str:
    text = body[:80].decode("utf-8", "replace").strip()
    return repr(text) if text else "an empty body"


def _load_json(body: bytes) -> Mapping[str, Any]:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise NotThisPlatform(
            f"not UK Parliament petition JSON: the body is not JSON ({exc}); it starts {_describe(body)}"
        ) from None
    if not isinstance(document, dict):
        raise NotThisPlatform(
            f"not UK Parliament petition JSON: expected an object, got {type(document).__name__}"
        )
    return document


def _parse_count(document: Mapping[str, Any], archived: bool) -> ParseResult:
    """`/petitions/{id}/count.json`: the count alone (no title, no state)."""
    supporters = document.get("signature_count")
    if supporters is None:
        raise LayoutChanged(
            f"count.json without signature_count (keys: {', '.join(sorted(document))[:200] or 'none'})"
        )
    if isinstance(supporters, bool) or not isinstance(supporters, int | str):
        raise LayoutChanged(f"count.json signature_count is not a number: {supporters!r}")
    return ParseResult(supporters=supporters, method="count-json", state=_state(archived))


def _petition_item(document: Mapping[str, Any], external_id: str) -> Mapping[str, Any]:
    """The petition item from the `{"links", "data": {...}}` envelope, a list page or a bare item."""
    if "data" in document:
        data = document["data"]
        if isinstance(data, list):
            # a list page (petitions.json): pick the petition out by its id
            matches = [d for d in data if isinstance(d, Mapping) and str(d.get("id")) == external_id]
            if not matches:
                raise NotThisPlatform(
                    f"a UK Parliament list page without petition {external_id}; poll its own JSON"
                )
            item = matches[0]
        elif isinstance(data, Mapping):
            item = data
        else:
            raise NotThisPlatform(f"not UK Parliament petition JSON: data is {type(data).__name__}")
    elif "attributes" in document:
        item = document  # a bare item, as third-party dumps store it (links inside, sorted keys)
    elif "signature_count" in document:
        raise NotThisPlatform(
            "not UK Parliament petition JSON: this looks like a count.json body, but the request was "
            "not for /petitions/{id}/count.json"
        )
    else:
        keys = ", ".join(sorted(map(str, document)))[:120] or "none"
        raise NotThisPlatform(f"not UK Parliament petition JSON: no data or attributes (keys: {keys})")

    kind = item.get("type")
    if kind is not None and kind not in _PETITION_TYPES:
        raise NotThisPlatform(f"not UK Parliament petition JSON: item type is {kind!r}")
    attributes = item.get("attributes")
    if not isinstance(attributes, Mapping):
        raise LayoutChanged(f"UK Parliament petition item without an attributes object: {attributes!r}"[:200])
    if kind is None and "action" not in attributes and "state" not in attributes:
        raise NotThisPlatform(
            "not UK Parliament petition JSON: no type, and attributes have neither action nor state"
        )
    item_id = item.get("id")
    if item_id is not None and external_id and str(item_id) != str(external_id):
        raise NotThisPlatform(f"the body is UK Parliament petition {item_id}, not {external_id}")
    return item


def _links_self(document: Mapping[str, Any], item: Mapping[str, Any]) -> str:
    for holder in (item, document):
        links = holder.get("links")
        if isinstance(links, Mapping) and isinstance(links.get("self"), str):
            return links["self"]
    return ""
