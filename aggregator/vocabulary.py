"""Canonical vocabulary: petition statuses, tracking health, outcome kinds and milestones."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """The petition's own state, one value per observation (DESIGN section 4)."""

    PENDING = "pending"
    OPEN = "open"
    CLOSED = "closed"
    VICTORY = "victory"
    REJECTED = "rejected"
    REMOVED = "removed"
    UNKNOWN = "unknown"


class Health(StrEnum):
    """The state of our tracking of a petition, not of the petition."""

    OK = "ok"
    RETRYING = "retrying"
    BLOCKED = "blocked"
    SITE_DOWN = "site_down"
    LAYOUT_CHANGED = "layout_changed"
    GONE = "gone"


class OutcomeKind(StrEnum):
    """Dated facts recorded beside the status."""

    MODERATION_THRESHOLD = "moderation_threshold_reached"
    RESPONSE_THRESHOLD = "response_threshold_reached"
    DEBATE_THRESHOLD = "debate_threshold_reached"
    THRESHOLD = "threshold_reached"
    GOVERNMENT_RESPONSE = "government_response"
    DEBATE_SCHEDULED = "debate_scheduled"
    DEBATED = "debated"
    OPENED = "opened"
    CLOSED = "closed"
    REJECTED = "rejected"
    VICTORY = "victory"
    REFERRED = "referred"
    REFERRAL_THRESHOLD = "referral_threshold_reached"
    COMPLETED = "completed"
    CERTIFIED = "certified"
    PRESENTED = "presented"


def round_number_milestones(upto: int) -> list[int]:
    """The core's round-number ladder (1k, 5k, ... 1M, then every 1M) up to and including `upto`."""
    ladder = [1_000, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000]
    steps = [m for m in ladder if m <= upto]
    million = 2_000_000
    while million <= upto:
        steps.append(million)
        million += 1_000_000
    return steps
