"""Reading the House of Commons e-petition details page (HTML): labelled fields, count, status, dates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from aggregator_plugins.page_text import node_text
from selectolax.lexbor import LexborHTMLParser, LexborNode

from aggregator import LayoutChanged, Outcome, OutcomeKind, Status

from .statuses import site_date, status_of

#: dated stages shown beside the petition, by label (English and French) -> outcome kind
DATED_STAGES: dict[str, str] = {
    "open for signature": OutcomeKind.OPENED.value,
    "ouverte à la signature": OutcomeKind.OPENED.value,
    "ouverte pour signature": OutcomeKind.OPENED.value,
    "certified": "certified",
    "certifiée": "certified",
    "presented to the house of commons": "presented",
    "présentée à la chambre des communes": "presented",
    "government response tabled": OutcomeKind.GOVERNMENT_RESPONSE.value,
    "réponse du gouvernement déposée": OutcomeKind.GOVERNMENT_RESPONSE.value,
}
_CLOSING_LABELS = ("closed for signature", "fermée à la signature", "fermée pour signature")
_COUNT_LABELS = ("signatures", "number of signatures", "nombre de signatures", "total signatures")
_STATUS_LABELS = ("status", "statut", "état", "petition status", "état de la pétition")
#: "1,234 signatures" / "1 234 signatures" in the text, when no labelled field holds the count
_COUNT_TEXT = re.compile(r"(?<![\d,])(\d{1,3}(?:[,\u00a0\u202f ]\d{3})+|\d+)\s+signatures?\b", re.IGNORECASE)
#: words before a number that make it a rule ("needs 500 signatures"), not this petition's count
_RULE_BEFORE = re.compile(
    r"\b(?:needs?|requires?|required|least|minimum(?:\s+of)?|than|reaches?)\s*$", re.IGNORECASE
)
_NUMBER = re.compile(r"^\d{1,3}(?:[,\u00a0\u202f ]\d{3})+$|^\d+$")
_COUNT_SELECTORS = ".signature-count, .signatures-count, .petition-signatures .count, [data-signature-count]"


@dataclass(frozen=True, slots=True)
class DetailsReading:
    """What the details page says."""

    supporters: int
    method: str
    status: Status | None
    raw_status: str | None
    title: str | None
    closes_at: datetime | None
    outcomes: tuple[Outcome, ...] = field(default_factory=tuple)


def _label(text: str) -> str:
    return " ".join(text.split()).strip(" :").lower()


def labelled_fields(root: LexborNode) -> dict[str, str]:
    """Label -> value pairs from `dt`/`dd`, `th`/`td` rows and `<strong>Label</strong> value` lines;
    the first value of a label wins."""
    fields: dict[str, str] = {}
    for term in root.css("dt"):
        value = term.next
        while value is not None and value.tag not in ("dd", "dt"):
            value = value.next
        if value is not None and value.tag == "dd":
            fields.setdefault(_label(node_text(term)), node_text(value))
    for row in root.css("tr"):
        head, cell = row.css_first("th"), row.css_first("td")
        if head is not None and cell is not None:
            fields.setdefault(_label(node_text(head)), node_text(cell))
    for strong in root.css("p > strong, p > b, li > strong, div > strong.label, span.label"):
        parent = strong.parent
        if parent is None:
            continue
        label = node_text(strong)
        rest = node_text(parent)[len(label) :] if node_text(parent).startswith(label) else ""
        if rest.strip(" :"):
            fields.setdefault(_label(label), rest.strip(" :"))
    return fields


def _number(text: str) -> int | None:
    cleaned = text.strip()
    return int(re.sub(r"\D", "", cleaned)) if _NUMBER.match(cleaned) else None


def read_count(root: LexborNode, fields: dict[str, str], text: str) -> tuple[int, str]:
    """The count from a labelled "Signatures" field, a signature-count element, or the text."""
    for label in _COUNT_LABELS:
        if label in fields:
            value = _number(fields[label])
            if value is not None:
                return value, "css"
    for node in root.css(_COUNT_SELECTORS):
        value = _number(node.attributes.get("data-signature-count") or node_text(node))
        if value is not None:
            return value, "css"
    for match in _COUNT_TEXT.finditer(text):
        value = _number(match.group(1))
        if value is not None and not _RULE_BEFORE.search(text[max(0, match.start() - 40) : match.start()]):
            return value, "visible-text"
    raise LayoutChanged(
        "House of Commons details page without a count: no 'Signatures' field, no signature-count "
        "element and no 'N signatures' text"
    )


def read_details(html: str, petition_number: str) -> DetailsReading:
    """Count, status, title, deadline and dated stages of one e-petition's details page."""
    tree = LexborHTMLParser(html)
    root = tree.css_first("main, #StartOfContent, [role=main]") or tree.body
    if root is None:
        raise LayoutChanged("House of Commons details page without a body")
    for node in root.css("script, style, noscript, template, nav"):
        node.decompose()
    text = node_text(root)
    if petition_number.lower() not in text.lower():
        raise LayoutChanged(
            f"the details page does not mention petition {petition_number}: an error or search page?"
        )
    fields = labelled_fields(root)
    supporters, method = read_count(root, fields, text)

    status: Status | None = None
    raw: str | None = None
    for label in _STATUS_LABELS:
        if label in fields:
            found = status_of(fields[label])
            raw = fields[label] or None
            status = found[0] if found else Status.UNKNOWN
            break

    closes_at = next((site_date(fields[label]) for label in _CLOSING_LABELS if label in fields), None)
    outcomes = []
    for label, kind in DATED_STAGES.items():
        moment = site_date(fields[label]) if label in fields else None
        if moment is not None:
            outcomes.append(Outcome(kind, moment))
    if status is Status.CLOSED and closes_at is not None:
        outcomes.append(Outcome(OutcomeKind.CLOSED.value, closes_at))

    heading = tree.css_first("main h1, h1")
    title = node_text(heading) or None
    return DetailsReading(supporters, method, status, raw, title, closes_at, tuple(outcomes))
