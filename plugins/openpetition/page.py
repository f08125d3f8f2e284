"""What an openPetition detail page shows: the progress box, the status bar, the title."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aggregator_plugins.page_text import SPACES, first_title, number, title_candidates
from selectolax.lexbor import LexborHTMLParser

from aggregator import Status, parse_count

_NUMBER = number(r".,\u00a0\u202f")
_SIGNERS = r"(?:Unterschriften|Unterschrift|Unterstützende|Unterstützer(?:innen)?|signatures?|supporters?)"
#: "10.808 von 15.000 Unterschriften": the count, then the goal
_COUNT_OF_GOAL = re.compile(
    r"(?<![\d.,])" + _NUMBER + r"\s*(?:von|of|/)\s*" + _NUMBER + r"\s*" + _SIGNERS + r"\b", re.I
)
#: "470.240 Unterschriften", never the number after "von"/"of" or "davon" (a quorum share)
_COUNT = re.compile(r"(?<![\d.,])(?<!von )(?<!of )" + _NUMBER + r"\s*" + _SIGNERS + r"\b", re.I)
_GOALS = (
    re.compile(r"(?<![\d.,])" + _NUMBER + r"\s*(?:für|fuer)\s+(?:das\s+)?Sammelziel", re.I),
    re.compile(r"\bSammelziel:?\s*" + _NUMBER, re.I),
    re.compile(r"(?<![\d.,])" + _NUMBER + r"\s*for\s+(?:the\s+)?collection\s+(?:goal|target)", re.I),
    re.compile(r"\bcollection\s+(?:goal|target):?\s*" + _NUMBER, re.I),
)
_STARTED = re.compile(r"\b(?:Gestartet|Started)\s+([A-Za-zäöüÄÖÜ]+)\s+(\d{4})\b")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januar", "january", "jänner"),
            ("februar", "february"),
            ("märz", "maerz", "march"),
            ("april",),
            ("mai", "may"),
            ("juni", "june"),
            ("juli", "july"),
            ("august",),
            ("september",),
            ("oktober", "october"),
            ("november",),
            ("dezember", "december"),
        ),
        start=1,
    )
    for name in names
}
#: status phrases, most decisive first: (pattern, canonical status, raw word stored); a countdown of days
#: left means collecting, whatever later steps the status bar may also name
_STATUS_PHRASES: tuple[tuple[re.Pattern[str], Status, str], ...] = (
    (re.compile(r"\b(?:wurde\s+)?gesperrt\b|\bblocked\b", re.I), Status.REJECTED, "gesperrt"),
    (re.compile(r"\b(?:wurde\s+)?gelöscht\b|\bdeleted\b", re.I), Status.REMOVED, "gelöscht"),
    (
        re.compile(
            r"\bnoch\s+\d+\s+Tage?\b|\b\d+\s+Tage?\s+verbleibend\b|\b\d+\s+days?\s+(?:left|remaining)\b", re.I
        ),
        Status.OPEN,
        "in Zeichnung",
    ),
    (
        re.compile(
            r"\berfolgreich\b(?!\s+(?:eingereicht|übergeben|gestartet))|\bErfolg\b|\bsuccess(?:ful)?\b", re.I
        ),
        Status.VICTORY,
        "erfolgreich",
    ),
    (re.compile(r"\bzurückgezogen\b|\bwithdrawn\b", re.I), Status.CLOSED, "zurückgezogen"),
    (re.compile(r"\bSammlung\s+(?:beendet|abgeschlossen)\b", re.I), Status.CLOSED, "Sammlung beendet"),
    (re.compile(r"\bCollection\s+(?:finished|ended|closed)\b", re.I), Status.CLOSED, "Collection finished"),
    (re.compile(r"\beingereicht\b|\bsubmitted\b", re.I), Status.CLOSED, "eingereicht"),
    (re.compile(r"\bim\s+Dialog\b|\bin\s+dialogue\b", re.I), Status.CLOSED, "im Dialog"),
    (re.compile(r"\bbeendet\b|\bfinished\b", re.I), Status.CLOSED, "beendet"),
    (
        re.compile(r"\bin\s+Zeichnung\b|\bSammlung\s+läuft\b|\bcollecting\b", re.I),
        Status.OPEN,
        "in Zeichnung",
    ),
)
_TITLE_SUFFIX = re.compile(r"\s*[-–|]\s*(?:Online-Petition|openPetition(?:\s+\w+)?)\s*$", re.I)


@dataclass(frozen=True, slots=True)
class Progress:
    """The numbers of the progress box."""

    supporters: int
    goal: int | None


def text_of(tree: LexborHTMLParser, selector: str) -> str:
    """The whitespace-collapsed text of every element matching `selector`, joined."""
    texts = (node.text(separator=" ") for node in tree.css(selector))
    return SPACES.sub(" ", " ".join(texts)).strip()


def progress(text: str) -> Progress | None:
    """Count and goal from the progress box text ("470.240 Unterschriften 94 % 500.000 für
    Sammelziel", "10.808 von 15.000 Unterschriften", "860 signatures"), or None when it holds
    no count: a goal alone is never read as the count."""
    goal = None
    for pattern in _GOALS:
        match = pattern.search(text)
        if match:
            goal = parse_count(match.group(1)).value
            break
    both = _COUNT_OF_GOAL.search(text)
    if both:
        return Progress(parse_count(both.group(1)).value, goal or parse_count(both.group(2)).value)
    for match in _COUNT.finditer(text):
        before = text[max(0, match.start() - 8) : match.start()].lower()
        if "davon" in before:  # "davon 3.902 Unterschriften aus Kassel": the quorum share
            continue
        return Progress(parse_count(match.group(1)).value, goal)
    return None


def status(text: str) -> tuple[Status, str] | None:
    """The status the status bar and progress box words imply, or None."""
    for pattern, canonical, raw in _STATUS_PHRASES:
        if pattern.search(text):
            return canonical, raw
    return None


def started(text: str) -> str | None:
    """The first day of the month in "Gestartet März 2025" (ISO date), or None."""
    match = _STARTED.search(text)
    if not match or match.group(1).lower() not in _MONTHS:
        return None
    return f"{int(match.group(2)):04d}-{_MONTHS[match.group(1).lower()]:02d}-01"


def title(tree: LexborHTMLParser) -> str | None:
    """The `h1`, else `og:title` or `<title>` without the " - Online-Petition" suffix."""
    return first_title(title_candidates(tree), _TITLE_SUFFIX, not_titles=("openpetition",))
