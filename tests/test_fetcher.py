"""Fetcher against a real local HTTP server: politeness, robots.txt, conditional GET, retries, limits."""

from __future__ import annotations

import asyncio
import gzip
import pickle
import socket
import threading
import time
from datetime import timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from aggregator.challenges import detect_challenge
from aggregator.clock import FakeClock
from aggregator.config import FetchSettings, PlatformSettings, Settings
from aggregator.errors import FetchError
from aggregator.fetcher import Fetcher, FetchResult, Validators
from aggregator.localserver import LocalServer, Reply, Seen, redirect, unused_port
from aggregator.platform import Platform, Politeness
from aggregator.records import Step
from aggregator.transport import GuardedTransport

HOST = "petition.example.org"
OTHER = "other.example.net"
THIRD = "third.example.com"
PAGE = f"https://{HOST}/petitions/1"


class Demo(Platform):
    name = "demo"
    hosts = (HOST,)
    politeness = Politeness(concurrency=4, spacing=timedelta(0))


def make_settings(server: LocalServer, platform: PlatformSettings | None = None, **fetch: Any) -> Settings:
    fetch.setdefault("host_overrides", server.overrides(HOST, OTHER, THIRD))
    platforms = {"demo": platform} if platform else {}
    return Settings(contact="ops@example.org", fetch=FetchSettings(**fetch), platforms=platforms)


def make_fetcher(
    server: LocalServer,
    clock: FakeClock | None = None,
    platform: PlatformSettings | None = None,
    **fetch: Any,
) -> Fetcher:
    return Fetcher(make_settings(server, platform, **fetch), clock or FakeClock(), "9.9.9")


async def get(
    fetcher: Fetcher, url: str = PAGE, validators: Validators | None = None, **step: Any
) -> FetchResult:
    return await fetcher.get(
        Step(url, **step), platform=Demo(), external_id="1", state={"seen": 1}, validators=validators
    )


async def fails(fetcher: Fetcher, url: str = PAGE) -> FetchError:
    with pytest.raises(FetchError) as caught:
        await get(fetcher, url)
    return caught.value


# basics ------------------------------------------------------------------------------------------


async def test_record_fields_headers_and_pickle(local_server: LocalServer) -> None:
    local_server.route(
        "/petitions/1", Reply(200, "<h1>hello</h1>", {"Content-Type": "text/html", "X-Thing": "a"})
    )
    async with make_fetcher(local_server) as fetcher:
        result = await get(fetcher, purpose="page")
    record = result.record
    assert (record.url, record.final_url, record.status) == (PAGE, PAGE, 200)
    assert record.body == b"<h1>hello</h1>"
    assert record.headers["content-type"] == "text/html"
    assert record.headers["x-thing"] == "a"
    assert all(key == key.lower() for key in record.headers)
    assert type(record.headers) is dict
    assert (record.external_id, dict(record.state), record.purpose) == ("1", {"seen": 1}, "page")
    assert result.attempts == 1 and not result.unchanged
    assert pickle.loads(pickle.dumps(result)) == result


async def test_user_agent_and_headers(local_server: LocalServer) -> None:
    local_server.route("/petitions/1", Reply(200, "ok"))
    platform = PlatformSettings(headers={"Accept-Language": "fr"})
    async with make_fetcher(local_server, platform=platform) as fetcher:
        await get(fetcher, headers={"Accept": "application/json"})
    (seen,) = local_server.seen("/petitions/1")
    assert seen.headers["user-agent"].startswith("petition-aggregator/9.9.9")
    assert "ops@example.org" in seen.headers["user-agent"]
    assert seen.headers["accept"] == "application/json"
    assert seen.headers["accept-language"] == "fr"
    assert seen.host == HOST
    robots = local_server.seen("/robots.txt")[0]
    assert "ops@example.org" in robots.headers["user-agent"]


@pytest.mark.parametrize("status", [404, 410, 400, 200])
async def test_other_statuses_are_returned(local_server: LocalServer, status: int) -> None:
    local_server.route("/petitions/1", Reply(status, "gone?"))
    async with make_fetcher(local_server) as fetcher:
        result = await get(fetcher)
    assert result.record.status == status
    assert result.record.body == b"gone?"


