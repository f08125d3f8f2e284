"""The openPetition platform: server-rendered detail pages on openpetition.de, .eu and .org."""

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
from .urls import HOSTS, canonical_url, is_home_page, petition_id, petition_id_or_none

_PROGRESS = ".progress-box"
_STATUS_BAR = ".module-petition-status-bar"


def _is_openpetition(tree: LexborHTMLParser, html: str) -> bool:
    if "openpetition" in (meta(tree, "og:site_name") or "").lower():
        return True
    canonical = tree.css_first("link[rel='canonical']")
    href = canonical.attributes.get("href") if canonical is not None else None
    return bool(petition_id_or_none(href)) or "openpetition." in html[:20000].lower()


class OpenPetition(Platform):
    """openPetition petitions. One request per poll: the public detail page, fully server-rendered.
    The signer list (`/petition/unterzeichner/`) and comments (`/petition/kommentare/`) are
    disallowed by robots.txt and never requested."""

    name: ClassVar[str] = "openpetition"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = HOSTS
    parser_version: ClassVar[str] = "1"
    timezone: ClassVar[str] = "Europe/Berlin"
    min_interval: ClassVar[timedelta] = timedelta(minutes=30)
    #: robots.txt asks for a 1 s crawl delay; 3 s leaves room
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=3))
    #: no public page shows a petition before it collects
    states_not_applicable: ClassVar[tuple[str, ...]] = ("pending",)
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "progress-box",
            ".progress-box text: '470.240 Unterschriften 94 % 500.000 für Sammelziel' (count, goal) or "
            "'10.808 von 15.000 Unterschriften'; used by PetitionsManager's openpetition_scraper.py",
            "documented",
        ),
        DataSource(
            "status-bar",
            ".module-petition-status-bar: 'Gestartet <Monat> <YYYY>' (opened outcome) and the status "
            "words; 'Collection finished' seen in a saved English page; other words inferred",
            "inferred",
        ),
        DataSource("title", "h1, else og:title without ' - Online-Petition'", "documented"),
        DataSource("http-status", "404/410, or a redirect to the home or list page: removed", "inferred"),
    )

    def external_id(self, url: str) -> str:
        """The slug (`<tld>/[<country>/]<slug>` off openpetition.de); see `urls.petition_id`."""
        return accepted_id(self, url, petition_id)

    def canonical_url(self, external_id: str) -> str:
        return canonical_url(external_id)

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        """The detail page, in German (the wording the parser knows best)."""
        return Step(canonical_url(external_id), purpose="page", headers={"Accept-Language": "de-DE,de;q=0.9"})

    def parse(self, response: ResponseRecord) -> ParseResult:
        """Count and goal from the progress box, status from the status bar and progress words."""
        removed = gone(response, is_home_page)
        if removed is not None:
            return removed
        html = decode(response)
        tree = LexborHTMLParser(html)
        if not _is_openpetition(tree, html):
            raise NotThisPlatform(f"{response.final_url} is not an openPetition page")
        box = page.text_of(tree, _PROGRESS)
        bar = page.text_of(tree, _STATUS_BAR)
        reading = page.progress(box) if box else None
        if reading is None:
            found = f"its progress box reads {box[:120]!r}" if box else f"it has no {_PROGRESS}"
            raise LayoutChanged(
                f"openPetition page {response.final_url} has no readable count: {found} "
                "(looked for 'N Unterschriften' or 'N von M Unterschriften'; a goal is never a count)"
            )
        shown = page.status(f"{bar} {box}")
        status, raw = shown if shown else (Status.UNKNOWN, None)
        opened = page.started(bar)
        outcomes = (Outcome(OutcomeKind.OPENED.value, opened, {"precision": "month"}),) if opened else ()
        return ParseResult(
            supporters=reading.supporters,
            status=status,
            raw_status=raw,
            title=page.title(tree),
            goal=reading.goal,
            outcomes=outcomes,
            method="css",
        )
