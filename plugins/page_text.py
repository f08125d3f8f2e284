"""Reading any HTML petition page: JSON-LD counters, its own text, "N signatures", status words, title."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from aggregator import DataSource, LayoutChanged, NotThisPlatform, ParseResult, Status, parse_count

SPACES = re.compile(r"\s+")
#: the source `json_ld_count` reads
JSON_LD_SOURCE = DataSource(
    "json-ld",
    "schema.org InteractionCounter (SignAction/JoinAction) userInteractionCount, if present",
    "inferred",
)
#: the words `StatusWords.english` reads
ENGLISH_STATUS_SOURCE = DataSource(
    "status-text", "'Victory!', 'This petition is closed', a signing form (open)", "inferred"
)
#: parts of a page that show other petitions' numbers or the site's own
NOT_THIS_PETITION = (
    "header, nav, footer, aside, [class*='related'], [class*='recommend'], [class*='similar'], "
    "[class*='popular'], [class*='sidebar']"
)
#: "Petition: ..." or "Online petition - ..." before an English title
ENGLISH_TITLE_PREFIX = re.compile(r"^\s*(?:Petition|Online petition)\s*[:·|-]\s*", re.I)
#: English month names, in lower case and in order (`ENGLISH_MONTHS.index(name) + 1` is the month)
ENGLISH_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
#: no digit or thousands separator just before a number (it is not the tail of a longer one)
NOT_AFTER_A_NUMBER = r"(?<![\d,.])"
#: no digit (alone or after one separator) just after a number
NOT_BEFORE_A_NUMBER = r"(?![\d,.]?\d)"


def number(separators: str) -> str:
    """A regex group for a whole number written with any of `separators` between its thousands."""
    return r"(\d{1,3}(?:[" + separators + r"]\d{3})+|\d+)"


@dataclass(frozen=True, slots=True)
class Reading:
    """A count, the source that gave it and the goal shown beside it."""

    supporters: int
    method: str
    goal: int | None = None


def meta(tree: LexborHTMLParser, prop: str) -> str | None:
    """The content of `<meta property=...>` or `<meta name=...>`, stripped; None when empty."""
    node = tree.css_first(f"meta[property='{prop}'], meta[name='{prop}']")
    value = node.attributes.get("content") if node is not None else None
    return value.strip() if value and value.strip() else None


def value_count(value: Any) -> int | None:
    """A count from a JSON value (a number or its text); None for null, booleans, objects, lists and
    text without a number."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    try:
        return parse_count(value).value
    except LayoutChanged:
        return None


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


def node_text(node: LexborNode | None) -> str:
    """The text of an element with whitespace collapsed ("" for no element)."""
    return " ".join(node.text(separator=" ").split()) if node is not None else ""


def visible_text(tree: LexborHTMLParser, not_this_petition: str = NOT_THIS_PETITION) -> str:
    """The text of the petition's own parts (scripts and the `not_this_petition` parts removed).
    Mutates `tree`."""
    tree.strip_tags(["script", "style", "noscript", "template"])
    for node in tree.css(not_this_petition):
        node.decompose()
    root = tree.body or tree.root
    return SPACES.sub(" ", root.text(separator=" ") if root is not None else "").strip()