@pytest.mark.parametrize("status", [401, 403])
async def test_refusals_are_blocked(local_server: LocalServer, status: int) -> None:
    local_server.route("/petitions/1", Reply(status, "no"))
    async with make_fetcher(local_server) as fetcher:
        error = await fails(fetcher)
    assert error.health == "blocked" and error.http_status == status


async def test_gzip_body_is_decoded(local_server: LocalServer) -> None:
    local_server.route("/petitions/1", Reply(200, gzip.compress(b"x" * 5000), {"Content-Encoding": "gzip"}))
    async with make_fetcher(local_server) as fetcher:
        result = await get(fetcher)
    assert result.record.body == b"x" * 5000
    assert local_server.seen("/petitions/1")[0].headers["accept-encoding"] == "gzip, deflate"


# conditional GET ---------------------------------------------------------------------------------


async def test_etag_then_304_is_unchanged(local_server: LocalServer) -> None:
    def page(seen: Seen) -> Reply:
        if seen.headers.get("if-none-match") == '"v1"':
            return Reply(304, b"", {"ETag": '"v1"'})
        return Reply(200, "count: 10", {"ETag": '"v1"'})

    local_server.route("/petitions/1", page)
    async with make_fetcher(local_server) as fetcher:
        first = await get(fetcher)
        second = await get(fetcher, validators=first.validators)
    assert not first.unchanged and first.validators.etag == '"v1"'
    assert second.unchanged and second.record.status == 304 and second.record.body == b""
    assert second.validators == first.validators


async def test_last_modified_then_304(local_server: LocalServer) -> None:
    stamp = "Wed, 21 Oct 2015 07:28:00 GMT"

    def page(seen: Seen) -> Reply:
        if seen.headers.get("if-modified-since") == stamp:
            return Reply(304)
        return Reply(200, "count: 10", {"Last-Modified": stamp})

    local_server.route("/petitions/1", page)
    async with make_fetcher(local_server) as fetcher:
        first = await get(fetcher)
        second = await get(fetcher, validators=first.validators)
    assert first.validators.last_modified == stamp and first.validators.etag is None
    assert second.unchanged and second.record.status == 304
    assert "if-none-match" not in local_server.seen("/petitions/1")[1].headers


async def test_body_hash_when_server_ignores_validators(local_server: LocalServer) -> None:
    local_server.route("/petitions/1", Reply(200, "count: 10", {"ETag": '"always-new"'}))
    async with make_fetcher(local_server) as fetcher:
        first = await get(fetcher)
        second = await get(fetcher, validators=first.validators)
        local_server.route("/petitions/1", Reply(200, "count: 11"))
        third = await get(fetcher, validators=second.validators)
    assert first.validators.body_hash and len(first.validators.body_hash) == 64
    assert second.record.status == 200 and second.unchanged
    assert not third.unchanged and third.validators.body_hash != first.validators.body_hash
    assert third.validators.etag is None


# retries -----------------------------------------------------------------------------------------


def sequence(*replies: Reply):
    """A handler answering the replies in turn, then repeating the last."""
    remaining = list(replies)

    def handler(seen: Seen) -> Reply:
        return remaining.pop(0) if len(remaining) > 1 else remaining[0]

    return handler


async def test_429_retry_after_seconds(local_server: LocalServer) -> None:
    local_server.route(
        "/petitions/1", sequence(Reply(429, "slow down", {"Retry-After": "7"}), Reply(200, "ok"))
    )
    clock = FakeClock()
    async with make_fetcher(local_server, clock) as fetcher:
        start = clock.monotonic()
        result = await get(fetcher)
    assert result.record.body == b"ok" and result.attempts == 2
    assert clock.monotonic() - start >= 7
    assert local_server.hits("/petitions/1") == 2


