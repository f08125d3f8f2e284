"""Reading the ECI register API: status words, counts, dates, outcomes and per-country figures."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from aggregator import Breakdown, LayoutChanged, Outcome, OutcomeKind, Status, parse_local

ZONE = "Europe/Brussels"
#: the EU rule: one million statements of support (with national minimums in seven member states)
SIGNATURE_THRESHOLD = 1_000_000

#: raw `status` words of the register (the enum is open: anything else is `unknown` and flagged)
STATUS_MAP: dict[str, Status] = {
    "REGISTERED": Status.PENDING,  # registered, collection not started
    "ONGOING": Status.OPEN,
    "CLOSED": Status.CLOSED,  # a progress step name; mapped in case it is served as a status
    "VERIFICATION": Status.CLOSED,  # collection over, statements being verified
    "SUBMITTED": Status.CLOSED,  # submitted to the Commission (threshold met)
    "ANSWERED": Status.CLOSED,  # the Commission answered
    "INSUFFICIENT_SUPPORT": Status.CLOSED,
    "INSUFFICIENT_SUPPORT_AFTER_VERIFICATION": Status.CLOSED,
    "WITHDRAWN": Status.CLOSED,
    "REFUSED": Status.REJECTED,  # registration refused (entries of the REFUSED search)
    "REJECTED": Status.REJECTED,
}
#: statuses under which the register should publish a count; without one the search is asked
COUNTED_STATUSES = frozenset({"ONGOING", "VERIFICATION", "SUBMITTED", "ANSWERED"})
#: statuses whose collection is over (a closing date is an outcome)
ENDED_STATUSES = frozenset(raw for raw, status in STATUS_MAP.items() if status is Status.CLOSED)

#: country codes of `countryCodeType` (the register writes GR for Greece and kept GB)
COUNTRY_NAMES: dict[str, str] = {
    "AT": "Austria",
    "BE": "Belgium",
    "BG": "Bulgaria",
    "CY": "Cyprus",
    "CZ": "Czechia",
    "DE": "Germany",
    "DK": "Denmark",
    "EE": "Estonia",
    "EL": "Greece",
    "ES": "Spain",
    "FI": "Finland",
    "FR": "France",
    "GB": "United Kingdom",
    "GR": "Greece",
    "HR": "Croatia",
    "HU": "Hungary",
    "IE": "Ireland",
    "IT": "Italy",
    "LT": "Lithuania",
    "LU": "Luxembourg",
    "LV": "Latvia",
    "MT": "Malta",
    "NL": "Netherlands",
    "PL": "Poland",
    "PT": "Portugal",
    "RO": "Romania",
    "SE": "Sweden",
    "SI": "Slovenia",
    "SK": "Slovakia",
}

_REG_NUM = re.compile(r"ECI\((\d{4})\)(\d{1,6})", re.IGNORECASE)
_DIGITS = re.compile(r"\d{1,12}")


def make_id(year: int | str, number: int | str) -> str:
    """The external id `YEAR/NNNNNN` (number zero-padded to six digits)."""
    return f"{int(year):04d}/{int(number):06d}"


def split_id(external_id: str) -> tuple[str, str]:
    """`("2019", "000007")` from `2019/000007`."""
    year, _, number = external_id.partition("/")
    return year, number


def status_of(raw: Any) -> tuple[str | None, Status | None, set[str]]:
    """The raw word (upper-case), its canonical status and flags (`unknown_status` for a new word)."""
    if raw is None:
        return None, None, set()
    if not isinstance(raw, str) or not raw.strip():
        raise LayoutChanged(f"the register's status is not a word: {raw!r}")
    word = raw.strip().upper()
    if word in STATUS_MAP:
        return word, STATUS_MAP[word], set()
    return word, Status.UNKNOWN, {"unknown_status"}


def count_of(value: Any, where: str) -> int | str | None:
    """A published total (JSON integer, or digits in a string); None when absent. 0 is kept here."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise LayoutChanged(f"{where} is not a number: {value!r}")
    if isinstance(value, int) and value < 0:
        raise LayoutChanged(f"{where} is negative: {value}")
    return value


def is_zero(value: int | str | None) -> bool:
    """Whether a published total is 0 (`0`, `"0"`): the register's "no figures published"."""
    return value is not None and str(value).strip() in ("0", "")


def local_time(value: Any) -> datetime | None:
    """`dd/mm/yyyy HH:MM` (or a bare `dd/mm/yyyy`) in Brussels time, as UTC; None if unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    fmt = "%d/%m/%Y %H:%M" if " " in text else "%d/%m/%Y"
    try:
        return parse_local(text, fmt, ZONE)
    except LayoutChanged:
        return None


def end_of_day(value: Any) -> datetime | None:
    """The end (23:59:59) of a `dd/mm/yyyy` day in Brussels, as UTC; None if unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_local(value.strip()[:10] + " 23:59:59", "%d/%m/%Y %H:%M:%S", ZONE)
    except LayoutChanged:
        return None


