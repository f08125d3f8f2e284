"""The e-petitions software (UK Parliament, and its Senedd and Scottish forks): responses, JSON, outcomes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from aggregator_plugins.page_urls import host_of, http_url

from aggregator import (
    Breakdown,
    LayoutChanged,
    NotThisPlatform,
    Outcome,
    OutcomeKind,
    ParseResult,
    ResponseRecord,
    Status,
    Step,
    to_utc,
)

_JSON = {"Accept": "application/json"}
#: outcome kind the core vocabulary has no word for (a free string, stored as it is)
REFERRAL_THRESHOLD = "referral_threshold_reached"
#: the software's own `state` words (each site adds its own: `completed`, `stopped`...)
STATUSES: Mapping[str, Status] = {
    "open": Status.OPEN,
    "closed": Status.CLOSED,
    "rejected": Status.REJECTED,
    "hidden": Status.REMOVED,
    "pending": Status.PENDING,
    "validated": Status.PENDING,
    "sponsored": Status.PENDING,
    "flagged": Status.PENDING,
}


def when(value: Any, zone: str) -> datetime | None:
    """A UTC datetime from an API timestamp (UTC) or date (a local day); None if unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return to_utc(value, zone)
    except LayoutChanged:
        return None


def clean_text(value: Any) -> str | None:
    """Whitespace (including trailing CR/LF) collapsed; None for missing or empty text."""
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def fact(kind: str, value: Any, zone: str, **details: Any) -> Outcome | None:
    """An outcome of `kind` at the moment `value` names, without empty details; None when it names none."""
    moment = when(value, zone)
    if moment is None:
        return None
    return Outcome(kind, moment, {k: v for k, v in details.items() if v not in (None, "")})


def rejection(attributes: Mapping[str, Any], zone: str) -> Outcome | None:
    """The rejection at `rejected_at`, with the code and details of the `rejection` block."""
    block = attributes.get("rejection")
    block = block if isinstance(block, Mapping) else {}
    return fact(
        OutcomeKind.REJECTED.value,
        attributes.get("rejected_at"),
        zone,
        code=block.get("code"),
        details=clean_text(block.get("details")),
    )


def fork_outcomes(
    attributes: Mapping[str, Any],
    raw_status: str | None,
    zone: str,
    *,
    opened_at: Any,
    referral_threshold: int | None = None,
    debate_threshold: int | None = None,
    closed_states: tuple[str, ...] = ("closed",),
) -> list[Outcome]:
    """The dated facts of a fork's item: moderation, opening, referral and debate thresholds (with the
    number when the site has one), referral, debate, closing (for `closed_states`) and rejection."""
    found: list[Outcome | None] = [
        fact(OutcomeKind.MODERATION_THRESHOLD.value, attributes.get("moderation_threshold_reached_at"), zone),
        fact(OutcomeKind.OPENED.value, opened_at, zone),
        fact(
            REFERRAL_THRESHOLD,
            attributes.get("referral_threshold_reached_at"),
            zone,
            threshold=referral_threshold,
        ),
        fact(OutcomeKind.REFERRED.value, attributes.get("referred_at"), zone),
        fact(
            OutcomeKind.DEBATE_THRESHOLD.value,
            attributes.get("debate_threshold_reached_at"),
            zone,
            threshold=debate_threshold,
        ),
        fact(
            OutcomeKind.DEBATE_SCHEDULED.value,
            attributes.get("scheduled_debate_date"),
            zone,
            debate_date=attributes.get("scheduled_debate_date"),
        ),
    ]
    debate = attributes.get("debate")
    if isinstance(debate, Mapping) and debate.get("debated_on"):
        found.append(
            fact(
                OutcomeKind.DEBATED.value,
                debate.get("debated_on"),
                zone,
                transcript_url=debate.get("transcript_url"),
                video_url=debate.get("video_url"),
                overview=clean_text(debate.get("overview")),
            )
        )
    if raw_status in closed_states:
        found.append(fact(OutcomeKind.CLOSED.value, attributes.get("closed_at"), zone))
    if raw_status == "rejected":
        found.append(rejection(attributes, zone))
    return [outcome for outcome in found if outcome is not None]


