"""US White House "We the People" petitions (defunct, archive only): URLs, plan and v1 API JSON parser."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any, ClassVar
from urllib.parse import parse_qs, quote, urlsplit

from aggregator import (
    DataSource,
    FetchError,
    Health,
    LayoutChanged,
    NotThisPlatform,
    ParseResult,
    Platform,
    Politeness,
    ResponseRecord,
    Status,
    Step,
)

from .fields import (
    canonical_status,
    count_value,
    field,
    has_field,
    is_true,
    raw_status,
    response_outcome,
    unix_time,
    uses_spaced_keys,
)

API_HOST = "api.whitehouse.gov"
SITE_HOST = "petitions.whitehouse.gov"
ARCHIVE_HOST = "petitions.obamawhitehouse.archives.gov"
API_BASE = f"https://{API_HOST}/v1"
SITE_BASE = f"https://{SITE_HOST}"

#: /v1/petitions/{id}.json (also without .json, and its /signatures list); ids never hold a hyphen
_API_PATH = re.compile(r"^/v1/petitions/([0-9A-Za-z]+)(?:\.json|/signatures(?:\.json)?)?/*$", re.IGNORECASE)
#: /v1/petitions.json, whose `url` filter answers with the petition at that page URL
_INDEX_PATH = re.compile(r"^/v1/petitions(?:\.json)?/*$", re.IGNORECASE)
#: /petition/{slug}, and /petition/{slug}/{code} as early (2011-12) pages were addressed
_PAGE_PATH = re.compile(r"^/petition/([A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)(?:/([A-Za-z0-9]+))?/*$")
_API_ID = re.compile(r"^[0-9A-Za-z]+$")
#: error codes in a body that mean "try again later" (599 is the API's own "unavailable")
_TRANSIENT_CODES = frozenset({"429", "500", "502", "503", "504", "599"})
_GONE_CODES = ("404", "410")


class WeThePeople(Platform):
    """petitions.whitehouse.gov via the archived v1 API: one JSON request per poll."""

    name: ClassVar[str] = "we-the-people"
    api_version: ClassVar[int | None] = 1
    hosts: ClassVar[tuple[str, ...]] = (API_HOST, SITE_HOST, ARCHIVE_HOST)
    parser_version: ClassVar[str] = "1"
    timezone: ClassVar[str] = "UTC"
    #: the site is defunct (archive only): nothing changes, so once a day is plenty
    min_interval: ClassVar[timedelta] = timedelta(days=1)
    politeness: ClassVar[Politeness] = Politeness(concurrency=1, spacing=timedelta(seconds=5))
    states_not_applicable: ClassVar[tuple[str, ...]] = ("victory",)
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource(
            "petition-retrieve-json",
            "/v1/petitions/{id}.json: envelope {metadata.responseInfo, results: [petition]}; "
            "signatureCount, status, isSignable, title, signatureThreshold, deadline, response",
            "verified",
        ),
        DataSource(
            "retrieve-404-body",
            'the error body of a missing petition: responseInfo.status "404" (a string), '
            'errorCode "84", the misspelt key "developerMessage:"',
            "verified",
        ),
        DataSource(
            "petition-url-query",
            "/v1/petitions.json?url={page URL}: the API's own lookup of a petition by its page URL, "
            "answered like the retrieve method",
            "documented",
        ),
        DataSource(
            "pre-v1-feed",
            'the 2013 feed: keys with spaces ("signature count", "signature threshold", '
            '"association time"), numeric status codes, an empty response as []',
            "documented",
        ),
        DataSource("http-status", "HTTP 404 or 410 for a missing or removed petition", "documented"),
    )

    # -- URLs ---------------------------------------------------------------------------------

    def external_id(self, url: str) -> str:
        text = url.strip()
        if "://" not in text:
            text = "https://" + text
        parts = urlsplit(text)
        host = (parts.hostname or "").rstrip(".").lower().removeprefix("www.")
        expected = (
            f"the petition's API URL, {API_BASE}/petitions/ID.json (the id is the API's `id`), or a "
            f"petition page {SITE_BASE}/petition/SLUG; the site is defunct, so only archived copies "
            "of the API answers can be read"
        )
        if parts.scheme.lower() not in ("http", "https") or host not in self.hosts:
            raise self.unsupported(url, expected)
        if host == API_HOST:
            match = _API_PATH.match(parts.path)
            if match:
                return match.group(1)
            page_urls = parse_qs(parts.query).get("url") if _INDEX_PATH.match(parts.path) else None
            if page_urls and urlsplit(page_urls[0]).hostname in (SITE_HOST, ARCHIVE_HOST):
                return self._page_id(url, page_urls[0], expected)
            raise self.unsupported(url, expected)
        return self._page_id(url, text, expected)

    def _page_id(self, url: str, page_url: str, expected: str) -> str:
        """`slug` (or `slug/code`) of a petition page; slugs always hold a hyphen, API ids never do."""
        match = _PAGE_PATH.match(urlsplit(page_url).path)
        if match is None:
            raise self.unsupported(url, expected)
        slug, code = match.group(1).lower(), match.group(2)
        if "-" not in slug:
            raise self.unsupported(
                url,
                f"the API URL {API_BASE}/petitions/ID.json: a one-word page slug ({slug!r}) cannot be "
                "told apart from an API id",
            )
        return f"{slug}/{code}" if code else slug

    def canonical_url(self, external_id: str) -> str:
        if _is_slug(external_id):
            return f"{SITE_BASE}/petition/{external_id}"
        return f"{API_BASE}/petitions/{external_id}.json"

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        if _is_slug(external_id):
            # a page URL carries no id: the API looks the petition up by its URL
            page = quote(self.canonical_url(external_id), safe="")
            url = f"{API_BASE}/petitions.json?url={page}"
        else:
            url = self.canonical_url(external_id)
        return Step(url=url, purpose="petition", headers={"Accept": "application/json"})

    # -- parsing ------------------------------------------------------------------------------

    def parse(self, response: ResponseRecord) -> ParseResult:
        document = _load_json(response.body)
        error = _error_code(document)
        if response.status in (404, 410) or error in _GONE_CODES:
            # the retrieve method answers 404 (errorCode 84) for a petition it does not hold
            code = error if error in _GONE_CODES else str(response.status)
            return ParseResult(
                status=Status.REMOVED,
                raw_status=f"error {code}",
                gone=True,
                method="error-body" if error in _GONE_CODES else "http-status",
            )
        if error is not None:
            message = f"the We the People API answered with error {error}: {_error_message(document)}"
            if error in _TRANSIENT_CODES:
                raise FetchError(message, health=Health.RETRYING.value, url=response.url)
            raise LayoutChanged(message)
        if not 200 <= response.status < 300:
            raise LayoutChanged(
                f"unexpected HTTP status {response.status} from {response.final_url or response.url}; "
                "expected 200, 404 or 410"
            )
        if document is None:
            raise NotThisPlatform(
                "not We the People API JSON: the body is not JSON; it starts "
                f"{_describe(response.body)} (the API is defunct; an archived page needs the API URL)"
            )
        item = _pick(_petitions(document), response.external_id)
        return _parse_item(item)


# -- helpers ----------------------------------------------------------------------------------


def _is_slug(external_id: str) -> bool:
    return _API_ID.match(external_id) is None


def _describe(body: bytes) -> str:
    text = body[:80].decode("utf-8", "replace").strip()
    return repr(text) if text else "an empty body"


def _load_json(body: bytes) -> Any:
    """The parsed body, or None when it is not JSON."""
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


def _response_info(document: Any) -> Mapping[str, Any] | None:
    if not isinstance(document, Mapping):
        return None
    metadata = document.get("metadata")
    info = metadata.get("responseInfo") if isinstance(metadata, Mapping) else None
    return info if isinstance(info, Mapping) else None


def _error_code(document: Any) -> str | None:
    """`responseInfo.status` when it is not 200: a string ("404") in error bodies, 200 on success."""
    info = _response_info(document)
    if info is None or info.get("status") is None:
        return None
    code = str(info["status"]).strip()
    return None if code in ("200", "") else code


def _error_message(document: Any) -> str:
    info = _response_info(document) or {}
    # the error bodies spell the key "developerMessage:", with the colon
    for key in ("developerMessage:", "developerMessage", "userMessage"):
        if isinstance(info.get(key), str) and info[key].strip():
            return info[key].strip()[:200]
    return "no message"


def _looks_like_petition(item: Any) -> bool:
    if not isinstance(item, Mapping):
        return False
    if item.get("type") == "petition":
        return True
    has_count = has_field(item, "signatureCount") or has_field(item, "signatureThreshold")
    return has_count and ("title" in item or "id" in item)


def _petitions(document: Any) -> Sequence[Mapping[str, Any]]:
    """The petition records of a v1 envelope, a pre-v1 `{results: [...]}`, a list or a bare record."""
    if isinstance(document, Mapping) and "results" in document:
        results = document["results"]
        if not isinstance(results, list):
            raise LayoutChanged(f"We the People results is {type(results).__name__}, not a list")
        items = [r for r in results if isinstance(r, Mapping)]
        if not items:
            raise LayoutChanged("a We the People response without any petition in its results")
        return items
    if _response_info(document) is not None:
        raise LayoutChanged("a We the People response with metadata but no results")
    if isinstance(document, list) and document and all(_looks_like_petition(i) for i in document):
        return document
    if _looks_like_petition(document):
        return [document]
    if isinstance(document, Mapping):
        keys = ", ".join(sorted(map(str, document)))[:120] or "none"
        raise NotThisPlatform(f"not We the People API JSON: no metadata or results (keys: {keys})")
    raise NotThisPlatform(f"not We the People API JSON: a {type(document).__name__} of other data")


def _page_path(item: Mapping[str, Any]) -> str:
    url = field(item, "url")
    return urlsplit(url).path.strip("/").lower() if isinstance(url, str) else ""


def _pick(items: Sequence[Mapping[str, Any]], external_id: str) -> Mapping[str, Any]:
    """The record of the petition polled: by id, by page URL for a slug, or the only one."""
    wanted = external_id.lower()
    slug = _is_slug(external_id)
    for item in items:
        item_id = field(item, "id")
        same_id = item_id is not None and str(item_id).lower() == wanted
        if same_id or (slug and _page_path(item) == f"petition/{wanted}"):
            return _checked(item)
    if len(items) == 1 and (slug or not external_id or field(items[0], "id") is None):
        return _checked(items[0])
    if len(items) == 1:
        raise NotThisPlatform(
            f"the body is We the People petition {field(items[0], 'id')!r}, not {external_id!r}"
        )
    raise NotThisPlatform(f"petition {external_id!r} is not among the {len(items)} petitions in the body")


def _checked(item: Mapping[str, Any]) -> Mapping[str, Any]:
    kind = item.get("type")
    if kind is not None and kind != "petition":
        raise NotThisPlatform(f"not a We the People petition: the record's type is {kind!r}")
    return item


def _positive(value: Any) -> bool:
    """Whether a threshold is a usable goal: a positive integer, or digits in a string."""
    if isinstance(value, str):
        return value.strip().isdigit() and int(value) > 0
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _parse_item(item: Mapping[str, Any]) -> ParseResult:
    if field(item, "signatureCount") is None:
        keys = ", ".join(sorted(map(str, item)))[:200] or "none"
        raise LayoutChanged(f"We the People petition without signatureCount (keys: {keys})")
    supporters = count_value(field(item, "signatureCount"), "signatureCount")
    raw = raw_status(field(item, "status"))
    threshold = field(item, "signatureThreshold")
    goal = threshold if _positive(threshold) else None
    title = field(item, "title")
    response = response_outcome(item)
    return ParseResult(
        supporters=supporters,
        status=canonical_status(raw, is_true(field(item, "isSignable"))),
        raw_status=raw,
        title=title if isinstance(title, str) else None,
        # the response threshold of the petition, set by the site (not a computed ladder step)
        goal=goal,
        closes_at=unix_time(field(item, "deadline")),
        # no date is given for reaching signatureThreshold (reachedPublic is the 150-signature
        # public-listing threshold), so no threshold_reached outcome: only dated facts are recorded
        outcomes=(response,) if response else (),
        method="json-pre-v1" if uses_spaced_keys(item) else "json-api",
    )