async def test_503_retry_after_http_date(local_server: LocalServer) -> None:
    clock = FakeClock()
    when = format_datetime(clock.now() + timedelta(seconds=12), usegmt=True)
    local_server.route("/petitions/1", sequence(Reply(503, "busy", {"Retry-After": when}), Reply(200, "ok")))
    async with make_fetcher(local_server, clock) as fetcher:
        start = clock.monotonic()
        result = await get(fetcher)
    assert result.attempts == 2
    assert clock.monotonic() - start >= 12


async def test_long_retry_after_raises_retrying(local_server: LocalServer) -> None:
    local_server.route("/petitions/1", Reply(429, "later", {"Retry-After": "3600"}))
    clock = FakeClock()
    async with make_fetcher(local_server, clock) as fetcher:
        start = clock.monotonic()
        error = await fails(fetcher)
    assert error.health == "retrying" and error.retry_after == 3600 and error.http_status == 429
    assert "fetch.max_retry_after" in str(error)
    assert local_server.hits("/petitions/1") == 1
    assert clock.monotonic() - start < 3600


async def test_503_then_200_with_backoff(local_server: LocalServer) -> None:
    local_server.route("/petitions/1", sequence(Reply(503), Reply(502), Reply(200, "ok")))
    clock = FakeClock()
    async with make_fetcher(local_server, clock, retry_backoff="2s", retries=2) as fetcher:
        start = clock.monotonic()
        result = await get(fetcher)
    assert result.attempts == 3 and result.record.body == b"ok"
    assert clock.monotonic() - start >= 2 + 4


async def test_persistent_5xx_gives_up(local_server: LocalServer) -> None:
    local_server.route("/petitions/1", Reply(500, "broken"))
    async with make_fetcher(local_server, retries=2) as fetcher:
        error = await fails(fetcher)
    assert error.health == "retrying" and error.http_status == 500 and error.retry_after is None
    assert "3 attempt" in str(error)
    assert local_server.hits("/petitions/1") == 3


async def test_connection_refused_is_site_down(local_server: LocalServer) -> None:
    fetcher = make_fetcher(local_server, host_overrides={HOST: f"127.0.0.1:{unused_port()}"}, retries=1)
    async with fetcher:
        error = await fails(fetcher)
    assert error.health == "site_down"


async def test_dns_failure_is_site_down(local_server: LocalServer) -> None:
    async def no_such_name(host: str, port: int) -> list[str]:  # no real DNS query leaves the test
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    settings = make_settings(local_server, retries=1)
    transport = GuardedTransport(settings.fetch, resolve=no_such_name)
    async with Fetcher(settings, FakeClock(), "9.9.9", transport) as fetcher:
        error = await fails(fetcher, "https://unknown-host.example/x")
    assert error.health == "site_down"
    assert "cannot resolve unknown-host.example" in str(error)


async def test_timeout_is_retrying(local_server: LocalServer) -> None:
    local_server.route("/petitions/1", Reply(200, "late", delay=1.5))
    async with make_fetcher(local_server, read_timeout=0.3, retries=0) as fetcher:
        error = await fails(fetcher)
    assert error.health == "retrying"
    assert "timed out" in str(error)


# size limits -------------------------------------------------------------------------------------


async def test_oversize_content_length_refused_early(local_server: LocalServer) -> None:
    local_server.route("/petitions/1", Reply(200, b"a" * 10_000))
    async with make_fetcher(local_server, max_body_bytes=2048) as fetcher:
        error = await fails(fetcher)
    assert error.health == "layout_changed"
    assert "fetch.max_body_bytes (2048 bytes)" in str(error)
    assert "raise the limit" in str(error)


async def test_oversize_chunked_without_length(local_server: LocalServer) -> None:
    local_server.route("/petitions/1", Reply(200, b"a" * 50_000, chunked=True))
    async with make_fetcher(local_server, max_body_bytes=2048) as fetcher:
        error = await fails(fetcher)
    assert error.health == "layout_changed" and "fetch.max_body_bytes" in str(error)


