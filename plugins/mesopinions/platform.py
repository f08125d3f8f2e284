"""The Mesopinions platform: petition pages at www.mesopinions.com/petition/<category>/<slug>/<id>."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

from aggregator_plugins.page_text import JSON_LD_SOURCE
from aggregator_plugins.page_urls import split_url
from aggregator_plugins.responses import decode, gone

from aggregator import DataSource, ParseResult, Platform, Politeness, ResponseRecord, Step

from . import page

HOSTS: tuple[str, ...] = ("www.mesopinions.com", "mesopinions.com")
EXAMPLE = "https://www.mesopinions.com/petition/<category>/<slug>/<id>"
_WORD = re.compile(r"[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?")


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
    host, segments = split_url(url, unquoted=True)
    if host not in HOSTS:
        return False
    return not segments or (segments[0].lower() in ("petition", "petitions") and len(segments) <= 2)


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
        JSON_LD_SOURCE,
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
        host, segments = split_url(url, unquoted=True)
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
        removed = gone(response, is_list_page, redirect="list page redirect")
        return removed or page.SITE.read(decode(response), response.final_url)
