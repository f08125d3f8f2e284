"""Avaaz community petitions and campaigns: the id from the page, the count from the stats JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

from aggregator_plugins.page_text import value_count
from aggregator_plugins.page_urls import accepted_id
from aggregator_plugins.responses import GONE, decode

from aggregator import (
    DataSource,
    LayoutChanged,
    NotThisPlatform,
    Outcome,
    OutcomeKind,
    ParseResult,
    Platform,
    Politeness,
    ResponseRecord,
    Status,
    Step,
)

from . import page
from .urls import (
    CAMPAIGNS,
    HOSTS,
    id_from_url,
    left_the_page,
    page_url,
    split_id,
    stats_url,
)

#: counter.js's ladder: the goal shown is the first step above the count, then every 100,000
LADDER: tuple[int, ...] = (
    50, 100, 200, 300, 500, 750, 1_000, 2_000, 3_000, 5_000, 7_500, 10_000, 20_000, 30_000,
    50_000, 75_000, 100_000, 200_000, 300_000, 500_000, 1_000_000,
)  # fmt: skip
LADDER_STEP = 100_000
#: after this many polls answered by the stats JSON alone, the page is read again (title, removal)
PAGE_EVERY = 24
#: step purposes: the page, the stats JSON right after it, the stats JSON planned from kept state
PAGE, STATS_AFTER_PAGE, STATS = "page", "stats-after-page", "stats"
_JSON_HEADERS = {"Accept": "application/json"}


def ladder_goal(count: int) -> int:
    """The next step of Avaaz's counter ladder above `count` (seed 003: 1 -> 50)."""
    for step in LADDER:
        if count < step:
            return step
    return (count // LADDER_STEP + 1) * LADDER_STEP


class Avaaz(Platform):
    """secure.avaaz.org community petitions (`/community_petitions/<lang>/<slug>/`) and Avaaz's own
    campaigns (`/campaign/<lang>/<slug>/`). The page's counter is a placeholder ("1 have signed"):
    the count comes from `/stats/petition/<id>_stats.json` (`/stats/campaign/<id>_stats.json`),
    whose id is read from the page once and kept, so later polls ask the stats JSON directly."""

    name: ClassVar[str] = "avaaz"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = HOSTS
    parser_version: ClassVar[str] = "1"
    min_interval: ClassVar[timedelta] = timedelta(minutes=15)
    #: Cloudflare guards the site: one request at a time, well spaced
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=5))
    #: Avaaz shows no closed or won state on a petition; a removed one answers 404 or leaves the page
    states_not_applicable: ClassVar[tuple[str, ...]] = ("closed", "victory")
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "stats-json",
            "/stats/petition/<id>_stats.json (campaigns /stats/campaign/<id>_stats.json): signatures "
            "(or count), campaign target; used by PetitionsManager avaaz_scraper.py (2026)",
            "documented",
        ),
        DataSource(
            "page-petition-id",
            "inline JS `petitionId = N` of the petition page (campaigns: MCounter({campaign_id: N, "
            "text}), whose text tells donors from signers), createdAtTimestamp, h1/og:title; the "
            "page's own counter is a placeholder and never read",
            "documented",
        ),
        DataSource(
            "share-link-id",
            "the id in share links, utm_campaign=petition-<id>-<slug> (seen in a saved copy of "
            "seed 003's page)",
            "documented",
        ),
        DataSource(
            "ladder-goal",
            "the goal is the next step of counter.js's ladder above the count (50 ... 1M, then +100k)",
            "documented",
        ),
        DataSource(
            "http-status",
            "404/410, the 'This page is not valid' shell (HTTP 200, meta refresh) or a redirect away "
            "from the petition: removed",
            "documented",
        ),
    )

    def external_id(self, url: str) -> str:
        """`community_petitions/<lang>/<Slug>` or `campaign/<lang>/<slug>` (slug case kept)."""
        return accepted_id(self, url, id_from_url)

    def canonical_url(self, external_id: str) -> str:
        return page_url(external_id)

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        """The stats JSON when the id is known (the page again every `PAGE_EVERY` polls), else the page."""
        stats_id = state.get("stats_id")
        if stats_id and int(state.get("stats_polls") or 0) < PAGE_EVERY:
            section = split_id(external_id)[0]
            return Step(stats_url(section, str(stats_id)), purpose=STATS, headers=_JSON_HEADERS)
        return Step(page_url(external_id), purpose=PAGE)

    def parse(self, response: ResponseRecord) -> ParseResult:
        if response.purpose in (STATS, STATS_AFTER_PAGE) or "/stats/" in response.url:
            return self._stats(response)
        return self._page(response)

    # -- the page -----------------------------------------------------------------------------

    def _page(self, response: ResponseRecord) -> ParseResult:
        if response.status in GONE:
            return _removed(str(response.status))
        if left_the_page(response.url, response.final_url):
            return _removed("redirected away from the petition")
        html = decode(response)
        if page.is_invalid_shell(html, response.url):
            return _removed("This page is not valid")
        if not page.is_avaaz(html):
            raise NotThisPlatform(f"{response.final_url} did not answer with an Avaaz page")
        section, _, slug = split_id(response.external_id)
        campaign = section == CAMPAIGNS
        reading = page.read_page(html, campaign, slug)
        if reading.counts_donors:
            raise LayoutChanged(
                f"{response.final_url} is a donation campaign: its counter counts donors, not supporters"
            )
        if reading.stats_id is None:
            where = "MCounter({campaign_id: N})" if campaign else "`petitionId = N` or a share link's id"
            note = "; its counter shows the placeholder '1 have signed'" if reading.shows_placeholder else ""
            raise LayoutChanged(
                f"Avaaz page {response.final_url} has no {where} to ask the stats JSON with{note}"
            )
        outcomes = ()
        if reading.created_at is not None:
            outcomes = (Outcome(OutcomeKind.OPENED.value, reading.created_at),)
        return ParseResult(
            status=Status.OPEN,
            title=reading.title,
            outcomes=outcomes,
            method="embedded-state",
            flags=frozenset({"placeholder_ignored"}) if reading.shows_placeholder else frozenset(),
            state={"stats_id": reading.stats_id, "stats_polls": 0},
            next_step=Step(
                stats_url(section, reading.stats_id), purpose=STATS_AFTER_PAGE, headers=_JSON_HEADERS
            ),
        )

    # -- the stats JSON -----------------------------------------------------------------------

    def _stats(self, response: ResponseRecord) -> ParseResult:
        if response.status in GONE:
            if response.purpose == STATS:
                # the kept id may be stale: forget it and read the page, which settles the matter
                return ParseResult(
                    state={"stats_id": None, "stats_polls": 0},
                    next_step=Step(page_url(response.external_id), purpose=PAGE),
                )
            raise LayoutChanged(f"the page gives a petition id but {response.url} answers {response.status}")
        try:
            data = json.loads(decode(response))
        except ValueError:
            raise LayoutChanged(f"{response.url} did not answer JSON") from None
        if not isinstance(data, Mapping):
            raise LayoutChanged(f"{response.url} answered {type(data).__name__}, not a JSON object")
        count = value_count(data.get("signatures"))
        if count is None:
            count = value_count(data.get("count"))
        if count is None:
            raise LayoutChanged(f"{response.url} has no `signatures` or `count`: keys {sorted(data)[:12]}")
        target = value_count(data.get("target"))
        goal, computed = (target, False) if target else (ladder_goal(count), True)
        polls = int(response.state.get("stats_polls") or 0) + 1 if response.purpose == STATS else 0
        return ParseResult(
            supporters=count,
            goal=goal,
            goal_computed=computed,
            method="json-api",
            state={"stats_polls": polls},
        )


def _removed(raw: str) -> ParseResult:
    return ParseResult(
        status=Status.REMOVED, raw_status=raw, gone=True, method="http-status", state={"stats_id": None}
    )
