"""Reading a UK petition item's attributes: outcomes, deadline and breakdowns, in every schema era."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from aggregator_plugins import epetitions
from aggregator_plugins.epetitions import clean_text, rejection, when

from aggregator import Outcome, OutcomeKind

#: signatures that oblige the government to respond, and that get a petition considered for debate
RESPONSE_THRESHOLD = 10_000
DEBATE_THRESHOLD = 100_000

#: 2010-15 petitions were migrated into the archive on this day; their `rejected_at` is this date
_ARCHIVE_MIGRATION_DAY = date(2017, 6, 21)


def closes_at(attributes: Mapping[str, Any], zone: str) -> datetime | None:
    """The deadline: the end of `closing_date` (London) for open petitions, else `closed_at`."""
    closing_date = attributes.get("closing_date")
    if isinstance(closing_date, str) and closing_date.strip():
        try:
            day = date.fromisoformat(closing_date.strip()[:10])
        except ValueError:
            day = None
        if day is not None:
            # petitions close at the end of their last day, London time
            end = datetime.combine(day, time(23, 59, 59, 999000), ZoneInfo(zone))
            return end.astimezone(UTC)
    return when(attributes.get("closed_at"), zone)


def outcomes(
    item: Mapping[str, Any], attributes: Mapping[str, Any], raw_status: str | None, zone: str
) -> list[Outcome]:
    """The dated facts of a petition item: thresholds, response, debate, opening, closing, rejection."""

    def fact(kind: OutcomeKind, value: Any, **details: Any) -> Outcome | None:
        return epetitions.fact(kind.value, value, zone, **details)

    found: list[Outcome | None] = [
        fact(OutcomeKind.MODERATION_THRESHOLD, attributes.get("moderation_threshold_reached_at")),
        fact(OutcomeKind.OPENED, attributes.get("opened_at") or attributes.get("open_at")),
        fact(
            OutcomeKind.RESPONSE_THRESHOLD,
            attributes.get("response_threshold_reached_at"),
            threshold=RESPONSE_THRESHOLD,
        ),
        fact(
            OutcomeKind.DEBATE_THRESHOLD,
            attributes.get("debate_threshold_reached_at"),
            threshold=DEBATE_THRESHOLD,
        ),
    ]

    response = attributes.get("government_response")
    response = response if isinstance(response, Mapping) else {}
    found.append(
        fact(
            OutcomeKind.GOVERNMENT_RESPONSE,
            attributes.get("government_response_at") or response.get("responded_on"),
            responded_on=response.get("responded_on"),
            summary=clean_text(response.get("summary")),
        )
    )

    debate_date = attributes.get("scheduled_debate_date") or attributes.get("debate_scheduled_on")
    found.append(
        fact(
            OutcomeKind.DEBATE_SCHEDULED,
            debate_date,
            debate_date=debate_date,
            scheduled_at=attributes.get("debate_scheduled_at"),
        )
    )

    debate = attributes.get("debate")
    if isinstance(debate, Mapping):
        if debate.get("debated_on"):
            debated_at = debate.get("debated_on")
        elif debate.get("debated") is True:
            debated_at = attributes.get("debate_outcome_at")
        else:
            debated_at = None  # a "not debated" outcome, or no outcome yet
        found.append(
            fact(
                OutcomeKind.DEBATED,
                debated_at,
                transcript_url=debate.get("transcript_url"),
                video_url=debate.get("video_url"),
                debate_pack_url=debate.get("debate_pack_url"),
            )
        )
    elif attributes.get("debated") is True:
        found.append(fact(OutcomeKind.DEBATED, attributes.get("debate_outcome_at")))

    if raw_status == "closed":
        found.append(fact(OutcomeKind.CLOSED, attributes.get("closed_at")))
    if raw_status == "rejected":
        rejected = rejection(attributes, zone)
        if rejected is not None and _is_migration_date(item, rejected.occurred_at):
            note = "2010-15 petition: rejected_at is the archive migration date"
            rejected = Outcome(rejected.kind, rejected.occurred_at, {**rejected.details, "note": note})
        found.append(rejected)
    return [outcome for outcome in found if outcome is not None]


def _is_migration_date(item: Mapping[str, Any], when: datetime | date | str | None) -> bool:
    if not isinstance(when, datetime) or item.get("type") != "archived-petition":
        return False
    try:
        petition_id = int(item.get("id") or 0)
    except (TypeError, ValueError):
        return False
    return petition_id < 100_000 and when.date() == _ARCHIVE_MIGRATION_DAY
