"""German Bundestag e-petitions (epetitionen.bundestag.de): dated URLs and the HTML detail page."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

from aggregator_plugins.page_urls import host_of, http_url
from aggregator_plugins.responses import GONE, decode, removed

from aggregator import (
    DataSource,
    NotThisPlatform,
    Outcome,
    OutcomeKind,
    ParseResult,
    Platform,
    Politeness,
    ResponseRecord,
    Step,
)

from .page import ZONE, read_page

HOST = "epetitionen.bundestag.de"
BASE_URL = f"https://{HOST}"
#: public-hearing quorum since 1 July 2024: 30,000 signatures within six weeks (before: 50,000 in four)
QUORUM = 30_000
#: outcome kind for a petition the committee concluded (not in the core vocabulary yet)
CONCLUDED = "concluded"

#: /petitionen/_YYYY/_MM/_DD/Petition_N.nc.html and its variants (.$$$.a.u.html, .mitzeichnen.html);
#: the date is the publication date and part of every page URL; older links start with /content
_PETITION_PATH = re.compile(
    r"^(?:/content)?/petitionen/_(\d{4})/_(\d{2})/_(\d{2})/Petition_(\d{1,9})(?:\.[^/]*)?\.html$",
    re.IGNORECASE,
)
#: the external id: publication date and petition number, `2026-05-30/201716`
_ID = re.compile(r"^(\d{4})-(\d{2})-(\d{2})/(\d+)$")
_UNDATED = re.compile(r"Petition_\d+|petitionId=\d+", re.IGNORECASE)


def _host(url: str) -> str:
    return host_of(url).removeprefix("www.")


def split_id(external_id: str) -> tuple[date, str]:
    """The publication date and petition number of an external id."""
    match = _ID.match(external_id)
    if match is None:
        raise ValueError(f"not a bundestag external id (YYYY-MM-DD/NUMBER): {external_id!r}")
    year, month, day, number = match.groups()
    return date(int(year), int(month), int(day)), number


class Bundestag(Platform):
    """epetitionen.bundestag.de: no API; one request per poll for the server-rendered detail page."""

    name: ClassVar[str] = "bundestag"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = (HOST, f"www.{HOST}")
    parser_version: ClassVar[str] = "1"
    timezone: ClassVar[str] = ZONE
    min_interval: ClassVar[timedelta] = timedelta(minutes=30)
    #: a government site with a JS-driven, cookie-setting portal: one request at a time, well spaced
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=10))
    #: only admitted petitions are published; the site declares no success
    states_not_applicable: ClassVar[tuple[str, ...]] = ("victory", "pending", "rejected")
    thresholds: ClassVar[Mapping[str, int]] = {OutcomeKind.THRESHOLD.value: QUORUM}
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "mzanzahl",
            'detail page Petition_{n}.nc.html: <span class="mzanzahl">12.345</span> (German '
            "thousands dots), as public scrapers read it (2019-2026); no saved page",
            "documented",
        ),
        DataSource(
            "count-text",
            "detail page text 'Anzahl (der) Online-Mitzeichnungen 12.345' (a public scraper's regex)",
            "documented",
        ),
        DataSource(
            "status-phrases",
            "status from page phrases: 'in der Mitzeichnungsfrist' / 'noch N Tage' or a link to "
            "Petition_{n}.mitzeichnen.html (open); 'Mitzeichnungsfrist abgelaufen', 'in der "
            "parlamentarischen Prüfung', 'abgeschlossen' (closed); deadline 'Mitzeichnungsfrist: "
            "dd.mm.yyyy - dd.mm.yyyy'",
            "inferred",
        ),
        DataSource("http-status", "404/410, or a redirect away from the petition page: removed", "inferred"),
    )

    # -- URLs ---------------------------------------------------------------------------------

    def external_id(self, url: str) -> str:
        """`YYYY-MM-DD/NUMBER`: the publication date is part of every page URL, so it is part of the id."""
        text = http_url(url)
        expected = (
            f"a petition page, {BASE_URL}/petitionen/_YYYY/_MM/_DD/Petition_NUMBER.nc.html "
            "(the dated URL the site links to)"
        )
        if text is None or _host(text) != HOST:
            raise self.unsupported(url, expected)
        parts = urlsplit(text)
        match = _PETITION_PATH.match(parts.path)
        if match is None:
            if _UNDATED.search(parts.path + "?" + parts.query):
                expected += (
                    "; links without the publication date cannot be polled: open the petition and copy "
                    "its address"
                )
            raise self.unsupported(url, expected)
        year, month, day, number = match.groups()
        try:
            published = date(int(year), int(month), int(day))
        except ValueError:
            raise self.unsupported(url, expected) from None
        return f"{published.isoformat()}/{int(number)}"

    def canonical_url(self, external_id: str) -> str:
        published, number = split_id(external_id)
        return (
            f"{BASE_URL}/petitionen/_{published:%Y}/_{published:%m}/_{published:%d}/Petition_{number}.nc.html"
        )

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        return Step(
            self.canonical_url(external_id), purpose="page", headers={"Accept-Language": "de-DE,de;q=0.9"}
        )

    # -- parsing ------------------------------------------------------------------------------

    def parse(self, response: ResponseRecord) -> ParseResult:
        if response.status in GONE:
            return removed(str(response.status))
        final = response.final_url or response.url
        if _host(final) and _host(final) != HOST:
            raise NotThisPlatform(f"not a Bundestag e-petition page: it came from {_host(final)!r} ({final})")
        published, number = split_id(response.external_id)
        if f"Petition_{number}" not in urlsplit(final).path:
            # a withdrawn or deleted petition sends its visitors to the start page or an overview
            return removed("redirected away from the petition")
        html = decode(response)
        if "bundestag" not in html.lower():
            raise NotThisPlatform(f"{final} is not an epetitionen.bundestag.de page")
        reading = read_page(html, number)
        outcomes = [Outcome(OutcomeKind.OPENED.value, published)]
        if reading.concluded_on is not None:
            outcomes.append(Outcome(CONCLUDED, reading.concluded_on))
        return ParseResult(
            supporters=reading.supporters,
            status=reading.status,
            raw_status=reading.raw_status,
            title=reading.title,
            closes_at=reading.closes_at,
            outcomes=tuple(outcomes),
            method=reading.method,
        )
