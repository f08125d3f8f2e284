"""Eko's two page templates: Champaign's ActionsThermometer JSON and the Next.js `__NEXT_DATA__`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aggregator_plugins.page_text import value_count
from selectolax.lexbor import LexborHTMLParser

from aggregator import LayoutChanged

#: Champaign's Plugins::ActionsThermometer::GOALS; above 2M the goal is the next million
GOALS: tuple[int, ...] = (
    100, 200, 300, 400, 500, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 9_000,
    10_000, 15_000, 20_000, 25_000, 50_000, 75_000, 100_000, 150_000, 200_000, 250_000, 300_000,
    500_000, 750_000, 1_000_000, 1_500_000, 2_000_000,
)  # fmt: skip
_THERMOMETER = re.compile(r'"type"\s*:\s*"(ActionsThermometer|DonationsThermometer)"')
_GOAL_K = re.compile(r"^\s*(\d+)\s*k\s*$", re.IGNORECASE)
_NEXT_COUNTS = ("action_count", "actionCount", "signature_count", "signatures")
_NEXT_GONE = ("notFound", "hasError")
_SPACES = re.compile(r"\s+")
_BRAND = re.compile(r"\s*[|\u2013\u2014-]\s*(?:Ek[oō]|SumOfUs)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Reading:
    """The count a template gives, with the goal (always a computed ladder step) and the title."""

    template: str
    supporters: int
    goal: int | None
    title: str | None
    created_at: str | None = None
    campaign_id: str | None = None


def ladder_goal(count: int) -> int:
    """The goal Champaign shows for `count`: the first of `GOALS` above it, else the next million."""
    for goal in GOALS:
        if count < goal:
            return goal
    return count + 1_000_000 - count % 1_000_000


def _balanced_end(text: str, start: int) -> int:
    depth, i, quoted = 0, start, False
    while i < len(text):
        char = text[i]
        if quoted:
            if char == "\\":
                i += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _enclosing_object(text: str, position: int) -> Any:
    """The JSON object around `position`, or None (braces inside strings are rare here)."""
    depth, i = 0, position
    while i > 0 and position - i < 20_000:
        i -= 1
        if text[i] == "}":
            depth += 1
        elif text[i] == "{" and depth > 0:
            depth -= 1
        elif text[i] == "{":
            end = _balanced_end(text, i)
            if end <= position:
                return None
            try:
                return json.loads(text[i:end])
            except ValueError:
                return None
    return None


def _goal(plugin: Mapping[str, Any], count: int) -> int:
    """`goal_k` ("150k") when it is exact, else the ladder step (Champaign's own rule)."""
    shown = plugin.get("goal_k")
    if isinstance(shown, str):
        match = _GOAL_K.match(shown)
        if match:
            return int(match.group(1)) * 1000
        if shown.strip().isdigit():
            return int(shown.strip())
    return ladder_goal(count)


def _title(tree: LexborHTMLParser) -> str | None:
    og = tree.css_first("meta[property='og:title']")
    h1 = tree.css_first("h1")
    head = tree.css_first("title")
    for candidate in (
        h1.text(separator=" ") if h1 is not None else None,
        og.attributes.get("content") if og is not None else None,
        head.text() if head is not None else None,
    ):
        if candidate:
            cleaned = _BRAND.sub("", _SPACES.sub(" ", candidate).strip())
            if cleaned:
                return cleaned
    return None


def read_champaign(html: str, tree: LexborHTMLParser) -> Reading | None:
    """The legacy actions.eko.org page: the ActionsThermometer plugin data embedded in the page
    (`window.champaign.personalization.thermometer`, Champaign's `liquid_data`): `signatures` is a
    string formatted for the page's language ("128.011"), `goal_k` the ladder step ("150k").
    None when the page has no thermometer at all; `LayoutChanged` for a donations-only page."""
    donations = False
    for match in _THERMOMETER.finditer(html):
        if match.group(1) == "DonationsThermometer":
            donations = True
            continue
        plugin = _enclosing_object(html, match.start())
        count = value_count(plugin.get("signatures")) if isinstance(plugin, Mapping) else None
        if plugin is not None and count is not None:
            return Reading("champaign-thermometer", count, _goal(plugin, count), _title(tree))
    if donations:
        raise LayoutChanged("an Eko donation page: its thermometer counts donations, not supporters")
    return None


def _walk_props(props: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield props
    for key in ("page", "action", "campaign", "data"):
        child = props.get(key)
        if isinstance(child, Mapping):
            yield child


def next_data(tree: LexborHTMLParser) -> Mapping[str, Any] | None:
    """`props.pageProps` of the Next.js page, or None when the page has no `__NEXT_DATA__`."""
    node = tree.css_first("script#__NEXT_DATA__")
    if node is None:
        return None
    try:
        data = json.loads(node.text() or "")
    except ValueError:
        raise LayoutChanged("the page's __NEXT_DATA__ is not JSON") from None
    props = data.get("props", {}).get("pageProps") if isinstance(data, Mapping) else None
    return props if isinstance(props, Mapping) else {}


def next_is_gone(props: Mapping[str, Any]) -> bool:
    """Next.js pages render a missing action with `notFound`/`hasError` or a 404 status code."""
    return any(props.get(key) is True for key in _NEXT_GONE) or props.get("statusCode") in (404, 410)


def read_next(props: Mapping[str, Any]) -> Reading | None:
    """The new action.eko.org page: `__NEXT_DATA__.props.pageProps` with `action_count`, `title`,
    `created_at`, `campaign_id`. It shows no goal."""
    for node in _walk_props(props):
        for key in _NEXT_COUNTS:
            count = value_count(node.get(key))
            if count is None:
                continue
            title = node.get("title") or props.get("title")
            created = node.get("created_at") or props.get("created_at")
            campaign = node.get("campaign_id") or props.get("campaign_id")
            return Reading(
                "next-data",
                count,
                None,
                title.strip() if isinstance(title, str) and title.strip() else None,
                created if isinstance(created, str) else None,
                str(campaign) if isinstance(campaign, int | str) and campaign else None,
            )
    return None
