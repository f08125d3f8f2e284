"""The MoveOn platform: petition pages at sign.moveon.org, with the legacy signature list as a fallback."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any, ClassVar

from aggregator_plugins.page_urls import RejectedURL, accepted_id
from aggregator_plugins.responses import GONE, decode, removed

from aggregator import (
    DataSource,
    LayoutChanged,
    NotThisPlatform,
    ParseResult,
    Platform,
    Politeness,
    ResponseRecord,
    Step,
    parse_count,
)

from . import page
from .urls import (
    CANONICAL_PREFIX,
    HOSTS,
    is_home_page,
    is_signatures_url,
    same_petition,
    signatures_url,
    slug_from_url,
)


class MoveOn(Platform):
    """MoveOn petitions. One request per poll, the petition page, read from its embedded state, its
    thermometer or its text. A page without a count that names its signature list (`list_id`) is
    completed by the legacy list JSON, whose `total_records` is the count."""

    name: ClassVar[str] = "moveon"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = HOSTS
    parser_version: ClassVar[str] = "1"
    min_interval: ClassVar[timedelta] = timedelta(minutes=30)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=5))
    states_not_applicable: ClassVar[tuple[str, ...]] = ("pending", "rejected")
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "preload-state",
            "window.preloadObjects['petitions/<slug>']: the API petition object (total_signatures, "
            "signature_goal, title, status, tags with outcome:victory), as MoveOn's open-source "
            "mop-frontend reads it",
            "documented",
        ),
        DataSource(
            "next-data",
            "__NEXT_DATA__ JSON holding the same petition object; not seen on sign.moveon.org",
            "inferred",
        ),
        DataSource(
            "thermometer-css",
            "mop-frontend's thermometer: .progress-current strong (count), .progress-goal strong (goal)",
            "documented",
        ),
        DataSource(
            "visible-text",
            "'N of M Signatures' (seen on category cards, platform notes), 'N signatures'; a 0 or 1 "
            "is refused as a placeholder",
            "documented",
        ),
        DataSource(
            "legacy-signatures-json",
            "petitions.moveon.org/api/v1/petitions/list<list_id>/signatures.json: total_records, when "
            "the page names its list (<meta property='list_id'>) but shows no count",
            "documented",
        ),
        DataSource("http-status", "404/410, or a redirect to a MoveOn home page: removed", "inferred"),
    )

    def external_id(self, url: str) -> str:
        """The petition's slug (share suffixes such as `.fb48` and query strings dropped)."""
        return accepted_id(self, url, slug_from_url)

    def canonical_url(self, external_id: str) -> str:
        return CANONICAL_PREFIX + external_id

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        return Step(self.canonical_url(external_id), purpose="page")

    def parse(self, response: ResponseRecord) -> ParseResult:
        if is_signatures_url(response.url):
            return self._signatures(response)
        if response.status in GONE:
            return removed(str(response.status), method=None)
        slug = response.external_id
        if response.final_url != response.url and not same_petition(response.final_url, response.external_id):
            if is_home_page(response.final_url):
                return removed("redirected to the home page", method=None)
            try:
                slug = slug_from_url(response.final_url)  # a renamed petition: its state has the new slug
            except RejectedURL:
                raise NotThisPlatform(
                    f"{response.url} redirected to {response.final_url}, not a MoveOn petition"
                ) from None
        if not 200 <= response.status < 300:
            raise LayoutChanged(f"the petition page {response.url} answered HTTP {response.status}")
        reading = page.read_page(decode(response), slug, response.final_url)
        list_id = reading.list_id or response.state.get("list_id")
        result = ParseResult(
            supporters=reading.supporters,
            status=reading.status,
            raw_status=reading.raw_status,
            title=reading.title,
            goal=reading.goal,
            goal_computed=reading.goal is not None,
            method=reading.method,
            state={"list_id": str(list_id)} if list_id else None,
        )
        if reading.supporters is not None:
            return result
        if not list_id:
            raise LayoutChanged(
                f"MoveOn page {response.final_url} has no readable count: looked for {page.LOOKED_FOR}"
            )
        return replace(result, next_step=Step(signatures_url(str(list_id)), purpose="signatures-json"))

    @staticmethod
    def _signatures(response: ResponseRecord) -> ParseResult:
        """The legacy signature list: only its `total_records` is read (never the signers)."""
        if not 200 <= response.status < 300:
            raise LayoutChanged(
                f"the page showed no count and its signature list {response.url} answered HTTP "
                f"{response.status}"
            )
        try:
            data = json.loads(decode(response))
        except ValueError:
            raise NotThisPlatform(f"{response.url} is not MoveOn's signature list JSON") from None
        total = data.get("total_records") if isinstance(data, dict) else None
        if total is None or isinstance(total, bool):
            raise LayoutChanged(f"the signature list {response.url} has no total_records")
        return ParseResult(supporters=parse_count(total).value, method="json-api")