async def test_chunked_within_limit_is_read(local_server: LocalServer) -> None:
    local_server.route("/petitions/1", Reply(200, b"a" * 10_000, chunked=True))
    async with make_fetcher(local_server, max_body_bytes=20_000) as fetcher:
        result = await get(fetcher)
    assert result.record.body == b"a" * 10_000


async def test_gzip_bomb_is_bounded(local_server: LocalServer) -> None:
    bomb = gzip.compress(b"\0" * 20_000_000)
    assert len(bomb) < 100_000
    local_server.route("/petitions/1", Reply(200, bomb, {"Content-Encoding": "gzip"}, chunked=True))
    async with make_fetcher(local_server, max_body_bytes=100_000) as fetcher:
        error = await fails(fetcher)
    assert error.health == "layout_changed" and "fetch.max_body_bytes" in str(error)


# redirects ---------------------------------------------------------------------------------------


async def test_redirect_loop_is_blocked(local_server: LocalServer) -> None:
    local_server.route("/petitions/1", redirect("/b"))
    local_server.route("/b", redirect(PAGE, 301))
    async with make_fetcher(local_server) as fetcher:
        error = await fails(fetcher)
    assert error.health == "blocked"
    assert "redirect loop" in str(error) and "cookie" in str(error)


async def test_redirect_limit(local_server: LocalServer) -> None:
    for hop in range(10):
        local_server.route(f"/r{hop}", redirect(f"/r{hop + 1}"))
    async with make_fetcher(local_server, max_redirects=3) as fetcher:
        error = await fails(fetcher, f"https://{HOST}/r0")
    assert error.health == "blocked"
    assert "redirect loop" in str(error) and "fetch.max_redirects" in str(error)
    assert local_server.hits("/r3") == 1 and local_server.hits("/r4") == 0


async def test_redirect_to_other_allowed_host(local_server: LocalServer) -> None:
    local_server.route("/petitions/1", redirect(f"https://{OTHER}/p/1", 301), host=HOST)
    local_server.route("/p/1", Reply(200, "moved here"), host=OTHER)
    async with make_fetcher(local_server) as fetcher:
        result = await get(fetcher)
    assert result.record.url == PAGE
    assert result.record.final_url == f"https://{OTHER}/p/1"
    assert result.record.body == b"moved here"
    assert local_server.hits("/robots.txt", host=OTHER) == 1
    assert local_server.seen("/p/1")[0].host == OTHER


async def test_redirect_to_private_address_is_refused(local_server: LocalServer) -> None:
    local_server.route("/petitions/1", redirect("http://169.254.169.254/latest/meta-data/"))
    async with make_fetcher(local_server, respect_robots=False) as fetcher:
        error = await fails(fetcher)
    assert error.health == "blocked"
    assert "169.254.169.254" in str(error) and "fetch.allow_private_addresses" in str(error)


async def test_redirect_target_checked_against_robots(local_server: LocalServer) -> None:
    local_server.route("/robots.txt", Reply(200, "User-agent: *\nDisallow: /api-proxy/\n"), host=OTHER)
    local_server.route("/petitions/1", redirect(f"https://{OTHER}/api-proxy/x"), host=HOST)
    async with make_fetcher(local_server) as fetcher:
        error = await fails(fetcher)
    assert error.health == "blocked" and "robots.txt" in str(error)
    assert local_server.hits("/api-proxy/x") == 0


# guard through the fetcher -----------------------------------------------------------------------


@pytest.mark.parametrize("url", ["http://10.0.0.7/p", "http://[::1]/p", "http://localhost/p"])
async def test_fetcher_refuses_private_destinations(local_server: LocalServer, url: str) -> None:
    async with make_fetcher(local_server) as fetcher:
        error = await fails(fetcher, url)
    assert error.health == "blocked" and "fetch.allowed_networks" in str(error)


async def test_fetcher_refuses_non_http_scheme(local_server: LocalServer) -> None:
    async with make_fetcher(local_server) as fetcher:
        error = await fails(fetcher, "ftp://petition.example.org/file")
    assert error.health == "blocked"


# politeness --------------------------------------------------------------------------------------


