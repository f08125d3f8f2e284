"""The scheduler: ticks claim due petitions, shutdown keeps finished polls, a killed run resumes."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from aggregator.app import App
from aggregator.config import FetchSettings, PlatformSettings, ScheduleSettings, Settings
from aggregator.following import Entry, follow
from aggregator.localserver import LocalServer, Reply
from aggregator.scheduler import Scheduler

HOST = "petition.parliament.uk"
COUNT = 24


def _serve(server: LocalServer, delay: float) -> None:
    for number in range(COUNT):
        body = json.dumps(
            {
                "data": {
                    "type": "petition",
                    "id": 900000 + number,
                    "attributes": {
                        "action": f"Petition {number}",
                        "state": "open",
                        "signature_count": 1000 + number,
                    },
                }
            }
        )
        server.route(
            f"/petitions/{900000 + number}.json",
            Reply(200, body, {"Content-Type": "application/json"}, delay=delay),
            host=HOST,
        )


def _settings(tmp_path: Path, server: LocalServer, **schedule) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'run.db'}",
        fetch=FetchSettings(host_overrides=server.overrides(HOST), retries=0),
        schedule=ScheduleSettings(**{"tick": "1s", "concurrency": 4, "lease": "2s", **schedule}),
        platforms={"uk-parliament": PlatformSettings(spacing=timedelta(0), concurrency=4)},
    )


def _follow_all(settings: Settings) -> None:
    app = App.open(settings)
    for number in range(COUNT):
        follow(app, Entry(f"https://{HOST}/petitions/{900000 + number}"))
    app.store.engine.dispose()


def _db(tmp_path: Path) -> sqlite3.Connection:
    return sqlite3.connect(tmp_path / "run.db")


async def test_tick_claims_only_due_petitions_and_stop_drains(tmp_path, local_server, clock):
    _serve(local_server, delay=0.05)
    settings = _settings(tmp_path, local_server, concurrency=3)
    app = App.open(settings, clock=clock)
    for number in range(3):
        follow(app, Entry(f"https://{HOST}/petitions/{900000 + number}"))
    scheduler = Scheduler(app)
    assert await scheduler.tick() == 3
    assert await scheduler.tick() == 0  # claimed: not due again until polled or the lease ends
    scheduler.stop()
    await scheduler._drain(10)
    assert await scheduler.tick() == 0  # stopped schedulers claim nothing
    latest = app.store.latest([1, 2, 3])
    assert sorted(o.supporters for o in latest.values()) == [1000, 1001, 1002]
    nxt = app.store.find(1).next_check_at
    assert nxt == clock.now() + app.settings.schedule.default_interval
    await app.aclose()


def test_platform_load_stretches_intervals_over_budget(tmp_path, local_server, clock):
    settings = _settings(tmp_path, local_server).model_copy(
        update={
            "platforms": {"uk-parliament": PlatformSettings(spacing=timedelta(seconds=30), concurrency=1)}
        }
    )
    app = App.open(settings, clock=clock)
    for number in range(COUNT):
        follow(app, Entry(f"https://{HOST}/petitions/{900000 + number}", interval=timedelta(minutes=1)))
    factors = Scheduler(app).platform_load()
    # 24 petitions a minute need 0.4 requests/s; one request per 30 s allows 0.027 (80% of 0.033)
    assert factors["uk-parliament"] == pytest.approx(0.4 / (1 / 30 * 0.8))
    app.store.engine.dispose()


def _run(config: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "aggregator", "--config", str(config), "run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ},
    )


def _wait_for(predicate, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def _observations(tmp_path: Path) -> set[tuple]:
    with _db(tmp_path) as db:
        return set(db.execute("select id, petition_id, supporters, first_seen_at from observation"))


def _write_config(tmp_path: Path, server: LocalServer) -> Path:
    config = tmp_path / "petitions.toml"
    config.write_text(
        f'database_url = "sqlite:///{tmp_path / "run.db"}"\n'
        '[schedule]\ntick = "1s"\nconcurrency = 4\nlease = "2s"\n'
        f'[fetch]\nretries = 0\nhost_overrides = {{ "{HOST}" = "{server.address}" }}\n'
        '[platforms.uk-parliament]\nspacing = "0s"\nconcurrency = 4\n'
        "[web]\nserve = false\n"
    )
    return config


def test_killed_run_loses_nothing_and_resumes(tmp_path, local_server):
    _serve(local_server, delay=0.3)
    config = _write_config(tmp_path, local_server)
    _follow_all(_settings(tmp_path, local_server))
    first = _run(config)
    try:
        _wait_for(lambda: len(_observations(tmp_path)) >= 4)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(30)
    before = _observations(tmp_path)
    with _db(tmp_path) as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)
    assert 4 <= len(before) < COUNT
    second = _run(config)
    try:
        _wait_for(lambda: len({row[1] for row in _observations(tmp_path)}) == COUNT)
    finally:
        second.send_signal(signal.SIGTERM)
        output = second.communicate(timeout=60)[0].decode()
    assert second.returncode == 0, output
    after = _observations(tmp_path)
    assert before <= after
    with _db(tmp_path) as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)
        per_petition = db.execute(
            "select petition_id, count(*) from observation group by petition_id"
        ).fetchall()
    assert len(per_petition) == COUNT and all(n == 1 for _, n in per_petition)


def test_sigterm_stores_every_poll_in_flight(tmp_path, local_server):
    _serve(local_server, delay=1.0)
    config = _write_config(tmp_path, local_server)
    _follow_all(_settings(tmp_path, local_server))
    process = _run(config)
    _wait_for(lambda: sum(local_server.hits(f"/petitions/{900000 + n}.json") for n in range(COUNT)) >= 2)
    process.send_signal(signal.SIGTERM)
    output = process.communicate(timeout=60)[0].decode()
    assert process.returncode == 0, output
    answered = sum(local_server.hits(f"/petitions/{900000 + n}.json") for n in range(COUNT))
    with _db(tmp_path) as db:
        logged = db.execute("select count(*) from fetch_log").fetchone()[0]
        stored = db.execute("select count(*) from observation").fetchone()[0]
    assert answered >= 2 and logged == answered and stored == answered


def test_run_reports_a_bad_config(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[schedule]\nconcurrency = 0\n")
    result = subprocess.run(
        [sys.executable, "-m", "aggregator", "--config", str(config), "run"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "line 2: schedule.concurrency" in result.stderr


def test_asyncio_is_not_left_running():
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()
