"""Reading We the People petition records: v1 camelCase and pre-v1 spaced keys, statuses, unix times."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aggregator import LayoutChanged, Outcome, OutcomeKind, Status

#: raw status words of the v1 API (and the internal names of the numeric codes)
STATUS_WORDS: dict[str, Status] = {
    "open": Status.OPEN,
    "pending response": Status.CLOSED,
    "responded": Status.CLOSED,
    "closed": Status.CLOSED,
    "removed": Status.REMOVED,
    "flagged": Status.REMOVED,
    "draft": Status.PENDING,
    "private": Status.OPEN,
    "public": Status.OPEN,
    "under review": Status.CLOSED,
    "reviewed": Status.CLOSED,
}

#: internal numeric codes: 0 draft, 1 private (under the public threshold), 2 public, 3 closed,
#: 4 under review (pending response), 5 reviewed (responded), 6 flagged (removed)
STATUS_CODES: dict[int, Status] = {
    0: Status.PENDING,
    1: Status.OPEN,
    2: Status.OPEN,
    3: Status.CLOSED,
    4: Status.CLOSED,
    5: Status.CLOSED,
    6: Status.REMOVED,
}

#: awaiting or having a response: closed, unless the record says it still takes signatures
_SIGNABLE_DECIDES = frozenset({"pending response", "responded", "under review", "reviewed", "4", "5"})

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_DIGITS = re.compile(r"^\s*-?\d+\s*$")


def key_variants(name: str) -> tuple[str, str, str]:
    """`signatureCount`, `signature count` (pre-v1 2013 feed) and `signature_count`."""
    words = _CAMEL_BOUNDARY.sub(" ", name).lower()
    return (name, words, words.replace(" ", "_"))


def has_field(record: Mapping[str, Any], name: str) -> bool:
    """Whether the record holds the field under any of its key spellings."""
    return any(key in record for key in key_variants(name))


def field(record: Mapping[str, Any], name: str) -> Any:
    """A field under its v1 key or its pre-v1 spaced key; None when absent."""
    for key in key_variants(name):
        if key in record:
            return record[key]
    return None


def uses_spaced_keys(record: Mapping[str, Any]) -> bool:
    """Whether the record comes from the pre-v1 (2013) feed, whose keys contain spaces."""
    return any(" " in key for key in record)


def unix_time(value: Any) -> datetime | None:
    """A UTC datetime from unix seconds (an integer, a float or digits in a string); 0 or blank: None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        if not _DIGITS.match(value):
            return None
        value = int(value)
    if not isinstance(value, int | float) or value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def count_value(value: Any, what: str) -> int | str:
    """A count as the API gives it (an integer, or digits in a string); anything else is a new layout."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise LayoutChanged(f"{what} is not a number: {value!r}"[:200])
    return value


def is_true(value: Any) -> bool:
    """`isSignable` and friends: true, 1, "1" or "true"."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return value is True or (isinstance(value, int) and value == 1)


def raw_status(value: Any) -> str | None:
    """The status as stored: the word lower-cased, or the numeric code as digits."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return " ".join(value.split()).lower() or None
    raise LayoutChanged(f"status is neither a word nor a code: {value!r}"[:200])


def canonical_status(raw: str | None, signable: bool) -> Status | None:
    """The canonical status of a raw word or numeric code; `pending response` and `responded`
    (4 and 5) are closed unless the petition still takes signatures. Unknown values: `unknown`."""
    if raw is None:
        return None
    if raw in _SIGNABLE_DECIDES and signable:
        return Status.OPEN
    if raw.isdigit():
        return STATUS_CODES.get(int(raw), Status.UNKNOWN)
    return STATUS_WORDS.get(raw, Status.UNKNOWN)


def response_outcome(record: Mapping[str, Any]) -> Outcome | None:
    """The White House response, dated by `response.associationTime` (pre-v1: `association time`).

    No response is `null` (v1) or `[]` (pre-v1); a response without a readable time is skipped.
    """
    response = field(record, "response")
    if not isinstance(response, Mapping) or not response:
        return None
    moment = unix_time(field(response, "associationTime"))
    if moment is None:
        return None
    details = {"response_id": field(response, "id"), "url": field(response, "url")}
    return Outcome(
        OutcomeKind.GOVERNMENT_RESPONSE.value,
        moment,
        {key: value for key, value in details.items() if value not in (None, "")},
    )
