"""innn.it petitions (the German successor of change.org's DE team): the page's `__NEXT_DATA__`."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

from aggregator_plugins.page_text import value_count
from aggregator_plugins.page_urls import split_url
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

HOSTS: tuple[str, ...] = ("innn.it", "www.innn.it")
BASE = "https://innn.it"
EXAMPLE = f"{BASE}/<slug>"
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
#: first path segments of innn.it that are the site's own pages, not petitions (inferred)
_SITE_PAGES = frozenset(
    {
        "api", "_next", "static", "assets", "about", "ueber-uns", "impressum", "datenschutz", "agb",
        "faq", "hilfe", "kontakt", "presse", "jobs", "spenden", "login", "signup", "register",
        "start", "starten", "petition-starten", "neue-petition", "suche", "search", "external-search",
        "kategorien", "themen", "blog", "posts", "initiatives", "petitions", "tags", "user", "users",
        "profil", "dashboard", "settings", "newsletter",
    }
)  # fmt: skip
#: `initiativeStatus` words; the platform's vocabulary is not recorded anywhere public (inferred)
STATUS_MAP: Mapping[str, Status] = {
    "active": Status.OPEN,
    "published": Status.OPEN,
    "open": Status.OPEN,
    "running": Status.OPEN,
    "closed": Status.CLOSED,
    "ended": Status.CLOSED,
    "finished": Status.CLOSED,
    "completed": Status.CLOSED,
    "expired": Status.CLOSED,
    "archived": Status.CLOSED,
    "success": Status.VICTORY,
    "successful": Status.VICTORY,
    "victory": Status.VICTORY,
    "won": Status.VICTORY,
    "draft": Status.PENDING,
    "pending": Status.PENDING,
    "review": Status.PENDING,
    "in_review": Status.PENDING,
    "unpublished": Status.PENDING,
    "moderation": Status.PENDING,
    "rejected": Status.REJECTED,
    "declined": Status.REJECTED,
    "deleted": Status.REMOVED,
    "removed": Status.REMOVED,
    "blocked": Status.REMOVED,
    "hidden": Status.REMOVED,
}
_SIGNABLE_KEYS = ("signable", "initiative", "petition")


def slug_or_none(url: str) -> str | None:
    """The petition slug: the first path segment of an innn.it URL, unless it is a site page."""
    host, segments = split_url(url)
    if host not in HOSTS:
        return None
    if not segments or segments[0].lower() in _SITE_PAGES or not _SLUG.fullmatch(segments[0]):
        return None
    return segments[0]


def _count(value: Any) -> int | None:
    if isinstance(value, Mapping):
        value = value.get("total", value.get("displayed"))
    return value_count(value)


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def status_of(signable: Mapping[str, Any]) -> tuple[Status, str | None]:
    """`success` true wins (victory); then the `initiativeStatus` word; no word at all: open,
    since the page offers the petition for signing (inferred)."""
    word = _text(signable.get("initiativeStatus") or signable.get("status"))
    if signable.get("success") is True:
        return Status.VICTORY, "success"
    if word is None:
        return Status.OPEN, None
    return STATUS_MAP.get(word.lower(), Status.UNKNOWN), word


class InnnIt(Platform):
    """innn.it petitions at `innn.it/<slug>`. One request per poll: the server-rendered Next.js page,
    whose `__NEXT_DATA__.props.pageProps.signable` is the same object the list API returns."""

    name: ClassVar[str] = "innn-it"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = HOSTS
    parser_version: ClassVar[str] = "1"
    timezone: ClassVar[str] = "Europe/Berlin"
    min_interval: ClassVar[timedelta] = timedelta(minutes=15)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=3))
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "next-data-signable",
            "__NEXT_DATA__.props.pageProps.signable of innn.it/<slug>: signatureCount, signatureTarget, "
            "title, success, initiativeStatus, createdAt (PetitionsManager innnit_scraper.py, 2026)",
            "documented",
        ),
        DataSource(
            "status-words",
            "initiativeStatus words mapped to statuses; the vocabulary is not recorded publicly",
            "inferred",
        ),
        DataSource(
            "http-status",
            "404/410, pageProps.hasError, or a redirect to the home page: removed",
            "inferred",
        ),
    )

    def external_id(self, url: str) -> str:
        """The slug (first path segment; query, fragment and sub-pages dropped; case kept)."""
        slug = slug_or_none(url)
        if slug is None:
            raise self.unsupported(url, f"a petition page such as {EXAMPLE}, not a list or site page")
        return slug

    def canonical_url(self, external_id: str) -> str:
        return f"{BASE}/{external_id}"

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        return Step(self.canonical_url(external_id), purpose="page")

    def parse(self, response: ResponseRecord) -> ParseResult:
        if response.status in GONE:
            return removed(str(response.status), "http-status")
        if slug_or_none(response.final_url) is None:
            if (urlsplit(response.final_url).hostname or "").lower() in HOSTS:
                return removed("redirected to the home page", "http-status")
            raise NotThisPlatform(f"{response.url} ended at {response.final_url}, not on innn.it")
        props = _page_props(response)
        if props.get("hasError") is True or props.get("notFound") is True or props.get("statusCode") in GONE:
            return removed("hasError", "embedded-state")
        signable = next((props[k] for k in _SIGNABLE_KEYS if isinstance(props.get(k), Mapping)), None)
        if signable is None:
            raise LayoutChanged(f"innn.it page {response.final_url} has no pageProps.signable")
        count = _count(signable.get("signatureCount"))
        if count is None:
            raise LayoutChanged(f"innn.it page {response.final_url}: signable has no signatureCount")
        status, raw = status_of(signable)
        created = _text(signable.get("createdAt"))
        return ParseResult(
            supporters=count,
            status=status,
            raw_status=raw,
            title=_text(signable.get("title")),
            goal=_count(signable.get("signatureTarget")) or None,
            closes_at=_text(signable.get("endDate") or signable.get("endsAt")),
            outcomes=(Outcome(OutcomeKind.OPENED.value, created),) if created else (),
            method="embedded-state",
        )


def _page_props(response: ResponseRecord) -> Mapping[str, Any]:
    html = decode(response)
    node = LexborHTMLParser(html).css_first("script#__NEXT_DATA__")
    if node is None:
        if "innn" not in html.lower():
            raise NotThisPlatform(f"{response.final_url} did not answer with an innn.it page")
        raise LayoutChanged(
            f"innn.it page {response.final_url} has no __NEXT_DATA__; its visible counter is not read "
            "(a page rendered without its data shows a placeholder 0)"
        )
    try:
        data = json.loads(node.text() or "")
    except ValueError:
        raise LayoutChanged(f"the __NEXT_DATA__ of {response.final_url} is not JSON") from None
    props = data.get("props", {}).get("pageProps") if isinstance(data, Mapping) else None
    if not isinstance(props, Mapping):
        raise LayoutChanged(f"the __NEXT_DATA__ of {response.final_url} has no props.pageProps")
    return props
