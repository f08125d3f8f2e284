"""`petitions discover`: list pages walked through the real fetcher, matching petitions followed."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.localserver import Reply

HOST = "petition.parliament.uk"


def _item(number: int, count: int, state: str = "open") -> dict:
    return {
        "type": "petition",
        "id": number,
        "links": {"self": f"https://{HOST}/petitions/{number}.json"},
        "attributes": {"action": f"Petition {number}", "state": state, "signature_count": count},
    }


def _page(items: list[dict], next_page: int | None) -> bytes:
    following = f"https://{HOST}/petitions.json?page={next_page}&state=open" if next_page else None
    return json.dumps({"links": {"next": following}, "data": items}).encode()


@pytest.fixture
def run(tmp_path, monkeypatch, local_server):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PETITIONS_CONFIG", raising=False)
    (tmp_path / "petitions.toml").write_text(
        f'database_url = "sqlite:///{tmp_path / "p.db"}"\n'
        f'[fetch]\nretries = 0\nhost_overrides = {{ "{HOST}" = "{local_server.address}" }}\n'
        '[platforms.uk-parliament]\nspacing = "0s"\n'
    )
    json_type = {"Content-Type": "application/json"}
    local_server.route(
        "/petitions.json?state=open",
        Reply(200, _page([_item(701, 150_000), _item(702, 900)], 2), json_type),
        host=HOST,
    )
    local_server.route(
        "/petitions.json?page=2&state=open",
        # the list is sorted by popularity: an item moved between pages while we walked it
        Reply(200, _page([_item(702, 905), _item(703, 20_000)], None), json_type),
        host=HOST,
    )

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), obj={}, catch_exceptions=False)

    return invoke


def test_discover_follows_matching_petitions_across_pages(run, local_server):
    result = run(
        "discover", "uk-parliament", "--state", "open", "--min-signatures", "10000", "--tag", "found"
    )
    assert result.exit_code == 0, result.output
    assert "2 list pages, 4 petitions listed, 2 matching, 2 followed" in result.output
    listing = run("list", "--tag", "found").output
    assert "701" in run("show", "1").output and "703" in run("show", "2").output
    assert "found" in listing
    assert local_server.hits("/petitions.json", host=HOST) == 2
    again = run("discover", "uk-parliament", "--min-signatures", "10000")
    assert "updated #1" in again.output and "updated #2" in again.output


def test_discover_dry_run_follows_nothing(run):
    result = run("discover", "uk-parliament", "--dry-run")
    assert "https://petition.parliament.uk/petitions/702" in result.output
    assert "3 matching" in result.output
    assert "No petitions followed yet" in run("list").output


def test_discover_refuses_unknown_lists(run):
    assert "has no petition list" in run("discover", "change-org").output
    assert "no state 'sideways'" in run("discover", "uk-parliament", "--state", "sideways").output
