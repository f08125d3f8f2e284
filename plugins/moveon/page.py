"""What a MoveOn petition page holds: embedded petition state, the thermometer markup and its text."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aggregator_plugins.page_text import social_title
from selectolax.lexbor import LexborHTMLParser

from aggregator import LayoutChanged, Status, parse_count

_COUNT_KEYS = ("total_signatures", "signature_count", "signatureCount")
_GOAL_KEYS = ("signature_goal", "signatureGoal", "goal")
_SLUG_KEYS = ("name", "slug", "url_slug")
_PRELOAD = re.compile(r"window\.preloadObjects\s*=\s*")
_NUMBER = r"(\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+|\d+)"
_OF_TEXT = re.compile(r"(?<![\d,.])" + _NUMBER + r"\s+of\s+" + _NUMBER + r"\s+signatures?\b", re.I)
_COUNT_TEXT = re.compile(
    r"(?<![\d,.])(?<!of )" + _NUMBER + r"\s+(?:people\s+have\s+signed|signatures?|signers?)\b", re.I
)
#: mop-frontend's banner for a petition whose creator declared victory
_VICTORY_TEXT = re.compile(r"declared the campaign a success", re.I)
_CLOSED_TEXT = re.compile(r"this petition (?:is|has been) closed|no longer accepting signatures", re.I)
_SPACES = re.compile(r"\s+")
#: where the title is when the page has no `og:title` or `twitter:title`
_HEADINGS = ("#petition-title", "h1", "title")
LOOKED_FOR = (
    "the page state (__NEXT_DATA__, window.preloadObjects), the thermometer (.progress-current strong) "
    "and the text 'N of M signatures'"
)


@dataclass(frozen=True, slots=True)
class Reading:
    """What the page gave: any field may be missing."""

    supporters: int | None
    method: str | None
    status: Status
    raw_status: str | None
    title: str | None
    goal: int | None
    list_id: str | None


def _walk(value: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def _json_after(text: str, start: int) -> Any:
    try:
        return json.JSONDecoder().raw_decode(text, start)[0]
    except ValueError:
        return None


def petition_state(tree: LexborHTMLParser, html: str, slug: str) -> Mapping[str, Any] | None:
    """The petition object of the page state: `__NEXT_DATA__` or mop's `window.preloadObjects`.
    Among several petition-like objects (related petitions), the one named by our slug wins."""
    roots: list[Any] = []
    node = tree.css_first("script#__NEXT_DATA__")
    if node is not None:
        with contextlib.suppress(ValueError):
            roots.append(json.loads(node.text()))
    match = _PRELOAD.search(html)
    if match is not None:
        roots.append(_json_after(html, match.end()))
    objects = [item for root in roots for item in _walk(root)]
    candidates = [
        item
        for item in objects
        if any(item.get(k) is not None for k in _COUNT_KEYS) and isinstance(item.get("title"), str)
    ]
    ours = [item for item in objects if any(item.get(k) == slug for k in _SLUG_KEYS)]
    if ours:
        return next((item for item in ours if item in candidates), None)
    # one unnamed petition object is ours; a named one is another petition (related, trending)
    unnamed = [item for item in candidates if not any(item.get(k) for k in _SLUG_KEYS)]
    return unnamed[0] if len(candidates) == 1 and unnamed else None


def _state_status(petition: Mapping[str, Any]) -> tuple[Status, str | None]:
    tags = petition.get("tags") or []
    names = {t.get("name") if isinstance(t, dict) else t for t in tags if isinstance(t, dict | str)}
    if "outcome:victory" in names:
        return Status.VICTORY, "outcome:victory"
    raw = petition.get("status")
    return Status.OPEN, raw if isinstance(raw, str) and raw else None


def _first(petition: Mapping[str, Any], keys: tuple[str, ...]) -> int | None:
    for key in keys:
        value = petition.get(key)
        if value is not None and not isinstance(value, bool):
            return parse_count(value).value
    return None


def _markup_number(tree: LexborHTMLParser, selector: str) -> int | None:
    node = tree.css_first(selector)
    if node is None:
        return None
    try:
        return parse_count(node.text()).value
    except LayoutChanged:
        return None


def read_page(html: str, slug: str, url: str) -> Reading:
    """Page state first, then the thermometer markup, then the text; a text count of 0 or 1 is
    refused as a placeholder. The count may be missing (the caller may then ask the list's JSON)."""
    tree = LexborHTMLParser(html)
    text = _SPACES.sub(" ", tree.body.text(separator=" ")) if tree.body is not None else ""
    meta = tree.css_first("meta[property='list_id'], meta[name='list_id']")
    list_id = (meta.attributes.get("content") or "").strip() if meta is not None else ""
    petition = petition_state(tree, html, slug)
    if petition is not None:
        status, raw = _state_status(petition)
        closed = _CLOSED_TEXT.search(text)
        if status is Status.OPEN and closed is not None:
            status, raw = Status.CLOSED, closed.group(0).lower()
        title = petition.get("title")
        return Reading(
            _first(petition, _COUNT_KEYS),
            "embedded-state",
            status,
            raw,
            title.strip() if isinstance(title, str) and title.strip() else social_title(tree, _HEADINGS),
            _first(petition, _GOAL_KEYS) or None,
            list_id or _list_id(petition),
        )
    status, raw = Status.OPEN, None
    if _VICTORY_TEXT.search(text):
        status, raw = Status.VICTORY, "victory banner"
    elif (closed := _CLOSED_TEXT.search(text)) is not None:
        status, raw = Status.CLOSED, closed.group(0).lower()
    supporters, method = _markup_number(tree, ".progress-current strong"), "css"
    goal = _markup_number(tree, ".progress-goal strong")
    if supporters is None:
        match = _OF_TEXT.search(text) or _COUNT_TEXT.search(text)
        method = "visible-text"
        if match is not None:
            supporters = parse_count(match.group(1)).value
            if match.re is _OF_TEXT:
                goal = parse_count(match.group(2)).value
            if supporters <= 1:
                raise LayoutChanged(
                    f"MoveOn page {url} shows {match.group(0)!r}: a 0 or 1 in the text is a placeholder "
                    "that the page's script replaces, not a count"
                )
    found = method if supporters is not None else None
    return Reading(
        supporters,
        found,
        status,
        raw,
        social_title(tree, _HEADINGS),
        goal or None,
        list_id or None,
    )


def _list_id(petition: Mapping[str, Any]) -> str | None:
    for identifier in petition.get("identifiers") or []:
        if isinstance(identifier, str) and identifier.startswith("list_id:"):
            return identifier.removeprefix("list_id:") or None
    return None
