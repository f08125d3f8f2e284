"""Reading the House of Commons petition export (XML): one `<Petition>` picked out by its number."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

from aggregator import Breakdown, LayoutChanged, NotThisPlatform, Outcome, OutcomeKind, Status, to_utc

from .statuses import ZONE, site_date, status_of

#: dated children of a `<Petition>` -> outcome kind
_DATED = (
    ("SignatureOpeningDateTime", OutcomeKind.OPENED.value),
    ("CertificationDateTime", "certified"),
    ("PresentedDateTime", "presented"),
    ("GovernmentResponseDateTime", OutcomeKind.GOVERNMENT_RESPONSE.value),
)


@dataclass(frozen=True, slots=True)
class ExportReading:
    """The values of one petition in an export."""

    supporters: int | str
    status: Status
    raw_status: str | None
    title: str | None
    closes_at: datetime | None
    outcomes: tuple[Outcome, ...]
    breakdowns: tuple[Breakdown, ...]


def looks_like_export(body: bytes) -> bool:
    """An XML document holding `<Petition>` elements (the export may start with a BOM), not XHTML."""
    head = body[:300].lstrip(b"\xef\xbb\xbf \t\r\n")
    lowered = head.lower()
    return (
        lowered.startswith(b"<") and not lowered.startswith((b"<!doctype", b"<html")) and b"<Petition" in body
    )


def _when(value: str | None) -> datetime | None:
    """The export's dates are ISO-like local Eastern times, or the site's written form."""
    if not value or not value.strip():
        return None
    try:
        return to_utc(value.strip(), ZONE)
    except LayoutChanged:
        return site_date(value)


def _child(element: ET.Element, tag: str) -> str | None:
    found = element.find(tag)
    return found.text.strip() if found is not None and found.text and found.text.strip() else None


def read_export(body: bytes, petition_number: str) -> ExportReading:
    """The petition numbered `petition_number` (`e-4904`) in an export; `NotThisPlatform` when absent."""
    try:
        root = ET.fromstring(body.decode("utf-8-sig"))
    except (ET.ParseError, UnicodeDecodeError) as exc:
        raise NotThisPlatform(f"not a House of Commons petition export: unreadable XML ({exc})") from None
    for element in root.iter("Petition"):
        if (_child(element, "PetitionNumber") or "").lower() == petition_number.lower():
            return _reading(element)
    raise NotThisPlatform(f"a House of Commons export without petition {petition_number}")


def _reading(element: ET.Element) -> ExportReading:
    count = element.get("SignatureCount")
    if count is None or not count.strip():
        raise LayoutChanged("House of Commons export <Petition> without a SignatureCount attribute")
    raw = _child(element, "StatusName")
    found = status_of(raw) if raw else None
    status = found[0] if found else Status.UNKNOWN
    outcomes = [
        Outcome(kind, moment) for tag, kind in _DATED if (moment := _when(_child(element, tag))) is not None
    ]
    closes_at = _when(_child(element, "SignatureClosingDateTime"))
    if status is Status.CLOSED and closes_at is not None:
        outcomes.append(Outcome(OutcomeKind.CLOSED.value, closes_at))
    breakdowns = []
    for row in element.iter("ProvinceSignatures"):
        province, value = row.get("Province"), row.get("SignatureCount")
        if province and value and value.strip().isdigit():
            breakdowns.append(Breakdown("province", province, province, int(value)))
    title = element.get("Title")
    return ExportReading(
        supporters=count.strip(),
        status=status,
        raw_status=raw,
        title=" ".join(title.split()) if title else None,
        closes_at=closes_at,
        outcomes=tuple(outcomes),
        breakdowns=tuple(breakdowns),
    )
