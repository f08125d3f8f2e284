"""change.org's embedded page state: Apollo/GraphQL JSON, changeTargetingData, __NEXT_DATA__, JSON-LD."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from aggregator import LayoutChanged, Status, parse_count

from .js_values import assigned_values, decode_at, value_after
from .urls import normalise_slug, slug_or_none

#: the sources below, most robust first (the order the page is read in)
SOURCES: tuple[str, ...] = ("apollo-state", "targeting-data", "next-data", "json-ld")
LOOKED_FOR = (
    'the inline Apollo/GraphQL state ("signatureCount":{"total":N,"displayed":N}), '
    "window.changeTargetingData, __NEXT_DATA__, JSON-LD userInteractionCount"
)
#: a count of 0 beside a goal this high is the page's placeholder, not a count
PLACEHOLDER_GOAL = 100

_STATE_MARKERS = ("signatureCount", "signature_count", "SignatureCount")
_RAW_COUNT = re.compile(r'"signatureCount"\s*:\s*(?=\{)')
_RAW_SLUG = re.compile(r'"slug"\s*:\s*"((?:[^"\\]|\\.)*)"')
_FLAT_COUNTS = (
    "total_signature_count",
    "totalSignatureCount",
    "displayed_signature_count",
    "displayedSignatureCount",
)
_COMPUTED_GOALS = ("calculatedGoal", "calculated_goal")
_TITLES = ("ask", "title", "displayTitle", "display_title")
_STATUS_KEYS = ("status", "petitionStatus", "petition_status")
_VICTORY_FLAGS = ("isVictory", "is_victory", "isVerifiedVictory", "is_verified_victory")
_DELETED = ("deletedAt", "deleted_at")
_STATUS_WORDS: Mapping[str, Status] = {
    "published": Status.OPEN,
    "active": Status.OPEN,
    "open": Status.OPEN,
    "closed": Status.CLOSED,
    "ended": Status.CLOSED,
    "victory": Status.VICTORY,
    "won": Status.VICTORY,
    "deleted": Status.REMOVED,
    "removed": Status.REMOVED,
    "pending": Status.PENDING,
    "unpublished": Status.PENDING,
    "draft": Status.PENDING,
}
_OTHER_COUNTERS = ("comment", "share", "view", "watch", "follow", "like", "write")
_MAX_DEPTH = 80


@dataclass(frozen=True, slots=True)
class StateReading:
    """What the embedded state says about the petition; `source` names which state answered."""

    source: str
    supporters: int
    count_field: str
    goal: int | None = None
    goal_computed: bool = False
    status: Status | None = None
    raw_status: str | None = None
    title: str | None = None
    closes_at: str | None = None
    victory_date: str | None = None
    petition_id: str | None = None


def _as_int(value: Any) -> int | None:
    """A non-negative whole number from a JSON value (int, integral float or numeric text)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float | str):
        try:
            return parse_count(value).value
        except LayoutChanged:
            return None
    return None


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _first(node: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = node.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def _count(node: Mapping[str, Any]) -> tuple[int | None, str]:
    """The count of a petition node: `signatureCount.total`, else `.displayed`, else flat fields."""
    block = node.get("signatureCount")
    if isinstance(block, Mapping):
        for key in ("total", "displayed"):
            value = _as_int(block.get(key))
            if value is not None:
                return value, f"signatureCount.{key}"
    for key in _FLAT_COUNTS:
        value = _as_int(node.get(key))
        if value is not None:
            return value, key
    return None, ""


def _is_petition(node: Mapping[str, Any]) -> bool:
    typename = str(node.get("__typename") or "")
    if "Update" in typename or "Milestone" in typename:
        return False  # a milestone's count is a lower bound reached on a date, not the count
    return _count(node)[0] is not None


def _goal(node: Mapping[str, Any]) -> tuple[int | None, bool]:
    """The starter's own goal when set (rare), else the ladder step the page shows (computed)."""
    own = _as_int(node.get("goal"))
    if own:
        return own, False
    block = node.get("signatureCount")
    shown = node.get("signatureGoal")
    for value in (
        block.get("goal") if isinstance(block, Mapping) else None,
        shown.get("displayed") if isinstance(shown, Mapping) else shown,
        _first(node, _COMPUTED_GOALS),
    ):
        goal = _as_int(value)
        if goal:
            return goal, True
    return None, False


def _status(node: Mapping[str, Any]) -> tuple[Status | None, str | None]:
    """Status from the whole record: `deleted_at` wins, then victory flags, then the status word."""
    word = _text(_first(node, _STATUS_KEYS))
    mapped = _STATUS_WORDS.get(word.lower()) if word else None
    if _first(node, _DELETED):
        return Status.REMOVED, "deleted_at"
    if any(node.get(key) is True for key in _VICTORY_FLAGS) and mapped is not Status.VICTORY:
        return Status.VICTORY, "is_victory"
    if word:
        return mapped or Status.UNKNOWN, word
    return None, None


def _iso(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return None
    return text


def _reading(source: str, node: Mapping[str, Any], flags: set[str]) -> StateReading | None:
    supporters, field = _count(node)
    if supporters is None:
        return None
    goal, computed = _goal(node)
    if supporters == 0 and goal is not None and goal >= PLACEHOLDER_GOAL:
        flags.add("placeholder_ignored")
        return None
    status, raw = _status(node)
    petition_id = node.get("id")
    return StateReading(
        source=source,
        supporters=supporters,
        count_field=field,
        goal=goal,
        goal_computed=computed,
        status=status,
        raw_status=raw,
        title=_text(_first(node, _TITLES)),
        closes_at=_iso(_first(node, ("endDate", "end_date"))),
        victory_date=_iso(_first(node, ("victoryDate", "victory_date"))),
        petition_id=str(petition_id) if isinstance(petition_id, int | str) and petition_id else None,
    )


def _walk(value: Any, depth: int = 0) -> Iterator[Mapping[str, Any]]:
    """Every mapping inside a decoded value, in document order."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, Mapping):
        yield value
        for child in value.values():
            yield from _walk(child, depth + 1)
    elif isinstance(value, list):
        for child in value:
            yield from _walk(child, depth + 1)


def _choose(
    source: str, values: list[Any], slugs: set[str], flags: set[str]
) -> tuple[StateReading | None, bool]:
    """The petition node of the page among the decoded values; also whether any petition-like
    node was seen. Nodes whose slug names another petition (recommendations) are passed over."""
    best: tuple[int, Mapping[str, Any]] | None = None
    seen = False
    for value in values:
        for node in _walk(value):
            if not _is_petition(node):
                continue
            seen = True
            slug = _text(node.get("slug"))
            score = 0
            if slug is not None:
                if normalise_slug(slug) not in slugs:
                    continue  # another petition: a recommendation or a related card
                score += 8
            if node.get("__typename") == "Petition":
                score += 2
            if _first(node, _TITLES):
                score += 1
            if best is None or score > best[0]:
                best = (score, node)
    if best is None:
        return None, seen
    return _reading(source, best[1], flags), seen


def _scripts(tree: LexborHTMLParser) -> list[tuple[Mapping[str, str | None], str]]:
    return [(node.attributes, node.text() or "") for node in tree.css("script")]


def _apollo(
    scripts: list[tuple[Mapping[str, str | None], str]], slugs: set[str], flags: set[str]
) -> StateReading | None:
    """Inline GraphQL/Apollo state in any script (assignment, JSON.parse or a JSON script)."""
    texts = [
        (attrs, text)
        for attrs, text in scripts
        if any(m in text for m in _STATE_MARKERS)
        and "changeTargetingData" not in text
        and attrs.get("id") != "__NEXT_DATA__"
        and "ld+json" not in (attrs.get("type") or "")
    ]
    values: list[Any] = []
    for attrs, text in texts:
        if "json" in (attrs.get("type") or "").lower():
            try:
                values.append(json.loads(text))
                continue
            except ValueError:
                pass
        values.extend(assigned_values(text))
    reading, seen = _choose("apollo-state", values, slugs, flags)
    if reading is not None or seen:
        return reading
    for _, text in texts:
        found = _raw_block(text, slugs, flags)
        if found is not None:
            return found
    return None


def _json_string(body: str) -> str:
    try:
        return str(json.loads(f'"{body}"'))
    except ValueError:
        return body


def _raw_block(text: str, slugs: set[str], flags: set[str]) -> StateReading | None:
    """When the state cannot be decoded as a whole, the `"signatureCount":{...}` block nearest
    to our own `"slug"`; the first block only when the text names no slug at all."""
    blocks = [(m.start(), decode_at(text, m.end())) for m in _RAW_COUNT.finditer(text)]
    blocks = [(at, block) for at, block in blocks if isinstance(block, Mapping)]
    if not blocks:
        return None
    named = [(m.start(), normalise_slug(_json_string(m.group(1)))) for m in _RAW_SLUG.finditer(text)]
    ours = [at for at, slug in named if slug in slugs]
    if named and not ours:
        return None  # every slug named is another petition's
    if ours:
        blocks.sort(key=lambda item: min(abs(item[0] - at) for at in ours))
    return _reading("apollo-state", {"signatureCount": blocks[0][1]}, flags)


def _targeting_data(
    scripts: list[tuple[Mapping[str, str | None], str]], slugs: set[str], flags: set[str]
) -> StateReading | None:
    """`window.changeTargetingData = {...}` (2019-2021 pages): a JS object, `undefined` allowed."""
    for _, text in scripts:
        if "changeTargetingData" not in text:
            continue
        data = value_after(text, "changeTargetingData")
        petition = data.get("petition") if isinstance(data, Mapping) else None
        if isinstance(petition, Mapping):
            reading, _ = _choose("targeting-data", [petition], slugs, flags)
            if reading is not None:
                return reading
    return None


def _next_data(tree: LexborHTMLParser, slugs: set[str], flags: set[str]) -> StateReading | None:
    node = tree.css_first("script#__NEXT_DATA__")
    if node is None:
        return None
    try:
        data = json.loads(node.text() or "")
    except ValueError:
        return None
    return _choose("next-data", [data], slugs, flags)[0]


def _counter_type(counter: Mapping[str, Any]) -> str:
    kind = counter.get("interactionType")
    if isinstance(kind, Mapping):
        kind = kind.get("@type") or kind.get("@id")
    return str(kind or "").lower()


def _json_ld(
    scripts: list[tuple[Mapping[str, str | None], str]], slugs: set[str], flags: set[str]
) -> StateReading | None:
    """A schema.org InteractionCounter's `userInteractionCount` (signatures, not comments/shares)."""
    for attrs, text in scripts:
        if "ld+json" not in (attrs.get("type") or "") or "userInteractionCount" not in text:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue
        for node in _walk(data):
            stats = node.get("interactionStatistic")
            if stats is None:
                continue
            page_slug = slug_or_none(_text(node.get("url")) or _text(node.get("@id")))
            if page_slug is not None and page_slug not in slugs:
                continue
            for counter in stats if isinstance(stats, list) else [stats]:
                if not isinstance(counter, Mapping):
                    continue
                if any(word in _counter_type(counter) for word in _OTHER_COUNTERS):
                    continue
                count = _as_int(counter.get("userInteractionCount"))
                if count == 0:
                    flags.add("placeholder_ignored")  # every petition has its starter's signature
                elif count is not None:
                    title = _text(node.get("headline")) or _text(node.get("name"))
                    return StateReading("json-ld", count, "userInteractionCount", title=title)
    return None


def read_state(tree: LexborHTMLParser, slugs: set[str], flags: set[str]) -> StateReading | None:
    """The petition's count and facts from the first embedded state that has them, most robust
    first. `slugs` are the petition's own slugs (requested and final URL); a placeholder passed
    over adds the flag `placeholder_ignored`."""
    scripts = _scripts(tree)
    return (
        _apollo(scripts, slugs, flags)
        or _targeting_data(scripts, slugs, flags)
        or _next_data(tree, slugs, flags)
        or _json_ld(scripts, slugs, flags)
    )
