"""`petitions demo`: offline, through the real pipeline, with a summary of what was stored."""

from __future__ import annotations

import asyncio
import io
import re
import sqlite3

import httpx
from click.testing import CliRunner
from rich.console import Console

from aggregator.demo import demo, run_demo


def test_demo_collects_growing_counts_offline(tmp_path):
    kept = tmp_path / "demo.db"
    result = CliRunner().invoke(demo, ["--no-serve", "--rounds", "3", "--keep", str(kept)], obj={})
    assert result.exit_code == 0, result.output
    output = result.output
    assert "round 3: polled" in output
    assert re.search(r"uk-parliament .* 12,873 → 12,9\d\d", output)
    assert re.search(r"change-org .* 48,217 → 48,\d{3}", output)
    assert "removed" in output and "victory" in output
    assert "nothing left this machine" in output
    with sqlite3.connect(kept) as db:
        rows = dict(db.execute("select platform, count(*) from petition group by platform"))
        unchanged = db.execute("select count(*) from fetch_log where outcome = 'unchanged'").fetchone()[0]
    assert {"uk-parliament", "change-org", "we-the-people"} <= set(rows)
    assert unchanged > 0  # closed petitions answered 304 or the same body


async def test_demo_serves_its_dashboard_after_the_summary():
    out = io.StringIO()
    stopping = asyncio.Event()
    task = asyncio.create_task(
        run_demo(Console(file=out, width=200), rounds=1, serve=True, port=0, stopping=stopping)
    )
    for _ in range(600):
        found = re.search(r"Dashboard: (http://127\.0\.0\.1:\d+/)", out.getvalue())
        if found or task.done():
            break
        await asyncio.sleep(0.1)
    assert found, out.getvalue()
    async with httpx.AsyncClient() as client:
        for _ in range(100):  # the URL is printed as the server starts listening
            try:
                overview = await client.get(found[1])
                break
            except httpx.ConnectError:
                await asyncio.sleep(0.05)
        petition = await client.get(found[1] + "petitions/1")
    stopping.set()
    await asyncio.wait_for(task, 30)
    assert overview.status_code == 200 and "uk-parliament" in overview.text
    assert "Demo: every platform" in overview.text
    assert petition.status_code == 200 and 'id="chart-data"' in petition.text
    assert "What the demo collected" in out.getvalue()
