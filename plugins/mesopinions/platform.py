"""The Mesopinions platform: petition pages at www.mesopinions.com/petition/<category>/<slug>/<id>."""

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

HOSTS: tuple[str, ...] = ("www.mesopinions.com", "mesopinions.com")
EXAMPLE = "https://www.mesopinions.com/petition/<category>/<slug>/<id>"
_GONE = (404, 410)
_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.I)
_WORD = re.compile(r"[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def _split(url: str) -> tuple[str, list[str]]:
    text = url.strip()
    if text.startswith("//"):
        text = "https:" + text
    elif not _SCHEME.match(text):
        text = "https://" + text
    parts = urlsplit(text)
    return (parts.hostname or "").rstrip(".").lower(), [unquote(s) for s in parts.path.split("/") if s]


def petition_path(segments: list[str]) -> str | None:
    """`<category>/<slug>/<id>` of `/petition/<category>/<slug>/<id>[/...]`, or None."""
    if len(segments) < 4 or segments[0].lower() not in ("petition", "petitions"):
        return None
    category, slug, number = (s.lower() for s in segments[1:4])
    if not (_WORD.fullmatch(category) and _WORD.fullmatch(slug) and number.isdigit()):
        return None
    return f"{category}/{slug}/{int(number)}"


def is_list_page(url: str) -> bool:
    """The home page or a category list (`/petition/<category>`), where removed petitions may land."""
    host, segments = _split(url)
    if host not in HOSTS:
        return False
    return not segments or (segments[0].lower() in ("petition", "petitions") and len(segments) <= 2)


def decode(response: ResponseRecord) -> str:
    """The body as text, in the charset the headers name (UTF-8 otherwise)."""
    match = _CHARSET.search(response.header("content-type") or "")
    try:
        return response.body.decode(match.group(1) if match else "utf-8", errors="replace")
    except LookupError:
        return response.body.decode("utf-8", errors="replace")


class Mesopinions(Platform):
    """Mesopinions petitions (French). One request per poll: the petition page. No machine endpoint
    and no saved petition page are known: the count is read from JSON-LD if the page has it, else
    from the visible "19.898 signatures" text (dot thousands on a French site)."""

    name: ClassVar[str] = "mesopinions"
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
            "'19.898 signatures' (dot thousands, seen in a saved copy of a page; not in the corpus), "
            "'N sur M signatures', 'Signatures : N' in the petition's own parts",
            "documented",
        ),
        DataSource(
            "status-text",
            "'Victoire !' or *victoire*/*victory* markup (the site has a Victoires section), "
            "'Pétition fermée', a signing form (open)",
            "inferred",
        ),
        DataSource(
            "http-status", "404/410, or a redirect to the home page or a category list: removed", "inferred"
        ),
    )

    def external_id(self, url: str) -> str:
        """`<category>/<slug>/<id>` of the petition page (sub-pages, query and fragment dropped).
        The category and slug are kept: the site's own URLs need them."""
        host, segments = _split(url)
        if host not in HOSTS:
            raise self.unsupported(url, f"a URL on www.mesopinions.com such as {EXAMPLE}")
        path = petition_path(segments)
        if path is not None:
            return path
        if segments and segments[0].lower() == "actualite":
            what = "a news update (/actualite/<id>), whose id is not the petition's"
        elif segments:
            what = "a list or category page"
        else:
            what = "the home page"
        raise self.unsupported(url, f"a single petition's address ({EXAMPLE}); this is {what}")

    def canonical_url(self, external_id: str) -> str:
        return f"https://www.mesopinions.com/petition/{external_id}"

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        return Step(self.canonical_url(external_id), purpose="page", headers={"Accept-Language": "fr-FR,fr"})

    def parse(self, response: ResponseRecord) -> ParseResult:
        if response.status in _GONE:
            return ParseResult(
                status=Status.REMOVED, raw_status=str(response.status), gone=True, method="http-status"
            )
        if is_list_page(response.final_url) and not is_list_page(response.url):
            return ParseResult(
                status=Status.REMOVED, raw_status="list page redirect", gone=True, method="http-status"
            )
        html = decode(response)
        if "mesopinions" not in html.lower():
            raise NotThisPlatform(f"{response.final_url} is not a Mesopinions page")
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
                f"Mesopinions page {response.final_url} has no readable count: looked for JSON-LD and "
                "'N signatures' outside headers, sidebars and other petitions (a goal is never a count)"
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
