"""The GoPetition platform: petition pages at www.gopetition.com/petitions/<slug>.html."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser

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
)

from . import page

HOSTS: tuple[str, ...] = ("www.gopetition.com", "gopetition.com")
EXAMPLE = "https://www.gopetition.com/petitions/<slug>.html"
_GONE = (404, 410)
_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.I)
_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def _split(url: str) -> tuple[str, list[str]]:
    text = url.strip()
    if text.startswith("//"):
        text = "https:" + text
    elif not _SCHEME.match(text):
        text = "https://" + text
    parts = urlsplit(text)
    return (parts.hostname or "").rstrip(".").lower(), [unquote(s) for s in parts.path.split("/") if s]


def is_home_page(url: str) -> bool:
    host, segments = _split(url)
    return host in HOSTS and (not segments or segments in (["petitions"], ["index.html"]))


def decode(response: ResponseRecord) -> str:
    """The body as text, in the charset the headers name (UTF-8 otherwise)."""
    match = _CHARSET.search(response.header("content-type") or "")
    try:
        return response.body.decode(match.group(1) if match else "utf-8", errors="replace")
    except LookupError:
        return response.body.decode("utf-8", errors="replace")


class GoPetition(Platform):
    """GoPetition petitions. One request per poll: the petition page. No machine endpoint and no
    saved petition page are known: the count is read from JSON-LD if the page has it, else from
    the visible "N signatures" text of the petition's own parts."""

    name: ClassVar[str] = "gopetition"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = HOSTS
    parser_version: ClassVar[str] = "1"
    min_interval: ClassVar[timedelta] = timedelta(hours=1)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=5))
    #: no public page shows a petition before it collects or a refusal by moderators
    states_not_applicable: ClassVar[tuple[str, ...]] = ("pending", "rejected")
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "json-ld",
            "schema.org InteractionCounter (SignAction/JoinAction) userInteractionCount, if present",
            "inferred",
        ),
        DataSource(
            "visible-text",
            "'N of M signatures', 'Signatures: N' or 'N signatures' in the petition's own parts "
            "(headers, sidebars, related petitions removed); goal only where the author shows one",
            "inferred",
        ),
        DataSource("status-text", "'Victory!', 'This petition is closed', a signing form (open)", "inferred"),
        DataSource("http-status", "404/410, or a redirect to the home page: removed", "inferred"),
    )

    def external_id(self, url: str) -> str:
        """The slug of `/petitions/<slug>.html` (also `/petitions/<slug>/<subpage>.html`)."""
        host, segments = _split(url)
        if host not in HOSTS:
            raise self.unsupported(url, f"a URL on www.gopetition.com such as {EXAMPLE}")
        if len(segments) < 2 or segments[0].lower() != "petitions":
            what = "a tag or list page" if segments else "the home page"
            raise self.unsupported(url, f"a single petition's address ({EXAMPLE}); this is {what}")
        slug = segments[1].lower().removesuffix(".html")
        if not _SLUG.fullmatch(slug):
            raise self.unsupported(url, f"a petition page such as {EXAMPLE}")
        return slug

    def canonical_url(self, external_id: str) -> str:
        return f"https://www.gopetition.com/petitions/{external_id}.html"

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        return Step(self.canonical_url(external_id), purpose="page", headers={"Accept-Language": "en"})

    def parse(self, response: ResponseRecord) -> ParseResult:
        if response.status in _GONE:
            return ParseResult(
                status=Status.REMOVED, raw_status=str(response.status), gone=True, method="http-status"
            )
        if is_home_page(response.final_url) and not is_home_page(response.url):
            return ParseResult(
                status=Status.REMOVED, raw_status="home page redirect", gone=True, method="http-status"
            )
        html = decode(response)
        if "gopetition" not in html.lower():
            raise NotThisPlatform(f"{response.final_url} is not a GoPetition page")
        tree = LexborHTMLParser(html)
        title = page.title(tree)
        from_json_ld = page.json_ld_count(tree)
        text = page.visible_text(tree)
        reading = page.text_count(text)
        if from_json_ld is not None:
            goal = reading.goal if reading else page.shown_goal(text)
            reading = page.Reading(from_json_ld, "json-ld", goal)
        if reading is None:
            raise LayoutChanged(
                f"GoPetition page {response.final_url} has no readable count: looked for JSON-LD and "
                "'N signatures' outside headers, sidebars and related petitions (a goal is never a count)"
            )
        status, raw = page.status(tree, text)
        return ParseResult(
            supporters=reading.supporters,
            status=status,
            raw_status=raw,
            title=title,
            goal=reading.goal,
            method=reading.method,
        )
