"""House of Commons e-petition status names (English and French) and the site's date formats."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from aggregator_plugins.page_text import ENGLISH_MONTHS

from aggregator import Status

ZONE = "America/Toronto"

#: status names, lower-cased, most advanced stage first; the export's `StatusName` and the page's
#: own words. Only "Open for signature", "Not certified" and "Closed upon dissolution" (and the
#: French "Ouverte pour signature") were seen in saved export pages; the rest are [unverified].
STATUS_NAMES: tuple[tuple[str, Status], ...] = (
    ("government response tabled", Status.CLOSED),
    ("response tabled", Status.CLOSED),
    ("réponse du gouvernement déposée", Status.CLOSED),
    ("presented to the house of commons", Status.CLOSED),
    ("présentée à la chambre des communes", Status.CLOSED),
    ("presented", Status.CLOSED),
    ("présentée", Status.CLOSED),
    ("closed upon dissolution", Status.CLOSED),
    ("fermée à la dissolution", Status.CLOSED),
    ("not certified", Status.CLOSED),
    ("non certifiée", Status.CLOSED),
    ("erroneously certified", Status.CLOSED),
    ("certified", Status.CLOSED),
    ("certifiée", Status.CLOSED),
    ("closed for signature", Status.CLOSED),
    ("fermée à la signature", Status.CLOSED),
    ("fermée pour signature", Status.CLOSED),
    ("open for signature", Status.OPEN),
    ("ouverte à la signature", Status.OPEN),
    ("ouverte pour signature", Status.OPEN),
)

_FRENCH_MONTHS = {
    "janvier": 1,
    "février": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
}
_ENGLISH = re.compile(
    r"(January|February|March|April|May|June|July|August|September|October|November|December)\s+"
    r"(\d{1,2}),\s+(\d{4})(?:,?\s+at\s+(\d{1,2}):(\d{2})\s*([ap])\.?m\.?)?",
    re.IGNORECASE,
)
_FRENCH = re.compile(
    r"(\d{1,2})(?:er)?\s+(" + "|".join(_FRENCH_MONTHS) + r")\s+(\d{4})(?:\s+à\s+(\d{1,2})\s*h\s*(\d{2}))?",
    re.IGNORECASE,
)


def status_of(text: str) -> tuple[Status, str] | None:
    """The canonical status of a status name: an exact name first, else the most advanced name the
    text contains. None when no known name is there."""
    cleaned = " ".join(text.split()).strip(" .:").lower()
    for name, status in STATUS_NAMES:
        if cleaned == name:
            return status, " ".join(text.split()).strip(" .:")
    for name, status in STATUS_NAMES:
        if re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", cleaned):
            return status, name
    return None


def site_date(text: str) -> datetime | None:
    """A UTC datetime from "July 25, 2024, at 2:40 p.m. (EDT)" or "25 juillet 2024 à 14 h 40 (HAE)"
    (Eastern time); a date without a time is its midnight there. None when there is no such date."""
    english = _ENGLISH.search(text)
    french = _FRENCH.search(text)
    if english and (not french or english.start() <= french.start()):
        month_name, day, year, hour, minute, half = english.groups()
        month = ENGLISH_MONTHS.index(month_name.lower()) + 1
        hours = int(hour) % 12 + (12 if half and half.lower() == "p" else 0) if hour else 0
        parts = (int(year), month, int(day), hours, int(minute or 0))
    elif french:
        day, month_name, year, hour, minute = french.groups()
        parts = (int(year), _FRENCH_MONTHS[month_name.lower()], int(day), int(hour or 0), int(minute or 0))
    else:
        return None
    try:
        local = datetime(*parts, tzinfo=ZoneInfo(ZONE))
    except ValueError:
        return None
    return local.astimezone(UTC)
