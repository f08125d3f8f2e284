"""What a change.org page shows: site markers, title, status markup and the header's count text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aggregator_plugins.page_text import meta
from selectolax.lexbor import LexborHTMLParser

from aggregator import Status, parse_count

from .urls import HOSTS, slug_or_none

LOOKED_FOR = "the header text ('N have signed', 'This petition had N supporters')"

_NUMBER = r"(\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+|\d+)"
_SIGNED = re.compile(r"(?<![\d,.])" + _NUMBER + r" (?:have|has) signed\b", re.I)
_HAD = re.compile(r"\bThis petition had " + _NUMBER + r" (?:supporters|signatures|signers)\b", re.I)
_MADE_CHANGE = re.compile(
    r"\bThis petition made change with " + _NUMBER + r" (?:supporters|signatures|signers)\b", re.I
)
_GOAL = re.compile(r"\bLet[’']s get to " + _NUMBER + r"(?![\d])", re.I)
_CLOSED = re.compile(r"\bPetition Closed\b")  # the banner; "the petition closed" in prose is not
_VICTORY_TEXT = re.compile(r"\bConfirmed victory\b", re.I)
_VICTORY_MARKUP = ".ribbon-victory, .victory-ribbon, .victory-banner, [data-testid*='victory']"
_SPACES = re.compile(r"\s+")
_TITLE_PREFIX = re.compile(r"^(?:Petition|Petición|Petição|Pétition)\s*[·|]\s*", re.I)
_TITLE_SUFFIX = re.compile(r"\s*[·|-]\s*Change\.org\s*$", re.I)
_GENERIC_TITLES = frozenset({"sign the petition", "change.org", "petition"})
_CHALLENGE = (
    "_cf_chl_opt",
    "cf-browser-verification",
    "<title>Just a moment...</title>",
    "Attention Required! | Cloudflare",
    "cf-challenge-running",
)
_ASSET_HOSTS = ("assets.change.org", "static.change.org")


@dataclass(frozen=True, slots=True)
class TextReading:
    """A count read from the visible header, with the status its wording implies."""

    supporters: int
    status: Status
    raw_status: str
    goal: int | None = None


def is_challenge(html: str) -> bool:
    """Whether the body is a Cloudflare bot challenge rather than a change.org page."""
    return any(marker in html for marker in _CHALLENGE)


def is_change_org(tree: LexborHTMLParser, html: str) -> bool:
    """Whether the page is change.org's: its site name, canonical URL, assets or page state."""
    if "change.org" in (meta(tree, "og:site_name") or "").lower():
        return True
    canonical = tree.css_first("link[rel='canonical']")
    for url in (canonical.attributes.get("href") if canonical is not None else None, meta(tree, "og:url")):
        if url and (slug_or_none(url) or any(f"//{host}" in url for host in HOSTS)):
            return True
    return "changeTargetingData" in html or any(host in html for host in _ASSET_HOSTS)


def _clean_title(text: str | None) -> str | None:
    if not text:
        return None
    title = _TITLE_SUFFIX.sub("", _TITLE_PREFIX.sub("", _SPACES.sub(" ", text).strip()))
    return title if title and title.lower() not in _GENERIC_TITLES else None


def title(tree: LexborHTMLParser) -> str | None:
    """The title the markup gives: `og:title`, else the first `h1`, else `<title>`, with the
    site's "Petition ·" prefix and "· Change.org" suffix removed. Entities are decoded once, by
    the HTML parser; markup-like text stays text."""
    h1 = tree.css_first("h1")
    head_title = tree.css_first("title")
    for candidate in (
        meta(tree, "og:title"),
        h1.text(separator=" ") if h1 is not None else None,
        head_title.text() if head_title is not None else None,
    ):
        cleaned = _clean_title(candidate)
        if cleaned:
            return cleaned
    return None


def page_text(tree: LexborHTMLParser) -> str:
    """The visible text with scripts and styles removed and whitespace collapsed. Mutates `tree`."""
    tree.strip_tags(["script", "style", "noscript", "template"])
    root = tree.body or tree.root
    return _SPACES.sub(" ", root.text(separator=" ") if root is not None else "").strip()


def markup_status(tree: LexborHTMLParser, text: str) -> tuple[Status, str] | None:
    """Victory or closed as the page shows it (ribbon markup, "Petition Closed", past tense)."""
    if tree.css_first(_VICTORY_MARKUP) is not None or _VICTORY_TEXT.search(text):
        return Status.VICTORY, "victory"
    if _MADE_CHANGE.search(text):
        return Status.VICTORY, "This petition made change"
    if _CLOSED.search(text):
        return Status.CLOSED, "Petition Closed"
    if _HAD.search(text):
        return Status.CLOSED, "This petition had"
    return None


def shown_goal(text: str) -> int | None:
    """The goal of \"Let's get to N\" (a ladder step change.org computes), or None."""
    match = _GOAL.search(text)
    return parse_count(match.group(1)).value if match else None


def read_text(text: str, flags: set[str]) -> TextReading | None:
    """The count in the header: "This petition made change with N supporters" (victory), "This
    petition had N supporters" (closed), "N have signed" (open). Never the footer ("Join X and N
    supporters today", one less: it leaves out the starter), never the goal of "Let's get to N",
    and never "0 have signed", which pages show when their state is missing."""
    for pattern, status, raw in (
        (_MADE_CHANGE, Status.VICTORY, "This petition made change"),
        (_HAD, Status.CLOSED, "This petition had"),
    ):
        match = pattern.search(text)
        if match:
            return TextReading(parse_count(match.group(1)).value, status, raw)
    goal = shown_goal(text)
    for match in _SIGNED.finditer(text):
        count = parse_count(match.group(1)).value
        if count == 0:
            flags.add("placeholder_ignored")
            continue
        return TextReading(count, Status.OPEN, "have signed", goal)
    return None


def placeholder_note(text: str) -> str:
    """A phrase describing the placeholder the page showed, for error messages."""
    goal = shown_goal(text)
    shown = f"'0 have signed' beside the goal {goal:,}" if goal else "'0 have signed'"
    return f"; the page shows the placeholder {shown}, not a count"
