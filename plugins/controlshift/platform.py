"""ControlShift sites (38 Degrees and others): `<petition>.json` first, the petition page as fallback."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any, ClassVar

from aggregator_plugins.page_urls import accepted_id
from aggregator_plugins.responses import GONE, decode, removed

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
    parse_count,
)

from . import page
from .urls import (
    HOSTS,
    id_from_url,
    is_home_page,
    is_json_url,
    json_url,
    page_url,
    same_petition,
)

_JSONP = re.compile(r"^\s*(?:/\*\*/\s*)?[A-Za-z_$][\w$.]*\s*\(\s*(.*?)\s*\)\s*;?\s*$", re.S)
#: kept in the petition's state once a host showed it has no `.json`: later polls read the page
NO_JSON = "json_missing"
_COUNT_KEYS = ("signature_count", "public_signature_count")
_NO_JSON_FLAG = frozenset({"json_unavailable"})


def read_json(text: str) -> Any:
    """A JSON body, or a JSONP one (`callback({...})`); None when the body is not JSON at all."""
    body = text.strip().lstrip("\ufeff")
    match = _JSONP.match(body)
    if match and not body.startswith(("{", "[")):
        body = match.group(1)
    try:
        return json.loads(body)
    except ValueError:
        return None


def status_of(petition: Mapping[str, Any]) -> tuple[Status, str]:
    """The canonical status of a whole record: `launched: false` is pending; `successful` is a
    victory (ControlShift sets it with `ended`); `ended` alone is closed; otherwise open."""
    ended_type = petition.get("ended_type")
    suffix = f" ({ended_type})" if isinstance(ended_type, str) and ended_type else ""
    if petition.get("launched") is False:
        return Status.PENDING, "unlaunched"
    if petition.get("successful") is True:
        return Status.VICTORY, "ended, successful" + suffix if petition.get("ended") else "successful"
    if petition.get("ended") is True:
        return Status.CLOSED, "ended" + suffix
    return Status.OPEN, "not ended"


class ControlShift(Platform):
    """Petitions of ControlShift sites. One request per poll, `/petitions/<slug>.json`; when a host
    does not serve it, the petition page instead (and on later polls, the page directly)."""

    name: ClassVar[str] = "controlshift"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = HOSTS
    parser_version: ClassVar[str] = "1"
    min_interval: ClassVar[timedelta] = timedelta(minutes=15)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=3))
    states_not_applicable: ClassVar[tuple[str, ...]] = ("rejected",)
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "petition-json",
            "/petitions/<slug>.json: signature_count, goal, ended, successful, ended_type, title "
            "(ControlShift's JSONP API docs, controlshift/slate); that 38 Degrees serves it is unverified",
            "documented",
        ),
        DataSource(
            "page-css",
            f"the petition page when .json is missing: {', '.join(page.COUNT_SELECTORS)}; og:title",
            "inferred",
        ),
        DataSource(
            "page-text",
            "the page's text 'N of M signatures' / 'N signatures'; ended/successful wording; a 0 or 1 "
            "is refused as a placeholder",
            "inferred",
        ),
        DataSource(
            "http-status", "404/410 on the JSON and the page, or a redirect home: removed", "inferred"
        ),
    )

    def external_id(self, url: str) -> str:
        """`<host>/<slug>`: slugs are only unique on their host."""
        return accepted_id(self, url, id_from_url)

    def canonical_url(self, external_id: str) -> str:
        return page_url(external_id)

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        if state.get(NO_JSON):
            return Step(page_url(external_id), purpose="page")
        return Step(json_url(external_id), purpose="petition-json", headers={"Accept": "application/json"})

    def parse(self, response: ResponseRecord) -> ParseResult:
        if is_json_url(response.url):
            return self._json(response)
        return self._page(response)

    def _json(self, response: ResponseRecord) -> ParseResult:
        fallback = Step(page_url(response.external_id), purpose="page-fallback")
        if response.final_url != response.url and is_home_page(response.final_url):
            return removed("redirected to the home page")
        if not is_json_url(response.final_url) and same_petition(response.final_url, response.external_id):
            # the host answered `.json` with the petition page itself: read it as the page
            return self._page(replace(response, url=response.final_url, purpose="page-fallback"))
        if not 200 <= response.status < 300:
            # 404 may mean "no such petition" or "this host has no .json": the page tells which
            return ParseResult(flags=_NO_JSON_FLAG, next_step=fallback)
        data = read_json(decode(response))
        if data is None:
            return ParseResult(flags=_NO_JSON_FLAG, next_step=fallback)
        petition = data.get("petition") if isinstance(data, dict) and "petition" in data else data
        if not isinstance(petition, dict) or not ({"title", "slug", *_COUNT_KEYS} & set(petition)):
            raise NotThisPlatform(f"{response.url} did not answer with a ControlShift petition record")
        count = next((petition[k] for k in _COUNT_KEYS if petition.get(k) is not None), None)
        if count is None or isinstance(count, bool):
            raise LayoutChanged(
                f"the petition record of {response.url} has no signature_count (keys: {sorted(petition)})"
            )
        status, raw = status_of(petition)
        goal = petition.get("goal")
        goal_value = (
            parse_count(goal).value if goal not in (None, "", 0) and not isinstance(goal, bool) else None
        )
        return ParseResult(
            supporters=parse_count(count).value,
            status=status,
            raw_status=raw,
            title=petition.get("title") if isinstance(petition.get("title"), str) else None,
            goal=goal_value,
            goal_computed=goal_value is not None,
            method="json-api",
        )

    def _page(self, response: ResponseRecord) -> ParseResult:
        if response.status in GONE:
            return removed(str(response.status))
        if response.final_url != response.url and not same_petition(response.final_url, response.external_id):
            if is_home_page(response.final_url):
                return removed("redirected to the home page")
            raise NotThisPlatform(f"{response.url} redirected to {response.final_url}, not a petition page")
        if not 200 <= response.status < 300:
            raise LayoutChanged(f"the petition page {response.url} answered HTTP {response.status}")
        reading = page.read_page(decode(response), response.final_url)
        return ParseResult(
            supporters=reading.supporters,
            status=reading.status,
            raw_status=reading.raw_status,
            title=reading.title,
            goal=reading.goal,
            goal_computed=reading.goal is not None,
            method=reading.method,
            state={NO_JSON: True} if response.purpose == "page-fallback" else None,
        )
