"""Scottish Parliament petitions (petitions.parliament.scot): PE-number URLs, plan and JSON parser."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

from aggregator_plugins.epetitions import (
    STATUSES,
    Site,
    breakdowns,
    clean_text,
    count_only,
    fork_outcomes,
    when,
)

from aggregator import (
    DataSource,
    NotThisPlatform,
    ParseResult,
    Platform,
    Politeness,
    ResponseRecord,
    Status,
    Step,
)

HOST = "petitions.parliament.scot"
GAELIC_HOST = "athchuingean.parlamaid-alba.scot"
BASE_URL = f"https://{HOST}"
ALL_HOSTS = (HOST, GAELIC_HOST)

_ID = re.compile(r"^(PE|PP)(\d+)$")

#: the derived `status` the JSON carries (not the internal `state`): an open, collecting petition is
#: `under_consideration`; closed and completed are both `closed`; hidden reads `rejected`
STATUS_MAP: dict[str, Status] = {**STATUSES, "under_consideration": Status.OPEN, "completed": Status.CLOSED}


SITE = Site(
    name="Scottish Parliament",
    hosts=ALL_HOSTS,
    # /petitions/PE1234 (English) or /athchuingean/PE1234 (Gaelic), then .json, /count(.json) or
    # /cunnt(.json), or the signing and sponsoring forms; PP numbers are unpublished drafts
    petition_path=re.compile(
        r"^/(?:petitions|athchuingean)/(PE|PP)(\d{1,11})"
        r"(?:\.json|/(?:count|cunnt)(?:\.json)?|/[a-z-]+/(?:new|ur))?/*$",
        re.IGNORECASE,
    ),
    count_path=re.compile(r"/(?:count|cunnt)(?:\.json)?/*$", re.IGNORECASE),
    moderation_pages=("gathering-support", "moderation-info"),
    status_field="status",
    statuses=STATUS_MAP,
)


def petition_number(prefix: str, digits: str) -> str:
    """`PE` or `PP` and the number with at least four digits, as the site writes it (`PE%04d`)."""
    return f"{prefix.upper()}{int(digits):04d}"


class ScottishParliament(Platform):
    """petitions.parliament.scot: one JSON request per poll (`/petitions/PE{nnnn}.json`)."""

    name: ClassVar[str] = "scottish-parliament"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = ALL_HOSTS + tuple(f"www.{h}" for h in ALL_HOSTS)
    parser_version: ClassVar[str] = "1"
    timezone: ClassVar[str] = "Europe/London"
    #: every admissible petition is considered whatever its count: counts are informational
    min_interval: ClassVar[timedelta] = timedelta(minutes=30)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=2))
    states_not_applicable: ClassVar[tuple[str, ...]] = ("victory",)
    #: none: the referral (50) and debate (5,000) code defaults are switched off on the live site
    #: (`disable_thresholds_and_debates`); when the JSON shows them they are recorded as outcomes
    thresholds: ClassVar[Mapping[str, int]] = {}
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "petition-json",
            "/petitions/PE{nnnn}.json: count (attributes.signature_count; 0 is real for petitions "
            "published without collecting signatures), status, title, dates, breakdowns "
            "(ScottishParliament/e-petitions jbuilder view and Petition#status; no saved response)",
            "documented",
        ),
        DataSource(
            "count-json",
            "/petitions/PE{nnnn}/count.json: signature_count (route in the fork; view not read)",
            "inferred",
        ),
        DataSource(
            "http-status",
            "404 for a missing or hidden petition, 410 (Site::PetitionRemoved) for one hidden after "
            "opening, redirects to the home page or a moderation page",
            "inferred",
        ),
    )

    # -- URLs ---------------------------------------------------------------------------------

    def external_id(self, url: str) -> str:
        match = SITE.path_match(url)
        if match is None:
            raise self.unsupported(
                url,
                f"a single petition, {BASE_URL}/petitions/PE1234 (also .json or /count.json, or "
                f"https://{GAELIC_HOST}/athchuingean/PE1234); list, search and help pages are not petitions",
            )
        return petition_number(match.group(1), match.group(2))

    def canonical_url(self, external_id: str) -> str:
        return f"{BASE_URL}/petitions/{external_id}"

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        """The petition JSON; a draft followed by its PP number is asked for by the PE number it got
        when published, once a response told us (state `pe_number`)."""
        number = external_id
        published = state.get("pe_number")
        if external_id.startswith("PP") and isinstance(published, str) and _ID.match(published):
            number = published
        return Step(
            url=f"{BASE_URL}/petitions/{number}.json",
            purpose="petition",
            headers={"Accept": "application/json"},
        )

    # -- parsing ------------------------------------------------------------------------------

    def parse(self, response: ResponseRecord) -> ParseResult:
        answer = SITE.answer(response)
        if answer is not None:
            return answer
        document = SITE.load_json(response.body)
        if SITE.wants_count(response, document):
            return count_only(document)
        item, number = _petition_item(document, response.external_id)
        return self._parse_item(item, number, response.external_id)

    def _parse_item(self, item: Mapping[str, Any], number: str | None, external_id: str) -> ParseResult:
        attributes = item["attributes"]
        supporters = SITE.signature_count(attributes)
        status, raw_status = SITE.status(attributes)
        state = None
        if number and number != external_id and number.startswith("PE"):
            state = {"pe_number": number}  # a draft we followed by its PP number is now published
        # `under_consideration_at` is the same moment (open_at) under another name
        opened_at = attributes.get("opened_at") or attributes.get("under_consideration_at")
        return ParseResult(
            # 0 is a real count here: a petition published without collecting signatures reports 0
            supporters=supporters,
            status=status,
            raw_status=raw_status,
            title=clean_text(attributes.get("title")),
            # `closed_at` is the completion time; the JSON has no signing deadline
            closes_at=when(attributes.get("closed_at"), self.timezone),
            outcomes=tuple(fork_outcomes(attributes, raw_status, self.timezone, opened_at=opened_at)),
            breakdowns=tuple(breakdowns(attributes, "id")),
            method="json-api",
            state=state,
        )


def _number(item: Mapping[str, Any]) -> str | None:
    raw = item.get("pe_number")
    match = _ID.match(str(raw).strip().upper()) if raw not in (None, "") else None
    return petition_number(match.group(1), match.group(2)) if match else None


def _petition_item(document: Mapping[str, Any], external_id: str) -> tuple[Mapping[str, Any], str | None]:
    """The petition item (envelope, bare item or list page) and its normalised PE/PP number."""
    data = SITE.item(document, external_id, _number)
    number = _number(data)
    if number is None and "id" in data:
        raise NotThisPlatform("this item has a numeric id and no pe_number: a UK or Senedd petition")
    # a draft (PP) answers with its PE number once published; a PE petition must be itself
    if number and external_id.startswith("PE") and number != external_id:
        raise NotThisPlatform(f"the body is Scottish Parliament petition {number}, not {external_id}")
    return data, number
