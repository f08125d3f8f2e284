"""The JSON API, CSV exports and OpenAPI schema through the ASGI app, with seeded SQLite data."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from openapi_spec_validator import validate

from aggregator.app import App
from aggregator.clock import FakeClock
from aggregator.config import CampaignSettings, Settings, WebSettings
from aggregator.tables import FetchLog, FetchState, Observation, Outcome
from aggregator.web import create_app
from aggregator.web.csv_export import cell, to_csv

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)
TOKEN_ENV = "PETITIONS_API_TEST_TOKEN"
TOKEN = "s3cret-token-for-tests"
HOSTILE = '<script>alert(1)</script> <img src=x onerror=alert(1)> "quoted", comma'
FORMULAS = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\tTabbed",
    "\rReturned",
]
UK = "https://petition.parliament.uk/petitions/{}"


def _observe(app: App, petition_id: int, start: datetime, hours: int, value: int, step: int) -> None:
    with app.store.session() as session:
        session.add_all(
            Observation(
                petition_id=petition_id,
                supporters=value + step * i,
                status="open",
                parser_version="1",
                first_seen_at=start + H * i,
                last_seen_at=start + H * i,
                method="json-api",
            )
            for i in range(hours)
        )
        session.commit()


def _petition(app: App, platform: str, external_id: str, url: str, title: str, tags=()) -> int:
    petition, _ = app.store.add_petition(
        platform=platform, external_id=external_id, url=url, now=NOW - 10 * 24 * H, tags=tags
    )
    with app.store.session() as session:
        stored = session.get(type(petition), petition.id)
        stored.title, stored.status = title, "open"
        session.commit()
    return petition.id


def seed(app: App) -> dict[str, int]:
    """A UK petition with a hostile title, outcomes and a failing poll; a change.org one in the same
    campaign; one losing supporters; and one per formula-like title."""
    ids = {
        "uk": _petition(
            app, "uk-parliament", "700001", UK.format(700001), HOSTILE, ["climate", "=cmd|' /C calc'!A0"]
        ),
        "change": _petition(
            app, "change-org", "bees", "https://www.change.org/p/bees", "Save the bees", ["climate"]
        ),
        "falling": _petition(app, "uk-parliament", "700002", UK.format(700002), "Falling", ["other"]),
    }
    _observe(app, ids["uk"], NOW - 240 * H, 241, 7_000, 10)  # 9,400 now: 10 an hour
    _observe(app, ids["change"], NOW - 48 * H, 49, 40_000, 5)
    _observe(app, ids["falling"], NOW - 48 * H, 49, 5_000, -1)
    for number, title in enumerate(FORMULAS):
        pid = _petition(app, "uk-parliament", str(710_000 + number), UK.format(710_000 + number), title)
        _observe(app, pid, NOW - 2 * H, 3, 100 + number, 1)
    with app.store.session() as session:
        session.add(
            Outcome(
                petition_id=ids["uk"],
                kind="response_threshold_reached",
                occurred_at=NOW - 40 * H,
                recorded_at=NOW - 40 * H,
                source=UK.format(700001) + ".json",
            )
        )
        session.add(
            FetchState(
                petition_id=ids["uk"],
                health="retrying",
                health_reason=f"HTTP 503 ({HOSTILE})",
                consecutive_failures=1,
                last_ok_at=NOW - H,
                last_attempt_at=NOW - timedelta(minutes=5),
            )
        )
        session.add(
            FetchLog(
                petition_id=ids["uk"],
                at=NOW - timedelta(minutes=5),
                url=UK.format(700001) + ".json",
                host="petition.parliament.uk",
                http_status=503,
                outcome="retrying",
                error="Service Unavailable",
                duration_ms=1200,
            )
        )
        session.commit()
    return ids


def make_app(database_url: str, **web) -> App:
    settings = Settings(
        database_url=database_url,
        web=WebSettings(token_env=TOKEN_ENV, **web),
        campaigns={"climate": CampaignSettings(title="Climate now", description="Two platforms, one ask")},
    )
    return App.open(settings, clock=FakeClock(NOW))


@pytest.fixture
def app(database_url, monkeypatch):
    """The app on SQLite and on PostgreSQL (when present)."""
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    app = make_app(database_url)
    yield app
    app.store.engine.dispose()


@pytest.fixture
def ids(app):
    return seed(app)


def client(app: App, token: str | None = None) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = httpx.ASGITransport(app=create_app(app))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=headers)


async def test_openapi_schema_is_valid_and_lists_every_route(app):
    async with client(app) as http:
        schema = (await http.get("/api/openapi.json")).json()
    validate(schema)
    paths = schema["paths"]
    for path in (
        "/api/petitions",
        "/api/petitions.csv",
        "/api/petitions/{petition_id}",
        "/api/petitions/{petition_id}/series",
        "/api/petitions/{petition_id}/series.csv",
        "/api/campaigns",
        "/api/campaigns/{tag}",
        "/metrics",
    ):
        assert path in paths, path
    assert {"get", "post"} <= set(paths["/api/petitions"]) and "patch" in paths[
        "/api/petitions/{petition_id}"
    ]
    assert "PetitionDetail" in schema["components"]["schemas"]


async def test_petitions_overview_with_filters_and_a_hostile_title_as_data(app, ids):
    async with client(app) as http:
        rows = (await http.get("/api/petitions")).json()
        by_id = {row["id"]: row for row in rows}
        uk = by_id[ids["uk"]]
        assert uk["title"] == HOSTILE and uk["supporters"] == 9_400
        assert (uk["change_24h"], uk["change_7d"], uk["rate_per_hour"]) == (240, 1_680, 10.0)
        assert uk["health"] == "retrying" and len(uk["sparkline"]) == 30
        assert by_id[ids["falling"]]["change_24h"] == -24
        tagged = (await http.get("/api/petitions", params={"tag": "climate"})).json()
        assert {r["id"] for r in tagged} == {ids["uk"], ids["change"]}
        found = (await http.get("/api/petitions", params={"q": "BEES", "platform": "change-org"})).json()
        assert [r["id"] for r in found] == [ids["change"]]
        assert (await http.get("/api/petitions", params={"status": "closed"})).json() == []


async def test_petition_detail_has_outcomes_health_polls_and_the_next_milestone(app, ids):
    async with client(app) as http:
        detail = (await http.get(f"/api/petitions/{ids['uk']}")).json()
        missing = await http.get("/api/petitions/999")
    assert detail["title"] == HOSTILE and detail["latest"]["supporters"] == 9_400
    assert detail["outcomes"][0]["kind"] == "response_threshold_reached"
    assert detail["fetch"]["health"] == "retrying" and detail["fetch"]["staleness_seconds"] == 3600
    assert detail["recent_polls"][0]["http_status"] == 503
    assert [m["value"] for m in detail["milestones"]] == [10_000, 100_000]
    milestone = detail["next_milestone"]
    assert (milestone["value"], milestone["remaining"], milestone["rate_per_hour"]) == (10_000, 600, 10.0)
    assert datetime.fromisoformat(milestone["expected_at"]) == NOW + 60 * H
    assert missing.status_code == 404 and missing.json() == {"detail": "no petition with id 999 is followed"}


async def test_series_is_downsampled_on_the_server_within_from_and_to(app, ids):
    async with client(app) as http:
        full = (await http.get(f"/api/petitions/{ids['uk']}/series")).json()
        small = (await http.get(f"/api/petitions/{ids['uk']}/series", params={"points": 20})).json()
        window = await http.get(
            f"/api/petitions/{ids['uk']}/series",
            params={"from": (NOW - 10 * H).isoformat(), "to": "2026-03-01T11:00:00"},
        )
        backwards = await http.get(
            f"/api/petitions/{ids['uk']}/series",
            params={"from": NOW.isoformat(), "to": "2026-01-01T00:00:00Z"},
        )
        too_few = await http.get(f"/api/petitions/{ids['uk']}/series", params={"points": 1})
    assert not full["downsampled"] and len(full["points"]) == 241 and full["rows"] == 241
    assert small["downsampled"] and len(small["points"]) <= 20
    assert small["points"][0]["supporters"] == 7_000 and small["points"][-1]["supporters"] == 9_400
    points = window.json()["points"]
    assert [p["supporters"] for p in points] == [9_300 + 10 * i for i in range(10)]
    assert window.json()["previous"]["supporters"] == 9_290
    assert backwards.status_code == 422 and "before" in backwards.json()["detail"]
    assert too_few.status_code == 422


async def test_campaigns_are_summed_as_an_upper_bound(app, ids):
    async with client(app) as http:
        [campaign] = (await http.get("/api/campaigns")).json()
        detail = (await http.get("/api/campaigns/climate")).json()
        missing = await http.get("/api/campaigns/nope")
    assert campaign["tag"] == "climate" and campaign["title"] == "Climate now" and campaign["upper_bound"]
    assert campaign["supporters"] == 9_400 + 40_240 and campaign["platforms"] == [
        "change-org",
        "uk-parliament",
    ]
    assert {p["label"]: p["supporters"] for p in campaign["by_platform"]} == {
        "change-org": 40_240,
        "uk-parliament": 9_400,
    }
    assert {r["id"] for r in detail["petition_rows"]} == {ids["uk"], ids["change"]}
    assert missing.status_code == 404 and "nope" in missing.json()["detail"]


def _table(response: httpx.Response) -> list[dict[str, str]]:
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text, newline="")))


async def test_csv_neutralises_formula_text_and_leaves_numbers_alone(app, ids):
    async with client(app) as http:
        rows = _table(await http.get("/api/petitions.csv"))
        series = _table(await http.get(f"/api/petitions/{ids['uk']}/series.csv"))
    titles = {row["title"] for row in rows}
    assert {"'" + title for title in FORMULAS} <= titles
    assert not any(t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in titles)
    uk = next(r for r in rows if r["id"] == str(ids["uk"]))
    assert uk["title"] == HOSTILE and uk["tags"] == "'=cmd|' /C calc'!A0;climate"
    assert (uk["supporters"], uk["change_24h"], uk["rate_per_hour"]) == ("9400", "240", "10.0")
    falling = next(r for r in rows if r["id"] == str(ids["falling"]))
    assert falling["change_24h"] == "-24" and falling["rate_per_hour"] == "-1.0"
    assert (
        len(series) == 241 and series[-1]["supporters"] == "9400" and series[0]["at"].startswith("2026-02-19")
    )


def test_csv_cells():
    assert [cell(v) for v in (-5, 2.5, None, True, "=1+2", "plain", "-x")] == [
        -5,
        2.5,
        "",
        "true",
        "'=1+2",
        "plain",
        "'-x",
    ]
    assert to_csv(["a", "b"], [[-1, "@x"]]) == "a,b\r\n-1,'@x\r\n"


async def test_writes_need_credentials(app, ids):
    body = {"urls": [UK.format(700777)], "tags": ["new"]}
    async with client(app) as http:
        refused = await http.post("/api/petitions", json=body)
        patch = await http.patch(f"/api/petitions/{ids['uk']}", json={"paused": True})
    async with client(app, "wrong-token") as http:
        wrong = await http.post("/api/petitions", json=body)
    assert refused.status_code == patch.status_code == wrong.status_code == 401
    assert "sign in" in refused.json()["detail"] and "not the configured one" in wrong.json()["detail"]
    assert app.store.find(platform="uk-parliament", external_id="700777") is None
    assert not app.store.find(ids["uk"]).paused


async def test_the_bearer_token_adds_and_changes_petitions(app, ids):
    async with client(app, TOKEN) as http:
        added = await http.post(
            "/api/petitions",
            json={
                "urls": [UK.format(700777), "https://unknown.example/p/1"],
                "tags": ["new", " "],
                "interval": "2h",
            },
        )
        bad_interval = await http.post("/api/petitions", json={"urls": [UK.format(1)], "interval": "soon"})
        changed = await http.patch(
            f"/api/petitions/{ids['uk']}", json={"tags": ["nhs", "nhs"], "paused": True, "interval": "30s"}
        )
        resumed = await http.patch(f"/api/petitions/{ids['uk']}", json={"paused": False, "interval": None})
        missing = await http.patch("/api/petitions/999", json={"paused": True})
    first, second = added.json()["results"]
    assert added.status_code == 200 and first["created"] and first["platform"] == "uk-parliament"
    assert second["error"] and second["id"] is None
    petition = app.store.find(first["id"])
    assert petition.interval_seconds == 7200 and app.store.tags([first["id"]])[first["id"]] == ["new"]
    assert bad_interval.status_code == 422 and "invalid duration" in bad_interval.text
    assert changed.status_code == 200 and changed.json()["petition"]["tags"] == ["nhs"]
    assert changed.json()["petition"]["paused"] and "minimum useful interval" in changed.json()["warnings"][0]
    petition = app.store.find(ids["uk"])
    assert not petition.paused and petition.interval_seconds is None and petition.next_check_at == NOW
    assert resumed.json()["petition"]["title"] == HOSTILE
    assert missing.status_code == 404


async def test_private_reading_needs_a_user_or_the_token(tmp_path, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    app = make_app(f"sqlite:///{tmp_path / 'private.db'}", read="private")
    ids = seed(app)
    paths = ["/api/petitions", f"/api/petitions/{ids['uk']}/series", "/api/petitions.csv", "/api/campaigns"]
    async with client(app) as http:
        for path in [*paths, "/metrics"]:
            response = await http.get(path)
            assert response.status_code == 401, path
            assert response.json()["detail"].startswith("sign in")
    async with client(app, TOKEN) as http:
        for path in [*paths, "/metrics"]:
            assert (await http.get(path)).status_code == 200, path
    app.store.engine.dispose()