class CountWords:
    """How a site words its counts and goals: "N of M signatures", "Signatures: N" and "N signatures",
    each number a regex group built by `number()`; a goal is never read as a count."""

    __slots__ = ("count", "count_of_goal", "goal_after", "goal_before", "goals", "labelled")

    def __init__(
        self,
        *,
        number: str,
        words: str,
        of: str,
        labels: str,
        goal_labels: str,
        goal_words: str,
        goal_before: str,
        goal_after: str,
    ) -> None:
        """`words` name the signers, `of` joins a count to its goal, `labels` come before "N" with a
        colon, `goal_labels` before a goal's number and `goal_words` after "N signatures"; a count
        whose text before matches `goal_before` or whose text after matches `goal_after` is a goal."""
        #: the count, then the author's goal
        self.count_of_goal = re.compile(NOT_AFTER_A_NUMBER + number + of + number + r"\s+" + words, re.I)
        self.count = re.compile(NOT_AFTER_A_NUMBER + number + r"\s+" + words + r"\b", re.I)
        self.labelled = re.compile(r"\b(?:" + labels + r")\s*:\s*" + number + NOT_BEFORE_A_NUMBER, re.I)
        self.goal_before = re.compile(goal_before, re.I)
        self.goal_after = re.compile(goal_after, re.I)
        self.goals = (
            re.compile(goal_labels + number + NOT_BEFORE_A_NUMBER, re.I),
            re.compile(NOT_AFTER_A_NUMBER + number + r"\s+signatures?\s+" + goal_words + r"\b(?!\s*:)", re.I),
        )

    @classmethod
    def english(cls, number: str) -> CountWords:
        """The English wording most sites share ("1,204 of 5,000 signatures", "Goal: 5,000")."""
        return cls(
            number=number,
            words=r"(?:signatures|signers|supporters|people\s+have\s+signed)",
            of=r"\s+(?:of|/)\s+",
            labels=r"signatures|signature count|signed",
            goal_labels=r"\b(?:signature\s+)?goal\s*(?:of|:|is)\s*",
            goal_words="goal",
            goal_before=r"(?:\bof|\bgoal:?|\bget to|\breach|\bneed|\btarget:?|/)\s*$",
            # "5,000 signatures goal" (but not "1,204 signatures Goal: 2,000")
            goal_after=r"\s+goal\b(?!\s*:)",
        )

    def shown_goal(self, text: str) -> int | None:
        """The goal the text shows ("Goal: 5,000", "5,000 signatures goal"), or None."""
        for pattern in self.goals:
            match = pattern.search(text)
            if match:
                return parse_count(match.group(1)).value
        return None

    def text_count(self, text: str) -> Reading | None:
        """ "N of M signatures", "Signatures: N", else the first "N signatures" not preceded by a goal
        word; None when the text has none (a goal alone is never a count)."""
        goal = self.shown_goal(text)
        both = self.count_of_goal.search(text)
        if both:
            return Reading(parse_count(both.group(1)).value, "visible-text", parse_count(both.group(2)).value)
        labelled = self.labelled.search(text)
        if labelled:
            return Reading(parse_count(labelled.group(1)).value, "visible-text", goal)
        last = 0
        for match in self.count.finditer(text):
            before = text[max(last, match.start() - 16) : match.start()]
            after = self.goal_after.match(text, match.end())
            last = after.end() if after else match.end()
            if not (self.goal_before.search(before) or after):
                return Reading(parse_count(match.group(1)).value, "visible-text", goal)
        return None


@dataclass(frozen=True, slots=True)
class StatusWords:
    """A site's victory and closed wording, and the markup of its signing form."""

    victory: re.Pattern[str]
    closed: re.Pattern[str]
    signable: str
    #: elements that mark a victory whatever the text says
    victory_markup: str | None = None
    #: the raw status stored for a victory
    victory_word: str = "victory"

    def status(self, tree: LexborHTMLParser, text: str) -> tuple[Status, str | None]:
        """Victory markup or wording, closed wording, else a signing form (open), else unknown."""
        marked = self.victory_markup is not None and tree.css_first(self.victory_markup) is not None
        if marked or self.victory.search(text):
            return Status.VICTORY, self.victory_word
        closed = self.closed.search(text)
        if closed:
            return Status.CLOSED, closed.group(0)
        if tree.css_first(self.signable) is not None:
            return Status.OPEN, "signable"
        return Status.UNKNOWN, None

    @classmethod
    def english(cls, signable: str) -> StatusWords:
        """The English "Victory!" and "This petition is closed" wording most sites share."""
        return cls(
            victory=re.compile(
                r"\bvictory!|\bthis petition (?:was|has been) successful\b|\bsuccessful petition\b", re.I
            ),
            closed=re.compile(
                r"\bthis petition (?:is|has been|was) closed\b|\bpetition closed\b|\bclosed petition\b"
                r"|\bno longer (?:accepting|collecting) signatures\b|\bthis petition is no longer active\b",
                re.I,
            ),
            signable=signable,
        )


