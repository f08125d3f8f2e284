"""Reading a Senedd petition item's attributes: per-petition thresholds and outcomes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aggregator_plugins.epetitions import REFERRAL_THRESHOLD as REFERRAL_THRESHOLD
from aggregator_plugins.epetitions import fact, fork_outcomes

from aggregator import Outcome

#: outcome kind the core vocabulary has no word for (a free string, stored as it is)
COMPLETED = "completed"

#: the live site's thresholds (a third-party scraper; the code defaults are 250 and 5,000): the JSON
#: carries each petition's own `threshold_for_referral` and `threshold_for_debate`, which win
DEFAULT_REFERRAL_THRESHOLD = 250
DEFAULT_DEBATE_THRESHOLD = 10_000


def threshold(attributes: Mapping[str, Any], field: str, default: int) -> int:
    """A per-petition threshold (`threshold_for_referral`, `threshold_for_debate`), else the default."""
    value = attributes.get(field)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return default


def outcomes(attributes: Mapping[str, Any], raw_status: str | None, zone: str) -> list[Outcome]:
    """The dated facts: moderation, opening, referral and debate thresholds, referral, debate,
    closing, completion (committee consideration finished) and rejection. No government response
    block exists on this site."""
    found = fork_outcomes(
        attributes,
        raw_status,
        zone,
        opened_at=attributes.get("opened_at"),
        referral_threshold=threshold(attributes, "threshold_for_referral", DEFAULT_REFERRAL_THRESHOLD),
        debate_threshold=threshold(attributes, "threshold_for_debate", DEFAULT_DEBATE_THRESHOLD),
        # for open petitions `closed_at` is the (possibly extended) deadline, not a fact yet
        closed_states=("closed", "completed"),
    )
    completed = fact(COMPLETED, attributes.get("completed_at"), zone) if raw_status == "completed" else None
    return found if completed is None else [*found, completed]
