"""The Care2 / ThePetitionSite platform: the petition page, then the signatures.php count endpoint."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

from aggregator_plugins.page_urls import accepted_id
from aggregator_plugins.responses import decode, gone

from aggregator import (
    DataSource,
    LayoutChanged,
    NotThisPlatform,
    ParseResult,
    Platform,
    Politeness,
    ResponseRecord,
    Step,
)

from .page import endpoint_count, read_page
from .urls import HOSTS, count_url, is_count_url, is_home_page, page_url, petition_id

PAGE = "page"
#: the count step after a page that showed a count of its own (the endpoint may then be empty)
COUNT = "count"
#: the count step after a page that showed none: the endpoint is the only source
COUNT_ONLY = "count-only"
_JSON = {"Accept": "application/json, text/javascript, */*;q=0.1"}


class Care2(Platform):
    """Care2 petitions on www.thepetitionsite.com. Two requests per poll: the petition page (title,
    goal, status; a 404 ends the poll) and the count endpoint `signatures.php?petitionID=<id>`,
    whose `signature_count` is the count. Both are read every poll so that a status change is
    seen even when the count has stopped moving."""

    name: ClassVar[str] = "care2"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = HOSTS
    parser_version: ClassVar[str] = "1"
    min_interval: ClassVar[timedelta] = timedelta(hours=1)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=5))
    #: no public page shows a petition before it collects or a refusal by moderators
    states_not_applicable: ClassVar[tuple[str, ...]] = ("pending", "rejected")
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "signatures-json",
            "GET /servlets/petitions/signatures.php?petitionID=<9 digits> → JSON signature_count "
            "(plus the latest signatures); used by two unpublished scrapers",
            "documented",
        ),
        DataSource(
            "page-goal",
            'the page script\'s "goal":"N" (scrapers default to 1000 when absent; the plugin does not); '
            "flagged computed: Care2 shows the next step of a ladder",
            "documented",
        ),
        DataSource("page-title", "the page's h1 (as the scrapers read it), else og:title", "documented"),
        DataSource(
            "page-status",
            "'Victory!' or *victory* markup, closed wording, a signing form (open); no saved page",
            "inferred",
        ),
        DataSource(
            "page-count-text",
            "'N signatures' in the page text, used only when the endpoint gives no count",
            "inferred",
        ),
        DataSource("http-status", "404/410 of the page, or a redirect to the home page: removed", "inferred"),
    )

    def external_id(self, url: str) -> str:
        """The 9-digit petition id (`342050428` for `/342/050/428/save-the-owls/`)."""
        return accepted_id(self, url, petition_id)

    def canonical_url(self, external_id: str) -> str:
        return page_url(external_id)

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        """The petition page first; its parse asks for the count endpoint."""
        return Step(page_url(external_id), purpose=PAGE)

    def parse(self, response: ResponseRecord) -> ParseResult:
        if is_count_url(response.url):
            return self._count(response)
        return self._page(response)

    def _page(self, response: ResponseRecord) -> ParseResult:
        removed = gone(response, is_home_page)
        if removed is not None:
            return removed
        html = decode(response)
        if "thepetitionsite" not in html.lower() and "care2" not in html.lower():
            raise NotThisPlatform(f"{response.final_url} is not a ThePetitionSite (Care2) page")
        page = read_page(html)
        purpose = COUNT if page.shown_count is not None else COUNT_ONLY
        return ParseResult(
            supporters=page.shown_count,
            status=page.status,
            raw_status=page.raw_status,
            title=page.title,
            goal=page.goal,
            goal_computed=page.goal is not None,
            method="visible-text" if page.shown_count is not None else None,
            next_step=Step(count_url(response.external_id), purpose=purpose, headers=_JSON),
        )

    @staticmethod
    def _count(response: ResponseRecord) -> ParseResult:
        """The endpoint's count. A zero or an empty answer is never recorded: after a page that
        showed a count, that count stands (flagged); otherwise it is a changed layout."""
        strict = response.purpose != COUNT
        count = endpoint_count(response.body) if response.status == 200 else None
        if count:
            return ParseResult(supporters=count, method="json-api")
        answer = "0" if count == 0 else f"HTTP {response.status}" if response.status != 200 else "no count"
        if strict:
            raise LayoutChanged(
                f"the count endpoint {response.url} answered {answer} and the petition page shows no "
                "'N signatures' either; a zero from the endpoint is never recorded"
            )
        return ParseResult(flags=frozenset({"placeholder_ignored"} if count == 0 else {"endpoint_empty"}))