def breakdowns(
    attributes: Mapping[str, Any], area_key: str, *, falsy_key_is_missing: bool = False
) -> Iterator[Breakdown]:
    """Country rows keyed by `code`, region and constituency rows by `area_key`; a row without its key
    (`falsy_key_is_missing`: also one whose key is 0 or false) is keyed by its name. Never summed
    into the total."""
    for field, kind, key_name in (
        ("signatures_by_country", "country", "code"),
        ("signatures_by_region", "region", area_key),
        ("signatures_by_constituency", "constituency", area_key),
    ):
        rows = attributes.get(field)
        if not isinstance(rows, list):
            continue
        for row in rows:
            if not isinstance(row, Mapping):
                continue
            count = row.get("signature_count")
            if isinstance(count, bool) or not isinstance(count, int):
                continue
            name = clean_text(row.get("name")) or ""
            key = row.get(key_name)
            key = name if key in (None, "") or (falsy_key_is_missing and not key) else str(key)
            if key:
                yield Breakdown(kind=kind, key=key, name=name, count=count)


def effective_url(response: ResponseRecord) -> str:
    """The final URL, or the target of a redirect the fetcher handed over without following."""
    if 300 <= response.status < 400:
        location = response.header("location")
        if location:
            return urljoin(response.final_url or response.url, location)
    return response.final_url or response.url