def stamping(clock: FakeClock, stamps: list[tuple[str, float]]):
    def handler(seen: Seen) -> Reply:
        stamps.append((seen.host, clock.monotonic()))
        return Reply(200, "ok")

    return handler


async def test_spacing_per_host_on_fake_clock(local_server: LocalServer) -> None:
    clock = FakeClock()
    stamps: list[tuple[str, float]] = []
    local_server.route("/petitions/1", stamping(clock, stamps))
    platform = PlatformSettings(spacing="5s")
    async with make_fetcher(local_server, clock, platform, respect_robots=False, jitter=0.25) as fetcher:
        await get(fetcher)
        await get(fetcher, f"https://{OTHER}/petitions/1")
        await get(fetcher)
        before = clock.monotonic()
        await get(fetcher, f"https://{THIRD}/petitions/1")
        before_both = clock.monotonic()
        await asyncio.gather(get(fetcher), get(fetcher))  # concurrent requests are spaced too
        assert clock.monotonic() - before_both >= 10
    times = {host: [t for h, t in stamps if h == host] for host in (HOST, OTHER, THIRD)}
    assert times[OTHER] == [0.0]  # other hosts do not wait for the first one
    assert times[THIRD] == [before]
    times[HOST] = times[HOST][:2]  # server-side stamps of concurrent requests race the fake clock
    gaps = [b - a for a, b in zip(times[HOST], times[HOST][1:], strict=False)]
    assert all(5 <= gap <= 5 * 1.25 + 1e-9 for gap in gaps), gaps


async def test_spacing_defaults_to_platform_politeness(local_server: LocalServer) -> None:
    class Slow(Demo):
        politeness = Politeness(concurrency=1, spacing=timedelta(seconds=3))

    clock = FakeClock()
    stamps: list[tuple[str, float]] = []
    local_server.route("/petitions/1", stamping(clock, stamps))
    async with make_fetcher(local_server, clock, respect_robots=False, jitter=0) as fetcher:
        for _ in range(2):
            await fetcher.get(Step(PAGE), platform=Slow(), external_id="1", state={}, validators=None)
    assert stamps[1][1] - stamps[0][1] == 3


def in_flight_probe(delay: float):
    lock = threading.Lock()
    state = {"now": 0, "max": 0}

    def handler(seen: Seen) -> Reply:
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(delay)
        with lock:
            state["now"] -= 1
        return Reply(200, "ok")

    return handler, state


async def test_per_host_concurrency_limit(local_server: LocalServer) -> None:
    handler, state = in_flight_probe(0.1)
    local_server.route("/petitions/1", handler)
    platform = PlatformSettings(concurrency=1, spacing="0s")
    async with make_fetcher(local_server, platform=platform, respect_robots=False) as fetcher:
        await asyncio.gather(*(get(fetcher) for _ in range(3)))
    assert state["max"] == 1
    assert local_server.hits("/petitions/1") == 3


async def test_per_host_concurrency_allows_parallel(local_server: LocalServer) -> None:
    barrier = threading.Barrier(2, timeout=5)

    def handler(seen: Seen) -> Reply:
        barrier.wait()  # only passes when two requests are in flight at once
        return Reply(200, "ok")

    local_server.route("/petitions/1", handler)
    platform = PlatformSettings(concurrency=2, spacing="0s")
    async with make_fetcher(local_server, platform=platform, respect_robots=False) as fetcher:
        results = await asyncio.gather(get(fetcher), get(fetcher))
    assert [r.record.status for r in results] == [200, 200]


# robots.txt --------------------------------------------------------------------------------------

ROBOTS = "User-agent: *\nDisallow: /admin/\n\nUser-agent: petition-aggregator\nDisallow: /private/\n"


async def test_robots_disallow_is_blocked(local_server: LocalServer) -> None:
    local_server.route("/robots.txt", Reply(200, ROBOTS))
    local_server.route("/public/1", Reply(200, "ok"))
    async with make_fetcher(local_server) as fetcher:
        error = await fails(fetcher, f"https://{HOST}/private/1")
        assert (await get(fetcher, f"https://{HOST}/public/1")).record.status == 200
        assert (await get(fetcher, f"https://{HOST}/admin/1")).record.status == 404  # our group wins
    assert error.health == "blocked"
    assert f"https://{HOST}/robots.txt" in str(error) and "/private/1" in str(error)
    assert local_server.hits("/private/1") == 0


