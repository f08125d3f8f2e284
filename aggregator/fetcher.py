"""The one HTTP client: per-host politeness, robots.txt, conditional GET, retries, redirects and limits."""

from __future__ import annotations

import asyncio
import hashlib
import math
import random
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parsedate_to_datetime
from functools import partial
from http.cookiejar import CookieJar, DefaultCookiePolicy
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type

from .bodies import read_limited
from .challenges import challenge_vendor, detect_challenge
from .clock import Clock
from .config import Settings
from .errors import FetchError
from .platform import Platform, Politeness, url_host
from .records import ResponseRecord, Step
from .robots import RobotsCache
from .transport import GuardedTransport, check_scheme
from .vocabulary import Health

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: robots.txt redirects followed before the file counts as unavailable (RFC 9309 section 2.3.1.2)
ROBOTS_REDIRECTS = 5
_T = TypeVar("_T")
_CROSS_HOST_DROPPED = ("authorization", "cookie", "proxy-authorization")


@dataclass(frozen=True, slots=True)
class Validators:
    """What the last response said about its version, for a conditional GET and the body-hash fallback."""

    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A response, whether it is unchanged since `validators`, the new validators, and the cost."""

    record: ResponseRecord
    unchanged: bool
    validators: Validators
    duration: float
    attempts: int


@dataclass(frozen=True, slots=True)
class _Reply:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class _Call:
    platform: str
    budget: Politeness
    #: the platform's opt-in request headers from the config
    headers: dict[str, str]


class _Transient(FetchError):
    """A failure worth retrying inside `get` (5xx, 429, timeout, connection error)."""


class _HostGate:
    """Per-host budget: parallel requests, and the earliest monotonic time the next request may start."""

    def __init__(self, concurrency: int) -> None:
        self.slots = asyncio.Semaphore(concurrency)
        self.lock = asyncio.Lock()
        self.next_start = -math.inf


def _seconds(value: timedelta) -> float:
    return value.total_seconds()


def _plain_headers(headers: httpx.Headers) -> dict[str, str]:
    plain: dict[str, str] = {}
    for key, value in headers.multi_items():
        name = key.lower()
        plain[name] = f"{plain[name]}, {value}" if name in plain else value
    return plain


class Fetcher:
    """Makes every request of the application through one shared `httpx.AsyncClient`.

    `get()` returns a record for any status the platform should interpret (200, 304, 404, 410,
    400...) and raises FetchError otherwise. New validators come from 2xx responses only; a 304
    keeps the ones passed in. `transport`, when given, is used as is (tests pass
    `httpx.MockTransport` or a `GuardedTransport` around one); by default it is a
    `GuardedTransport` built from the settings.
    """

    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        version: str,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        fetch = settings.fetch
        self._settings = settings
        self._fetch = fetch
        self._clock = clock
        self.user_agent = settings.user_agent(version)
        size = max(8, settings.schedule.concurrency)
        limits = httpx.Limits(max_connections=2 * size, max_keepalive_connections=size, keepalive_expiry=30)
        self._client = httpx.AsyncClient(
            transport=transport or GuardedTransport(fetch, limits=limits),
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(_seconds(fetch.read_timeout), connect=_seconds(fetch.connect_timeout)),
            headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),  # stateless: no cookies kept
        )
        self._deadline = _seconds(fetch.connect_timeout) + _seconds(fetch.read_timeout)
        self._gates: dict[str, _HostGate] = {}
        self._robots = RobotsCache(
            clock, ttl=_seconds(fetch.robots_ttl), failure_ttl=_seconds(fetch.failure_backoff)
        )
        self.random = random.Random()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the shared client and its connections."""
        await self._client.aclose()

    async def get(
        self,
        step: Step,
        *,
        platform: Platform,
        external_id: str,
        state: Mapping[str, Any],
        validators: Validators | None,
    ) -> FetchResult:
        """Fetch a step politely; raise FetchError (with its health) when no usable response came."""
        started = self._clock.monotonic()
        check_scheme(step.url)
        call = _Call(
            platform.name,
            self._settings.politeness(platform),
            self._settings.platform(platform.name).request_headers(),
        )
        # a plugin cannot change who we say we are; the user can, per platform, in the config
        headers = {k: v for k, v in step.headers.items() if k.lower() != "user-agent"} | call.headers
        if validators is not None and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators is not None and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        if self._fetch.respect_robots:
            await self._robots.check(step.url, partial(self._robots_txt, call=call))
        reply, attempts = await self._with_retries(self._follow, step.url, headers, call)
        if reply.status == 304:
            old = validators or Validators()
            unchanged, new = True, Validators(old.etag, old.last_modified, old.body_hash)
        elif 200 <= reply.status < 300:
            digest = hashlib.sha256(reply.body).hexdigest()
            unchanged = validators is not None and validators.body_hash == digest
            new = Validators(reply.headers.get("etag"), reply.headers.get("last-modified"), digest)
        else:
            unchanged, new = False, Validators()
        record = ResponseRecord(
            url=step.url,
            final_url=reply.url,
            status=reply.status,
            headers=reply.headers,
            body=reply.body,
            external_id=external_id,
            state=dict(state),
            purpose=step.purpose,
        )
        return FetchResult(record, unchanged, new, self._clock.monotonic() - started, attempts)

    # retry policy ---------------------------------------------------------------------------

    async def _with_retries(self, fn: Callable[..., Awaitable[_T]], *args: Any) -> tuple[_T, int]:
        """Run one attempt function with retries on transient failures; return (result, attempts)."""
        retrying = AsyncRetrying(
            sleep=self._clock.sleep,
            stop=self._stop,
            wait=self._wait,
            retry=retry_if_exception_type(_Transient),
            reraise=True,
        )
        try:
            result = await retrying(fn, *args)
        except _Transient as exc:
            limit = _seconds(self._fetch.max_retry_after)
            if exc.retry_after is not None and exc.retry_after > limit:
                note = (
                    f"; the site asks us to wait {exc.retry_after:.0f} s (Retry-After), longer than "
                    f"fetch.max_retry_after ({limit:.0f} s), so the poll is retried later"
                )
            else:
                note = f"; gave up after {retrying.statistics.get('attempt_number', 1)} attempt(s)"
            raise FetchError(
                f"{exc}{note}",
                health=exc.health,
                url=exc.url,
                http_status=exc.http_status,
                retry_after=exc.retry_after,
            ) from None
        return result, retrying.statistics.get("attempt_number", 1)

    def _wait(self, state: RetryCallState) -> float:
        failure = state.outcome.exception() if state.outcome else None
        if isinstance(failure, _Transient) and failure.retry_after is not None:
            return failure.retry_after
        return _seconds(self._fetch.retry_backoff) * 2 ** (state.attempt_number - 1)

    def _stop(self, state: RetryCallState) -> bool:
        too_long = state.upcoming_sleep > _seconds(self._fetch.max_retry_after)
        return state.attempt_number > self._fetch.retries or too_long

    # one attempt: the request and its redirects ----------------------------------------------

    async def _follow(self, url: str, headers: dict[str, str], call: _Call) -> _Reply:
        visited = {url}
        current = url
        for hop in range(self._fetch.max_redirects + 1):
            reply = await self._exchange(current, headers, call)
            location = reply.headers.get("location") if reply.status in REDIRECT_STATUSES else None
            if not location:
                return self._classify(reply, call)
            self._refuse_challenge(reply, call)
            target = str(httpx.URL(current).join(location))
            check_scheme(target)
            if target in visited or hop == self._fetch.max_redirects:
                what = (
                    "loops back to a URL already visited"
                    if target in visited
                    else (f"goes past fetch.max_redirects ({self._fetch.max_redirects} hops)")
                )
                raise FetchError(
                    f"redirect loop: {url} {what} (last hop {current} -> {target}); this is often a "
                    "cookie or bot check that an automated client cannot pass",
                    health=Health.BLOCKED,
                    url=url,
                    http_status=reply.status,
                )
            if url_host(target) != url_host(current):
                headers = {k: v for k, v in headers.items() if k.lower() not in _CROSS_HOST_DROPPED}
            if self._fetch.respect_robots:
                await self._robots.check(target, partial(self._robots_txt, call=call))
            visited.add(target)
            current = target
        raise AssertionError("unreachable")  # pragma: no cover

    def _refuse_challenge(self, reply: _Reply, call: _Call) -> None:
        reason = detect_challenge(reply.status, reply.headers, reply.body)
        if reason is None:
            return
        raise FetchError(
            f"{reply.url} answered with a {challenge_vendor(reason)} bot challenge "
            f"({reason}, HTTP {reply.status}): the site refuses automated clients like ours. "
            "If the site agrees to other request headers, they can be set per platform in the config "
            f"under [platforms.{call.platform}] headers",
            health=Health.BLOCKED,
            url=reply.url,
            http_status=reply.status,
        )

    def _classify(self, reply: _Reply, call: _Call) -> _Reply:
        self._refuse_challenge(reply, call)
        status = reply.status
        if status in (401, 403):
            raise FetchError(
                f"{reply.url} refused our client with HTTP {status}",
                health=Health.BLOCKED,
                url=reply.url,
                http_status=status,
            )
        if status == 429 or status >= 500:
            retry_after = self._retry_after(reply) if status in (429, 503) else None
            asked = f", Retry-After {retry_after:.0f} s" if retry_after is not None else ""
            raise _Transient(
                f"{reply.url} answered HTTP {status}{asked}",
                health=Health.RETRYING,
                url=reply.url,
                http_status=status,
                retry_after=retry_after,
            )
        return reply

    def _retry_after(self, reply: _Reply) -> float | None:
        """Retry-After in seconds (delay-seconds, or an HTTP-date measured on the injected clock)."""
        value = (reply.headers.get("retry-after") or "").strip()
        if value.isdigit():
            return float(value)
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        return max(0.0, (when - self._clock.now()).total_seconds()) if when.tzinfo else None

    # one request -------------------------------------------------------------------------------

    @asynccontextmanager
    async def _slot(self, host: str, budget: Politeness) -> AsyncIterator[None]:
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = _HostGate(budget.concurrency)
        async with gate.slots:
            async with gate.lock:
                wait = gate.next_start - self._clock.monotonic()
                if wait > 0:
                    await self._clock.sleep(wait)
                spacing = _seconds(budget.spacing) * (1 + self.random.uniform(0, self._fetch.jitter))
                gate.next_start = self._clock.monotonic() + spacing
            yield

    async def _exchange(
        self, url: str, headers: Mapping[str, str], call: _Call, *, truncate: bool = False
    ) -> _Reply:
        host = url_host(url)
        async with self._slot(host, call.budget):
            try:
                async with asyncio.timeout(self._deadline):
                    request = self._client.build_request("GET", url, headers=headers)
                    response = await self._client.send(request, stream=True)
                    try:
                        status = response.status_code
                        plain = _plain_headers(response.headers)
                        bodiless = status == 304 or (status in REDIRECT_STATUSES and "location" in plain)
                        body = (
                            b""
                            if bodiless
                            else await read_limited(
                                response, url, self._fetch.max_body_bytes, truncate=truncate
                            )
                        )
                    finally:
                        await response.aclose()
            except (
                httpx.TransportError,
                httpx.InvalidURL,
                httpx.DecodingError,
                zlib.error,
                TimeoutError,
            ) as exc:
                raise self._network_failure(url, exc) from None
        return _Reply(url, status, plain, body)

    def _network_failure(self, url: str, exc: Exception) -> FetchError:
        """Classify a failure below HTTP: refused URL (blocked), timeout, connect error (site down)."""
        host, detail = url_host(url), str(exc) or type(exc).__name__
        if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
            return FetchError(f"refusing {url}: {detail}", health=Health.BLOCKED, url=url)
        if isinstance(exc, httpx.TimeoutException | TimeoutError):
            limits = f"fetch.connect_timeout {_seconds(self._fetch.connect_timeout):g} s, "
            limits += f"fetch.read_timeout {_seconds(self._fetch.read_timeout):g} s"
            return _Transient(f"{url} timed out ({limits})", health=Health.RETRYING, url=url)
        if isinstance(exc, httpx.ConnectError):
            return _Transient(f"cannot connect to {host}: {detail}", health=Health.SITE_DOWN, url=url)
        return _Transient(f"the connection to {host} failed: {detail}", health=Health.RETRYING, url=url)

    async def _robots_txt(self, url: str, *, call: _Call) -> tuple[int, bytes]:
        """Fetch a robots.txt through the same client, limits, politeness and retries."""
        result, _ = await self._with_retries(self._robots_attempt, url, call)
        return result

    async def _robots_attempt(self, url: str, call: _Call) -> tuple[int, bytes]:
        current = url
        for _ in range(ROBOTS_REDIRECTS + 1):
            reply = await self._exchange(current, call.headers, call, truncate=True)
            location = reply.headers.get("location") if reply.status in REDIRECT_STATUSES else None
            if not location:
                return reply.status, reply.body
            current = str(httpx.URL(current).join(location))
            check_scheme(current)
        return reply.status, b""  # too many redirects: RFC 9309 lets us treat robots.txt as unavailable
