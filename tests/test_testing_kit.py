"""The plugin authors' testing kit: a pytest plugin that runs the platform contract on anyone's platform."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

import aggregator.testing
from aggregator.plugins import PlatformRegistry, make_plugin_manager
from aggregator.testing import PlatformContract, poll_case, serve_case
from aggregator.vocabulary import Health

REGISTRY = PlatformRegistry.from_plugins(make_plugin_manager())

TINY_PLATFORM = '''
"""A tiny platform for an imaginary site, as an outside author would write it."""

import json
import re
from typing import ClassVar

from aggregator import DataSource, LayoutChanged, ParseResult, Platform, Status, Step

HOST = "petitions.example.org"


class TinySite(Platform):
    name: ClassVar[str] = "tiny-site"
    hosts: ClassVar[tuple[str, ...]] = (HOST,)
    states_not_applicable: ClassVar[tuple[str, ...]] = ("closed", "victory", "removed")
    data_sources: ClassVar[tuple[DataSource, ...]] = (
        DataSource("petition-json", "/p/{id}.json: title, count, state", "inferred"),
    )

    def external_id(self, url):
        match = re.match(r"^https?://petitions\\.example\\.org/p/([a-z0-9-]+)", url)
        if not match:
            raise self.unsupported(url, f"https://{HOST}/p/SLUG")
        return match.group(1)

    def canonical_url(self, external_id):
        return f"https://{HOST}/p/{external_id}"

    def plan(self, external_id, state):
        return Step(f"https://{HOST}/p/{external_id}.json", purpose="petition")

    def parse(self, response):
        if response.status == 404:
            return ParseResult(status=Status.REMOVED, raw_status="HTTP 404", gone=True)
        data = json.loads(response.body)
        if "count" not in data:
            raise LayoutChanged("no count in the petition JSON")
        return ParseResult(
            supporters=data["count"],
            status=Status(data["state"]),
            raw_status=data["state"],
            title=data["title"],
            method="json",
        )
'''

TINY_TEST = """
from aggregator.testing import PlatformContract
from tinysite import TinySite


class TestTinySite(PlatformContract):
    platform = TinySite()
