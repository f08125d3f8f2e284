"""The command line: add, import, list, show, parse and plugins, on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from aggregator.cli import cli


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PETITIONS_CONFIG", raising=False)
    (tmp_path / "petitions.toml").write_text(f'database_url = "sqlite:///{tmp_path / "p.db"}"\n')

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), obj={}, catch_exceptions=False)

    return invoke


def test_add_list_show(run):
    result = run(
        "add",
        "https://petition.parliament.uk/petitions/700001?utm_source=x",
        "--tag",
        "nhs",
        "--interval",
        "2h",
    )
    assert result.exit_code == 0, result.output
    assert "added #1 uk-parliament 700001" in result.output
    again = run("add", "https://petition.parliament.uk/petitions/700001.json")
    assert "updated #1" in again.output
    listing = run("list")
    assert "uk-parliament" in listing.output and "nhs" in listing.output
    shown = run("show", "https://petition.parliament.uk/petitions/700001")
    assert "#1  uk-parliament" in shown.output and "not polled yet" in shown.output
    assert run("show", "1").exit_code == 0


def test_add_rejects_unknown_hosts_clearly_and_keeps_good_urls(run):
    result = run("add", "https://www.example.com/x", "https://petition.parliament.uk/petitions/700002")
    assert result.exit_code == 1
    assert "no platform recognises 'www.example.com'" in result.output
    assert "--platform" in result.output
    assert "added #1 uk-parliament 700002" in result.output


def test_add_warns_about_intervals_below_the_platform_minimum(run):
    result = run("add", "https://petition.parliament.uk/petitions/700003", "--interval", "10s")
    assert "below uk-parliament's minimum useful interval" in result.output


def test_bad_interval_is_a_usage_error(run):
    result = run("add", "https://petition.parliament.uk/petitions/1", "--interval", "soon")
    assert result.exit_code == 2 and "invalid duration" in result.output


def test_import_csv_and_toml_idempotently_with_bad_lines_reported(run, tmp_path):
    csv_file = tmp_path / "list.csv"
    csv_file.write_text(
        "url,tags,interval\n"
        "https://petition.parliament.uk/petitions/700010,nhs;health,2h\n"
        "https://nowhere.example/x,,\n"
        "https://petition.parliament.uk/petitions/700011,,fortnightly\n"
        "https://www.change.org/p/save-the-local-library,library,\n"
    )
    first = run("import", str(csv_file))
    assert first.exit_code == 1
    assert "2 imported, 2 with errors" in first.output
    assert "list.csv:3" in first.output and "list.csv:4: invalid duration" in first.output
    second = run("import", str(csv_file))
    assert "updated #1" in second.output and "updated #2" in second.output
    toml_file = tmp_path / "list.toml"
    toml_file.write_text(
        '[[petition]]\nurl = "https://petition.parliament.uk/petitions/700012"\ntags = ["a"]\n'
    )
    assert run("import", str(toml_file)).exit_code == 0
    assert len([line for line in run("list").output.splitlines() if "uk-parliament" in line]) == 2


def test_show_unknown_petition(run):
    result = run("show", "42")
    assert result.exit_code == 1 and "no followed petition matches" in result.output


def test_plugins_lists_platforms_and_evidence(run):
    result = run("plugins")
    assert "uk-parliament" in result.output and "change-org" in result.output
    assert "verified" in result.output


def test_parse_prints_normalized_json(run, tmp_path):
    body = tmp_path / "p.json"
    body.write_text(
        json.dumps(
            {
                "data": {
                    "type": "petition",
                    "id": 5,
                    "attributes": {"action": "Plant more trees ", "state": "open", "signature_count": 12345},
                }
            }
        )
    )
    result = run("parse", str(body), "--url", "https://petition.parliament.uk/petitions/5.json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["platform"] == "uk-parliament" and data["external_id"] == "5"
    assert (data["supporters"], data["status"], data["title"]) == (12345, "open", "Plant more trees")
    for key in ("raw_status", "goal", "closes_at", "outcomes", "flags"):
        assert key in data


def test_parse_fails_clearly_on_the_wrong_body(run, tmp_path):
    body = tmp_path / "page.html"
    body.write_text("<html><body>Hello</body></html>")
    result = CliRunner().invoke(
        cli, ["parse", str(body), "--url", "https://petition.parliament.uk/petitions/5"], obj={}
    )
    assert result.exit_code == 1
    assert "cannot be read as a uk-parliament response" in result.output


def test_parse_unknown_url(run, tmp_path):
    body = Path(tmp_path / "x")
    body.write_text("{}")
    result = run("parse", str(body), "--url", "https://example.com/")
    assert result.exit_code == 1 and "no platform recognises" in result.output


def test_bad_config_is_reported_with_its_line(run, tmp_path):
    (tmp_path / "petitions.toml").write_text('[schedule]\ntick = "often"\n')
    result = run("list")
    assert result.exit_code == 1 and "line 2: schedule.tick: invalid duration" in result.output


def test_platform_option_refuses_a_platform_tied_to_its_own_host(run):
    result = run("add", "https://petitions.senedd.wales/petitions/245001", "--platform", "uk-parliament")
    assert result.exit_code == 1
    assert "is not a uk-parliament petition URL" in result.output


def test_misspelt_platform_section_is_reported(run, tmp_path):
    (tmp_path / "petitions.toml").write_text('[platforms.chnage-org]\ninterval = "2h"\n')
    result = run("list")
    assert result.exit_code == 1 and "[platforms.chnage-org] names no loaded platform" in result.output


def test_scraped_titles_print_as_written(run, tmp_path):
    from sqlalchemy import create_engine, text

    run("add", "https://petition.parliament.uk/petitions/700020")
    engine = create_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.begin() as db:
        db.execute(text("update petition set title = '[red]Free[/red] <script>x</script>'"))
    engine.dispose()
    assert "[red]Free[/red] <script>x</script>" in run("show", "1").output
    assert "[red]Free[/red]" in run("list").output


def test_parse_a_follow_up_body_with_the_petition_url(run, tmp_path):
    body = tmp_path / "count.json"
    body.write_text('{"signature_count": 4321}')
    result = run(
        "parse",
        str(body),
        "--url",
        "https://petition.parliament.uk/petitions/5/count.json",
        "--petition-url",
        "https://petition.parliament.uk/petitions/5",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["supporters"] == 4321
