"""Reading a Scottish Parliament petition item's attributes: outcomes, deadline and breakdowns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from aggregator_plugins.uk_parliament.attributes import clean_text, when

from aggregator import Breakdown, Outcome, OutcomeKind

#: outcome kind the core vocabulary has no word for (a free string, stored as it is)
REFERRAL_THRESHOLD = "referral_threshold_reached"


def outcomes(attributes: Mapping[str, Any], raw_status: str | None, zone: str) -> list[Outcome]:
    """The dated facts: opening, thresholds and referral (only when the site shows them), debate,
    closing (completion: `closed_at` is the committee's completion time) and rejection."""

    def fact(kind: str, value: Any, **details: Any) -> Outcome | None:
        moment = when(value, zone)
        if moment is None:
            return None
        return Outcome(kind, moment, {k: v for k, v in details.items() if v not in (None, "")})

    found: list[Outcome | None] = [
        fact(OutcomeKind.MODERATION_THRESHOLD.value, attributes.get("moderation_threshold_reached_at")),
        # `under_consideration_at` is the same moment (open_at) under another name
        fact(
            OutcomeKind.OPENED.value, attributes.get("opened_at") or attributes.get("under_consideration_at")
        ),
        fact(REFERRAL_THRESHOLD, attributes.get("referral_threshold_reached_at")),
        fact(OutcomeKind.REFERRED.value, attributes.get("referred_at")),
        fact(OutcomeKind.DEBATE_THRESHOLD.value, attributes.get("debate_threshold_reached_at")),
        fact(
            OutcomeKind.DEBATE_SCHEDULED.value,
            attributes.get("scheduled_debate_date"),
            debate_date=attributes.get("scheduled_debate_date"),
        ),
    ]
    debate = attributes.get("debate")
    if isinstance(debate, Mapping) and debate.get("debated_on"):
        found.append(
            fact(
                OutcomeKind.DEBATED.value,
                debate.get("debated_on"),
                transcript_url=debate.get("transcript_url"),
                video_url=debate.get("video_url"),
                overview=clean_text(debate.get("overview")),
            )
        )
    if raw_status == "closed":
        found.append(fact(OutcomeKind.CLOSED.value, attributes.get("closed_at")))
    if raw_status == "rejected":
        rejection = attributes.get("rejection")
        rejection = rejection if isinstance(rejection, Mapping) else {}
        found.append(
            fact(
                OutcomeKind.REJECTED.value,
                attributes.get("rejected_at"),
                code=rejection.get("code"),
                details=clean_text(rejection.get("details")),
            )
        )
    return [outcome for outcome in found if outcome is not None]


def breakdowns(attributes: Mapping[str, Any]) -> Iterable[Breakdown]:
    """Country rows keyed by `code`; constituency and region rows keyed by their `id` (no `ons_code`
    in this fork). Never summed into the total."""
    for field, kind, key_name in (
        ("signatures_by_country", "country", "code"),
        ("signatures_by_region", "region", "id"),
        ("signatures_by_constituency", "constituency", "id"),
    ):
        rows = attributes.get(field)
        if not isinstance(rows, list):
            continue
        for row in rows:
            if not isinstance(row, Mapping):
                continue
            count = row.get("signature_count")
            if isinstance(count, bool) or not isinstance(count, int):
                continue
            name = clean_text(row.get("name")) or ""
            key = row.get(key_name)
            key = str(key) if key not in (None, "") else name
            if key:
                yield Breakdown(kind=kind, key=key, name=name, count=count)