async def test_robots_wildcard_group_applies(local_server: LocalServer) -> None:
    local_server.route("/robots.txt", Reply(200, "User-agent: *\nDisallow: /\n"))
    async with make_fetcher(local_server) as fetcher:
        assert (await fails(fetcher)).health == "blocked"


async def test_robots_404_allows_everything(local_server: LocalServer) -> None:
    local_server.route("/petitions/1", Reply(200, "ok"))
    async with make_fetcher(local_server) as fetcher:
        assert (await get(fetcher)).record.status == 200
    assert local_server.hits("/robots.txt") == 1


async def test_robots_500_disallows_for_now(local_server: LocalServer) -> None:
    local_server.route("/robots.txt", Reply(500, "oops"))
    local_server.route("/petitions/1", Reply(200, "ok"))
    async with make_fetcher(local_server) as fetcher:
        error = await fails(fetcher)
    assert error.health == "retrying"
    assert "robots.txt" in str(error) and "RFC 9309" in str(error)
    assert local_server.hits("/petitions/1") == 0


async def test_robots_unreachable_disallows_for_now(local_server: LocalServer) -> None:
    fetcher = make_fetcher(local_server, host_overrides={HOST: f"127.0.0.1:{unused_port()}"})
    async with fetcher:
        error = await fails(fetcher)
    assert error.health == "site_down" and "robots.txt" in str(error)


async def test_robots_is_cached_per_origin_with_ttl(local_server: LocalServer) -> None:
    local_server.route("/robots.txt", Reply(200, ROBOTS))
    local_server.route("/petitions/1", Reply(200, "ok"))
    clock = FakeClock()
    async with make_fetcher(local_server, clock, robots_ttl="1h") as fetcher:
        await asyncio.gather(*(get(fetcher) for _ in range(3)))
        await get(fetcher)
        assert local_server.hits("/robots.txt", host=HOST) == 1
        clock.advance(3601)
        await get(fetcher)
    assert local_server.hits("/robots.txt", host=HOST) == 2


async def test_robots_ignored_when_not_respected(local_server: LocalServer) -> None:
    local_server.route("/robots.txt", Reply(200, "User-agent: *\nDisallow: /\n"))
    local_server.route("/petitions/1", Reply(200, "ok"))
    async with make_fetcher(local_server, respect_robots=False) as fetcher:
        assert (await get(fetcher)).record.status == 200
    assert local_server.hits("/robots.txt") == 0


# bot challenges ----------------------------------------------------------------------------------

CLOUDFLARE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    "<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1'></script></body></html>"
)


async def test_cloudflare_403_challenge_is_blocked(local_server: LocalServer) -> None:
    local_server.route("/petitions/1", Reply(403, CLOUDFLARE, {"cf-mitigated": "challenge"}))
    async with make_fetcher(local_server) as fetcher:
        error = await fails(fetcher)
    assert error.health == "blocked" and error.http_status == 403
    assert "Cloudflare" in str(error) and "automated clients" in str(error)
    assert "[platforms.demo] headers" in str(error)


async def test_200_page_with_challenge_marker_is_blocked(local_server: LocalServer) -> None:
    local_server.route("/petitions/1", Reply(200, "<html><body><div id='px-captcha'></div></body></html>"))
    async with make_fetcher(local_server) as fetcher:
        error = await fails(fetcher)
    assert error.health == "blocked" and "PerimeterX" in str(error)


async def test_challenge_on_503_is_not_retried(local_server: LocalServer) -> None:
    local_server.route("/petitions/1", Reply(503, CLOUDFLARE))
    async with make_fetcher(local_server) as fetcher:
        error = await fails(fetcher)
    assert error.health == "blocked"
    assert local_server.hits("/petitions/1") == 1


