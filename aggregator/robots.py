"""robots.txt per origin (RFC 9309), parsed with protego and cached for `fetch.robots_ttl`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from .clock import Clock
from .errors import FetchError
from .vocabulary import Health

#: the product token matched against robots.txt `User-agent` lines
AGENT = "petition-aggregator"

#: fetches a robots.txt URL (following redirects) and returns (final HTTP status, body)
RobotsFetch = Callable[[str], Awaitable[tuple[int, bytes]]]


def robots_url(url: str) -> str:
    """The robots.txt URL that governs a URL: same scheme, host and port, path `/robots.txt`."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}/robots.txt"


@dataclass(frozen=True, slots=True)
class _Entry:
    expires: float
    rules: Protego | None = None
    #: set while robots.txt cannot be read: everything is disallowed until `expires`
    error: str | None = None
    health: str = Health.RETRYING


class RobotsCache:
    """Answers "may we fetch this URL?" per origin, fetching each robots.txt once per TTL.

    2xx: the rules apply. 3xx after too many redirects, or 4xx (except 429): no restrictions.
    429, 5xx or unreachable: everything is disallowed for now (a `retrying` FetchError, or
    `site_down` when the host cannot be reached at all), and the file is asked for again after
    `failure_ttl`.
    """

    def __init__(self, clock: Clock, *, ttl: float, failure_ttl: float, agent: str = AGENT) -> None:
        self._clock = clock
        self._ttl = ttl
        self._failure_ttl = min(ttl, failure_ttl)
        self._agent = agent
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def check(self, url: str, fetch: RobotsFetch) -> None:
        """Return when the URL may be fetched; raise a FetchError (`blocked` or `retrying`) otherwise."""
        where = robots_url(url)
        entry = await self._entry(where, fetch)
        if entry.error is not None:
            wait = max(0.0, entry.expires - self._clock.monotonic())
            raise FetchError(entry.error, health=entry.health, url=url, retry_after=wait)
        if entry.rules is not None and not entry.rules.can_fetch(url, self._agent):
            path = urlsplit(url)._replace(scheme="", netloc="").geturl() or "/"
            raise FetchError(
                f"robots.txt at {where} disallows {path} for user-agent {self._agent} "
                f"(a Disallow rule in the group for {self._agent} or *); this URL is not fetched",
                health=Health.BLOCKED,
                url=url,
            )

    def forget(self, url: str | None = None) -> None:
        """Drop the cached robots.txt of one URL's origin, or of every origin."""
        if url is None:
            self._entries.clear()
        else:
            self._entries.pop(robots_url(url), None)

    async def _entry(self, where: str, fetch: RobotsFetch) -> _Entry:
        lock = self._locks.setdefault(where, asyncio.Lock())
        async with lock:
            entry = self._entries.get(where)
            if entry is not None and entry.expires > self._clock.monotonic():
                return entry
            entry = await self._load(where, fetch)
            self._entries[where] = entry
            return entry

    async def _load(self, where: str, fetch: RobotsFetch) -> _Entry:
        try:
            status, body = await fetch(where)
        except FetchError as exc:
            if exc.health == Health.BLOCKED:
                raise
            return self._failure(where, f"it could not be fetched ({exc})", exc.health)
        now = self._clock.monotonic()
        if 200 <= status < 300:
            text = body.decode("utf-8", errors="replace").lstrip("\ufeff")
            return _Entry(expires=now + self._ttl, rules=Protego.parse(text))
        if status == 429 or status >= 500:
            return self._failure(where, f"it answered HTTP {status}")
        return _Entry(expires=now + self._ttl)

    def _failure(self, where: str, what: str, health: str = Health.RETRYING) -> _Entry:
        message = (
            f"robots.txt at {where} is unavailable: {what}. Following RFC 9309, everything on this "
            "site is treated as disallowed until robots.txt can be read; it will be tried again later"
        )
        return _Entry(expires=self._clock.monotonic() + self._failure_ttl, error=message, health=health)
