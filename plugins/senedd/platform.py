"""Welsh Senedd petitions (petitions.senedd.wales, deisebau.senedd.cymru): URLs, plan and JSON parser."""

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
    OutcomeKind,
    ParseResult,
    Platform,
    Politeness,
    ResponseRecord,
    Status,
    Step,
)

from .attributes import (
    DEFAULT_DEBATE_THRESHOLD,
    DEFAULT_REFERRAL_THRESHOLD,
    REFERRAL_THRESHOLD,
    breakdowns,
    outcomes,
)

HOST = "petitions.senedd.wales"
WELSH_HOST = "deisebau.senedd.cymru"
BASE_URL = f"https://{HOST}"
#: the hosts before the 2020 rename (singular), kept so that old links are recognised
OLD_HOSTS = ("petition.senedd.wales", "deiseb.senedd.cymru")
ALL_HOSTS = (HOST, WELSH_HOST, *OLD_HOSTS)

#: /petitions/N (English) or /deisebau/N (Welsh), then .json, /count.json or /cyfrif.json, or the
#: signing form (/signatures/new, /llofnodion/newydd); either path works on either host
_PETITION_PATH = re.compile(
    r"^/(?:petitions|deisebau)/(\d{1,9})"
    r"(?:\.json|/(?:count|cyfrif)(?:\.json)?|/signatures/new|/llofnodion/newydd)?/*$",
    re.IGNORECASE,
)
_COUNT_PATH = re.compile(r"/(?:count|cyfrif)(?:\.json)?/*$", re.IGNORECASE)
#: where pending petitions redirect (English and Welsh slugs), even for .json requests
_MODERATION_PAGES = ("gathering-support", "moderation-info", "casglu-cefnogaeth", "cymedroli-gwybodaeth")

#: raw `state` words of the Senedd fork (`completed`: the committee finished considering it)
STATUS_MAP: dict[str, Status] = {
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


class Senedd(Platform):
    """petitions.senedd.wales: one JSON request per poll (`/petitions/{id}.json`)."""

    name: ClassVar[str] = "senedd"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = ALL_HOSTS + tuple(f"www.{h}" for h in ALL_HOSTS)
    parser_version: ClassVar[str] = "1"
    timezone: ClassVar[str] = "Europe/London"
    #: the software refreshes counts in batches (signature_count_interval, 60 s by default)
    min_interval: ClassVar[timedelta] = timedelta(minutes=5)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=2))
    states_not_applicable: ClassVar[tuple[str, ...]] = ("victory",)
    thresholds: ClassVar[Mapping[str, int]] = {
        REFERRAL_THRESHOLD: DEFAULT_REFERRAL_THRESHOLD,
        OutcomeKind.DEBATE_THRESHOLD.value: DEFAULT_DEBATE_THRESHOLD,
    }
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "petition-json",
            "/petitions/{id}.json: count (attributes.signature_count), state, title (action), "
            "per-petition threshold_for_referral/threshold_for_debate, outcome dates, per-country/"
            "region/constituency counts (SeneddCymru/e-petitions jbuilder view; no saved response)",
            "documented",
        ),
        DataSource(
            "count-json",
            "/petitions/{id}/count.json: signature_count and the two thresholds; no title or state",
            "documented",
        ),
        DataSource(
            "http-status",
            "404 for a hidden or missing petition (as in the UK code), 410 gone, a redirect to the "
            "home page, and to /gathering-support or /moderation-info while in moderation",
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
            f"a single petition, {BASE_URL}/petitions/NUMBER or https://{WELSH_HOST}/deisebau/NUMBER "
            "(also .json or /count.json); list, search, help and local pages are not petitions"
        )
        if parts.scheme.lower() not in ("http", "https") or _host(text) not in ALL_HOSTS:
            raise self.unsupported(url, expected)
        match = _PETITION_PATH.match(parts.path)
        if match is None:
            raise self.unsupported(url, expected)
        return str(int(match.group(1)))

    def canonical_url(self, external_id: str) -> str:
        return f"{BASE_URL}/petitions/{external_id}"

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        return Step(
            url=f"{BASE_URL}/petitions/{external_id}.json",
            purpose="petition",
            headers={"Accept": "application/json"},
        )

    # -- parsing ------------------------------------------------------------------------------

    def parse(self, response: ResponseRecord) -> ParseResult:
        effective = _effective_url(response)
        host, path = _host(effective), urlsplit(effective).path
        if response.status in (404, 410):
            # 404: hidden (offensive/libellous) or no such petition; 410: gone
            return ParseResult(
                status=Status.REMOVED, raw_status=str(response.status), gone=True, method="http-status"
            )
        if host and host not in ALL_HOSTS:
            raise NotThisPlatform(f"not a Senedd petition response: it came from {host!r} ({effective})")
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
        return self._parse_item(_petition_item(document, response.external_id))

    def _parse_item(self, item: Mapping[str, Any]) -> ParseResult:
        attributes = item["attributes"]
        supporters = attributes.get("signature_count")
        if isinstance(supporters, bool) or not isinstance(supporters, int | str):
            raise LayoutChanged(
                f"Senedd petition JSON without a numeric attributes.signature_count: {supporters!r} "
                f"(attributes: {', '.join(sorted(attributes))[:200]})"
            )
        raw_status = attributes.get("state")
        status = None
        if raw_status is not None:
            if not isinstance(raw_status, str):
                raise LayoutChanged(f"attributes.state is not a word: {raw_status!r}")
            raw_status = raw_status.strip().lower()
            status = STATUS_MAP.get(raw_status, Status.UNKNOWN)
        return ParseResult(
            supporters=supporters,
            status=status,
            raw_status=raw_status,
            title=clean_text(attributes.get("action")),
            # open petitions: the (possibly extended) deadline; closed ones: when it closed
            closes_at=when(attributes.get("closed_at"), self.timezone),
            outcomes=tuple(outcomes(attributes, raw_status, self.timezone)),
            breakdowns=tuple(breakdowns(attributes)),
            method="json-api",
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
            f"not Senedd petition JSON: the body is not JSON ({exc}); it starts {start!r}"
        ) from None
    if not isinstance(document, dict):
        raise NotThisPlatform(f"not Senedd petition JSON: expected an object, got {type(document).__name__}")
    return document