"""

BODY = {"title": "Plant trees on Elm Street", "count": 1234, "state": "open"}
EXPECTED = {
    "external_id": "plant-trees",
    "supporters": 1234,
    "status": "open",
    "title": "Plant trees on Elm Street",
}


def write_author_project(folder: Path, *, with_case: bool = True) -> Path:
    """What an author has: a platform module, a README, a test file and (usually) one recorded case."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tinysite.py").write_text(textwrap.dedent(TINY_PLATFORM), encoding="utf-8")
    (folder / "test_tinysite.py").write_text(TINY_TEST, encoding="utf-8")
    (folder / "README.md").write_text("# tiny-site\n", encoding="utf-8")
    if with_case:
        case = folder / "cases" / "open"
        case.mkdir(parents=True)
        meta = {
            "url": "https://petitions.example.org/p/plant-trees.json",
            "status": 200,
            "headers": {"content-type": "application/json"},
            "fetched_at": "2026-03-01T12:00:00Z",
            "purpose": "petition",
        }
        (case / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        (case / "body.json").write_text(json.dumps(BODY), encoding="utf-8")
        (case / "expected.json").write_text(json.dumps(EXPECTED), encoding="utf-8")
    return folder


def run_pytest(folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PETITIONS_"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-v", "-rA", *extra, str(folder)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_outside_authors_platform_passes_the_contract(tmp_path):
    folder = write_author_project(tmp_path / "author")
    run = run_pytest(folder)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    for test in (
        "test_declares_the_contract",
        "test_has_recorded_cases",
        "test_has_a_case_for_each_state",
        "test_case_parses_to_expected[open]",
        "test_case_url_round_trips[open]",
        "test_case_results_pickle[open]",
        "test_case_polls_end_to_end[open]",
    ):
        assert f"TestTinySite::{test} PASSED" in output, output


def test_a_wrong_expected_result_fails_with_the_difference(tmp_path):
    folder = write_author_project(tmp_path / "author")
    expected = folder / "cases" / "open" / "expected.json"
    expected.write_text(json.dumps({**EXPECTED, "supporters": 9999}), encoding="utf-8")
    run = run_pytest(folder)
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "test_case_parses_to_expected[open] FAILED" in output
    assert "open: supporters: expected 9999, got 1234" in output
    assert "test_case_polls_end_to_end[open] FAILED" in output
    assert "supporters: expected 9999, got 1234" in output
    assert "test_case_url_round_trips[open] PASSED" in output


def test_an_error_case_must_stop_the_poll_as_a_changed_layout(tmp_path):
    folder = write_author_project(tmp_path / "author")
    case = folder / "cases" / "open"
    (case / "body.json").write_text(json.dumps({"title": "no count here", "state": "open"}), encoding="utf-8")
    (case / "expected.json").write_text(json.dumps({"error": "LayoutChanged"}), encoding="utf-8")
    (folder / "tinysite.py").write_text(
        textwrap.dedent(TINY_PLATFORM).replace(
            '("closed", "victory", "removed")', '("open", "closed", "victory", "removed")'
        ),
        encoding="utf-8",
    )
    run = run_pytest(folder)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "test_case_polls_end_to_end[open] PASSED" in output


def test_a_platform_without_cases_fails_clearly(tmp_path):
    folder = write_author_project(tmp_path / "author", with_case=False)
    run = run_pytest(folder)
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert f"no recorded cases in {folder / 'cases'}" in output
    assert "test_has_recorded_cases FAILED" in output
    assert "1 failed, 1 passed, 5 skipped" in output, output  # one clear failure, case tests skipped


def test_the_kit_leaves_unrelated_suites_alone(tmp_path):
    (tmp_path / "test_other.py").write_text(
        textwrap.dedent(
            """
            import pytest

            class TestOther:
                platform = "not a platform"

                @pytest.mark.parametrize("case", [1, 2])
                def test_case(self, case):
                    assert case in (1, 2)

            @pytest.fixture
            def case():
                return 3

            def test_own_case_fixture(case):
                assert case == 3
            """
        ),
        encoding="utf-8",
    )
    run = run_pytest(tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 passed" in run.stdout


def test_the_pytest_plugin_is_registered(pytestconfig):
    entry_points = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="pytest11")}
    assert entry_points.get("petition_aggregator") == "aggregator.testing"
    assert pytestconfig.pluginmanager.get_plugin("petition_aggregator") is aggregator.testing


def test_the_plugin_imports_cheaply():
    heavy = ("aggregator.pipeline", "aggregator.app", "sqlalchemy", "httpx")
    code = f"import sys, aggregator.testing; print([m for m in {heavy!r} if m in sys.modules])"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


class TestFixtures:
    """The fixtures and helpers, used directly by a test class naming a platform."""

    platform = REGISTRY.get("uk-parliament")

    def test_recorded_cases_are_the_platforms(self, recorded_cases):
        assert "open-2026-modern" in [case.name for case in recorded_cases]

    def test_serve_case_routes_by_host_and_path_with_redirects(self, recorded_cases, replay_server):
        case = next(c for c in recorded_cases if c.name == "archived-via-redirect")
        overrides = serve_case(replay_server, case)
        assert overrides == {"petition.parliament.uk": replay_server.address}
        headers = {"Host": "petition.parliament.uk"}
        with httpx.Client(base_url=replay_server.base_url, headers=headers) as client:
            moved = client.get("/petitions/245123.json")
            assert moved.status_code == 301
            assert moved.headers["location"] == case.records[-1].final_url
            page = client.get("/archived/petitions/245123.json")
            assert page.status_code == 200 and page.content == case.records[-1].body
            assert "Allow: /" in client.get("/robots.txt").text

    async def test_poll_case_polls_through_the_pipeline(self, recorded_cases, tmp_path):
        case = next(c for c in recorded_cases if c.name == "open-2026-modern")
        record = await poll_case(self.platform, case, tmp_path)
        assert record.health is Health.OK
        assert record.normalized is not None
        assert record.normalized.supporters == case.expected["supporters"]

    async def test_poll_case_refuses_a_case_a_poll_cannot_replay(self, recorded_cases, tmp_path):
        case = next(c for c in recorded_cases if c.name == "count-json")
        with pytest.raises(ValueError, match="does not start at plan"):
            await poll_case(self.platform, case, tmp_path)


def test_platform_contract_is_not_collected_by_itself():
    assert not PlatformContract.__name__.startswith("Test")
