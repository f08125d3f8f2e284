"""Eko (ex-SumOfUs) action pages at actions.eko.org/a/<slug>: legacy Champaign and new Next.js."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

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
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_GONE = (404, 410)
_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.IGNORECASE)
_MARKERS = ("eko.org", "ekō", "sumofus", "champaign")


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").rstrip(".").lower()


def _with_scheme(url: str) -> str:
    text = url.strip()
    if text.startswith("//"):
        return "https:" + text
    return text if _SCHEME.match(text) else "https://" + text


def slug_or_none(url: str) -> str | None:
    """The action slug of `/a/<slug>` on an action host (`//a/` of Eko's redirects tolerated)."""
    parts = urlsplit(_with_scheme(url))
    if _host(parts.geturl()) not in ACTION_HOSTS:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) >= 2 and segments[0] == "a" and _SLUG.fullmatch(segments[1]):
        return segments[1]
    return None


def _decode(response: ResponseRecord) -> str:
    match = _CHARSET.search(response.header("content-type") or "")
    try:
        return response.body.decode(match.group(1) if match else "utf-8", errors="replace")
    except LookupError:
        return response.body.decode("utf-8", errors="replace")


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
            host = _host(_with_scheme(url))
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
        if response.status in _GONE:
            return ParseResult(
                status=Status.REMOVED, raw_status=str(response.status), gone=True, method="http-status"
            )
        if slug_or_none(response.final_url) is None and _host(response.final_url).endswith(
            ("eko.org", "sumofus.org")
        ):
            return ParseResult(
                status=Status.REMOVED,
                raw_status="redirected to the home page",
                gone=True,
                method="http-status",
            )
        html = _decode(response)
        if not any(marker in html.lower() for marker in _MARKERS):
            raise NotThisPlatform(f"{response.final_url} did not answer with an Eko page")
        tree = LexborHTMLParser(html)
        state = {"host": _host(response.final_url)}
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
