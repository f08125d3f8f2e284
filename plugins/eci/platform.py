"""The European Citizens' Initiative: initiative URLs, the register API's details and search answers."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

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

from . import register
from .register import SIGNATURE_THRESHOLD, ZONE, make_id, split_id

PUBLIC_HOST = "citizens-initiative.europa.eu"
REGISTER_HOST = "register.eci.ec.europa.eu"
#: the Commission's online collection system (`/044/public/`): its numbers are not register numbers
COLLECTION_HOST = "eci.ec.europa.eu"
API_BASE = f"https://{REGISTER_HOST}/core/api/register"

#: `.../initiatives/details/2019/000007_en` (public site; legacy `initiatives/ongoing/details/...`
#: on (ec.)europa.eu/citizens-initiative) and `.../register/details/2019/000007` (register API)
_DETAILS_PATH = re.compile(
    r"/(?:initiatives/(?:[a-z-]+/)?|register/)details/(\d{4})/(\d{1,6})(?:_[a-z]{2})?/*$", re.IGNORECASE
)
_OLD_PORTAL = re.compile(r"^(?:https?://)?(?:www\.)?(?:ec\.)?europa\.eu/citizens-initiative(?:[/?#]|$)", re.I)
_JSON_TYPES = ("json", "javascript")


class ECI(Platform):
    """citizens-initiative.europa.eu, read from the register API: one details request per poll."""

    name: ClassVar[str] = "eci"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = (PUBLIC_HOST, f"www.{PUBLIC_HOST}", REGISTER_HOST, COLLECTION_HOST)
    url_patterns: ClassVar[tuple[str, ...]] = (_OLD_PORTAL.pattern,)
    parser_version: ClassVar[str] = "1"
    timezone: ClassVar[str] = ZONE
    #: the register's figures carry a date, not a time, and organisers update them about daily at most
    min_interval: ClassVar[timedelta] = timedelta(hours=6)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=2))
    #: an answered initiative is `closed`: the register never declares success
    states_not_applicable: ClassVar[tuple[str, ...]] = ("victory",)
    thresholds: ClassVar[Mapping[str, int]] = {OutcomeKind.THRESHOLD.value: SIGNATURE_THRESHOLD}
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "register-search",
            "/core/api/register/search/{ALL|ONGOING|ANSWERED|REFUSED}/EN/{offset}/{size}: counters and "
            "entries[] {year, number, pubRegNum, status, title, totalSupporters, latestUpdateDate}",
            "verified",
        ),
        DataSource(
            "register-details",
            "/core/api/register/details/{year}/{number}: status, linguisticVersions[].title, "
            "submission|sosReport {totalSignatures, entry[] per country}, progress[], deadline, "
            "earlyClosureDate, answer.decisionDate",
            "documented",
        ),
        DataSource(
            "http-status",
            "404/410 for an unknown initiative, a redirect away from the API or an empty answer",
            "inferred",
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
        text = url.strip()
        if "://" not in text:
            text = "https://" + text
        parts = urlsplit(text)
        host = (parts.hostname or "").rstrip(".").lower().removeprefix("www.")
        expected = (
            f"an initiative page, https://{PUBLIC_HOST}/initiatives/details/YEAR/NUMBER_en, or its "
            f"register URL {API_BASE}/details/YEAR/NUMBER"
        )
        if parts.scheme.lower() not in ("http", "https"):
            raise self.unsupported(url, expected)
        if host == COLLECTION_HOST:
            raise self.unsupported(
                url,
                f"{expected}: the online collection system's pages (eci.ec.europa.eu/NNN/public) are "
                "numbered in their own series, not by registration number",
            )
        if host not in (PUBLIC_HOST, REGISTER_HOST) and not _OLD_PORTAL.match(text):
            raise self.unsupported(url, expected)
        # the path, or an old single-page app's route after '#'
        for where in (parts.path, parts.fragment.split("?", 1)[0]):
            match = _DETAILS_PATH.search(where)
            if match:
                year, number = int(match.group(1)), int(match.group(2))
                if year < 2012 or number < 1:
                    raise self.unsupported(url, f"{expected} (registrations start in 2012, numbers at 1)")
                return make_id(year, number)
        raise self.unsupported(url, f"{expected}; search, list and help pages are not initiatives")

    def canonical_url(self, external_id: str) -> str:
        return initiative_url(external_id)

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        year, number = split_id(external_id)
        return Step(f"{API_BASE}/details/{year}/{number}", "details", {"Accept": "application/json"})

    # -- parsing ------------------------------------------------------------------------------

    def parse(self, response: ResponseRecord) -> ParseResult:
        final = _effective_url(response)
        host = (urlsplit(final).hostname or "").rstrip(".").lower()
        if response.status in (404, 410):
            return _gone(str(response.status))
        if host not in (REGISTER_HOST, PUBLIC_HOST):
            raise NotThisPlatform(f"not an ECI register answer: it came from {host or 'nowhere'} ({final})")
        final_path = urlsplit(final).path
        if final_path != urlsplit(response.url).path and "/core/api/register/" not in final_path:
            # redirected away from the API (to the register's home page): the initiative is not served
            return _gone("redirected", method="redirect")
        if 300 <= response.status < 400:
            # a redirect the fetcher did not follow, to another register URL: follow it
            return ParseResult(next_step=Step(final, response.purpose, {"Accept": "application/json"}))
        if not 200 <= response.status < 300:
            raise LayoutChanged(f"unexpected HTTP status {response.status} from {final}; expected 200 or 404")
        if response.body.strip() in (b"", b"null"):
            return _gone("empty")
        document = _load_json(response)
        entries = document.get("entries")
        if isinstance(entries, list):
            return _from_search(entries, response.external_id)
        if "status" in document and ("linguisticVersions" in document or "progress" in document):
            return self._from_details(document, response.external_id)
        keys = ", ".join(sorted(map(str, document)))[:160] or "none"
        raise NotThisPlatform(f"not an ECI register details or search answer (keys: {keys})")

    def _from_details(self, details: Mapping[str, Any], external_id: str) -> ParseResult:
        number = register.registration_number(details)
        if number is not None and number != external_id:
            raise NotThisPlatform(f"the body is initiative {number}, not {external_id}")
        raw_status, status, flags = register.status_of(details.get("status"))
        found = register.count_block(details)
        supporters = breakdowns = None
        next_step = None
        if found is not None:
            key, block = found
            supporters = register.count_of(block.get("totalSignatures"), f"{key}.totalSignatures")
            breakdowns = tuple(register.breakdowns(block))
        if supporters is None and raw_status in register.COUNTED_STATUSES:
            # no figures in the details: the search answer lists the initiative's total
            next_step = _search_step(raw_status)
        elif supporters is None or register.is_zero(supporters):
            supporters = None
            flags.add("no_count_published")
        deadline = details.get("earlyClosureDate") or details.get("deadline")
        return ParseResult(
            supporters=supporters,
            status=status,
            raw_status=raw_status,
            title=register.title_of(details),
            closes_at=register.end_of_day(deadline),
            outcomes=tuple(register.outcomes(details, raw_status)),
            breakdowns=breakdowns or (),
            method="json-api",
            flags=frozenset(flags),
            state=_updated(details),
            next_step=next_step,
        )


# -- helpers ----------------------------------------------------------------------------------


def initiative_url(external_id: str) -> str:
    """The public page of an initiative, in English."""
    year, number = split_id(external_id)
    return f"https://{PUBLIC_HOST}/initiatives/details/{year}/{number}_en"


def _from_search(entries: list[Any], external_id: str) -> ParseResult:
    """A search answer: the entry whose year and number are the initiative's."""
    entry = next(
        (e for e in entries if isinstance(e, Mapping) and register.registration_number(e) == external_id),
        None,
    )
    if entry is None:
        raise NotThisPlatform(f"an ECI register search answer without initiative {external_id}")
    raw_status, status, flags = register.status_of(entry.get("status"))
    supporters = register.count_of(entry.get("totalSupporters"), "totalSupporters")
    if supporters is None or register.is_zero(supporters):
        supporters = None
        flags.add("no_count_published")
    return ParseResult(
        supporters=supporters,
        status=status,
        raw_status=raw_status,
        title=entry.get("title") if isinstance(entry.get("title"), str) else None,
        method="search-json",
        flags=frozenset(flags),
        state=_updated(entry),
    )


