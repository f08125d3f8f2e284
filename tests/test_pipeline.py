"""From URL to stored rows: the real fetcher, a real local server, the UK plugin and real storage."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from aggregator import ParseResult, Platform, Status, Step
from aggregator.app import App
from aggregator.config import FetchSettings, PlatformSettings, Settings
from aggregator.following import Entry, follow
from aggregator.localserver import LocalServer, Reply, unused_port
from aggregator.pipeline import poll_and_record
from aggregator.tables import Observation

HOST = "petition.parliament.uk"
PATH = "/petitions/700123.json"
URL = f"https://{HOST}/petitions/700123"


def uk_json(count: int, state: str = "open", title: str = "Keep the library open") -> bytes:
    return json.dumps(
        {
            "links": {"self": f"https://{HOST}{PATH}"},
            "data": {
                "type": "petition",
                "id": 700123,
                "attributes": {
                    "action": title,
                    "state": state,
                    "signature_count": count,
                    "opened_at": "2026-01-10T10:00:00.000Z",
                    "response_threshold_reached_at": "2026-02-01T09:00:00.000Z" if count >= 10_000 else None,
                    "signatures_by_country": [
                        {"name": "United Kingdom", "code": "GB", "signature_count": count - 1},
                        {"name": "France", "code": "FR", "signature_count": 1},
                    ],
                },
            },
        }
    ).encode()


class Site:
    """A UK petition on the local server whose answer the test changes between polls."""

    def __init__(self, server: LocalServer) -> None:
        self.reply = Reply(200, uk_json(100), {"Content-Type": "application/json"})
        self.etag: str | None = None
        server.route(PATH, self.answer, host=HOST)

    def answer(self, seen) -> Reply:
        if self.etag and seen.headers.get("if-none-match") == self.etag:
            return Reply(304, b"", {"ETag": self.etag})
        headers = dict(self.reply.headers)
        if self.etag:
            headers["ETag"] = self.etag
        return Reply(self.reply.status, self.reply.body, headers)


@pytest.fixture
def site(local_server):
    return Site(local_server)


@pytest.fixture
async def app(tmp_path, local_server, clock):
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'p.db'}",
        contact="tests@example.org",
        fetch=FetchSettings(host_overrides=local_server.overrides(HOST), retries=0),
        platforms={"uk-parliament": PlatformSettings(spacing=timedelta(0))},
    )
    app = App.open(settings, clock=clock)
    yield app
    await app.aclose()


async def _poll(app, clock):
    clock.advance(timedelta(hours=2))
    [task] = app.store.claim_due(clock.now(), 10, timedelta(minutes=10))
    return await poll_and_record(app, task)


def _rows(app, petition_id) -> list[Observation]:
    return list(reversed(app.store.history(petition_id, 100)))


async def test_url_to_stored_rows(app, site, clock, local_server):
    petition = follow(app, Entry(URL + "?utm_source=share", ("library",))).petition
    first = await _poll(app, clock)
    assert first.health.value == "ok" and first.normalized.supporters == 100
    stored = app.store.find(petition.id)
    assert (stored.title, stored.status) == ("Keep the library open", "open")
    assert local_server.seen(PATH)[0].headers["user-agent"].endswith("tests@example.org)")

    site.etag = '"v1"'
    await _poll(app, clock)  # learns the ETag
    conditional = await _poll(app, clock)
    assert conditional.unchanged and conditional.http_status == 304
    [row] = _rows(app, petition.id)
    assert (row.supporters, row.polls) == (100, 3)

    site.reply = Reply(200, uk_json(12_000), {"Content-Type": "application/json"})
    site.etag = '"v2"'
    await _poll(app, clock)
    site.reply = Reply(200, uk_json(11_990), {"Content-Type": "application/json"})
    site.etag = '"v3"'
    await _poll(app, clock)
    rows = _rows(app, petition.id)
    assert [(r.supporters, r.decreased) for r in rows] == [(100, False), (12_000, False), (11_990, True)]
    assert [o.kind for o in app.store.outcomes(petition.id)] == ["opened", "response_threshold_reached"]
    assert app.store.find(petition.id).last_breakdown_at is not None


async def test_unchanged_body_without_validators_is_skipped(app, site, clock):
    petition = follow(app, Entry(URL)).petition
    await _poll(app, clock)
    again = await _poll(app, clock)
    assert again.unchanged and again.http_status == 200
    assert len(_rows(app, petition.id)) == 1


async def test_gone_needs_confirmation_before_removed(app, site, clock):
    petition = follow(app, Entry(URL)).petition
    await _poll(app, clock)
    site.reply = Reply(404, b"<html>Not found</html>", {"Content-Type": "text/html"})
    once = await _poll(app, clock)
    assert once.health.value == "gone" and once.normalized is None
    assert app.store.find(petition.id).status == "open"
    twice = await _poll(app, clock)
    assert twice.health.value == "gone"
    assert app.store.find(petition.id).status == "removed"
    assert [(r.supporters, r.status) for r in _rows(app, petition.id)] == [(100, "open"), (None, "removed")]


async def test_changed_layout_records_no_number(app, site, clock):
    petition = follow(app, Entry(URL)).petition
    await _poll(app, clock)
    site.reply = Reply(200, b"<html><p>We have moved things around</p></html>", {"Content-Type": "text/html"})
    record = await _poll(app, clock)
    assert record.health.value == "layout_changed" and "plugin" in record.health_reason
    assert [r.supporters for r in _rows(app, petition.id)] == [100]
    state = app.store.fetch_states([petition.id])[petition.id]
    assert state.consecutive_failures == 1 and state.last_error


async def test_rate_limit_backs_off_past_retry_after(app, site, clock):
    follow(app, Entry(URL))
    site.reply = Reply(429, b"slow down", {"Retry-After": "3600"})
    record = await _poll(app, clock)
    assert record.health.value == "retrying"
    assert record.next_check_at >= record.at + timedelta(seconds=3600)


async def test_unreachable_host_becomes_site_down(tmp_path, clock):
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'p.db'}",
        fetch=FetchSettings(
            host_overrides={HOST: f"127.0.0.1:{unused_port()}"}, retries=0, respect_robots=False
        ),
    )
    app = App.open(settings, clock=clock)
    try:
        for number in range(3):
            follow(app, Entry(f"https://{HOST}/petitions/{800000 + number}"))
        clock.advance(timedelta(hours=1))
        healths = []
        for _ in range(3):
            [task] = app.store.claim_due(clock.now(), 1, timedelta(minutes=10))
            healths.append((await poll_and_record(app, task)).health.value)
    finally:
        await app.aclose()
    assert healths[-1] == "site_down"
    assert set(healths) <= {"site_down", "retrying"}


async def test_a_plugin_crash_is_a_layout_change_not_a_crash(app, site, clock, monkeypatch):
    petition = follow(app, Entry(URL)).petition
    platform = app.registry.get("uk-parliament")

    def broken(response):
        raise KeyError("attributes")

    monkeypatch.setattr(platform, "parse", broken)
    record = await _poll(app, clock)
    assert record.health.value == "layout_changed"
    assert "uk-parliament plugin failed" in record.health_reason and "KeyError" in record.health_reason
    assert _rows(app, petition.id) == []


async def test_secret_headers_come_from_the_environment(tmp_path, local_server, clock, monkeypatch):
    Site(local_server)
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'p.db'}",
        fetch=FetchSettings(host_overrides=local_server.overrides(HOST), retries=0),
        platforms={
            "uk-parliament": PlatformSettings(spacing=timedelta(0), headers_env={"X-Token": "UK_TOKEN"})
        },
    )
    app = App.open(settings, clock=clock)
    try:
        follow(app, Entry(URL))
        missing = await _poll(app, clock)
        assert missing.health.value == "blocked" and "UK_TOKEN" in missing.health_reason
        monkeypatch.setenv("UK_TOKEN", "s3cret")
        clock.advance(timedelta(days=1))
        assert (await _poll(app, clock)).health.value == "ok"
        assert local_server.seen(PATH)[-1].headers["x-token"] == "s3cret"
    finally:
        await app.aclose()


class TwoStep(Platform):
    """A page with the status, then a count endpoint (like Care2): the count request comes last."""

    name = "two-step"
    api_version = 1
    hosts = ("two.example.org",)

    def external_id(self, url):
        return url.rstrip("/").rsplit("/", 1)[-1]

    def canonical_url(self, external_id):
        return f"https://two.example.org/p/{external_id}"

    def plan(self, external_id, state):
        return Step(self.canonical_url(external_id))

    def parse(self, response):
        if response.url.endswith("/count"):
            return ParseResult(supporters=json.loads(response.body)["count"])
        status = Status.CLOSED if b"closed" in response.body else Status.OPEN
        return ParseResult(status=status, title="Two", next_step=Step(response.url + "/count", "count"))


async def test_an_unchanged_last_step_keeps_what_earlier_steps_read(tmp_path, local_server, clock):
    host = "two.example.org"
    page = {"body": b"<p>open</p>"}
    local_server.route("/p/9", lambda seen: Reply(200, page["body"]), host=host)
    local_server.route("/p/9/count", Reply(200, b'{"count": 40}', {"ETag": '"c1"'}), host=host)
    local_server.route(
        "/p/9/count",
        lambda seen: (
            Reply(304, b"", {"ETag": '"c1"'})
            if seen.headers.get("if-none-match") == '"c1"'
            else Reply(200, b'{"count": 40}', {"ETag": '"c1"'})
        ),
        host=host,
    )
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'p.db'}",
        fetch=FetchSettings(host_overrides=local_server.overrides(host), retries=0),
    )
    app = App.open(settings, clock=clock)
    app.registry.add(TwoStep(), "test")
    try:
        petition = follow(app, Entry("https://two.example.org/p/9")).petition
        await _poll(app, clock)
        page["body"] = b"<p>closed</p>"
        second = await _poll(app, clock)
        assert not second.unchanged and second.normalized.supporters == 40
        assert [(r.supporters, r.status) for r in _rows(app, petition.id)] == [(40, "open"), (40, "closed")]
        third = await _poll(app, clock)
        assert len(_rows(app, petition.id)) == 2 and third.normalized.status.value == "closed"
    finally:
        await app.aclose()
