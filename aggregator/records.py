"""Plain, picklable records exchanged between the core and platform plugins."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Literal

from .vocabulary import Status

Evidence = Literal["verified", "documented", "inferred"]

#: the per-petition state key under which configurable platforms receive their named extractor
EXTRACTOR_STATE = "extractor"


@dataclass(frozen=True, slots=True)
class DataSource:
    """One place a platform reads data from, and how well we know it."""

    name: str
    description: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Step:
    """One request a platform asks the core to make."""

    url: str
    purpose: str = "page"
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ResponseRecord:
    """What came back for a step: everything `Platform.parse()` may look at."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    external_id: str
    state: Mapping[str, Any] = field(default_factory=dict)
    purpose: str = "page"

    def header(self, name: str) -> str | None:
        """A response header by case-insensitive name."""
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return None


@dataclass(frozen=True, slots=True)
class Outcome:
    """A dated fact about a petition: a response, a debate, a threshold reached."""

    kind: str
    occurred_at: datetime | date | str | None
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Breakdown:
    """The supporters of one country, region or constituency."""

    kind: str
    key: str
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What a platform read from one response. `None` means "not provided here, keep the last value".

    `supporters` and `goal` may be integers or the text shown on the page; the core turns text into
    integers. `next_step` asks for a follow-up request whose response is parsed in turn.
    """

    supporters: int | str | None = None
    status: Status | None = None
    raw_status: str | None = None
    title: str | None = None
    goal: int | str | None = None
    goal_computed: bool = False
    closes_at: datetime | date | str | None = None
    outcomes: tuple[Outcome, ...] = ()
    breakdowns: tuple[Breakdown, ...] = ()
    method: str | None = None
    gone: bool = False
    flags: frozenset[str] = frozenset()
    state: Mapping[str, Any] | None = None
    next_step: Step | None = None

    def merged_over(self, earlier: ParseResult) -> ParseResult:
        """This result laid over an earlier step's: fields given here win, lists and flags add up."""
        combined: dict[str, Any] = {}
        for name in ("supporters", "status", "raw_status", "title", "goal", "closes_at", "method"):
            mine = getattr(self, name)
            combined[name] = mine if mine is not None else getattr(earlier, name)
        if self.goal is None:
            combined["goal_computed"] = earlier.goal_computed
        state = dict(earlier.state or {})
        state.update(self.state or {})
        return replace(
            self,
            **combined,
            outcomes=earlier.outcomes + self.outcomes,
            breakdowns=self.breakdowns or earlier.breakdowns,
            flags=earlier.flags | self.flags,
            gone=self.gone or earlier.gone,
            state=state or None,
        )


@dataclass(frozen=True, slots=True)
class ListedPetition:
    """One petition found on a platform's list page (discovery)."""

    url: str
    supporters: int | None = None
    status: Status | None = None


@dataclass(frozen=True, slots=True)
class Listing:
    """What one list page holds, and the step to the next page if there is one."""

    items: tuple[ListedPetition, ...]
    next_step: Step | None = None

    @classmethod
    def of(cls, entries: Iterable[tuple[str, int | None, str | None]], next_step: Step | None) -> Listing:
        """A listing from (url, supporters, canonical status word) tuples."""
        return cls(tuple(ListedPetition(u, n, Status(s) if s else None) for u, n, s in entries), next_step)