@pytest.mark.parametrize(
    ("status", "headers", "body", "vendor"),
    [
        (403, {"cf-mitigated": "challenge"}, "", "Cloudflare"),
        (503, {}, "<html><head><title>Just a moment...</title></head></html>", "Cloudflare"),
        (403, {}, "<title>Attention Required! | Cloudflare</title>", "Cloudflare"),
        (403, {}, "<script src='/cdn-cgi/challenge-platform/scripts/x.js'></script>", "Cloudflare"),
        (403, {}, "<script src='https://geo.captcha-delivery.com/captcha/'></script>", "DataDome"),
        (403, {"X-DataDome": "protected"}, "blocked", "DataDome"),
        (302, {"location": "https://geo.captcha-delivery.com/c"}, "", "DataDome"),
        (403, {}, "<div id='px-captcha'></div>", "PerimeterX"),
        (200, {}, "<script>window._pxCaptcha = 1</script>", "PerimeterX"),
        (200, {}, "<script src='/_Incapsula_Resource?SWJIYLWA=abc'></script>", "Incapsula"),
        (200, {}, "Request unsuccessful. Incapsula incident ID: 123", "Incapsula"),
        (403, {}, "<TITLE>Access Denied</TITLE>Reference #18.abc.123", "Akamai"),
        (403, {}, "<TITLE>Access Denied</TITLE>Reference&#32;&#35;18&#46;abc", "Akamai"),
        (200, {}, "<title>Security check: CAPTCHA</title>", "captcha"),
        (429, {}, "Please solve the captcha to continue", "captcha"),
    ],
)
def test_detect_challenge_recognises_vendors(status, headers, body, vendor) -> None:
    reason = detect_challenge(status, headers, body.encode())
    assert reason is not None and reason.startswith(f"{vendor}:")


@pytest.mark.parametrize(
    ("status", "headers", "body"),
    [
        (200, {}, "<title>Save the bees</title><p>3,713 supporters</p>"),
        # a normal Cloudflare-served page embeds the detection script; that is not a challenge
        (200, {}, "<title>Petition</title><script src='/cdn-cgi/challenge-platform/scripts/jsd/main.js'>"),
        # a normal Incapsula-served page embeds its resource script in a full page
        (200, {}, "<title>Petition</title>" + "x" * 20_000 + "<script src='/_Incapsula_Resource?a=1'>"),
        # a petition page with a captcha on its signing form is still a petition page
        (200, {}, "<title>Sign now</title><div class='g-recaptcha'></div> captcha"),
        (200, {"x-datadome": "protected"}, "<title>Petition</title>"),
        (404, {}, "<title>Not found</title>"),
        (503, {}, "<title>Maintenance</title> back soon"),
    ],
)
def test_detect_challenge_ignores_normal_pages(status, headers, body) -> None:
    assert detect_challenge(status, headers, body.encode()) is None


async def test_plugin_cannot_change_the_user_agent_but_config_can(local_server: LocalServer) -> None:
    local_server.route("/petitions/1", Reply(200, "ok"))
    async with make_fetcher(local_server, respect_robots=False) as fetcher:
        await get(fetcher, headers={"User-Agent": "Mozilla/5.0"})
    opted_in = PlatformSettings(headers={"User-Agent": "Mozilla/5.0 (opt-in)"})
    async with make_fetcher(local_server, platform=opted_in, respect_robots=False) as fetcher:
        await get(fetcher)
    first, second = local_server.seen("/petitions/1")
    assert first.headers["user-agent"].startswith("petition-aggregator/")
    assert second.headers["user-agent"] == "Mozilla/5.0 (opt-in)"


def test_vercel_checkpoint_is_a_challenge() -> None:
    from aggregator.challenges import detect_challenge

    assert detect_challenge(429, {"x-vercel-mitigated": "challenge"}, b"") is not None
    page = b"<html><head><title>Vercel Security Checkpoint</title></head><body></body></html>"
    assert "Vercel" in (detect_challenge(429, {}, page) or "")
    assert detect_challenge(200, {}, b"<html><title>Stop the mine</title></html>") is None
