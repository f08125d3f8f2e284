"""Welsh Senedd petitions (petitions.senedd.wales, deisebau.senedd.cymru): URLs, plan and JSON parser."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

from aggregator_plugins.epetitions import STATUSES, Site, breakdowns, clean_text, count_only, when

from aggregator import (
    DataSource,
    NotThisPlatform,
    OutcomeKind,
    ParseResult,
    Platform,
    Politeness,
    ResponseRecord,
    Status,
    Step,
)

from .attributes import (
    DEFAULT_DEBATE_THRESHOLD,
    DEFAULT_REFERRAL_THRESHOLD,
    REFERRAL_THRESHOLD,
    outcomes,
)

HOST = "petitions.senedd.wales"
WELSH_HOST = "deisebau.senedd.cymru"
BASE_URL = f"https://{HOST}"
#: the hosts before the 2020 rename (singular), kept so that old links are recognised
OLD_HOSTS = ("petition.senedd.wales", "deiseb.senedd.cymru")
ALL_HOSTS = (HOST, WELSH_HOST, *OLD_HOSTS)

#: raw `state` words of the Senedd fork (`completed`: the committee finished considering it)
STATUS_MAP: dict[str, Status] = {**STATUSES, "completed": Status.CLOSED}


SITE = Site(
    name="Senedd",
    hosts=ALL_HOSTS,
    # /petitions/N (English) or /deisebau/N (Welsh), then .json, /count.json or /cyfrif.json, or the
    # signing form (/signatures/new, /llofnodion/newydd); either path works on either host
    petition_path=re.compile(
        r"^/(?:petitions|deisebau)/(\d{1,9})"
        r"(?:\.json|/(?:count|cyfrif)(?:\.json)?|/signatures/new|/llofnodion/newydd)?/*$",
        re.IGNORECASE,
    ),
    count_path=re.compile(r"/(?:count|cyfrif)(?:\.json)?/*$", re.IGNORECASE),
    # English and Welsh slugs
    moderation_pages=("gathering-support", "moderation-info", "casglu-cefnogaeth", "cymedroli-gwybodaeth"),
    status_field="state",
    statuses=STATUS_MAP,
)


class Senedd(Platform):
    """petitions.senedd.wales: one JSON request per poll (`/petitions/{id}.json`)."""

    name: ClassVar[str] = "senedd"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = ALL_HOSTS + tuple(f"www.{h}" for h in ALL_HOSTS)
    parser_version: ClassVar[str] = "1"
    timezone: ClassVar[str] = "Europe/London"
    #: the software refreshes counts in batches (signature_count_interval, 60 s by default)
    min_interval: ClassVar[timedelta] = timedelta(minutes=5)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=2))
    states_not_applicable: ClassVar[tuple[str, ...]] = ("victory",)
    thresholds: ClassVar[Mapping[str, int]] = {
        REFERRAL_THRESHOLD: DEFAULT_REFERRAL_THRESHOLD,
        OutcomeKind.DEBATE_THRESHOLD.value: DEFAULT_DEBATE_THRESHOLD,
    }
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "petition-json",
            "/petitions/{id}.json: count (attributes.signature_count), state, title (action), "
            "per-petition threshold_for_referral/threshold_for_debate, outcome dates, per-country/"
            "region/constituency counts (SeneddCymru/e-petitions jbuilder view; no saved response)",
            "documented",
        ),
        DataSource(
            "count-json",
            "/petitions/{id}/count.json: signature_count and the two thresholds; no title or state",
            "documented",
        ),
        DataSource(
            "http-status",
            "404 for a hidden or missing petition (as in the UK code), 410 gone, a redirect to the "
            "home page, and to /gathering-support or /moderation-info while in moderation",
            "inferred",
        ),
    )

    # -- URLs ---------------------------------------------------------------------------------

    def external_id(self, url: str) -> str:
        match = SITE.path_match(url)
        if match is None:
            raise self.unsupported(
                url,
                f"a single petition, {BASE_URL}/petitions/NUMBER or https://{WELSH_HOST}/deisebau/NUMBER "
                "(also .json or /count.json); list, search, help and local pages are not petitions",
            )
        return str(int(match.group(1)))

    def canonical_url(self, external_id: str) -> str:
        return f"{BASE_URL}/petitions/{external_id}"

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        return Step(
            url=f"{BASE_URL}/petitions/{external_id}.json",
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
        return self._parse_item(_petition_item(document, response.external_id))

    def _parse_item(self, item: Mapping[str, Any]) -> ParseResult:
        attributes = item["attributes"]
        supporters = SITE.signature_count(attributes)
        status, raw_status = SITE.status(attributes)
        return ParseResult(
            supporters=supporters,
            status=status,
            raw_status=raw_status,
            title=clean_text(attributes.get("action")),
            # open petitions: the (possibly extended) deadline; closed ones: when it closed
            closes_at=when(attributes.get("closed_at"), self.timezone),
            outcomes=tuple(outcomes(attributes, raw_status, self.timezone)),
            breakdowns=tuple(breakdowns(attributes, "id")),
            method="json-api",
        )


def _petition_item(document: Mapping[str, Any], external_id: str) -> Mapping[str, Any]:
    """The petition item from the `{"data": {...}}` envelope, a list page or a bare item."""
    data = SITE.item(document, external_id, lambda item: str(item.get("id")))
    if "pe_number" in data:
        raise NotThisPlatform("this is a Scottish Parliament petition (it has a pe_number), not a Senedd one")
    item_id = data.get("id")
    if item_id is not None and str(item_id) != str(external_id):
        raise NotThisPlatform(f"the body is Senedd petition {item_id}, not {external_id}")
    return data
