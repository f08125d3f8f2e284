"""Scottish Parliament petitions (petitions.parliament.scot): PE-number URLs, plan and JSON parser."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from aggregator_plugins.uk_parliament.attributes import clean_text, when

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
)

from .attributes import breakdowns, outcomes

HOST = "petitions.parliament.scot"
GAELIC_HOST = "athchuingean.parlamaid-alba.scot"
BASE_URL = f"https://{HOST}"
ALL_HOSTS = (HOST, GAELIC_HOST)

#: /petitions/PE1234 (English) or /athchuingean/PE1234 (Gaelic), then .json, /count(.json) or
#: /cunnt(.json), or the signing and sponsoring forms; PP numbers are unpublished drafts
_PETITION_PATH = re.compile(
    r"^/(?:petitions|athchuingean)/(PE|PP)(\d{1,11})"
    r"(?:\.json|/(?:count|cunnt)(?:\.json)?|/[a-z-]+/(?:new|ur))?/*$",
    re.IGNORECASE,
)
_COUNT_PATH = re.compile(r"/(?:count|cunnt)(?:\.json)?/*$", re.IGNORECASE)
_MODERATION_PAGES = ("gathering-support", "moderation-info")
_ID = re.compile(r"^(PE|PP)(\d+)$")

#: the derived `status` the JSON carries (not the internal `state`): an open, collecting petition is
#: `under_consideration`; closed and completed are both `closed`; hidden reads `rejected`
STATUS_MAP: dict[str, Status] = {
    "under_consideration": Status.OPEN,
    "open": Status.OPEN,
    "closed": Status.CLOSED,
    "completed": Status.CLOSED,
    "rejected": Status.REJECTED,
    "hidden": Status.REMOVED,
    "pending": Status.PENDING,
    "validated": Status.PENDING,
    "sponsored": Status.PENDING,
    "flagged": Status.PENDING,
}


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").rstrip(".").lower().removeprefix("www.")


def petition_number(prefix: str, digits: str) -> str:
    """`PE` or `PP` and the number with at least four digits, as the site writes it (`PE%04d`)."""
    return f"{prefix.upper()}{int(digits):04d}"


class ScottishParliament(Platform):
    """petitions.parliament.scot: one JSON request per poll (`/petitions/PE{nnnn}.json`)."""

    name: ClassVar[str] = "scottish-parliament"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = ALL_HOSTS + tuple(f"www.{h}" for h in ALL_HOSTS)
    parser_version: ClassVar[str] = "1"
    timezone: ClassVar[str] = "Europe/London"
    #: every admissible petition is considered whatever its count: counts are informational
    min_interval: ClassVar[timedelta] = timedelta(minutes=30)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=2))
    states_not_applicable: ClassVar[tuple[str, ...]] = ("victory",)
    #: none: the referral (50) and debate (5,000) code defaults are switched off on the live site
    #: (`disable_thresholds_and_debates`); when the JSON shows them they are recorded as outcomes
    thresholds: ClassVar[Mapping[str, int]] = {}
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "petition-json",
            "/petitions/PE{nnnn}.json: count (attributes.signature_count; 0 is real for petitions "
            "published without collecting signatures), status, title, dates, breakdowns "
            "(ScottishParliament/e-petitions jbuilder view and Petition#status; no saved response)",
            "documented",
        ),
        DataSource(
            "count-json",
            "/petitions/PE{nnnn}/count.json: signature_count (route in the fork; view not read)",
            "inferred",
        ),
        DataSource(
            "http-status",
            "404 for a missing or hidden petition, 410 (Site::PetitionRemoved) for one hidden after "
            "opening, redirects to the home page or a moderation page",
            "inferred",
        ),
    )

    # -- URLs ---------------------------------------------------------------------------------

    def external_id(self, url: str) -> str:
        text = url.strip()
        if "://" not in text:
            text = "https://" + text
        parts = urlsplit(text)
        expected = (
            f"a single petition, {BASE_URL}/petitions/PE1234 (also .json or /count.json, or "
            f"https://{GAELIC_HOST}/athchuingean/PE1234); list, search and help pages are not petitions"
        )
        if parts.scheme.lower() not in ("http", "https") or _host(text) not in ALL_HOSTS:
            raise self.unsupported(url, expected)
        match = _PETITION_PATH.match(parts.path)
        if match is None:
            raise self.unsupported(url, expected)
        return petition_number(match.group(1), match.group(2))

    def canonical_url(self, external_id: str) -> str:
        return f"{BASE_URL}/petitions/{external_id}"

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        """The petition JSON; a draft followed by its PP number is asked for by the PE number it got
        when published, once a response told us (state `pe_number`)."""
        number = external_id
        published = state.get("pe_number")
        if external_id.startswith("PP") and isinstance(published, str) and _ID.match(published):
            number = published
        return Step(
            url=f"{BASE_URL}/petitions/{number}.json",
            purpose="petition",
            headers={"Accept": "application/json"},
        )

    # -- parsing ------------------------------------------------------------------------------

    def parse(self, response: ResponseRecord) -> ParseResult:
        effective = _effective_url(response)
        host, path = _host(effective), urlsplit(effective).path
        if response.status in (404, 410):
            return ParseResult(
                status=Status.REMOVED, raw_status=str(response.status), gone=True, method="http-status"
            )
        if host and host not in ALL_HOSTS:
            raise NotThisPlatform(
                f"not a Scottish Parliament petition response: it came from {host!r} ({effective})"
            )
        last_segment = path.rstrip("/").rsplit("/", 1)[-1].lower()
        if last_segment in _MODERATION_PAGES:
            return ParseResult(status=Status.PENDING, raw_status=last_segment, method="redirect")
        if path.strip("/") == "" and urlsplit(response.url).path.strip("/") != "":
            return ParseResult(
                status=Status.REMOVED, raw_status="redirected to the home page", gone=True, method="redirect"
            )
        if 300 <= response.status < 400 and _PETITION_PATH.match(path):
            return ParseResult(next_step=Step(effective, response.purpose, {"Accept": "application/json"}))
        if not 200 <= response.status < 300:
            raise LayoutChanged(
                f"unexpected HTTP status {response.status} from {effective}; expected 200, 404 or 410"
            )
        document = _load_json(response.body)
        wants_count = response.purpose == "count" or bool(
            _COUNT_PATH.search(urlsplit(response.url).path) or _COUNT_PATH.search(path)
        )
        if wants_count and "data" not in document and "attributes" not in document:
            return _parse_count(document)
        item, number = _petition_item(document, response.external_id)
        return self._parse_item(item, number, response.external_id)

    def _parse_item(self, item: Mapping[str, Any], number: str | None, external_id: str) -> ParseResult:
        attributes = item["attributes"]
        supporters = attributes.get("signature_count")
        if isinstance(supporters, bool) or not isinstance(supporters, int | str):
            raise LayoutChanged(
                "Scottish Parliament petition JSON without a numeric attributes.signature_count: "
                f"{supporters!r} (attributes: {', '.join(sorted(attributes))[:200]})"
            )
        raw_status = attributes.get("status")
        status = None
        if raw_status is not None:
            if not isinstance(raw_status, str):
                raise LayoutChanged(f"attributes.status is not a word: {raw_status!r}")
            raw_status = raw_status.strip().lower()
            status = STATUS_MAP.get(raw_status, Status.UNKNOWN)
        state = None
        if number and number != external_id and number.startswith("PE"):
            state = {"pe_number": number}  # a draft we followed by its PP number is now published
        return ParseResult(
            # 0 is a real count here: a petition published without collecting signatures reports 0
            supporters=supporters,
            status=status,
            raw_status=raw_status,
            title=clean_text(attributes.get("title")),
            # `closed_at` is the completion time; the JSON has no signing deadline
            closes_at=when(attributes.get("closed_at"), self.timezone),
            outcomes=tuple(outcomes(attributes, raw_status, self.timezone)),
            breakdowns=tuple(breakdowns(attributes)),
            method="json-api",
            state=state,
        )


# -- helpers ----------------------------------------------------------------------------------


def _effective_url(response: ResponseRecord) -> str:
    """The final URL, or the target of a redirect the fetcher handed over without following."""
    if 300 <= response.status < 400:
        location = response.header("location")
        if location:
            return urljoin(response.final_url or response.url, location)
    return response.final_url or response.url


def _load_json(body: bytes) -> Mapping[str, Any]:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        start = body[:60].decode("utf-8", "replace").strip()
        raise NotThisPlatform(
            f"not Scottish Parliament petition JSON: the body is not JSON ({exc}); it starts {start!r}"
        ) from None
    if not isinstance(document, dict):
        raise NotThisPlatform(
            f"not Scottish Parliament petition JSON: expected an object, got {type(document).__name__}"
        )
    return document


def _parse_count(document: Mapping[str, Any]) -> ParseResult:
    supporters = document.get("signature_count")
    if isinstance(supporters, bool) or not isinstance(supporters, int | str):
        keys = ", ".join(sorted(map(str, document)))[:200] or "none"
        raise LayoutChanged(f"count.json without a numeric signature_count (keys: {keys})")
    return ParseResult(supporters=supporters, method="count-json")


def _number(item: Mapping[str, Any]) -> str | None:
    raw = item.get("pe_number")
    match = _ID.match(str(raw).strip().upper()) if raw not in (None, "") else None
    return petition_number(match.group(1), match.group(2)) if match else None


def _petition_item(document: Mapping[str, Any], external_id: str) -> tuple[Mapping[str, Any], str | None]:
    """The petition item (envelope, bare item or list page) and its normalised PE/PP number."""
    data = document.get("data", document if "attributes" in document else None)
    if isinstance(data, list):
        matches = [d for d in data if isinstance(d, Mapping) and _number(d) == external_id]
        if not matches:
            raise NotThisPlatform(
                f"a Scottish Parliament list page without petition {external_id}; poll its own JSON"
            )
        data = matches[0]
    if not isinstance(data, Mapping):
        keys = ", ".join(sorted(map(str, document)))[:120] or "none"
        raise NotThisPlatform(f"not Scottish Parliament petition JSON: no data or attributes (keys: {keys})")
    if data.get("type") not in (None, "petition"):
        raise NotThisPlatform(f"not Scottish Parliament petition JSON: item type is {data.get('type')!r}")
    if not isinstance(data.get("attributes"), Mapping):
        raise LayoutChanged("Scottish Parliament petition item without an attributes object")
    number = _number(data)
    if number is None and "id" in data:
        raise NotThisPlatform("this item has a numeric id and no pe_number: a UK or Senedd petition")
    # a draft (PP) answers with its PE number once published; a PE petition must be itself
    if number and external_id.startswith("PE") and number != external_id:
        raise NotThisPlatform(f"the body is Scottish Parliament petition {number}, not {external_id}")
    return data, number