def registration_number(document: Mapping[str, Any]) -> str | None:
    """The id `YEAR/NNNNNN` a details or search record carries (`comRegNum`, `pubRegNum`, year+number)."""
    for key in ("comRegNum", "pubRegNum"):
        match = _REG_NUM.fullmatch(str(document.get(key) or "").strip())
        if match:
            return make_id(match.group(1), match.group(2))
    year, number = str(document.get("year") or ""), str(document.get("number") or "")
    if _DIGITS.fullmatch(year) and _DIGITS.fullmatch(number):
        return make_id(year, number)
    return None


def count_block(details: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]] | None:
    """The figures: `submission` (verified, sent to the Commission) before `sosReport` (collected)."""
    for key in ("submission", "sosReport"):
        block = details.get(key)
        if isinstance(block, Mapping) and block.get("totalSignatures") is not None:
            return key, block
    return None


def breakdowns(block: Mapping[str, Any]) -> Iterable[Breakdown]:
    """One row per `entry` (`countryCodeType`, `total`); rows without a readable count are skipped."""
    rows = block.get("entry")
    if not isinstance(rows, list):
        return
    for row in rows:
        if not isinstance(row, Mapping):
            continue
        code = str(row.get("countryCodeType") or "").strip().upper()
        total = row.get("total")
        if isinstance(total, str) and _DIGITS.fullmatch(total.strip()):
            total = int(total.strip())
        if not code or isinstance(total, bool) or not isinstance(total, int) or total < 0:
            continue
        yield Breakdown(kind="country", key=code, name=COUNTRY_NAMES.get(code, code), count=total)


def title_of(details: Mapping[str, Any]) -> str | None:
    """The English title, else the original language's, else the first one given."""
    versions = [v for v in details.get("linguisticVersions") or [] if isinstance(v, Mapping)]
    english = [v for v in versions if str(v.get("languageCode") or "").upper() == "EN"]
    original = [v for v in versions if v.get("original") is True]
    for version in (*english, *original, *versions):
        title = version.get("title")
        if isinstance(title, str) and title.strip():
            return title
    title = details.get("title")
    return title if isinstance(title, str) and title.strip() else None


def progress_dates(details: Mapping[str, Any]) -> dict[str, datetime]:
    """The dated steps of `progress[]` by name (`REGISTERED`, `CLOSED`, `SUBMITTED`, ...)."""
    found: dict[str, datetime] = {}
    for step in details.get("progress") or []:
        if not isinstance(step, Mapping):
            continue
        name = str(step.get("name") or "").strip().upper()
        when = local_time(step.get("date"))
        if name and when is not None:
            found.setdefault(name, when)
    return found


def outcomes(details: Mapping[str, Any], raw_status: str | None) -> list[Outcome]:
    """Dated facts: collection opened and closed (early or not), submission, the Commission's answer."""
    steps = progress_dates(details)
    found: list[Outcome] = []
    opened = local_time(details.get("startCollectionDate")) or steps.get("COLLECTION_START_DATE")
    if opened is not None:
        found.append(Outcome(OutcomeKind.OPENED.value, opened))
    early = local_time(details.get("earlyClosureDate"))
    if early is not None:
        found.append(Outcome(OutcomeKind.CLOSED.value, early, {"early_closure": True}))
    elif raw_status in ENDED_STATUSES:
        if "CLOSED" in steps:
            found.append(Outcome(OutcomeKind.CLOSED.value, steps["CLOSED"]))
        elif "WITHDRAWN" in steps:
            found.append(Outcome(OutcomeKind.CLOSED.value, steps["WITHDRAWN"], {"reason": "withdrawn"}))
    if "SUBMITTED" in steps:
        submission = details.get("submission")
        total = submission.get("totalSignatures") if isinstance(submission, Mapping) else None
        found.append(
            Outcome(
                OutcomeKind.REFERRED.value,
                steps["SUBMITTED"],
                {"to": "European Commission", "verified_signatures": total},
            )
        )
    answer = details.get("answer")
    answer = answer if isinstance(answer, Mapping) else {}
    answered = local_time(answer.get("decisionDate")) or steps.get("ANSWERED")
    if answered is not None:
        links = {
            str(link.get("defaultName")): link.get("defaultLink")
            for link in answer.get("links") or []
            if isinstance(link, Mapping) and link.get("defaultName") and link.get("defaultLink")
        }
        found.append(Outcome(OutcomeKind.GOVERNMENT_RESPONSE.value, answered, {"links": links}))
    if raw_status in ("REFUSED", "REJECTED") and "REJECTED" in steps:
        found.append(Outcome(OutcomeKind.REJECTED.value, steps["REJECTED"]))
    return found
