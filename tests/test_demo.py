"""`petitions demo`: offline, through the real pipeline, with a summary of what was stored."""

from __future__ import annotations

import re
import sqlite3

from click.testing import CliRunner

from aggregator.cli import cli


def test_demo_collects_growing_counts_offline(tmp_path):
    kept = tmp_path / "demo.db"
    result = CliRunner().invoke(cli, ["demo", "--rounds", "3", "--keep", str(kept)], obj={})
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
