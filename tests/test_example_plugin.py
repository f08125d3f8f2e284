"""The example external plugin (examples/petition-example-site), pip-installed, used like a bundled one."""

from __future__ import annotations

import importlib.metadata
import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from aggregator.cases import cases_dir
from aggregator.cli import cli
from aggregator.localserver import Reply
from aggregator.plugins import ENTRY_POINT_GROUP, PlatformRegistry, make_plugin_manager

DISTRIBUTION = "petition-aggregator-example-site"
DEMAND = "PETITIONS_TEST_EXAMPLE_PLUGIN"
HOST = "petitions.example-site.org"
PAGE = f"https://{HOST}/p/save-the-riverside-meadow"
COUNT = f"https://{HOST}/api/petitions/4821/count.json"


def _installed() -> bool:
    try:
        importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


@pytest.fixture(autouse=True)
def _needs_the_example():
    if _installed():
        return
    if os.environ.get(DEMAND) == "1":
        pytest.fail(
            f"{DEMAND}=1 but {DISTRIBUTION} is not installed: pip install ./examples/petition-example-site",
            pytrace=False,
        )
    pytest.skip(f"{DISTRIBUTION} is not installed (pip install ./examples/petition-example-site)")


@pytest.fixture
def cases() -> Path:
    return cases_dir(PlatformRegistry.from_plugins(make_plugin_manager()).get("example-site"))


@pytest.fixture
def run(tmp_path, monkeypatch, local_server):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PETITIONS_CONFIG", raising=False)
    config = tmp_path / "petitions.toml"
    config.write_text(
        f'database_url = "sqlite:///{tmp_path / "p.db"}"\n'
        'contact = "tests@example.org"\n'
        "[fetch]\n"
        "retries = 0\n"
        f'host_overrides = {{ "{HOST}" = "{local_server.address}" }}\n'
        '[platforms.example-site]\nspacing = "0s"\n'
    )

    def invoke(*args: str):
        return CliRunner().invoke(cli, ["--config", str(config), *args], obj={}, catch_exceptions=False)

    return invoke


def test_found_through_its_entry_point():
    entry_points = {ep.name: ep for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
    assert entry_points["example_site"].value == "petition_aggregator_example_site"
    assert entry_points["example_site"].dist is not None
    assert entry_points["example_site"].dist.name == DISTRIBUTION
    registry = PlatformRegistry.from_plugins(make_plugin_manager())
    entry = next(e for e in registry.entries() if e.platform.name == "example-site")
    assert entry.plugin == "example_site"
    assert registry.for_url(PAGE) is entry.platform
    assert entry.platform.api_version == 1


def test_listed_by_petitions_plugins(run):
    result = run("plugins")
    assert result.exit_code == 0, result.output
    for text in ("example-site", "example_site", HOST, "page-data-attribute", "count-json"):
        assert text in result.output


def test_add_and_poll_through_a_local_server(run, local_server, cases, tmp_path):
    local_server.route(
        "/p/save-the-riverside-meadow",
        Reply(200, (cases / "open" / "page.html").read_bytes(), {"Content-Type": "text/html"}),
        host=HOST,
    )
    local_server.route(
        "/api/petitions/4821/count.json",
        Reply(200, (cases / "open" / "body.json").read_bytes(), {"Content-Type": "application/json"}),
        host=HOST,
    )
    added = run("add", f"{PAGE}?utm_source=newsletter", "--tag", "meadow")
    assert added.exit_code == 0, added.output
    assert "added #1 example-site save-the-riverside-meadow" in added.output
    polled = run("poll", "--all")
    assert polled.exit_code == 0, polled.output
    assert "polled 1: 1 ok, 0 failed" in polled.output
    assert local_server.hits("/p/save-the-riverside-meadow", HOST) == 1
    assert local_server.hits("/api/petitions/4821/count.json", HOST) == 1
    with sqlite3.connect(tmp_path / "p.db") as db:
        petition = db.execute("select platform, external_id, title, status from petition").fetchone()
        supporters = db.execute("select supporters from observation").fetchone()[0]
    assert petition == (
        "example-site",
        "save-the-riverside-meadow",
        "Save the riverside meadow from development",
        "open",
    )
    assert supporters == 12873
    shown = run("show", "1")
    assert "12,873" in shown.output


def test_a_removed_petition_is_reported_gone(run, local_server):
    local_server.route("/p/rename-the-town-after-me", Reply(404, b"<h1>Not found</h1>"), host=HOST)
    assert run("add", f"https://{HOST}/p/rename-the-town-after-me").exit_code == 0
    polled = run("poll", "--all")
    assert "gone" in polled.output


def test_parse_reads_saved_responses(run, cases):
    page = run("parse", str(cases / "open" / "page.html"), "--url", PAGE)
    assert page.exit_code == 0, page.output
    read = json.loads(page.output)
    assert read["platform"] == "example-site"
    assert read["title"] == "Save the riverside meadow from development"
    assert read["next_step"] == COUNT
    count = run("parse", str(cases / "victory" / "body.json"), "--url", COUNT.replace("4821", "3907"))
    assert count.exit_code == 0, count.output
    read = json.loads(count.output)
    assert (read["supporters"], read["status"], read["raw_status"]) == (8214, "victory", "won")
    refused = run("parse", str(cases / "open" / "body.json"), "--url", COUNT.replace("4821", "1"))
    assert refused.exit_code == 1
    assert "NotThisPlatform" in refused.output


def test_its_own_contract_suite_passes():
    import subprocess
    import sys

    suite = Path(__file__).resolve().parents[1] / "examples" / "petition-example-site" / "tests"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(suite)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
