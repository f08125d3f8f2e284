"""The signature-list platform: paged tables of signers with no total; the count is their rows summed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any, ClassVar

from aggregator_plugins.generic.definition import Extractor
from aggregator_plugins.generic.pages import Page
from aggregator_plugins.generic.platform import gone_result, refuse_error_status
from aggregator_plugins.generic.urls import BadURL, normalise_url

from aggregator import (
    DataSource,
    LayoutChanged,
    ParseResult,
    Platform,
    Politeness,
    ResponseRecord,
    Status,
    Step,
)

from .walk import WALK, Walk, next_page, page_url, rows_digest, settings_key

#: pages fetched in one poll at most (the core allows 10 requests per poll); a longer first walk
#: goes on at the next poll
PAGES_PER_POLL = 8
#: polls that resume a finished walk at its last page before one walk from the first page again
#: (a change the last page does not show is only seen then)
FULL_WALK_EVERY = 24


class SignatureList(Platform):
    """Sites that publish only a paged list of signers (seed 000: a Drupal Views table paged with
    `?page=N`). The count is the number of `rows_css` elements summed over the pages, walked one page
    per step; later polls start again at the last page instead of walking everything again."""

    name: ClassVar[str] = "signature-list"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = ()
    uses_extractors: ClassVar[bool] = True
    parser_version: ClassVar[str] = "1"
    min_interval: ClassVar[timedelta] = timedelta(hours=1)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=5))
    states_not_applicable: ClassVar[tuple[str, ...]] = ("pending", "open", "closed", "victory", "rejected")
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "rows",
            "rows_css: the signer rows of each page, summed; a Drupal 6 Views table (ifjc.org/petition, "
            "30 rows a page, no total) as described in the platform notes, sections 0 and 12",
            "documented",
        ),
        DataSource(
            "pager",
            "the next page: the next_css link, else ?page=N+1 when the pager links to it (Drupal's "
            "pager, `?page=N` from 0) or a page without pager links is full",
            "documented",
        ),
        DataSource(
            "http-status", "404/410 on the first page, or a redirect to the home page: removed", "inferred"
        ),
    )

    def external_id(self, url: str) -> str:
        """The list's first page URL normalised like `generic` (tracking parameters dropped), without
        a `page` parameter."""
        try:
            return normalise_url(url, drop=("page",))
        except BadURL as exc:
            raise self.unsupported(url, str(exc)) from None

    def canonical_url(self, external_id: str) -> str:
        return external_id

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        """The last page counted (resuming the walk), or the first page for a new walk."""
        extractor = Extractor.from_state(state, self.name)
        walk = Walk.load(state.get(WALK), settings_key(extractor))
        if walk is None or walk.pages == 0 or (walk.done and walk.resumes + 1 >= FULL_WALK_EVERY):
            return Step(page_url(external_id, extractor, 0), purpose="page")
        return Step(walk.url, purpose="resume")

    def parse(self, response: ResponseRecord) -> ParseResult:
        """Count one page's rows and ask for the next page; the total only once the walk ends."""
        extractor = Extractor.from_state(response.state, self.name)
        key = settings_key(extractor)
        base = page_url(response.external_id, extractor, 0)
        walk = None if response.purpose == "page" else Walk.load(response.state.get(WALK), key)
        if walk is None and response.purpose != "page":  # the walk was lost: start again
            return ParseResult(state={WALK: None}, next_step=Step(base, purpose="page"))
        if walk is None:  # a walk from the first page
            walk = Walk(key, url=response.url)
            removed = gone_result(response)
            if removed is not None:
                return replace(removed, state={WALK: None})
        elif response.purpose == "resume":
            walk = Walk(**{**walk.dump(), "fetched": 0, "resumes": walk.resumes + (1 if walk.done else 0)})
        if walk.pages and gone_result(response) is not None:
            return self._past_the_end(walk, response, base)
        refuse_error_status(response)
        page = Page(response)
        if page.is_json:
            raise LayoutChanged(f"{response.final_url} answered JSON, not a page listing signers")
        rows = page.nodes(extractor.rows_css or "", "rows_css")
        digest = rows_digest(rows)
        if not rows and not walk.pages:
            raise LayoutChanged(
                f"rows_css {extractor.rows_css!r} finds no rows on the first page {response.final_url}; "
                "the list may have moved or changed its markup (an empty list is never counted as 0)"
            )
        if walk.pages and (not rows or digest == walk.previous):
            return self._past_the_end(walk, response, base)
        total = walk.rows + len(rows)
        size = walk.size or len(rows)
        following = next_page(page, extractor, base, walk.pages, len(rows), size)
        flags: set[str] = set()
        if following is not None and walk.pages + 1 >= extractor.max_pages:
            following = None
            flags.add("max_pages_reached")
        if following is None:
            done = Walk(key, response.final_url, walk.pages, walk.rows, size, resumes=walk.resumes, done=True)
            return self._total(done, total, page, extractor, flags)
        after = walk.after(response.final_url, len(rows), digest, following)
        title = page.title(extractor.title_css)
        if after.fetched >= PAGES_PER_POLL:
            paused = Walk(**{**after.dump(), "fetched": 0})
            return ParseResult(title=title, state={WALK: paused.dump()}, flags=frozenset({"walk_paused"}))
        return ParseResult(
            title=title, state={WALK: after.dump()}, next_step=Step(following, purpose="next-page")
        )

    def _past_the_end(self, walk: Walk, response: ResponseRecord, base: str) -> ParseResult:
        """A page with no new rows where one was expected: the end of the list after a full page or a
        page served again; a resumed last page that is empty or gone means the list shrank: walk again."""
        if walk.fetched == 0 and not walk.probe:
            return ParseResult(
                state={WALK: None},
                flags=frozenset({"walk_restarted"}),
                next_step=Step(base, purpose="page"),
            )
        probe = Walk(**{**walk.dump(), "url": response.url, "probe": True, "fetched": 0, "done": True})
        return ParseResult(
            supporters=walk.rows, status=Status.UNKNOWN, method="rows", state={WALK: probe.dump()}
        )

    def _total(
        self, done: Walk, total: int, page: Page, extractor: Extractor, flags: set[str]
    ) -> ParseResult:
        return ParseResult(
            supporters=total,
            status=Status.UNKNOWN,
            title=page.title(extractor.title_css),
            method="rows",
            flags=frozenset(flags),
            state={WALK: done.dump()},
        )
