"""The HTML fallback for ControlShift petition pages: title, count, goal and status from the markup."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aggregator_plugins.page_text import social_title
from selectolax.lexbor import LexborHTMLParser

from aggregator import LayoutChanged, Status, parse_count

_NUMBER = r"(\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+|\d+)"
#: elements that ControlShift themes are expected to put the count in (inferred, no saved page)
COUNT_SELECTORS = (
    "[data-signature-count]",
    ".signature-count",
    ".signatures-count",
    ".petition-signature-count",
    ".js-signature-count",
    "#signature-count",
    "#signature_count",
)
_GOAL_SELECTORS = ("[data-signature-goal]", "[data-goal]", ".signature-goal", ".petition-goal")
_COUNT_TEXT = re.compile(
    r"(?<![\d,.])(?<!of )(?<!goal )(?<!goal: )" + _NUMBER + r"\s+(?:people\s+)?(?:have\s+)?"
    r"(?:signed|signatures?|supporters?|signers?)\b",
    re.I,
)
_OF_TEXT = re.compile(
    r"(?<![\d,.])" + _NUMBER + r"\s+(?:of|/)\s+" + _NUMBER + r"\s+(?:signatures?|supporters?|signers?)\b",
    re.I,
)
_GOAL_TEXT = re.compile(
    r"\bof\s+" + _NUMBER + r"\s+(?:signatures?|supporters?)\b|\bgoal(?: of)?:?\s+" + _NUMBER + r"\b|"
    r"\b(?:get|reach) (?:us )?to\s+" + _NUMBER + r"\b",
    re.I,
)
_VICTORY = re.compile(
    r"this (?:petition|campaign) (?:was|has been|is) (?:successful|won)|(?:petition|campaign) won\b", re.I
)
_CLOSED = re.compile(
    r"this (?:petition|campaign) (?:has )?(?:ended|closed)|this petition is (?:now )?closed|no longer "
    r"(?:accepting|collecting) signatures",
    re.I,
)
#: the Rails sign form of a petition: `form#new_signature` posting to /petitions/<slug>/signatures
_SIGN_FORM = "form#new_signature, form[action*='/signatures']"
_SPACES = re.compile(r"\s+")
LOOKED_FOR = (
    f"the count elements ({', '.join(COUNT_SELECTORS)}) and the text 'N signatures' / 'N people have signed'"
)


@dataclass(frozen=True, slots=True)
class PageReading:
    """What the petition page shows."""

    supporters: int
    method: str
    status: Status
    raw_status: str
    title: str | None
    goal: int | None


def _node_number(tree: LexborHTMLParser, selectors: tuple[str, ...]) -> int | None:
    for selector in selectors:
        for node in tree.css(selector):
            attribute = selector[1:-1] if selector.startswith("[") else None
            raw = node.attributes.get(attribute) if attribute else None
            text = raw if raw and raw.strip() else node.text()
            try:
                return parse_count(text).value
            except LayoutChanged:
                continue
    return None


def status(tree: LexborHTMLParser, text: str) -> tuple[Status, str]:
    """Victory or closed wording first; otherwise the sign form means open."""
    for pattern, found in ((_VICTORY, Status.VICTORY), (_CLOSED, Status.CLOSED)):
        match = pattern.search(text)
        if match:
            return found, match.group(0).lower()
    if tree.css_first(_SIGN_FORM) is not None:
        return Status.OPEN, "sign form"
    return Status.UNKNOWN, "no sign form"


def read_page(html: str, url: str) -> PageReading:
    """The count from a count element, else from the visible text; a text count of 0 or 1 is the
    placeholder a script replaces, never a count."""
    tree = LexborHTMLParser(html)
    text = _SPACES.sub(" ", tree.body.text(separator=" ")) if tree.body is not None else ""
    found, raw = status(tree, text)
    supporters, method = _node_number(tree, COUNT_SELECTORS), "css"
    if supporters is None:
        match = _OF_TEXT.search(text) or _COUNT_TEXT.search(text)
        if match is None:
            raise LayoutChanged(f"ControlShift page {url} has no readable count: looked for {LOOKED_FOR}")
        supporters, method = parse_count(match.group(1)).value, "visible-text"
        if supporters <= 1:
            raise LayoutChanged(
                f"ControlShift page {url} shows {match.group(0)!r}: a 0 or 1 in the text is a placeholder "
                "that the page's script replaces, not a count"
            )
    goal = _node_number(tree, _GOAL_SELECTORS)
    if goal is None:
        match = _GOAL_TEXT.search(text)
        goal = parse_count(next(g for g in match.groups() if g)).value if match else None
    return PageReading(supporters, method, found, raw, social_title(tree, ("h1", "title")), goal or None)
