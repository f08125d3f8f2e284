"""Eko (ex-SumOfUs) action pages at actions.eko.org/a/<slug>: legacy Champaign and new Next.js."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

from aggregator_plugins.page_urls import host_of, split_url, with_scheme
from aggregator_plugins.responses import GONE, decode, removed
from selectolax.lexbor import LexborHTMLParser

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

from . import templates

LEGACY_HOST = "actions.eko.org"
NEW_HOST = "action.eko.org"
ACTION_HOSTS: tuple[str, ...] = (LEGACY_HOST, NEW_HOST, "actions.sumofus.org")
#: eko.org itself is claimed only to say which address to paste instead of its campaign lists
HOSTS: tuple[str, ...] = (*ACTION_HOSTS, "eko.org", "www.eko.org")
EXAMPLE = f"https://{LEGACY_HOST}/a/<slug>"
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_MARKERS = ("eko.org", "ekō", "sumofus", "champaign")


def slug_or_none(url: str) -> str | None:
    """The action slug of `/a/<slug>` on an action host (`//a/` of Eko's redirects tolerated)."""
    host, segments = split_url(url)
    if host not in ACTION_HOSTS:
        return None
    if len(segments) >= 2 and segments[0] == "a" and _SLUG.fullmatch(segments[1]):
        return segments[1]
    return None


class Eko(Platform):
    """Eko action pages. One request per poll: the action page, which carries its count in
    Champaign's ActionsThermometer data (legacy actions.eko.org) or in `__NEXT_DATA__` (new
    action.eko.org, where actions.eko.org redirects migrated pages)."""

    name: ClassVar[str] = "eko"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = HOSTS
    parser_version: ClassVar[str] = "1"
    min_interval: ClassVar[timedelta] = timedelta(minutes=15)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=5))
    #: action pages show no closed or won state; a removed action answers 404 or leaves /a/
    states_not_applicable: ClassVar[tuple[str, ...]] = ("closed", "victory")
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "champaign-thermometer",
            "legacy actions.eko.org/a/<slug>: the ActionsThermometer plugin JSON in the page, "
            '"signatures" as a localised string ("128.011") and "goal_k" ("150k"), the ladder step of '
            "Champaign's Plugins::ActionsThermometer (SumOfUs/Champaign source; PetitionsManager)",
            "documented",
        ),
        DataSource(
            "next-data",
            "new action.eko.org/a/<slug> (Next.js): __NEXT_DATA__.props.pageProps.action_count, title, "
            "created_at, campaign_id; no goal (PetitionsManager eko_scraper.py)",
            "documented",
        ),
        DataSource(
            "http-status",
            "404/410 or a redirect away from /a/<slug> (to the home page): removed",
            "inferred",
        ),
    )

    def external_id(self, url: str) -> str:
        """The action slug (or numeric page id) of `/a/<slug>`, query and sub-pages dropped."""
        slug = slug_or_none(url)
        if slug is None:
            host = host_of(with_scheme(url))
            where = "; eko.org lists campaigns: open one and paste its action page" if host in HOSTS else ""
            raise self.unsupported(url, f"an action page such as {EXAMPLE}{where}")
        return slug

    def canonical_url(self, external_id: str) -> str:
        return f"https://{LEGACY_HOST}/a/{external_id}"

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        """The action page, on the host that answered last time (migrated pages live on the new one)."""
        host = state.get("host") if state.get("host") in ACTION_HOSTS else LEGACY_HOST
        return Step(f"https://{host}/a/{external_id}", purpose="page")

    def parse(self, response: ResponseRecord) -> ParseResult:
        if response.status in GONE:
            return removed(str(response.status))
        if slug_or_none(response.final_url) is None and host_of(response.final_url).endswith(
            ("eko.org", "sumofus.org")
        ):
            return removed("redirected to the home page")
        html = decode(response)
        if not any(marker in html.lower() for marker in _MARKERS):
            raise NotThisPlatform(f"{response.final_url} did not answer with an Eko page")
        tree = LexborHTMLParser(html)
        state = {"host": host_of(response.final_url)}
        props = templates.next_data(tree)
        if props is not None and templates.next_is_gone(props):
            return ParseResult(
                status=Status.REMOVED, raw_status="notFound", gone=True, method="embedded-state", state=state
            )
        reading = templates.read_next(props) if props else None
        if reading is None:
            reading = templates.read_champaign(html, tree)
        if reading is None:
            raise LayoutChanged(
                f"Eko page {response.final_url} has no count: looked for an ActionsThermometer's "
                '"signatures" and __NEXT_DATA__ pageProps.action_count'
            )
        outcomes = ()
        if reading.created_at:
            outcomes = (Outcome(OutcomeKind.OPENED.value, reading.created_at),)
        return ParseResult(
            supporters=reading.supporters,
            status=Status.OPEN,
            title=reading.title,
            goal=reading.goal,
            goal_computed=reading.goal is not None,
            outcomes=outcomes,
            method="embedded-state",
            state=state,
        )
