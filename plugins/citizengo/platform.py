"""The CitizenGO platform: petition pages keyed on their Drupal node id, read from the signit counter."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

from aggregator_plugins.page_text import meta
from aggregator_plugins.page_urls import accepted_id
from aggregator_plugins.responses import decode, gone
from selectolax.lexbor import LexborHTMLParser

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
from .urls import HOSTS, canonical_url, is_home_page, node_id


class CitizenGo(Platform):
    """CitizenGO petitions, keyed on the numeric node id. One request per poll: the node's page
    (`/en/node/<nid>`, which Drupal answers or redirects to the petition's alias). A body that
    shows the node only as a teaser (a home or list page) is read the same way, by its node id."""

    name: ClassVar[str] = "citizengo"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = HOSTS
    parser_version: ClassVar[str] = "1"
    min_interval: ClassVar[timedelta] = timedelta(minutes=30)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=5))
    #: no public page shows a petition before it collects or a refusal by moderators
    states_not_applicable: ClassVar[tuple[str, ...]] = ("pending", "rejected")
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "signit-counter",
            "article.node-<nid> .signit-signers .signatures-number ('158,913'); checked on the node "
            "teasers of the saved 2018 home page (../shared/corpus/citizengo), not on a petition page",
            "verified",
        ),
        DataSource(
            "signit-meter",
            ".signit-meter .meter-count .number ('&nbsp; 158,913') when the counter is missing; goal "
            "from .signit-meter .range .high ('200,000'); seen on the saved home page's teasers",
            "verified",
        ),
        DataSource("title", "the node's RDFa dc:title, its heading, og:title", "verified"),
        DataSource(
            "status-markup",
            "victory markup (class *victor*, as on the victories list), closed wording, a signit "
            "form or link (open); no saved petition page shows a status",
            "inferred",
        ),
        DataSource("http-status", "404/410, or a redirect to the home page: removed", "inferred"),
    )

    def external_id(self, url: str) -> str:
        """The node id (`157636` for `/en/157636-delete-abortion-...`)."""
        return accepted_id(self, url, node_id)

    def canonical_url(self, external_id: str) -> str:
        return canonical_url(external_id)

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        """The node's page, in English (the wording the status reader knows best)."""
        return Step(canonical_url(external_id), purpose="page", headers={"Accept-Language": "en;q=0.9"})

    def parse(self, response: ResponseRecord) -> ParseResult:
        """Count, goal, title and status of the node `external_id`, never another node's numbers
        and never the site-wide member counter."""
        removed = gone(response, is_home_page)
        if removed is not None:
            return removed
        html = decode(response)
        tree = LexborHTMLParser(html)
        if "citizengo" not in (meta(tree, "og:site_name") or "").lower() and "citizengo" not in html.lower():
            raise NotThisPlatform(f"{response.final_url} is not a CitizenGO page")
        nid = response.external_id
        area = page.scope(tree, nid)
        if area is None:
            raise LayoutChanged(
                f"CitizenGO page {response.final_url} shows no node {nid} (no article.node-{nid} and no "
                f"body.page-node-{nid}); its other counters belong to other petitions or the whole site"
            )
        supporters = self._count(area, response.final_url)
        goals = page.own(area, page.GOAL)
        status, raw = page.status(area)
        return ParseResult(
            supporters=supporters,
            status=status,
            raw_status=raw,
            title=page.title(tree, area),
            goal=parse_count(page.text(goals[0])).value if goals else None,
            method="css",
            flags=frozenset({"teaser"}) if area.teaser else frozenset(),
        )

    @staticmethod
    def _count(area: page.Scope, where: str) -> int:
        for selector in (page.COUNT, page.METER_NUMBER):
            found = page.own(area, selector)
            if found:
                return parse_count(page.text(found[0])).value
        raise LayoutChanged(
            f"CitizenGO node {area.nid} at {where} has no {page.COUNT} or {page.METER_NUMBER}; "
            f"the member counter {page.SITE_COUNTER} is never read as a petition count"
        )