def first_title(
    candidates: Iterable[str | None],
    suffix: re.Pattern[str],
    *,
    prefix: re.Pattern[str] | None = None,
    not_titles: tuple[str, ...] = (),
) -> str | None:
    """The first candidate left once spaces are collapsed and the site's `suffix` (then `prefix`)
    removed, and that is not a bare site name from `not_titles` (lower case)."""
    for candidate in candidates:
        cleaned = suffix.sub("", SPACES.sub(" ", candidate or "").strip())
        if prefix is not None:
            cleaned = prefix.sub("", cleaned)
        if cleaned and cleaned.lower() not in not_titles:
            return cleaned
    return None


def social_title(tree: LexborHTMLParser, headings: tuple[str, ...]) -> str | None:
    """`og:title` or `twitter:title` as the page gives it, else the text of the first of `headings`
    (selectors, in order) that has any."""
    for selector in ("meta[property='og:title']", "meta[name='twitter:title']"):
        node = tree.css_first(selector)
        content = (node.attributes.get("content") or "").strip() if node is not None else ""
        if content:
            return content
    for selector in headings:
        node = tree.css_first(selector)
        text = SPACES.sub(" ", node.text()).strip() if node is not None else ""
        if text:
            return text
    return None


def title_candidates(tree: LexborHTMLParser, *, og_first: bool = False) -> list[str | None]:
    """The first `h1` and `og:title` (`og_first`: in that order), then `<title>`."""
    h1 = tree.css_first("h1")
    head = tree.css_first("title")
    heading = h1.text(separator=" ") if h1 is not None else None
    shared = meta(tree, "og:title")
    first = [shared, heading] if og_first else [heading, shared]
    return [*first, head.text() if head is not None else None]


@dataclass(frozen=True, slots=True)
class TextSite:
    """A site whose petition pages are read from a JSON-LD counter, else from their own visible text."""

    #: the site's name as it writes it; its lower case must appear in every page of the site
    name: str
    counts: CountWords
    statuses: StatusWords
    title_suffix: re.Pattern[str]
    title_prefix: re.Pattern[str]
    #: titles that are only the site's name (lower case)
    not_titles: tuple[str, ...]
    not_this_petition: str = NOT_THIS_PETITION
    #: the page parts besides headers and sidebars whose numbers are never the count (for errors)
    elsewhere: str = "related petitions"

    def title(self, tree: LexborHTMLParser) -> str | None:
        """`og:title`, the first `h1` or `<title>`, without the site's name."""
        found = title_candidates(tree, og_first=True)
        return first_title(found, self.title_suffix, prefix=self.title_prefix, not_titles=self.not_titles)

    def read(self, html: str, url: str) -> ParseResult:
        """Count (JSON-LD, else the visible text), goal, title and status of a petition page."""
        if self.name.lower() not in html.lower():
            article = "an" if self.name[0].lower() in "aeiou" else "a"
            raise NotThisPlatform(f"{url} is not {article} {self.name} page")
        tree = LexborHTMLParser(html)
        title = self.title(tree)
        from_json_ld = json_ld_count(tree)
        text = visible_text(tree, self.not_this_petition)
        reading = self.counts.text_count(text)
        if from_json_ld is not None:
            goal = reading.goal if reading else self.counts.shown_goal(text)
            reading = Reading(from_json_ld, "json-ld", goal)
        if reading is None:
            raise LayoutChanged(
                f"{self.name} page {url} has no readable count: looked for JSON-LD and "
                f"'N signatures' outside headers, sidebars and {self.elsewhere} (a goal is never a count)"
            )
        status, raw = self.statuses.status(tree, text)
        return ParseResult(
            supporters=reading.supporters,
            status=status,
            raw_status=raw,
            title=title,
            goal=reading.goal,
            method=reading.method,
        )