def _search_step(raw_status: str) -> Step:
    """The smallest search listing an initiative of this status (ONGOING and ANSWERED are filters)."""
    category = raw_status if raw_status in ("ONGOING", "ANSWERED") else "ALL"
    return Step(f"{API_BASE}/search/{category}/EN/0/0", "search", {"Accept": "application/json"})


def _updated(record: Mapping[str, Any]) -> dict[str, str] | None:
    """`latestUpdateDate` (Brussels time) kept as UTC ISO text in the petition's state."""
    when = register.local_time(record.get("latestUpdateDate"))
    return {"register_updated_at": when.isoformat().replace("+00:00", "Z")} if when else None


def _gone(raw_status: str, method: str = "http-status") -> ParseResult:
    return ParseResult(status=Status.REMOVED, raw_status=raw_status, gone=True, method=method)


def _effective_url(response: ResponseRecord) -> str:
    """The final URL, or the target of a redirect the fetcher handed over without following."""
    if 300 <= response.status < 400:
        location = response.header("location")
        if location:
            return urljoin(response.final_url or response.url, location)
    return response.final_url or response.url


def _load_json(response: ResponseRecord) -> Mapping[str, Any]:
    try:
        document = json.loads(response.body)
    except (ValueError, UnicodeDecodeError) as exc:
        kind = response.header("content-type") or "no content type"
        start = response.body[:60].decode("utf-8", "replace").strip()
        hint = " (the public initiative page is an app shell: the count is read from the register API)"
        html = not any(t in kind for t in _JSON_TYPES) and start.startswith("<")
        raise NotThisPlatform(
            f"not ECI register JSON ({exc}; {kind}); it starts {start!r}" + (hint if html else "")
        ) from None
    if not isinstance(document, dict):
        raise NotThisPlatform(f"not ECI register JSON: expected an object, got {type(document).__name__}")
    return document
