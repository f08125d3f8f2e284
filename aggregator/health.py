"""Tracking health: classify a poll's failure, escalate host-wide outages, and pick the next check."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .config import FetchSettings
from .errors import ConfigError, FetchError, LayoutChanged, NotThisPlatform
from .vocabulary import Health

#: polls of one host inside the window, all failing, before the host counts as down
SITE_DOWN_MIN_FAILURES = 3
SITE_DOWN_WINDOW = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Verdict:
    """How one poll went for our tracking, and why."""

    health: Health
    reason: str | None = None
    retry_after: float | None = None


def classify(error: Exception) -> Verdict:
    """The health a failed poll puts a petition in, with a reason a person can act on."""
    if isinstance(error, FetchError):
        return Verdict(Health(error.health), str(error), error.retry_after)
    if isinstance(error, ConfigError):
        return Verdict(Health.BLOCKED, f"our configuration stops this poll: {error}")
    if isinstance(error, NotThisPlatform):
        return Verdict(
            Health.LAYOUT_CHANGED,
            f"the response is not what this platform serves ({error}); the URL may now point "
            "elsewhere, or the site changed its format: check the page and the plugin version",
        )
    if isinstance(error, LayoutChanged):
        return Verdict(
            Health.LAYOUT_CHANGED,
            f"the page arrived but the data was not found ({error}); the site probably changed its "
            "layout: update the plugin or report it",
        )
    return Verdict(Health.RETRYING, f"unexpected {type(error).__name__}: {error}")


def escalate(verdict: Verdict, host_outcomes: Sequence[str]) -> Verdict:
    """A transient failure becomes `site_down` when every recent poll of the same host failed."""
    if verdict.health is not Health.RETRYING:
        return verdict
    failures = [o for o in host_outcomes if o not in (Health.OK, "unchanged")]
    if len(failures) >= SITE_DOWN_MIN_FAILURES and len(failures) == len(host_outcomes):
        return Verdict(
            Health.SITE_DOWN,
            f"every poll of this host in the last hour failed ({len(failures)}); last: {verdict.reason}",
            verdict.retry_after,
        )
    return verdict


def next_check_at(
    now: datetime,
    interval: timedelta,
    verdict: Verdict,
    consecutive_failures: int,
    fetch: FetchSettings,
    rng: random.Random | None = None,
) -> datetime:
    """When to poll again: the interval after success; exponential backoff after failures,
    never sooner than `Retry-After`, never later than the longer of the interval and the cap."""
    rng = rng or random.Random()
    if verdict.health in (Health.OK, Health.GONE):
        return now + interval
    exponent = max(0, consecutive_failures - 1)
    backoff = fetch.failure_backoff.total_seconds() * (2 ** min(exponent, 30))
    backoff = min(backoff, max(fetch.max_failure_backoff, interval).total_seconds())
    backoff *= 1 + rng.uniform(0, fetch.jitter)
    backoff = max(backoff, verdict.retry_after or 0.0)
    return now + timedelta(seconds=backoff)
