"""The daily digest: content for a recipient group, plain-text and HTML rendering, and the preview command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from aggregator.app import App
from aggregator.cli import cli
from aggregator.clock import FakeClock
from aggregator.config import Settings
from aggregator.digest.content import GroupSettings, build_digest
from aggregator.digest.render import render_html, render_text
from aggregator.store import Store
from aggregator.tables import FetchState, Observation, Outcome, Petition

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)
DAY = timedelta(days=1)
HOSTILE = "<script>alert(1)</script> Save the <b>library</b>"


def add(store: Store, platform: str, external_id: str, title: str, tags=(), created=NOW - 30 * DAY) -> int:
    petition, _ = store.add_petition(
        platform=platform,
        external_id=external_id,
        url=f"https://example.org/{platform}/{external_id}",
        now=created,
        tags=tags,
    )
    with store.session() as session:
        stored = session.get(Petition, petition.id)
        stored.title = title
        session.commit()
    assert petition.id is not None
    return petition.id


def observe(store: Store, petition_id: int, runs, goal=None, computed_goal=False) -> None:
    """Store single-poll rows given as (at, supporters) or (at, supporters, status)."""
    with store.session() as session:
        session.add_all(
            Observation(
                petition_id=petition_id,
                supporters=run[1],
                status=run[2] if len(run) > 2 else "open",
                goal=goal,
                computed_goal=computed_goal,
                parser_version="1",
                first_seen_at=run[0],
                last_seen_at=run[0],
                method="json-api",
            )
            for run in runs
        )
        session.commit()


@pytest.fixture
def app(tmp_path):
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'digest.db'}", web={"public_url": "https://p.example/"}
    )
    app = App.open(settings, clock=FakeClock(NOW))
    yield app
    app.store.engine.dispose()


@pytest.fixture
def seeded(app):
    store = app.store
    ids = {}
    ids["a"] = add(store, "uk-parliament", "1", HOSTILE, tags=["nhs"])
    observe(store, ids["a"], [(NOW - 8 * DAY, 8000), (NOW - DAY - H, 9500), (NOW - H, 10_500)])
    ids["b"] = add(store, "uk-parliament", "2", "Fund the buses", tags=["transport"])
    observe(store, ids["b"], [(NOW - 8 * DAY, 1000), (NOW - DAY - H, 50_000), (NOW - H, 53_000)])
    ids["c"] = add(store, "change-org", "c", "Computed goal petition", tags=["nhs"])
    observe(store, ids["c"], [(NOW - DAY - H, 1030), (NOW - H, 1100)], goal=1050, computed_goal=True)
    ids["d"] = add(store, "change-org", "d", "Closed petition", tags=["nhs"])
    observe(store, ids["d"], [(NOW - 2 * DAY, 500), (NOW - 3 * H, 500, "closed")])
    ids["e"] = add(store, "change-org", "e", "Brand new", created=NOW - 2 * H)
    with store.session() as session:
        session.add(
            Outcome(
                petition_id=ids["a"],
                kind="government_response",
                occurred_at=NOW - 5 * H,
                recorded_at=NOW - 4 * H,
            )
        )
        session.add(
            Outcome(
                petition_id=ids["b"], kind="debated", occurred_at=NOW - 9 * DAY, recorded_at=NOW - 9 * DAY
            )
        )
        session.add(FetchState(petition_id=ids["c"], health="blocked"))
        session.add(FetchState(petition_id=ids["d"], health="blocked"))
        session.add(FetchState(petition_id=ids["e"], health="layout_changed"))
        session.add(FetchState(petition_id=ids["a"], health="ok"))
        session.commit()
    return ids


def test_headline_and_movers_absolute_and_relative(app, seeded):
    built = build_digest(app, "all", GroupSettings(), NOW)
    assert built.headline.petitions == 5
    assert built.headline.supporters == 10_500 + 53_000 + 1100 + 500
    assert built.headline.change_24h == 1000 + 3000 + 70
    assert [m.petition.id for m in built.movers] == [seeded["b"], seeded["a"], seeded["c"]]
    relative = [m.petition.id for m in built.relative_movers]
    assert relative[0] == seeded["a"] and relative.index(seeded["a"]) < relative.index(seeded["b"])
    mover_a = next(m for m in built.relative_movers if m.petition.id == seeded["a"])
    assert mover_a.ratio == round(1000 / (2500 / 7), 1)


def test_milestone_crossed_and_computed_goals_never_count(app, seeded):
    built = build_digest(app, "all", GroupSettings(), NOW)
    crossed = {(m.petition.id, m.value, m.kind) for m in built.crossed}
    assert (seeded["a"], 10_000, "threshold") in crossed
    assert "response threshold" in {m.label for m in built.crossed}
    assert all(m.value != 1050 and m.kind != "goal" for m in built.crossed)
    assert all(m.kind != "goal" for m in built.ahead)


def test_status_changes_outcomes_and_added(app, seeded):
    built = build_digest(app, "all", GroupSettings(), NOW)
    assert [(c.petition.id, c.before, c.after) for c in built.status_changes] == [
        (seeded["d"], "open", "closed")
    ]
    assert [(o.petition.id, o.kind) for o in built.outcomes] == [(seeded["a"], "government_response")]
    assert [p.id for p in built.added] == [seeded["e"]]


def test_health_is_one_incident_per_platform_with_a_count_and_likely_cause(app, seeded):
    built = build_digest(app, "all", GroupSettings(), NOW)
    assert [(i.platform, i.count, i.cause) for i in built.incidents] == [("change-org", 3, "blocked")]


def test_subject_summarises_and_is_quiet_when_nothing_changed(app, seeded):
    built = build_digest(app, "all", GroupSettings(), NOW)
    assert built.subject == "1 milestone, 1 closed, 1 outcome, 1 added, change-org failing"
    later = build_digest(app, "transport", GroupSettings(tags=["transport"]), NOW + 3 * DAY)
    assert later.subject == "No changes"
    assert "Nothing changed" in render_text(later)


def test_group_selects_by_any_tag(app, seeded):
    built = build_digest(app, "nhs", GroupSettings(tags=["nhs", "nope"]), NOW)
    assert built.headline.petitions == 3
    assert built.campaign_links == {
        "nhs": "https://p.example/campaigns/nhs",
        "nope": "https://p.example/campaigns/nope",
    }


def test_hostile_title_is_escaped_in_html_and_written_as_is_in_text(app, seeded):
    built = build_digest(app, "all", GroupSettings(), NOW)
    html, text = render_html(built), render_text(built)
    assert "<script>" not in html and "<b>library" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Save the &lt;b&gt;library&lt;/b&gt;" in html
    assert HOSTILE in text
    assert (
        f"https://p.example/petitions/{seeded['a']}" in text
        and f"https://p.example/petitions/{seeded['a']}" in html
    )
    assert 'style="' in html and "<style" not in html and 'name="viewport"' in html


def test_cli_preview_and_html(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PETITIONS_CONFIG", raising=False)
    database = f"sqlite:///{tmp_path / 'p.db'}"
    (tmp_path / "petitions.toml").write_text(
        f'database_url = "{database}"\n\n[groups.nhs]\ntags = ["nhs"]\nrecipients = ["a@example.org"]\n'
        "\n[groups.everyone]\n"
    )
    app = App.open(Settings(database_url=database))
    add(app.store, "uk-parliament", "7", HOSTILE, tags=["nhs"], created=datetime.now(UTC) - H)
    add(app.store, "uk-parliament", "8", "Other", created=datetime.now(UTC) - 3 * DAY)
    app.store.engine.dispose()
    result = CliRunner().invoke(
        cli, ["digest", "--preview", "--group", "nhs"], obj={}, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "Subject: 1 added" in result.output and HOSTILE in result.output
    assert "1 petitions followed" in result.output
    out = tmp_path / "d.html"
    result = CliRunner().invoke(cli, ["digest", "--html", str(out)], obj={}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "d-nhs.html").is_file() and (tmp_path / "d-everyone.html").is_file()
    assert "&lt;script&gt;" in (tmp_path / "d-everyone.html").read_text()
    result = CliRunner().invoke(cli, ["digest", "--group", "nope"], obj={})
    assert result.exit_code != 0 and "no group" in result.output


def test_cli_without_groups_uses_one_implicit_group(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PETITIONS_CONFIG", raising=False)
    (tmp_path / "petitions.toml").write_text(f'database_url = "sqlite:///{tmp_path / "p.db"}"\n')
    result = CliRunner().invoke(cli, ["digest", "--preview"], obj={}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Subject: No changes" in result.output and "for all" in result.output
