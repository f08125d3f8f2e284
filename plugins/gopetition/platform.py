"""The GoPetition platform: petition pages at www.gopetition.com/petitions/<slug>.html."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

from aggregator_plugins.page_text import ENGLISH_STATUS_SOURCE, JSON_LD_SOURCE
from aggregator_plugins.page_urls import split_url
from aggregator_plugins.responses import decode, gone

from aggregator import DataSource, ParseResult, Platform, Politeness, ResponseRecord, Step

from . import page

HOSTS: tuple[str, ...] = ("www.gopetition.com", "gopetition.com")
EXAMPLE = "https://www.gopetition.com/petitions/<slug>.html"
_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")


def is_home_page(url: str) -> bool:
    host, segments = split_url(url, unquoted=True)
    return host in HOSTS and (not segments or segments in (["petitions"], ["index.html"]))


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
        JSON_LD_SOURCE,
        DataSource(
            "visible-text",
            "'N of M signatures', 'Signatures: N' or 'N signatures' in the petition's own parts "
            "(headers, sidebars, related petitions removed); goal only where the author shows one",
            "inferred",
        ),
        ENGLISH_STATUS_SOURCE,
        DataSource("http-status", "404/410, or a redirect to the home page: removed", "inferred"),
    )

    def external_id(self, url: str) -> str:
        """The slug of `/petitions/<slug>.html` (also `/petitions/<slug>/<subpage>.html`)."""
        host, segments = split_url(url, unquoted=True)
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
        return gone(response, is_home_page) or page.SITE.read(decode(response), response.final_url)
