"""House of Commons of Canada e-petitions (ourcommons.ca): URL forms, plan and the details page."""

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
    OutcomeKind,
    ParseResult,
    Platform,
    Politeness,
    ResponseRecord,
    Status,
    Step,
)

from .details import read_details
from .export import looks_like_export, read_export
from .statuses import ZONE

CANONICAL_HOST = "www.ourcommons.ca"
#: hosts that serve only petitions; on www.ourcommons.ca / www.noscommunes.ca only /petitions/ is ours
PETITION_HOSTS = ("petitions.ourcommons.ca", "petitions.noscommunes.ca", "petitions.parl.gc.ca")
SITE_HOSTS = ("www.ourcommons.ca", "ourcommons.ca", "www.noscommunes.ca", "noscommunes.ca")
#: signatures needed for the petition to be certified and presented to the House
CERTIFICATION_THRESHOLD = 500

_E_NUMBER = re.compile(r"^e-?(\d{1,6})$", re.IGNORECASE)
_PAPER_NUMBER = re.compile(r"^\d{3}-\d{3,6}$")
#: the petition part of a path: [/petitions]/{en|fr}/Petition/{Details|Sign}[/e-N]
_PATH = re.compile(r"^(?:/petitions)?/(?:en|fr)/petition/(details|sign)(?:/([^/]+))?/*$", re.IGNORECASE)


def _number_in(url: str) -> str | None:
    """The raw petition number of a details or signing URL, or None."""
    parts = urlsplit(url)
    host = host_of(url)
    path = parts.path
    if host in SITE_HOSTS and not path.lower().startswith("/petitions/"):
        return None
    if host in PETITION_HOSTS and path.lower().startswith("/petitions/"):
        path = path[len("/petitions") :]
    match = _PATH.match(path)
    if match is None:
        return None
    if match.group(2):
        return match.group(2)
    query = {key.lower(): value for key, value in parse_qsl(parts.query)}
    return query.get("petition")


def _e_number(raw: str | None) -> str | None:
    """`e-4904` from `e-4904`, `E-4904` or `e4904`; None for anything else (paper petitions)."""
    match = _E_NUMBER.match(raw.strip()) if raw else None
    return f"e-{int(match.group(1))}" if match else None


class CanadaCommons(Platform):
    """ourcommons.ca e-petitions: one request per poll for the HTML details page."""

    name: ClassVar[str] = "canada-commons"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = PETITION_HOSTS
    url_patterns: ClassVar[tuple[str, ...]] = (
        r"(?i)^https?://(?:www\.)?(?:ourcommons|noscommunes)\.ca/petitions/",
    )
    parser_version: ClassVar[str] = "1"
    timezone: ClassVar[str] = ZONE
    #: petitions run 30 to 120 days and need 500 signatures: hourly is plenty
    min_interval: ClassVar[timedelta] = timedelta(hours=1)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=5))
    #: unpublished petitions are not public; the House declares no success
    states_not_applicable: ClassVar[tuple[str, ...]] = ("victory", "pending", "rejected")
    thresholds: ClassVar[Mapping[str, int]] = {OutcomeKind.THRESHOLD.value: CERTIFICATION_THRESHOLD}
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "details-page",
            "/petitions/en/Petition/Details?Petition=e-N: count from a labelled 'Signatures' field, a "
            "signature-count element or 'N signatures' text; status from a 'Status' field; dated "
            "stages; markup not seen in any saved page",
            "inferred",
        ),
        DataSource(
            "export-xml",
            "Petition/Search?...&output=xml: <Petition SignatureCount=... Title=...> with StatusName and "
            "dated children (third-party parsers, saved export pages); read when handed one, never "
            "requested: reported behind reCAPTCHA in 2026",
            "documented",
        ),
        DataSource("http-status", "404/410, or a redirect away from the details page: removed", "inferred"),
    )

    # -- URLs ---------------------------------------------------------------------------------

    def external_id(self, url: str) -> str:
        """`e-NNNN`, the same for the English and French pages and the signing form."""
        text = http_url(url)
        expected = (
            f"an e-petition page, https://{CANONICAL_HOST}/petitions/en/Petition/Details?Petition=e-1234 "
            "(or its French page, petitions.ourcommons.ca, or /Petition/Sign/e-1234)"
        )
        if text is None or host_of(text) not in PETITION_HOSTS + SITE_HOSTS:
            raise self.unsupported(url, expected)
        raw = _number_in(text)
        if raw is None:
            raise self.unsupported(url, expected)
        number = _e_number(raw)
        if number is None:
            if _PAPER_NUMBER.match(raw.strip()):
                expected += "; paper petitions (such as 451-00231) have no online signature count"
            raise self.unsupported(url, expected)
        return number

    def canonical_url(self, external_id: str) -> str:
        return f"https://{CANONICAL_HOST}/petitions/en/Petition/Details?Petition={external_id}"

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        return Step(
            self.canonical_url(external_id), purpose="page", headers={"Accept-Language": "en-CA,en;q=0.8"}
        )

    # -- parsing ------------------------------------------------------------------------------

    def parse(self, response: ResponseRecord) -> ParseResult:
        if response.status in GONE:
            return removed(str(response.status))
        final = response.final_url or response.url
        host = host_of(final)
        if host and host not in PETITION_HOSTS + SITE_HOSTS:
            raise NotThisPlatform(f"not a House of Commons petition response: it came from {host!r}")
        if looks_like_export(response.body):
            export = read_export(response.body, response.external_id)
            return ParseResult(
                supporters=export.supporters,
                status=export.status,
                raw_status=export.raw_status,
                title=export.title,
                closes_at=export.closes_at,
                outcomes=export.outcomes,
                breakdowns=export.breakdowns,
                method="xml-export",
            )
        if _e_number(_number_in(final)) != response.external_id:
            # an unknown or withdrawn petition sends visitors to the search or home page
            return removed("redirected away from the petition")
        reading = read_details(decode(response), response.external_id)
        return ParseResult(
            supporters=reading.supporters,
            status=reading.status or Status.UNKNOWN,
            raw_status=reading.raw_status,
            title=reading.title,
            closes_at=reading.closes_at,
            outcomes=reading.outcomes,
            method=reading.method,
        )
