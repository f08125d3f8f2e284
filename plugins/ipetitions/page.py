"""What an iPetitions page shows: JSON-LD counters, "N signatures" (space thousands), goal, status."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from aggregator import Status, parse_count

#: space thousands ("36 967 717" on the home page), also commas, dots, NBSP and thin spaces
_NUMBER = r"(\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+|\d+)"
_WORDS = r"(?:signatures|signers|supporters|people\s+have\s+signed)"
#: "1,204 of 5,000 signatures": the count, then the author's goal
_COUNT_OF_GOAL = re.compile(r"(?<![\d,.])" + _NUMBER + r"\s+(?:of|/)\s+" + _NUMBER + r"\s+" + _WORDS, re.I)
_COUNT = re.compile(r"(?<![\d,.])" + _NUMBER + r"\s+" + _WORDS + r"\b", re.I)
_LABELLED = re.compile(r"\b(?:signatures|signature count|signed)\s*:\s*" + _NUMBER + r"(?![\d,.]?\d)", re.I)
#: words just before a number that make it a goal, not a count
_GOAL_BEFORE = re.compile(r"(?:\bof|\bgoal:?|\bget to|\breach|\bneed|\btarget:?|/)\s*$", re.I)
#: "5,000 signatures goal" (but not "1,204 signatures Goal: 2,000")
_GOAL_AFTER = re.compile(r"\s+goal\b(?!\s*:)", re.I)
_GOALS = (
    re.compile(r"\b(?:signature\s+)?goal\s*(?:of|:|is)\s*" + _NUMBER + r"(?![\d,.]?\d)", re.I),
    re.compile(r"(?<![\d,.])" + _NUMBER + r"\s+signatures?\s+goal\b(?!\s*:)", re.I),
)
_VICTORY = re.compile(
    r"\bvictory!|\bthis petition (?:was|has been) successful\b|\bsuccessful petition\b", re.I
)
_CLOSED = re.compile(
    r"\bthis petition (?:is|has been|was) closed\b|\bpetition closed\b|\bclosed petition\b"
    r"|\bno longer (?:accepting|collecting) signatures\b|\bthis petition is no longer active\b",
    re.I,
)
_SIGNABLE = "form[action*='sign'], form[id*='sign'], form[class*='sign'], a[href$='/sign']"
#: the site-wide "Live signatures" total of the home page: never a petition's count
SITE_TOTAL = "#signaturesTotal"
#: parts of a page that show other petitions' numbers or the site's own
NOT_THIS_PETITION = (
    "header, nav, footer, aside, [class*='related'], [class*='recommend'], [class*='similar'], "
    "[class*='popular'], [class*='sidebar'], [id*='signaturesTotal'], [class*='signatures-total']"
)
_SPACES = re.compile(r"\s+")
_TITLE_SUFFIX = re.compile(r"\s*[|·-]\s*iPetitions(?:\.com)?\s*$", re.I)
_TITLE_PREFIX = re.compile(r"^\s*(?:Petition|Online petition)\s*[:·|-]\s*", re.I)


@dataclass(frozen=True, slots=True)
class Reading:
    """A count, the source that gave it and the goal shown beside it."""

    supporters: int
    method: str
    goal: int | None = None


def meta(tree: LexborHTMLParser, prop: str) -> str | None:
    node = tree.css_first(f"meta[property='{prop}'], meta[name='{prop}']")
    value = node.attributes.get("content") if node is not None else None
    return value.strip() if value and value.strip() else None


def _walk(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, list):
        return [item for entry in value for item in _walk(entry)]
    if isinstance(value, dict):
        found = [value]
        for key in ("@graph", "interactionStatistic", "mainEntity"):
            found += _walk(value.get(key))
        return found
    return []


def json_ld_count(tree: LexborHTMLParser) -> int | None:
    """A schema.org `InteractionCounter` whose action is a sign/join/register action, or None."""
    for script in tree.css("script[type='application/ld+json']"):
        try:
            data = json.loads(script.text() or "null")
        except ValueError:
            continue
        for item in _walk(data):
            action = item.get("interactionType")
            kind = action.get("@type") if isinstance(action, dict) else action
            signing = isinstance(kind, str) and any(
                w in kind for w in ("Sign", "Join", "Register", "Endorse")
            )
            if signing and "userInteractionCount" in item:
                return parse_count(item["userInteractionCount"]).value
    return None


def visible_text(tree: LexborHTMLParser) -> str:
    """The text of the petition's own parts (scripts, navigation, sidebars, other petitions removed).
    Mutates `tree`."""
    tree.strip_tags(["script", "style", "noscript", "template"])
    for node in tree.css(NOT_THIS_PETITION):
        node.decompose()
    root = tree.body or tree.root
    return _SPACES.sub(" ", root.text(separator=" ") if root is not None else "").strip()


def shown_goal(text: str) -> int | None:
    for pattern in _GOALS:
        match = pattern.search(text)
        if match:
            return parse_count(match.group(1)).value
    return None


def text_count(text: str) -> Reading | None:
    """ "N of M signatures", "Signatures: N", else the first "N signatures" not preceded by a goal
    word; None when the text has none (a goal alone is never a count)."""
    goal = shown_goal(text)
    both = _COUNT_OF_GOAL.search(text)
    if both:
        return Reading(parse_count(both.group(1)).value, "visible-text", parse_count(both.group(2)).value)
    labelled = _LABELLED.search(text)
    if labelled:
        return Reading(parse_count(labelled.group(1)).value, "visible-text", goal)
    last = 0
    for match in _COUNT.finditer(text):
        before = text[max(last, match.start() - 16) : match.start()]
        after = _GOAL_AFTER.match(text, match.end())
        last = after.end() if after else match.end()
        if not (_GOAL_BEFORE.search(before) or after):
            return Reading(parse_count(match.group(1)).value, "visible-text", goal)
    return None


def status(tree: LexborHTMLParser, text: str) -> tuple[Status, str | None]:
    """Victory or closed wording, else a signing form (open), else unknown."""
    if _VICTORY.search(text):
        return Status.VICTORY, "victory"
    closed = _CLOSED.search(text)
    if closed:
        return Status.CLOSED, closed.group(0)
    if tree.css_first(_SIGNABLE) is not None:
        return Status.OPEN, "signable"
    return Status.UNKNOWN, None


def title(tree: LexborHTMLParser) -> str | None:
    """`og:title`, the first `h1` or `<title>`, without the site's name."""
    h1 = tree.css_first("h1")
    head = tree.css_first("title")
    for candidate in (
        meta(tree, "og:title"),
        h1.text(separator=" ") if h1 is not None else None,
        head.text() if head is not None else None,
    ):
        cleaned = _TITLE_PREFIX.sub("", _TITLE_SUFFIX.sub("", _SPACES.sub(" ", candidate or "").strip()))
        if cleaned and cleaned.lower() not in ("ipetitions", "petition"):
            return cleaned
    return None
