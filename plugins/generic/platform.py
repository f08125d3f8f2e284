"""The generic platform: any page whose count a named extractor of the config locates (CSS, regex, JSON)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

from aggregator_plugins.responses import GONE, removed

from aggregator import (
    DataSource,
    LayoutChanged,
    ParseResult,
    Platform,
    Politeness,
    ResponseRecord,
    Step,
)

from .definition import Extractor
from .pages import Page
from .sources import read_count, read_goal, read_status
from .urls import BadURL, normalise_url, redirected_home


def gone_result(response: ResponseRecord) -> ParseResult | None:
    """`removed` for a 404/410 or a redirect to the site's home page; None otherwise."""
    if response.status in GONE:
        return removed(str(response.status))
    if redirected_home(response.url, response.final_url):
        return removed("redirected to the home page")
    return None


def refuse_error_status(response: ResponseRecord) -> None:
    """`LayoutChanged` for an error status the fetcher left to the platform (400, 405, 451...)."""
    if response.status >= 400:
        raise LayoutChanged(
            f"{response.final_url} answered HTTP {response.status}, not the page; check the URL"
        )


class Generic(Platform):
    """A page the bundle does not know (an organisation's own WordPress page, a counter widget, a
    JSON endpoint), read as the petition's named extractor in the config says. One request per
    poll: the page itself."""

    name: ClassVar[str] = "generic"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = ()
    uses_extractors: ClassVar[bool] = True
    parser_version: ClassVar[str] = "1"
    min_interval: ClassVar[timedelta] = timedelta(minutes=15)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=5))
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "json",
            "count_json: a JSON path ($.data.count) into a JSON endpoint, or into the page's JSON script "
            "blocks (__NEXT_DATA__, application/json); per site, as the config says",
            "inferred",
        ),
        DataSource(
            "json-ld",
            "count_jsonld: schema.org InteractionCounter userInteractionCount (interactionStatistic, "
            "@graph); comment, share, view and like counters skipped; vocabulary documented by schema.org",
            "documented",
        ),
        DataSource(
            "css",
            "count_css: the first element a CSS selector matches (or `sel::attr(name)`), e.g. "
            'foodwatch\'s <p id="form-counter" class="count"> (platform notes, section 16)',
            "documented",
        ),
        DataSource(
            "regex",
            "count_regex: the first group of a regex over the visible text, else the markup, e.g. "
            "'Total Signatures to Date = 4138' on petition.fofg.org.uk (platform notes, section 0)",
            "documented",
        ),
        DataSource("http-status", "404/410, or a redirect to the site's home page: removed", "inferred"),
    )

    def external_id(self, url: str) -> str:
        """The page URL normalised: scheme and host lower-cased, fragment and tracking parameters
        (`utm_*`, `fbclid`, `gclid`, `mc_*`...) dropped, the rest of the query kept."""
        try:
            return normalise_url(url)
        except BadURL as exc:
            raise self.unsupported(url, str(exc)) from None

    def canonical_url(self, external_id: str) -> str:
        return external_id

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        """The page itself (JSON asked for when the count is at a JSON path)."""
        extractor = Extractor.from_state(state, self.name)
        headers = {"Accept": "application/json, */*;q=0.5"} if extractor.count_json else {}
        return Step(external_id, purpose="page", headers=headers)

    def parse(self, response: ResponseRecord) -> ParseResult:
        """The count, status, title and goal where the extractor says; never a count it did not find."""
        extractor = Extractor.from_state(response.state, self.name)
        same = [kind for kind in ("css", "regex", "json") if extractor.goal_is_count(kind)]
        if same:
            raise LayoutChanged(
                f"count_{same[0]} and goal_{same[0]} name the same place: a goal is never a count"
            )
        removed = gone_result(response)
        if removed is not None:
            return removed
        refuse_error_status(response)
        page = Page(response)
        reading, method = read_count(extractor, page)
        flags = {"approximate"} if reading.count.approximate else set()
        status, raw_status = read_status(extractor, page)
        goal = None
        if extractor.goal_css or extractor.goal_regex or extractor.goal_json:
            try:
                found = read_goal(extractor, page)
            except LayoutChanged:
                found = None
            if found is None:
                flags.add("goal_not_found")
            else:
                goal = found.count.value
        return ParseResult(
            supporters=reading.count.value,
            status=status,
            raw_status=raw_status,
            title=page.title(extractor.title_css),
            goal=goal,
            goal_computed=False,
            method=method,
            flags=frozenset(flags),
        )
