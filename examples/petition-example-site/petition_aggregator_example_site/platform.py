"""petitions.example-site.org: the petition page gives an id, the count endpoint gives the numbers."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

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
    url_host,
)
from selectolax.lexbor import LexborHTMLParser

HOST = "petitions.example-site.org"
BASE = f"https://{HOST}"

#: /p/{slug} (also /p/{slug}/sign and /p/{slug}/share); the site's slugs always start with a letter
_PAGE_PATH = re.compile(r"^/p/([a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?:/sign|/share)?/*$", re.IGNORECASE)
#: /api/petitions/{id}/count.json, the endpoint the page's counter is filled from
_COUNT_PATH = re.compile(r"^/api/petitions/(\d+)/count\.json$")

#: the site's `state` words
STATUSES: dict[str, Status] = {
    "draft": Status.PENDING,
    "open": Status.OPEN,
    "closed": Status.CLOSED,
    "won": Status.VICTORY,
    "removed": Status.REMOVED,
}


class ExampleSite(Platform):
    """petitions.example-site.org: the page (id, title), then its count endpoint (count, state, goal)."""

    name: ClassVar[str] = "example-site"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = (HOST,)
    parser_version: ClassVar[str] = "1"
    timezone: ClassVar[str] = "Europe/Berlin"
    min_interval: ClassVar[timedelta] = timedelta(minutes=15)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=2))
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "page-data-attribute",
            "/p/{slug}: the petition id in data-petition-id, the title in h1.petition-title",
            "documented",
        ),
        DataSource(
            "count-json",
            "/api/petitions/{id}/count.json: signatures, state, goal, closes_on",
            "documented",
        ),
        DataSource("http-status", "HTTP 404 or 410 for a removed petition", "documented"),
    )

    # -- URLs ---------------------------------------------------------------------------------

    def external_id(self, url: str) -> str:
        """The page's slug, or the petition's number for a count endpoint URL."""
        text = url.strip() if "://" in url else "https://" + url.strip()
        if url_host(text).removeprefix("www.") in self.hosts:
            path = urlsplit(text).path
            page = _PAGE_PATH.match(path)
            if page:
                return page.group(1).lower()
            count = _COUNT_PATH.match(path)
            if count:
                return str(int(count.group(1)))
        raise self.unsupported(url, f"a petition page, {BASE}/p/SLUG")

    def canonical_url(self, external_id: str) -> str:
        if external_id.isdigit():
            return _count_url(external_id)
        return f"{BASE}/p/{external_id}"

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        if external_id.isdigit():
            # followed by its count endpoint: the numbers only, no title
            return Step(_count_url(external_id), purpose="count", headers={"Accept": "application/json"})
        return Step(self.canonical_url(external_id), purpose="page")

    # -- parsing ------------------------------------------------------------------------------

    def parse(self, response: ResponseRecord) -> ParseResult:
        count = _COUNT_PATH.match(urlsplit(response.url).path)
        if response.status in (404, 410):
            # the core marks the petition removed only when the next poll agrees
            return ParseResult(
                status=Status.REMOVED, raw_status=str(response.status), gone=True, method="http-status"
            )
        if not 200 <= response.status < 300:
            raise LayoutChanged(f"unexpected HTTP status {response.status} from {response.final_url}")
        if count:
            return _parse_count(response.body, count.group(1))
        return _parse_page(response.body)


def _count_url(petition_id: str) -> str:
    return f"{BASE}/api/petitions/{petition_id}/count.json"


def _parse_page(body: bytes) -> ParseResult:
    """Step 1: the page gives the petition's id (in a data attribute) and its title."""
    tree = LexborHTMLParser(body.decode("utf-8", "replace"))
    article = tree.css_first("[data-petition-id]")
    if article is None:
        generator = tree.css_first('meta[name="generator"]')
        if generator is not None and (generator.attributes.get("content") or "").startswith("example-site"):
            raise LayoutChanged("an example-site page without data-petition-id: the page layout changed")
        raise NotThisPlatform("not an example-site petition page: no data-petition-id")
    petition_id = (article.attributes.get("data-petition-id") or "").strip()
    if not petition_id.isdigit():
        raise LayoutChanged(f"example-site data-petition-id is {petition_id!r}, not a number")
    heading = tree.css_first("h1.petition-title")
    title = heading.text(strip=True) if heading is not None else None
    return ParseResult(
        title=title or None,
        method="css",
        next_step=Step(_count_url(petition_id), purpose="count", headers={"Accept": "application/json"}),
    )


def _parse_count(body: bytes, petition_id: str) -> ParseResult:
    """Step 2: the count endpoint gives the count, the state, the goal and the closing day."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise NotThisPlatform("not example-site count JSON: the body is not JSON") from None
    if not isinstance(document, dict) or "petition_id" not in document:
        raise NotThisPlatform("not example-site count JSON: no petition_id")
    if str(document["petition_id"]) != str(int(petition_id)):
        raise NotThisPlatform(f"the count of petition {document['petition_id']}, not {petition_id}")
    signatures = document.get("signatures")
    if not isinstance(signatures, int) or isinstance(signatures, bool):
        raise LayoutChanged(f"example-site count JSON without an integer signatures: {signatures!r}")
    raw = str(document.get("state") or "").strip().lower() or None
    goal = document.get("goal")
    return ParseResult(
        supporters=signatures,
        status=STATUSES.get(raw, Status.UNKNOWN) if raw else None,
        raw_status=raw,
        goal=goal if isinstance(goal, int) and not isinstance(goal, bool) and goal > 0 else None,
        closes_at=document.get("closes_on") or None,  # a day, read in Europe/Berlin
        method="json-api",
    )
