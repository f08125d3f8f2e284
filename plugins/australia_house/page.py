"""Reading an Australian House e-petition page: Angular transfer state, rendered markup, lifecycle text."""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from aggregator_plugins.page_text import ENGLISH_MONTHS, node_text
from selectolax.lexbor import LexborHTMLParser, LexborNode

from aggregator import LayoutChanged, Status, to_utc

ZONE = "Australia/Sydney"

#: lifecycle phrases, most advanced first: (pattern, canonical status); the raw status is the phrase
LIFECYCLE: tuple[tuple[re.Pattern[str], Status], ...] = (
    (re.compile(r"(?:ministerial\s+)?response\s+(?:has\s+been\s+)?presented", re.I), Status.CLOSED),
    (re.compile(r"awaiting\s+(?:ministerial\s+)?response|presented\s+to\s+the\s+house", re.I), Status.CLOSED),
    (
        re.compile(r"awaiting\s+presentation|closed\s+for\s+signatures?|petition\s+closed|\bclosed\b", re.I),
        Status.CLOSED,
    ),
    (re.compile(r"open\s+for\s+signatures?|\bopen\b", re.I), Status.OPEN),
)
#: template bindings left unrendered: the page is the Angular client, not the data
_BINDING = re.compile(r"\{\{\s*petition\.\w+", re.I)
_STATUS_KEYS = ("Status", "PetitionStatus", "StatusName", "StatusDescription", "LifecycleStatus")
_COUNT_LABELS = ("signatures", "number of signatures", "signature count", "total signatures")
_NUMBER = re.compile(r"^\d{1,3}(?:[,\u00a0 ]\d{3})+$|^\d+$")
#: words before a number that make it a rule ("requires 10,000 signatures"), not this petition's count
_RULE_BEFORE = re.compile(r"\b(?:needs?|requires?|required|least|minimum(?:\s+of)?|than|reaches?)\s*$", re.I)
_COUNT_TEXT = re.compile(r"(?<![\d,])(\d{1,3}(?:,\d{3})+|\d+)\s+signatures?\b", re.I)
_DEADLINE_TEXT = re.compile(
    r"(\d{1,2})\s+(" + "|".join(ENGLISH_MONTHS) + r")\s+(\d{4})"
    r"(?:\s*\(?\s*(\d{1,2})[.:](\d{2})\s*([ap])m(?:\s+(AEST|AEDT))?\s*\)?)?",
    re.I,
)
#: Angular's older TransferState escaping (`&q;` for a quote, ...)
_ANGULAR_ESCAPES = {"&q;": '"', "&s;": "'", "&l;": "<", "&g;": ">", "&a;": "&"}


@dataclass(frozen=True, slots=True)
class PageReading:
    supporters: int
    method: str
    status: Status | None
    raw_status: str | None
    title: str | None
    closes_at: datetime | None


def lifecycle(text: str) -> tuple[Status, str] | None:
    """The canonical status of a lifecycle text, and the phrase found."""
    for pattern, status in LIFECYCLE:
        match = pattern.search(text)
        if match:
            return status, " ".join(match.group(0).split())
    return None


