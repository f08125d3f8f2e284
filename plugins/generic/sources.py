"""Reading a count, a goal and a status where an extractor says: CSS, regex, JSON path or JSON-LD."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aggregator import Count, LayoutChanged, Status, parse_count

from .definition import Extractor
from .jsonpath import PathError, read_path
from .pages import Page, collapse, rounded

#: `method` per count source
METHODS = {"count_css": "css", "count_regex": "regex", "count_json": "json", "count_jsonld": "json-ld"}
#: JSON-LD interaction counters that count something other than supporters
_OTHER_INTERACTIONS = re.compile(
    r"comment|share|view|watch|listen|download|play|follow|bookmark|like|read|write|reply", re.I
)


@dataclass(frozen=True, slots=True)
class Reading:
    """A number read from a page: its value, the text it was read from and where."""

    count: Count
    text: str
    where: str


def _number(raw: Any, where: str) -> Count:
    if raw is None or isinstance(raw, bool | dict | list):
        raise LayoutChanged(f"{where} holds {raw!r}, not a number")
    try:
        return parse_count(raw)
    except LayoutChanged as exc:
        raise LayoutChanged(f"{where}: {exc}") from None


def _from_text(haystack: str, start: int, text: str, where: str) -> Reading:
    """A number shown as text; a rounded figure in prose or a 0 counter is refused."""
    qualifier = rounded(haystack, start, text)
    if qualifier is not None:
        raise LayoutChanged(
            f"{where} found {text!r} after {qualifier!r}: a rounded figure in prose is not a count; "
            "point the extractor at the page's real counter"
        )
    count = _number(text, where)
    if count.value == 0:
        raise LayoutChanged(
            f"{where} shows 0, a placeholder (counters are often filled in by a script): point the "
            "extractor at the number the script reads (count_json on its endpoint, or an attribute "
            "with `selector::attr(name)`)"
        )
    return Reading(count, text, where)


def css_number(page: Page, selector: str, what: str) -> Reading | None:
    """The number in the first non-empty element (or attribute) a selector matches."""
    for text in page.select(selector, what):
        if text:
            return _from_text(text, 0, text, f"{what} {selector!r}")
    return None


def regex_number(page: Page, pattern: str, what: str) -> Reading | None:
    """The number in the first match of a regex (its first group) in the visible text, else the body."""
    found = page.search(pattern)
    if found is None:
        return None
    haystack, text, start = found
    return _from_text(haystack, start, text, f"{what} '{pattern}'")


def json_number(page: Page, path: str, what: str) -> Reading | None:
    """The number at a JSON path in a JSON body, or in the page's JSON script blocks."""
    documents = [page.json] if page.is_json else page.json_blocks()
    misses = []
    for document in documents:
        try:
            value = read_path(document, path)
        except PathError as exc:
            misses.append(str(exc))
            continue
        return Reading(_number(value, f"{what} {path!r}"), str(value), f"{what} {path!r}")
    if misses:
        raise PathError("; ".join(dict.fromkeys(misses)))
    return None


def _interaction_type(node: Mapping[str, Any]) -> str:
    kind = node.get("interactionType")
    if isinstance(kind, Mapping):
        kind = kind.get("@type") or kind.get("@id") or ""
    return str(kind or "")


def _counters(data: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _counters(item)
    elif isinstance(data, Mapping):
        if "userInteractionCount" in data:
            yield data
        for value in data.values():
            yield from _counters(value)


def jsonld_number(page: Page) -> Reading | None:
    """schema.org `InteractionCounter.userInteractionCount` from the page's JSON-LD (also inside
    `interactionStatistic` and `@graph`); comment, share, view and like counters are skipped."""
    if page.is_json:
        raise LayoutChanged(f"count_jsonld reads JSON-LD in an HTML page, but {page.url} answered JSON")
    for block in page.json_blocks():
        for counter in _counters(block):
            kind = _interaction_type(counter)
            if _OTHER_INTERACTIONS.search(kind.rsplit("/", 1)[-1]):
                continue
            value = counter["userInteractionCount"]
            where = f"JSON-LD userInteractionCount ({kind or 'no interactionType'})"
            return Reading(_number(value, where), str(value), where)
    return None


def read_count(extractor: Extractor, page: Page) -> tuple[Reading, str]:
    """The count where the extractor says, and the `method`; `LayoutChanged` naming what was looked for."""
    source = extractor.count_source
    reading: Reading | None
    if source == "count_css":
        assert extractor.count_css is not None
        reading = css_number(page, extractor.count_css, source)
        looked = f"no element matches count_css {extractor.count_css!r}"
    elif source == "count_regex":
        assert extractor.count_regex is not None
        reading = regex_number(page, extractor.count_regex, source)
        looked = f"count_regex '{extractor.count_regex}' matches nothing in the page's text or markup"
    elif source == "count_json":
        assert extractor.count_json is not None
        where = "the JSON body" if page.is_json else "the page's JSON script blocks"
        looked = f"count_json {extractor.count_json!r} leads nowhere in {where}"
        try:
            reading = json_number(page, extractor.count_json, source)
        except PathError as exc:
            reading, looked = None, f"{looked} ({exc})"
    else:
        reading = jsonld_number(page)
        looked = "the page has no JSON-LD InteractionCounter with a userInteractionCount (count_jsonld)"
    if reading is None:
        raise LayoutChanged(f"{page.url}: {looked}; the page may have changed, or the extractor is wrong")
    return reading, METHODS[source]


def read_goal(extractor: Extractor, page: Page) -> Reading | None:
    """The author's goal where `goal_css`, `goal_regex` or `goal_json` says, or None."""
    if extractor.goal_css:
        return css_number(page, extractor.goal_css, "goal_css")
    if extractor.goal_regex:
        return regex_number(page, extractor.goal_regex, "goal_regex")
    if extractor.goal_json:
        try:
            return json_number(page, extractor.goal_json, "goal_json")
        except PathError:
            return None
    return None


def read_status(extractor: Extractor, page: Page) -> tuple[Status, str | None]:
    """The canonical status and the site's words: `status_css` / `status_regex` through `status_map`
    (exact words first, then the longest word contained in the text; case and spaces ignored).
    `unknown` when no status source is configured, it finds nothing, or its words are not mapped."""
    raw: str | None = None
    if extractor.status_css:
        raw = next((text for text in page.select(extractor.status_css, "status_css") if text), None)
    if raw is None and extractor.status_regex:
        found = page.search(extractor.status_regex)
        raw = collapse(found[1]) if found else None
    if not raw:
        return Status.UNKNOWN, None
    return map_status(extractor.status_map, raw), raw


def map_status(status_map: Mapping[str, str], raw: str) -> Status:
    """The canonical status for the site's words, by the extractor's `status_map`."""
    words = collapse(raw).casefold()
    table = {collapse(key).casefold(): value for key, value in status_map.items() if key.strip()}
    if words in table:
        return Status(table[words])
    for key in sorted(table, key=len, reverse=True):
        if key in words:
            return Status(table[key])
    return Status.UNKNOWN
