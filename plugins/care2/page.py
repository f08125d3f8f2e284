"""What a ThePetitionSite page and its count endpoint say: title, goal, status words, counts."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from aggregator_plugins.page_text import first_title, number, title_candidates, visible_text
from selectolax.lexbor import LexborHTMLParser

from aggregator import LayoutChanged, Status, parse_count

#: the goal in the page's script: `"goal":"5000"` (as third-party scrapers read it)
_GOAL = re.compile(r"[\"']goal[\"']\s*:\s*[\"']?(\d+)")
_NUMBER = number(r",.\u00a0\u202f")
#: "48,213 signatures", "48,213 supporters"; a goal's number ("of 50,000", "get to 50,000") is skipped
_SHOWN_COUNT = re.compile(
    r"(?<![\d,.])" + _NUMBER + r"\s+(?:signatures|supporters|people have signed)\b", re.I
)
_GOAL_WORDS = re.compile(r"(?:\bof|\bgoal:?|\bget to|\breach|\bneed|\btarget:?|/)\s*$", re.I)
_VICTORY = re.compile(r"\bvictory!|\bthis petition (?:was|has been) successful\b|\bpetition won\b", re.I)
_CLOSED = re.compile(
    r"\bthis petition (?:is|has been) closed\b|\bpetition closed\b|\bthis petition has (?:ended|closed)\b"
    r"|\bno longer accepting signatures\b|\bsignatures are no longer being accepted\b",
    re.I,
)
_SIGN_FORM = "form[id*='sign'], form[class*='sign'], form[action*='sign']"
#: parts of a page that show other petitions' numbers (list cards are `div.petition` on the browse
#: pages the scrapers read) or the site's: removed before the text is searched for a count
_NOT_THIS_PETITION = (
    "header, nav, footer, aside, div.petition, [class*='related'], [class*='recommend'], "
    "[class*='more-petitions']"
)
_VICTORY_MARKUP = "[class*='victory']"
_TITLE_SUFFIX = re.compile(r"\s*[|·-]\s*(?:Care2\s+Petitions|ThePetitionSite(?:\.com)?|Care2)\s*$", re.I)


@dataclass(frozen=True, slots=True)
class PageReading:
    """What the petition page gives: the count endpoint has the count."""

    title: str | None
    goal: int | None
    status: Status
    raw_status: str | None
    shown_count: int | None


def shown_count(text: str) -> int | None:
    """The first "N signatures" of the page text that is not the number of a goal, or None."""
    for match in _SHOWN_COUNT.finditer(text):
        if _GOAL_WORDS.search(text[max(0, match.start() - 16) : match.start()]):
            continue
        return parse_count(match.group(1)).value
    return None


def read_page(html: str) -> PageReading:
    """Title (`h1`), goal (`"goal":"N"` in the script), status words and any visible count."""
    tree = LexborHTMLParser(html)
    goal_match = _GOAL.search(html)
    goal = int(goal_match.group(1)) if goal_match and int(goal_match.group(1)) > 0 else None
    victory_markup = tree.css_first(_VICTORY_MARKUP) is not None
    signable = tree.css_first(_SIGN_FORM) is not None
    title = first_title(title_candidates(tree), _TITLE_SUFFIX)
    text = visible_text(tree, _NOT_THIS_PETITION)
    closed = _CLOSED.search(text)
    if victory_markup or _VICTORY.search(text):
        status, raw = Status.VICTORY, "victory"
    elif closed:
        status, raw = Status.CLOSED, closed.group(0)
    elif signable:
        status, raw = Status.OPEN, "signable"
    else:
        status, raw = Status.UNKNOWN, None
    return PageReading(title, goal, status, raw, shown_count(text))


def endpoint_count(body: bytes) -> int | None:
    """`signature_count` of the count endpoint's JSON (a number or a numeric string); None when the
    body is empty. Raises `LayoutChanged` for a body that is not that JSON."""
    if not body.strip():
        return None
    try:
        data: Any = json.loads(body)
    except ValueError as exc:
        raise LayoutChanged(f"the count endpoint did not answer JSON ({body[:60]!r})") from exc
    if not isinstance(data, dict) or "signature_count" not in data:
        keys = sorted(data)[:8] if isinstance(data, dict) else type(data).__name__
        raise LayoutChanged(f"the count endpoint's JSON has no signature_count (found {keys})")
    raw = data["signature_count"]
    if raw is None or raw == "":
        return None
    if isinstance(raw, str) and not raw.strip().isdigit():
        raise LayoutChanged(f"signature_count is not a whole number: {raw!r}")
    return parse_count(raw if not isinstance(raw, str) else int(raw.strip())).value
