"""Reading WeAct answers: the ControlShift petition JSON, and the petition page's markup as fallback."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aggregator_plugins.page_text import value_count
from selectolax.lexbor import LexborHTMLParser

from aggregator import LayoutChanged, Status, parse_count

_COUNT_KEYS = ("signature_count", "signatures_count")
#: "10.808 von 15.000 Unterschriften": the count, then the goal (never read as the count)
_OF_GOAL = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:[.\u00a0\u202f ]\d{3})*|\d+)\s+von\s+(\d{1,3}(?:[.\u00a0\u202f ]\d{3})*|\d+)"
    r"\s+Unterschriften",
    re.IGNORECASE,
)
#: "5.000 Unterschriften erreicht": a milestone reached on a date, a lower bound, never the count
_MILESTONE = re.compile(r"Unterschriften?\s+erreicht", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_TITLE_SUFFIX = re.compile(r"\s*[-\u2013\u2014|]\s*(?:WeAct|Campact)\b.*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Reading:
    """A count with what came beside it."""

    supporters: int
    status: Status
    raw_status: str | None
    title: str | None = None
    goal: int | None = None
    created_at: str | None = None
    method: str = "json-api"


def controlshift_status(petition: Mapping[str, Any]) -> tuple[Status, str]:
    """ControlShift's two booleans: ended and successful -> victory; ended -> closed; else open."""
    ended, successful = petition.get("ended") is True, petition.get("successful") is True
    raw = f"ended={str(ended).lower()}, successful={str(successful).lower()}"
    if ended and successful:
        return Status.VICTORY, raw
    if ended:
        return Status.CLOSED, raw
    return Status.OPEN, raw


def read_json(text: str) -> Reading | None:
    """The ControlShift petition object (`/petitions/<slug>.json`, possibly wrapped in
    `{"petition": {...}}`). None when the body is not JSON at all (the route answered HTML)."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    petition = data.get("petition", data) if isinstance(data, Mapping) else None
    if not isinstance(petition, Mapping):
        raise LayoutChanged(f"the petition JSON is a {type(data).__name__}, not an object")
    for key in _COUNT_KEYS:
        count = value_count(petition.get(key))
        if count is not None:
            break
    else:
        raise LayoutChanged(f"the petition JSON has no signature_count: keys {sorted(petition)[:15]}")
    status, raw = controlshift_status(petition)
    title = petition.get("title")
    created = petition.get("created_at")
    return Reading(
        supporters=count,
        status=status,
        raw_status=raw,
        title=title.strip() if isinstance(title, str) and title.strip() else None,
        goal=value_count(petition.get("goal")) or None,
        created_at=created if isinstance(created, str) else None,
    )


def _title(tree: LexborHTMLParser) -> str | None:
    """`h1.page-title` (the Aktion template's full title), then `og:title`, then the first h1."""
    for selector, attribute in (
        ("h1.page-title", None),
        ("meta[property='og:title']", "content"),
        ("h1", None),
    ):
        node = tree.css_first(selector)
        if node is None:
            continue
        text = node.attributes.get(attribute) if attribute else node.text(separator=" ")
        cleaned = _TITLE_SUFFIX.sub("", _SPACES.sub(" ", text or "").strip())
        if cleaned:
            return cleaned
    return None


def _data_signatures(tree: LexborHTMLParser) -> tuple[int, int | None] | None:
    """`[data-signatures]`: its value when numeric, else "N von M Unterschriften" in its text."""
    for node in tree.css("[data-signatures]"):
        value = value_count(node.attributes.get("data-signatures") or "")
        if value is not None:
            goal = value_count(node.attributes.get("data-goal") or "")
            return value, goal
        found = _OF_GOAL.search(_SPACES.sub(" ", node.text(separator=" ")))
        if found:
            return parse_count(found.group(1)).value, parse_count(found.group(2)).value
    return None


def read_page(html: str) -> Reading | None:
    """The petition page's counter: `[data-signatures]`, else the text "N von M Unterschriften".
    Milestone lines ("5.000 Unterschriften erreicht") and the goal M are never read as the count."""
    tree = LexborHTMLParser(html)
    found = _data_signatures(tree)
    method = "css"
    if found is None:
        tree.strip_tags(["script", "style", "noscript", "template"])
        root = tree.body or tree.root
        text = _SPACES.sub(" ", root.text(separator=" ") if root is not None else "")
        for match in _OF_GOAL.finditer(text):
            if not _MILESTONE.match(text, match.end() - len("Unterschriften")):
                found = parse_count(match.group(1)).value, parse_count(match.group(2)).value
                method = "visible-text"
                break
    if found is None:
        return None
    count, goal = found
    return Reading(count, Status.UNKNOWN, None, _title(tree), goal, method=method)
