"""Reading a Bundestag e-petition page: the German-format count, status phrases, deadline and title."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from selectolax.lexbor import LexborHTMLParser

from aggregator import LayoutChanged, Status

ZONE = "Europe/Berlin"

#: a German count: digits with `.` (or a space, NBSP, thin space) between groups of three
_GERMAN_NUMBER = re.compile(r"^\d{1,3}(?:[.\u00a0\u202f ]\d{3})*$|^\d+$")
#: the detail text third-party scrapers read, "Anzahl Online-Mitzeichnungen 12.345"
_COUNT_TEXT = re.compile(
    r"Anzahl\s+(?:der\s+)?(?:Online-)?Mitzeichnunge?n?\s*:?\s*"
    r"(\d{1,3}(?:[.\u00a0\u202f ]\d{3})+|\d+)(?![\d.,])",
    re.IGNORECASE,
)
_DATE = r"(\d{1,2})\.(\d{1,2})\.(\d{4})"
#: "Mitzeichnungsfrist: 02.06.2026 - 14.07.2026", "Ende der Mitzeichnungsfrist: 14.07.2026"
_DEADLINE = re.compile(
    r"(?:Ende\s+der\s+Mitzeichnungsfrist|Mitzeichnungsfrist)\s*:?\s*"
    r"(?:(?:vom\s+)?" + _DATE + r"\s*(?:-|–|bis)\s*)?(?:bis\s+(?:zum\s+)?)?" + _DATE,
    re.IGNORECASE,
)
_CONCLUDED_ON = re.compile(r"abgeschlossen\s+am\s*:?\s*" + _DATE, re.IGNORECASE)
_GENERIC_TITLES = re.compile(r"^(?:e?petitionen?|petition\s+\d+|deutscher bundestag)$", re.IGNORECASE)
_TITLE_PREFIX = re.compile(r"^petition\s+\d+\s*[:–-]\s*", re.IGNORECASE)
_TITLE_SUFFIX = re.compile(r"\s*[|–-]\s*(?:e-?petitionen|deutscher bundestag).*$", re.IGNORECASE)

#: status phrases, most advanced first: (pattern, canonical status, fixed raw word or None for the
#: phrase found; the open phrases get a fixed word since "noch N Tage" changes every day)
STATUS_PHRASES: tuple[tuple[re.Pattern[str], Status, str | None], ...] = (
    (re.compile(r"petition\s+(?:ist\s+)?abgeschlossen|abgeschlossen\s+am", re.I), Status.CLOSED, None),
    (
        re.compile(r"in\s+der\s+parlamentarischen\s+Prüfung", re.I),
        Status.CLOSED,
        None,
    ),
    (
        re.compile(r"Mitzeichnungsfrist\s+(?:ist\s+)?(?:abgelaufen|beendet)", re.I),
        Status.CLOSED,
        None,
    ),
    (
        re.compile(r"in\s+der\s+Mitzeichnungsfrist|Mitzeichnungsfrist\s+läuft|noch\s+\d+\s+Tage?\b", re.I),
        Status.OPEN,
        "in der Mitzeichnungsfrist",
    ),
)


@dataclass(frozen=True, slots=True)
class PageReading:
    """What one detail page says."""

    supporters: int
    method: str
    status: Status
    raw_status: str | None
    title: str | None
    closes_at: datetime | None
    concluded_on: date | None


def german_count(text: str) -> int:
    """`176.134` is 176134: in German the dot separates thousands. Anything else is refused."""
    cleaned = text.strip()
    if not _GERMAN_NUMBER.match(cleaned):
        raise LayoutChanged(f"not a German-format count: {cleaned[:40]!r}")
    return int(re.sub(r"\D", "", cleaned))


def page_text(tree: LexborHTMLParser) -> str:
    """The visible text of the main content (else the body), whitespace collapsed, without scripts,
    styles and the site navigation (whose "Petitionen in der Mitzeichnungsfrist" is not a status)."""
    body = tree.css_first("main, #content, [role=main]") or tree.body
    if body is None:
        return ""
    for node in body.css("script, style, noscript, template, nav, header, footer"):
        node.decompose()
    return " ".join(body.text(separator=" ").split())


def read_count(tree: LexborHTMLParser, text: str) -> tuple[int, str]:
    """The count from `span.mzanzahl` (what public scrapers read), else the detail text."""
    for node in tree.css("span.mzanzahl, .mzanzahl"):
        shown = " ".join(node.text().split())
        if shown:
            try:
                return german_count(shown), "css"
            except LayoutChanged:
                break  # an odd counter: try the labelled text before giving up
    match = _COUNT_TEXT.search(text)
    if match:
        return german_count(match.group(1)), "visible-text"
    raise LayoutChanged(
        "Bundestag petition page without a count: no span.mzanzahl and no "
        "'Anzahl (Online-)Mitzeichnungen N' text"
    )


def read_status(tree: LexborHTMLParser, text: str, petition_number: str) -> tuple[Status, str | None]:
    """The most advanced status phrase on the page; a signing link alone also means open."""
    for pattern, status, raw in STATUS_PHRASES:
        match = pattern.search(text)
        if match:
            return status, raw or " ".join(match.group(0).split())
    for link in tree.css("a[href]"):
        href = link.attributes.get("href") or ""
        if f"Petition_{petition_number}.mitzeichnen" in href:
            return Status.OPEN, "mitzeichnen"
    return Status.UNKNOWN, None


def read_deadline(text: str) -> datetime | None:
    """The end of the signing period: the end of that day, Berlin time, in UTC."""
    match = _DEADLINE.search(text)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups()[3:])
    try:
        end = datetime.combine(date(year, month, day), time(23, 59, 59), ZoneInfo(ZONE))
    except ValueError:
        return None
    return end.astimezone(UTC)


def read_concluded(text: str) -> date | None:
    match = _CONCLUDED_ON.search(text)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def read_title(tree: LexborHTMLParser) -> str | None:
    """The petition's heading: `og:title`, the first `h1`, then `<title>`, without generic words."""
    candidates: list[str] = []
    meta = tree.css_first('meta[property="og:title"]')
    if meta is not None:
        candidates.append(meta.attributes.get("content") or "")
    for selector in ("main h1, #content h1, h1", "title"):
        node = tree.css_first(selector)
        if node is not None:
            candidates.append(node.text())
    for raw in candidates:
        title = _TITLE_SUFFIX.sub("", _TITLE_PREFIX.sub("", " ".join(raw.split())))
        if title and not _GENERIC_TITLES.match(title):
            return title
    return None


def read_page(html: str, petition_number: str) -> PageReading:
    """Everything the detail page says, or `LayoutChanged` when it has no readable count."""
    tree = LexborHTMLParser(html)
    title = read_title(tree)
    text = page_text(tree)
    supporters, method = read_count(tree, text)
    status, raw = read_status(tree, text, petition_number)
    return PageReading(
        supporters=supporters,
        method=method,
        status=status,
        raw_status=raw,
        title=title,
        closes_at=read_deadline(text),
        concluded_on=read_concluded(text),
    )
