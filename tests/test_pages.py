"""Dashboard pages through the ASGI app: seeded data, escaping, filters, managing, security headers."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from html import unescape
from itertools import pairwise

import httpx
import pytest

from aggregator.app import App
from aggregator.clock import FakeClock
from aggregator.config import CampaignSettings, Settings, WebSettings
from aggregator.tables import FetchLog, FetchState, Observation, Outcome
from aggregator.web import create_app
from aggregator.web.users import add_user

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(1)>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;"
PASSWORD = "correct horse battery"
UK = "https://petition.parliament.uk/petitions/{}"


def _observe(app: App, petition_id: int, counts: list[tuple[datetime, datetime, int]], **extra) -> None:
    with app.store.session() as session:
        for first, last, supporters in counts:
            session.add(
                Observation(
                    petition_id=petition_id,
                    supporters=supporters,
                    status="open",
                    parser_version="3",
                    first_seen_at=first,
                    last_seen_at=last,
                    polls=max(1, int((last - first).total_seconds() // 3600)),
                    method=extra.get("method", "json-api"),
                    endpoint=extra.get("endpoint", "https://petition.parliament.uk/petitions/1.json"),
                )
            )
        session.commit()


def seed(app: App, now: datetime = NOW, extra: int = 0) -> dict[str, int]:
    """Two campaign petitions (one with a hostile title), a closed one, and `extra` plain ones."""
    store = app.store
    hostile, _ = store.add_petition(
        platform="uk-parliament",
        external_id="700001",
        url=UK.format(700001),
        now=now - timedelta(days=10),
        tags=["climate", "nhs"],
    )
    other, _ = store.add_petition(
        platform="change-org",
        external_id="save-the-bees",
        url="https://www.change.org/p/save-the-bees",
        now=now - timedelta(days=10),
        tags=["climate"],
    )
    closed, _ = store.add_petition(
        platform="uk-parliament", external_id="700003", url=UK.format(700003), now=now - timedelta(days=30)
    )
    assert hostile.id and other.id and closed.id
    hours = [now - timedelta(hours=h) for h in range(240, -1, -6)]
    _observe(app, hostile.id, [(a, b, 9_000 + 150 * i) for i, (a, b) in enumerate(pairwise(hours))])
    _observe(
        app,
        other.id,
        [(a, b, 40_000 + 90 * i) for i, (a, b) in enumerate(pairwise(hours))],
        method="page-state",
        endpoint="https://www.change.org/p/save-the-bees",
    )
    _observe(app, closed.id, [(now - timedelta(days=30), now - timedelta(hours=1), 146_344)])
    with store.session() as session:
        for petition in (hostile, other, closed):
            stored = session.get(type(petition), petition.id)
            assert stored is not None
            stored.title = {hostile.id: HOSTILE, other.id: "Save the bees", closed.id: "Fund the NHS"}[
                petition.id
            ]
            stored.status = "closed" if petition.id == closed.id else "open"
            session.add(stored)
        session.add(
            Outcome(
                petition_id=hostile.id,
                kind="response_threshold_reached",
                occurred_at=now - timedelta(days=3),
                recorded_at=now - timedelta(days=3),
                source=UK.format(700001) + ".json",
            )
        )
        session.add(
            FetchState(
                petition_id=hostile.id,
                health="retrying",
                health_reason=f"HTTP 503 from the site ({HOSTILE})",
                consecutive_failures=1,
                last_ok_at=now - timedelta(hours=1),
                last_attempt_at=now - timedelta(minutes=5),
            )
        )
        session.add(FetchState(petition_id=other.id, last_ok_at=now, last_attempt_at=now))
        session.add(
            FetchLog(
                petition_id=hostile.id,
                at=now - timedelta(minutes=5),
                url=UK.format(700001) + ".json",
                host="petition.parliament.uk",
                http_status=503,
                outcome="retrying",
                error=f"Service Unavailable {HOSTILE}",
                duration_ms=120,
            )
        )
        session.commit()
    for number in range(extra):
        petition, _ = store.add_petition(
            platform="uk-parliament",
            external_id=str(710_000 + number),
            url=UK.format(710_000 + number),
            now=now - timedelta(days=2),
            tags=["bulk"],
        )
        assert petition.id
        _observe(app, petition.id, [(now - timedelta(days=2), now, 100 + number)])
    return {"hostile": hostile.id, "other": other.id, "closed": closed.id}


def make_app(database_url: str, **web) -> App:
    settings = Settings(
        database_url=database_url,
        web=WebSettings(**web),
        campaigns={"climate": CampaignSettings(title="Climate now", description=HOSTILE)},
    )
    return App.open(settings, clock=FakeClock(NOW))


@pytest.fixture
def app(tmp_path):
    found = make_app(f"sqlite:///{tmp_path / 'pages.db'}")
    add_user(found.store.engine, "alice", PASSWORD, NOW)
    yield found
    found.store.engine.dispose()


@pytest.fixture
def ids(app):
    return seed(app)


def _client(app: App) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(create_app(app)), base_url="http://testserver")


def _csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


async def _signed_in(client: httpx.AsyncClient) -> str:
    token = _csrf(await client.get("/login"))
    response = await client.post("/login", data={"name": "alice", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303
    return _csrf(await client.get("/manage"))


def _assert_safe(page: httpx.Response) -> None:
    """Strict CSP, no inline script or style, and scraped markup shown only as text."""
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "default-src 'self'" in csp
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    for tag in re.findall(r"<script\b[^>]*>", page.text):
        assert 'src="/static/' in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"<[^>]+\s(style|on\w+)\s*=", page.text)


async def test_overview_lists_petitions_and_campaigns(app, ids):
    async with _client(app) as client:
        page = await client.get("/")
    assert page.status_code == 200
    _assert_safe(page)
    text = page.text
    assert ESCAPED in text and "Save the bees" in text and "Fund the NHS" in text
    assert "Climate now" in text and 'href="/campaigns/climate"' in text
    assert "<polyline points=" in text  # sparklines as inline SVG
    assert "retrying" in text and "closed" in text
    rows = re.findall(r'href="/petitions/(\d+)"', text)
    assert rows[:3] == [str(ids["closed"]), str(ids["other"]), str(ids["hostile"])]  # most supporters first


async def test_hostile_text_is_escaped_on_every_page(app, ids):
    async with _client(app) as client:
        token = await _signed_in(client)
        pages = [
            await client.get("/"),
            await client.get(f"/petitions/{ids['hostile']}"),
            await client.get("/campaigns/climate"),
            await client.get("/manage"),
            await client.get("/?q=script"),
            await client.post(
                "/manage/add",
                data={"urls": "https://x.example/<script>alert(1)</script>", "csrf_token": token},
            ),
        ]
    for page in pages:
        assert page.status_code == 200, page.url
        _assert_safe(page)
    assert ESCAPED in pages[1].text and ESCAPED in pages[2].text and ESCAPED in pages[3].text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[5].text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tag=nhs", {"hostile"}),
        ("tag=climate", {"hostile", "other"}),
        ("platform=change-org", {"other"}),
        ("status=closed", {"closed"}),
        ("health=retrying", {"hostile"}),
        ("q=bees", {"other"}),
        ("q=700003", {"closed"}),
        ("q=alert", {"hostile"}),
        ("q=nothing+like+this", set()),
    ],
)
async def test_overview_filters_and_search_work_on_the_server(app, ids, query, expected):
    async with _client(app) as client:
        page = await client.get(f"/?{query}")
    shown = set(re.findall(r'<a href="/petitions/(\d+)">', page.text))
    assert shown == {str(ids[name]) for name in expected}


async def test_overview_sorts_and_pages_a_thousand_petitions(app):
    seed(app, extra=1_000)
    async with _client(app) as client:
        first = await client.get("/?sort=supporters&desc=0")
        second = await client.get("/?sort=supporters&desc=0&page=2")
        titles = await client.get("/?sort=title")
    table = first.text[first.text.index('id="petitions"') :]
    rows = [r for r in re.findall(r"<tr>(.*?)</tr>", table, re.S) if "<td" in r]
    counts = [int(re.search(r'<td class="num">([\d,]+)</td>', row)[1].replace(",", "")) for row in rows]
    assert counts == sorted(counts) and counts[0] == 100
    assert "page 1 of 11" in first.text and 'href="/?sort=supporters&amp;desc=0&amp;page=2"' in first.text
    assert "page 2 of 11" in second.text
    assert len(re.findall(r'<a href="/petitions/\d+">', second.text)) == 100
    assert 'aria-sort="descending"' in titles.text


async def test_petition_page_has_chart_data_milestones_provenance_and_errors(app, ids):
    async with _client(app) as client:
        page = await client.get(f"/petitions/{ids['hostile']}")
    text = page.text
    data = json.loads(
        re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', text, re.S)[1]
    )
    series = data["series"][0]
    assert len(series["t"]) == len(series["v"]) > 10 and series["v"][-1] == 9_000 + 150 * 39
    assert all(a <= b for a, b in pairwise(series["t"]))
    assert any(e["label"].startswith("response threshold") for e in data["events"])
    assert data["milestones"]
    assert "json-api" in text and "v3" in text and "petition.parliament.uk/petitions/1.json" in text
    assert "HTTP 503 from the site" in unescape(text) and "Service Unavailable" in text
    assert "Next milestone" in text
    assert 'src="/static/vendor/uplot/uPlot.iife.min.js"' in text and 'src="/static/chart.js"' in text


async def test_campaign_page_charts_each_platform_and_an_upper_bound_total(app, ids):
    async with _client(app) as client:
        page = await client.get("/campaigns/climate")
    assert page.status_code == 200
    data = json.loads(re.search(r'id="chart-data">(.*?)</script>', page.text, re.S)[1])
    assert len(data["series"]) == 2 and "upper bound" in data["total"]
    assert {s["label"].split(":")[0] for s in data["series"]} == {"uk-parliament", "change-org"}
    assert "upper bound" in page.text and "Save the bees" in page.text


async def test_unknown_pages_answer_404(app, ids):
    async with _client(app) as client:
        assert (await client.get("/petitions/999")).status_code == 404
        assert (await client.get("/campaigns/nope")).status_code == 404


async def test_static_assets_ship_with_the_package(app):
    async with _client(app) as client:
        for path in (
            "/static/app.css",
            "/static/chart.js",
            "/static/overview.js",
            "/static/vendor/uplot/uPlot.iife.min.js",
            "/static/vendor/uplot/uPlot.min.css",
            "/static/vendor/uplot/LICENSE",
        ):
            assert (await client.get(path)).status_code == 200, path


async def test_adding_several_urls_with_tags_and_an_interval(app):
    async with _client(app) as client:
        token = await _signed_in(client)
        urls = f"{UK.format(700010)}\n{UK.format(700011)}  https://unknown.example/p/1\n{UK.format(700010)}"
        page = await client.post(
            "/manage/add", data={"urls": urls, "tags": "nhs, #health", "interval": "2h", "csrf_token": token}
        )
        bad = await client.post(
            "/manage/add", data={"urls": UK.format(1), "interval": "soon", "csrf_token": token}
        )
    assert "2 added or updated, 1 with errors" in page.text and "unknown.example" in page.text
    petitions = app.store.petitions()
    assert [p.external_id for p in petitions] == ["700010", "700011"]
    assert all(p.interval_seconds == 7200 for p in petitions)
    assert app.store.tags([petitions[0].id])[petitions[0].id] == ["health", "nhs"]
    assert "invalid duration" in bad.text and len(app.store.petitions()) == 2


async def test_editing_pausing_and_archiving(app, ids):
    pid = ids["other"]
    async with _client(app) as client:
        token = await _signed_in(client)
        saved = await client.post(
            f"/manage/{pid}/edit",
            data={
                "tags": "bees, pollinators",
                "interval": "30m",
                "back": "/manage?q=bees",
                "csrf_token": token,
            },
        )
        assert saved.status_code == 303 and saved.headers["location"] == "/manage?q=bees&done=saved"
        assert app.store.tags([pid])[pid] == ["bees", "pollinators"]
        assert app.store.find(pid).interval_seconds == 1800
        await client.post(f"/manage/{pid}/pause", data={"paused": "1", "csrf_token": token})
        assert app.store.find(pid).paused
        assert "Resume" in (await client.get("/manage?q=bees")).text
        await client.post(f"/manage/{pid}/archive", data={"archived": "1", "csrf_token": token})
        assert app.store.find(pid).archived
        overview = await client.get("/")
        assert "Save the bees" not in overview.text
        assert "Save the bees" in (await client.get("/manage?show=archived")).text
        assert (await client.get(f"/petitions/{pid}")).status_code == 200  # history kept
        await client.post(f"/manage/{pid}/archive", data={"archived": "0", "csrf_token": token})
        await client.post(f"/manage/{pid}/pause", data={"paused": "0", "csrf_token": token})
        found = app.store.find(pid)
        assert not found.archived and not found.paused and found.next_check_at == NOW
        missing = await client.post("/manage/999/pause", data={"paused": "1", "csrf_token": token})
        assert missing.status_code == 404
        open_redirect = await client.post(
            f"/manage/{pid}/pause", data={"paused": "0", "back": "https://evil.example/", "csrf_token": token}
        )
        assert open_redirect.headers["location"].startswith("/manage?")