def _parse_count(document: Mapping[str, Any]) -> ParseResult:
    """`/petitions/{id}/count.json`: `{signature_count, threshold_for_referral, threshold_for_debate}`."""
    supporters = document.get("signature_count")
    if isinstance(supporters, bool) or not isinstance(supporters, int | str):
        keys = ", ".join(sorted(map(str, document)))[:200] or "none"
        raise LayoutChanged(f"count.json without a numeric signature_count (keys: {keys})")
    return ParseResult(supporters=supporters, method="count-json")


def _petition_item(document: Mapping[str, Any], external_id: str) -> Mapping[str, Any]:
    """The petition item from the `{"data": {...}}` envelope, a list page or a bare item."""
    data = document.get("data", document if "attributes" in document else None)
    if isinstance(data, list):
        matches = [d for d in data if isinstance(d, Mapping) and str(d.get("id")) == external_id]
        if not matches:
            raise NotThisPlatform(f"a Senedd list page without petition {external_id}; poll its own JSON")
        data = matches[0]
    if not isinstance(data, Mapping):
        keys = ", ".join(sorted(map(str, document)))[:120] or "none"
        raise NotThisPlatform(f"not Senedd petition JSON: no data or attributes (keys: {keys})")
    if data.get("type") not in (None, "petition"):
        raise NotThisPlatform(f"not Senedd petition JSON: item type is {data.get('type')!r}")
    if not isinstance(data.get("attributes"), Mapping):
        raise LayoutChanged("Senedd petition item without an attributes object")
    if "pe_number" in data:
        raise NotThisPlatform("this is a Scottish Parliament petition (it has a pe_number), not a Senedd one")
    item_id = data.get("id")
    if item_id is not None and str(item_id) != str(external_id):
        raise NotThisPlatform(f"the body is Senedd petition {item_id}, not {external_id}")
    return data