def deadline(value: Any) -> datetime | None:
    """`SignDeadline`: an ISO value (Canberra time when naive) or "21 June 2026 (11.59pm AEST)"."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return to_utc(value.strip(), ZONE)
    except LayoutChanged:
        pass
    match = _DEADLINE_TEXT.search(value)
    if not match:
        return None
    day, month, year, hour, minute, half, label = match.groups()
    hours = (int(hour) % 12 + (12 if half.lower() == "p" else 0)) if hour else 23
    minutes = int(minute) if minute else 59
    zone: Any = ZoneInfo(ZONE)
    if label:
        zone = timezone(timedelta(hours=10 if label.upper() == "AEST" else 11))
    try:
        local = datetime(
            int(year), ENGLISH_MONTHS.index(month.lower()) + 1, int(day), hours, minutes, tzinfo=zone
        )
    except ValueError:
        return None
    return local.astimezone(UTC)


def _json_scripts(tree: LexborHTMLParser) -> Iterator[Any]:
    for script in tree.css('script[type="application/json"], script#serverApp-state, script#ng-state'):
        text = script.text(deep=True).strip()
        if not text:
            continue
        if "&q;" in text:
            for escaped, plain in _ANGULAR_ESCAPES.items():
                text = text.replace(escaped, plain)
        try:
            yield json.loads(text)
        except ValueError:
            continue


def _petitions_in(value: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(value, Mapping):
        if "PetitionNumber" in value:
            yield value
        for child in value.values():
            yield from _petitions_in(child)
    elif isinstance(value, list):
        for child in value:
            yield from _petitions_in(child)


def from_state(tree: LexborHTMLParser, number: str) -> PageReading | None:
    """The petition object in the page's Angular transfer state (`PetitionNumber` equal to ours)."""
    for document in _json_scripts(tree):
        for item in _petitions_in(document):
            if str(item.get("PetitionNumber", "")).strip().upper() != number:
                continue
            count = item.get("SignatureCount")
            if isinstance(count, bool) or not isinstance(count, int | str) or not str(count).strip():
                raise LayoutChanged(
                    f"petition {number} in the page state without a SignatureCount: {count!r}"
                )
            raw = next(
                (item[k] for k in _STATUS_KEYS if isinstance(item.get(k), str) and item[k].strip()), None
            )
            found = lifecycle(raw) if raw else None
            title = item.get("PetitionTitle")
            return PageReading(
                supporters=count,
                method="embedded-state",
                status=found[0] if found else (Status.UNKNOWN if raw else None),
                raw_status=" ".join(raw.split()) if raw else None,
                title=" ".join(title.split()) if isinstance(title, str) and title.strip() else None,
                closes_at=deadline(item.get("SignDeadline")),
            )
    return None


def _labelled_count(root: LexborNode) -> int | None:
    for label_node in root.css("dt, th, .label, strong"):
        if node_text(label_node).strip(" :").lower() not in _COUNT_LABELS:
            continue
        value = label_node.next
        while value is not None and not node_text(value):
            value = value.next
        shown = node_text(value)
        if _NUMBER.match(shown):
            return int(re.sub(r"\D", "", shown))
    return None


def from_markup(tree: LexborHTMLParser, html: str) -> PageReading:
    """A page rendered with its values (saved after the script ran, or pre-rendered)."""
    root = tree.css_first("main, [role=main], #main-content") or tree.body
    if root is None:
        raise LayoutChanged("Australian House e-petition page without a body")
    for node in root.css("script, style, noscript, template, nav"):
        node.decompose()
    text = node_text(root)
    count, method = _labelled_count(root), "css"
    if count is None:
        for match in _COUNT_TEXT.finditer(text):
            if not _RULE_BEFORE.search(text[max(0, match.start() - 40) : match.start()]):
                count, method = int(match.group(1).replace(",", "")), "visible-text"
                break
    if count is None:
        unrendered = " (the page holds unrendered {{petition...}} bindings)" if _BINDING.search(html) else ""
        raise LayoutChanged(
            "Australian House e-petition page without a count: the page is an Angular client whose "
            f"data comes from an API not seen yet, and no page state or rendered count was found{unrendered}"
        )
    status_node = root.css_first(".petition-status, .status")
    found = lifecycle(node_text(status_node)) if status_node is not None else None
    heading = node_text(root.css_first("h1")) or None
    due = re.search(r"(?:sign(?:ing)?\s+deadline|closes?|open\s+until)\s*:?\s*([^|]{6,60})", text, re.I)
    return PageReading(
        supporters=count,
        method=method,
        status=found[0] if found else None,
        raw_status=node_text(status_node) if found else None,
        title=heading if heading and "{{" not in heading else None,
        closes_at=deadline(due.group(1)) if due else None,
    )


def read_page(html: str, number: str) -> PageReading:
    """Page state first, then rendered markup; unrendered bindings are never read as values."""
    tree = LexborHTMLParser(html)
    reading = from_state(tree, number)
    if reading is not None:
        return reading
    return from_markup(tree, html_lib.unescape(html) if "&#123;&#123;" in html else html)