@dataclass(frozen=True, slots=True)
class Site:
    """One site running the e-petitions software: its name, hosts and the paths of its petitions."""

    #: as messages name it ("UK Parliament")
    name: str
    #: without `www.`
    hosts: tuple[str, ...]
    #: a petition page, its JSON, count or signing form
    petition_path: re.Pattern[str]
    count_path: re.Pattern[str]
    #: where petitions in moderation redirect, even for .json requests
    moderation_pages: tuple[str, ...]
    #: the item's status word: `state`, or a fork's derived `status`
    status_field: str
    statuses: Mapping[str, Status]
    #: the raw status of a petition redirected to the home page
    home_redirect: str = "redirected to the home page"

    def path_match(self, url: str) -> re.Match[str] | None:
        """The `petition_path` match of a pasted http(s) URL on one of the hosts, or None."""
        text = http_url(url)
        if text is None or host_of(text).removeprefix("www.") not in self.hosts:
            return None
        return self.petition_path.match(urlsplit(text).path)

    def answer(self, response: ResponseRecord) -> ParseResult | None:
        """What a response says before any JSON is read: gone (404, 410, a home-page redirect), in
        moderation, a redirect to follow; None for a 2xx answer. Raises for another host or status."""
        effective = effective_url(response)
        host, path = host_of(effective).removeprefix("www."), urlsplit(effective).path
        if response.status in (404, 410):
            # 404: hidden (offensive/libellous) or no such petition; 410: removed. The core records
            # `removed` once the failure repeats.
            return ParseResult(
                status=Status.REMOVED, raw_status=str(response.status), gone=True, method="http-status"
            )
        if host and host not in self.hosts:
            raise NotThisPlatform(f"not a {self.name} petition response: it came from {host!r} ({effective})")
        last_segment = path.rstrip("/").rsplit("/", 1)[-1].lower()
        if last_segment in self.moderation_pages:
            # gathering sponsors or awaiting moderation: even .json requests redirect to an HTML page
            return ParseResult(status=Status.PENDING, raw_status=last_segment, method="redirect")
        if path.strip("/") == "" and urlsplit(response.url).path.strip("/") != "":
            return ParseResult(
                status=Status.REMOVED, raw_status=self.home_redirect, gone=True, method="redirect"
            )
        if 300 <= response.status < 400 and self.petition_path.match(path):
            # a redirect the fetcher did not follow: follow it
            return ParseResult(next_step=Step(effective, response.purpose, _JSON))
        if not 200 <= response.status < 300:
            raise LayoutChanged(
                f"unexpected HTTP status {response.status} from {effective}; expected 200, 404 or 410"
            )
        return None

    def wants_count(self, response: ResponseRecord, document: Mapping[str, Any]) -> bool:
        """Whether the body is a bare count.json answer (asked for, and without an item)."""
        paths = (urlsplit(response.url).path, urlsplit(effective_url(response)).path)
        asked = response.purpose == "count" or any(self.count_path.search(path) for path in paths)
        return asked and "data" not in document and "attributes" not in document

    def load_json(self, body: bytes) -> Mapping[str, Any]:
        """The JSON object of a body; `NotThisPlatform` for anything else."""
        try:
            document = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            start = body[:60].decode("utf-8", "replace").strip()
            raise NotThisPlatform(
                f"not {self.name} petition JSON: the body is not JSON ({exc}); it starts {start!r}"
            ) from None
        if not isinstance(document, dict):
            raise NotThisPlatform(
                f"not {self.name} petition JSON: expected an object, got {type(document).__name__}"
            )
        return document

    def item(
        self,
        document: Mapping[str, Any],
        external_id: str,
        number_of: Callable[[Mapping[str, Any]], str | None],
    ) -> Mapping[str, Any]:
        """The petition item of a fork's `{"data": {...}}` envelope, bare item or list page (where
        `number_of` picks it out)."""
        data = document.get("data", document if "attributes" in document else None)
        if isinstance(data, list):
            matches = [d for d in data if isinstance(d, Mapping) and number_of(d) == external_id]
            if not matches:
                raise NotThisPlatform(
                    f"a {self.name} list page without petition {external_id}; poll its own JSON"
                )
            data = matches[0]
        if not isinstance(data, Mapping):
            keys = ", ".join(sorted(map(str, document)))[:120] or "none"
            raise NotThisPlatform(f"not {self.name} petition JSON: no data or attributes (keys: {keys})")
        if data.get("type") not in (None, "petition"):
            raise NotThisPlatform(f"not {self.name} petition JSON: item type is {data.get('type')!r}")
        if not isinstance(data.get("attributes"), Mapping):
            raise LayoutChanged(f"{self.name} petition item without an attributes object")
        return data

    def signature_count(self, attributes: Mapping[str, Any]) -> int | str:
        """A fork item's `signature_count`; `LayoutChanged` when it is not a number."""
        supporters = attributes.get("signature_count")
        if isinstance(supporters, bool) or not isinstance(supporters, int | str):
            raise LayoutChanged(
                f"{self.name} petition JSON without a numeric attributes.signature_count: {supporters!r} "
                f"(attributes: {', '.join(sorted(attributes))[:200]})"
            )
        return supporters

    def status(self, attributes: Mapping[str, Any]) -> tuple[Status | None, str | None]:
        """The status and raw word of the item's `status_field` (None, None when it has none)."""
        raw_status = attributes.get(self.status_field)
        if raw_status is None:
            return None, None
        if not isinstance(raw_status, str):
            raise LayoutChanged(f"attributes.{self.status_field} is not a word: {raw_status!r}")
        raw_status = raw_status.strip().lower()
        return self.statuses.get(raw_status, Status.UNKNOWN), raw_status


def count_only(document: Mapping[str, Any]) -> ParseResult:
    """A fork's `/petitions/{id}/count.json`: `{signature_count, ...thresholds}`, the count alone."""
    supporters = document.get("signature_count")
    if isinstance(supporters, bool) or not isinstance(supporters, int | str):
        keys = ", ".join(sorted(map(str, document)))[:200] or "none"
        raise LayoutChanged(f"count.json without a numeric signature_count (keys: {keys})")
    return ParseResult(supporters=supporters, method="count-json")
