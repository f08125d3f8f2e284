"""Australian House of Representatives e-petitions (aph.gov.au): EN-number URLs and the petition page."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

from aggregator_plugins.page_urls import host_of, http_url
from aggregator_plugins.responses import GONE, decode, removed

from aggregator import (
    DataSource,
    NotThisPlatform,
    ParseResult,
    Platform,
    Politeness,
    ResponseRecord,
    Status,
    Step,
)

from .page import ZONE, read_page

HOSTS = ("www.aph.gov.au", "aph.gov.au")
BASE_URL = "https://www.aph.gov.au"

_PAGE_PATH = re.compile(r"^/e-petitions/petition/(EN\d{1,7})/*$", re.IGNORECASE)
_LIST_PATH = re.compile(r"^/petition_list/*$", re.IGNORECASE)
_NUMBER = re.compile(r"^EN(\d{1,7})$", re.IGNORECASE)


def _number_in(url: str) -> str | None:
    """`EN1234` from `/e-petitions/petition/EN1234` or the older `/petition_list?id=EN1234`."""
    parts = urlsplit(url)
    raw = None
    page = _PAGE_PATH.match(parts.path)
    if page:
        raw = page.group(1)
    elif _LIST_PATH.match(parts.path):
        raw = {k.lower(): v for k, v in parse_qsl(parts.query)}.get("id")
    match = _NUMBER.match(raw.strip()) if raw else None
    return f"EN{int(match.group(1))}" if match else None


class AustraliaHouse(Platform):
    """aph.gov.au e-petitions: one request per poll for the petition page (an Angular client)."""

    name: ClassVar[str] = "australia-house"
    api_version: ClassVar[int | None] = 1
    #: the rest of aph.gov.au is not petitions: claimed by pattern only
    url_patterns: ClassVar[tuple[str, ...]] = (
        r"(?i)^https?://(?:www\.)?aph\.gov\.au/(?:e-petitions/petition/|petition_list/?\?)",
    )
    parser_version: ClassVar[str] = "1"
    timezone: ClassVar[str] = ZONE
    #: petitions are open about four weeks; no signature threshold has an effect
    min_interval: ClassVar[timedelta] = timedelta(hours=1)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=5))
    states_not_applicable: ClassVar[tuple[str, ...]] = ("victory", "pending", "rejected")
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "page-state",
            "an object with PetitionNumber, PetitionTitle, SignatureCount, SignDeadline and a lifecycle "
            "status in the page's JSON script (Angular transfer state): the field names are the "
            "template bindings a 2020 committee report shows; the API path itself was not seen",
            "inferred",
        ),
        DataSource(
            "rendered-markup",
            "a 'Signatures' label and its value, or 'N signatures' text, in a rendered page; a "
            "lifecycle text in .petition-status; unrendered {{petition...}} bindings are refused",
            "inferred",
        ),
        DataSource("http-status", "404/410, or a redirect away from the petition page: removed", "inferred"),
    )

    # -- URLs ---------------------------------------------------------------------------------

    def external_id(self, url: str) -> str:
        """`EN1234`, from the petition page or the older list link."""
        text = http_url(url)
        number = _number_in(text) if text is not None and host_of(text) in HOSTS else None
        if number is None:
            raise self.unsupported(
                url,
                f"an e-petition page, {BASE_URL}/e-petitions/petition/EN1234 (or /petition_list?id=EN1234)",
            )
        return number

    def canonical_url(self, external_id: str) -> str:
        return f"{BASE_URL}/e-petitions/petition/{external_id}"

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        return Step(
            self.canonical_url(external_id), purpose="page", headers={"Accept-Language": "en-AU,en;q=0.8"}
        )

    # -- parsing ------------------------------------------------------------------------------

    def parse(self, response: ResponseRecord) -> ParseResult:
        if response.status in GONE:
            return removed(str(response.status))
        final = response.final_url or response.url
        host = host_of(final)
        if host and host not in HOSTS:
            raise NotThisPlatform(f"not an aph.gov.au e-petition response: it came from {host!r}")
        if _number_in(final) != response.external_id:
            # a withdrawn or unknown petition lands on the e-petitions list or the home page
            return removed("redirected away from the petition")
        reading = read_page(decode(response), response.external_id)
        return ParseResult(
            supporters=reading.supporters,
            status=reading.status or Status.UNKNOWN,
            raw_status=reading.raw_status,
            title=reading.title,
            closes_at=reading.closes_at,
            method=reading.method,
        )
