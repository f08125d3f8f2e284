"""The change.org platform: petition pages at www.change.org/p/<slug>, read from their embedded state."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

from aggregator_plugins.page_urls import accepted_id
from aggregator_plugins.responses import GONE, decode
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

from . import page_state, visible
from .urls import (
    CANONICAL_PREFIX,
    HOSTS,
    is_home_page,
    normalise_slug,
    slug_from_url,
    slug_or_none,
)


class ChangeOrg(Platform):
    """change.org petitions. One request per poll: the public petition page, whose embedded
    state carries the count. The internal GraphQL and REST endpoints (`/api-proxy/`) and
    `/p/*/sign` are disallowed by robots.txt and never requested."""

    name: ClassVar[str] = "change-org"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = HOSTS
    #: short links are claimed only to explain which URL to paste instead
    url_patterns: ClassVar[tuple[str, ...]] = (r"(?i)^(?:https?:)?//(?:www\.)?chng\.it(?:[/:?#]|$)",)
    parser_version: ClassVar[str] = "1"
    min_interval: ClassVar[timedelta] = timedelta(minutes=15)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=5))
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "apollo-state",
            'inline GraphQL/Apollo state of /p/<slug>: "signatureCount":{"total":N,"displayed":N} '
            "(total preferred), ask, status, signatureGoal; field names as used by public scrapers "
            "(PetitionsManager 2026) and seen in saved GraphQL responses; no saved petition page",
            "documented",
        ),
        DataSource(
            "targeting-data",
            "window.changeTargetingData = {...} (2019-2021 pages): petition.signatureCount.{total,"
            "displayed,goal}; a JS object (undefined tolerated); shape documented in a public "
            "scraper's comment (openpolitica/proclama-preliminar)",
            "documented",
        ),
        DataSource(
            "next-data",
            "__NEXT_DATA__ JSON holding a petition object with signatureCount; not seen on change.org",
            "inferred",
        ),
        DataSource(
            "json-ld",
            "JSON-LD InteractionCounter userInteractionCount (an unpublished scraper's fallback)",
            "inferred",
        ),
        DataSource(
            "visible-text",
            "header text 'N have signed', 'This petition had N supporters' (closed), 'This petition "
            "made change with N supporters' (victory); only when no page state exists",
            "inferred",
        ),
        DataSource("http-status", "404/410 or a redirect to the home page: removed", "inferred"),
    )

    def external_id(self, url: str) -> str:
        """The petition slug, percent-encoded UTF-8 with uppercase hex, as change.org writes it."""
        return accepted_id(self, url, slug_from_url)

    def canonical_url(self, external_id: str) -> str:
        return CANONICAL_PREFIX + normalise_slug(external_id)

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        """The petition page only; English wording keeps the visible-text fallback readable."""
        return Step(
            self.canonical_url(external_id), purpose="page", headers={"Accept-Language": "en-US,en;q=0.8"}
        )

    def parse(self, response: ResponseRecord) -> ParseResult:
        """Count, status, title and goal from the page's embedded state, else its header text."""
        if response.status in GONE:
            return ParseResult(
                status=Status.REMOVED, raw_status=f"HTTP {response.status}", gone=True, method="http-status"
            )
        html = decode(response)
        if visible.is_challenge(html):
            raise NotThisPlatform(
                "a Cloudflare challenge page, not the petition: change.org refused this client"
            )
        if is_home_page(response.final_url) and not is_home_page(response.url):
            return ParseResult(
                status=Status.REMOVED,
                raw_status="redirected to the home page",
                gone=True,
                method="http-status",
            )
        tree = LexborHTMLParser(html)
        if not visible.is_change_org(tree, html):
            raise NotThisPlatform(
                f"{response.final_url} is not a change.org page (no change.org site name, canonical "
                "URL, assets or page state)"
            )
        slugs = {normalise_slug(response.external_id)}
        slugs.update(s for s in (slug_or_none(response.url), slug_or_none(response.final_url)) if s)
        flags: set[str] = set()
        state = page_state.read_state(tree, slugs, flags)
        markup_title = visible.title(tree)
        text = visible.page_text(tree)
        shown = visible.markup_status(tree, text)
        if state is not None:
            return self._from_state(state, shown, markup_title, text, flags)
        reading = visible.read_text(text, flags)
        if reading is None:
            note = visible.placeholder_note(text) if "placeholder_ignored" in flags else ""
            raise LayoutChanged(
                f"change.org page {response.final_url} has no readable count: looked for "
                f"{page_state.LOOKED_FOR} and {visible.LOOKED_FOR}{note}"
            )
        status, raw = shown or (reading.status, reading.raw_status)
        return ParseResult(
            supporters=reading.supporters,
            status=status,
            raw_status=raw,
            title=markup_title,
            goal=reading.goal,
            goal_computed=reading.goal is not None,
            method="visible-text",
            flags=frozenset(flags),
        )

    @staticmethod
    def _from_state(
        state: page_state.StateReading,
        shown: tuple[Status, str] | None,
        markup_title: str | None,
        text: str,
        flags: set[str],
    ) -> ParseResult:
        status, raw = state.status, state.raw_status
        if status is None:
            status, raw = shown or (Status.OPEN, None)
        goal, computed = state.goal, state.goal_computed
        if goal is None and status is Status.OPEN:
            shown_goal = visible.shown_goal(text)
            # a goal computed from a placeholder 0 can sit below the real count: not a goal then
            if shown_goal is not None and shown_goal > state.supporters:
                goal, computed = shown_goal, True
        outcomes = ()
        if status is Status.VICTORY and state.victory_date:
            outcomes = (Outcome(OutcomeKind.VICTORY.value, state.victory_date),)
        return ParseResult(
            supporters=state.supporters,
            status=status,
            raw_status=raw,
            title=state.title or markup_title,
            goal=goal,
            goal_computed=computed,
            closes_at=state.closes_at,
            outcomes=outcomes,
            method="embedded-state",
            flags=frozenset(flags),
            state={"petition_id": state.petition_id} if state.petition_id else None,
        )
