"""`petitions record`: polite fetch from a real local server, clean saved cases, approval, refusals."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from aggregator import LayoutChanged, ParseResult, Platform, ResponseRecord, Step, recording
from aggregator.cases import cases_dir, check_case, load_case
from aggregator.clock import FakeClock
from aggregator.config import load_settings
from aggregator.localserver import LocalServer, Reply
from aggregator.pipeline import MAX_STEPS
from aggregator.plugins import PlatformRegistry, make_plugin_manager
from aggregator.recording import (
    body_extension,
    clean_headers,
    default_case_name,
    record,
    record_case,
)

HOST = "petition.parliament.uk"
CONTACT = "cases@example.net"
UK_CASE = "open-2026-modern"
PETITION_ID = "712345"
URL = f"https://{HOST}/petitions/{PETITION_ID}"
JSON_PATH = f"/petitions/{PETITION_ID}.json"
DEMO_HOST = "petitions.example.org"

DEMO_PLUGIN = '''"""A two-request platform for the recording tests: a page, then a count endpoint."""

import json
import re

from aggregator import LayoutChanged, ParseResult, Platform, Status, Step, hookimpl

HOST = "petitions.example.org"


class DemoSite(Platform):
    name = "demo-site"
    hosts = (HOST,)

    def external_id(self, url):
        match = re.search(r"/p/([a-z0-9-]+)", url)
        if match is None:
            raise self.unsupported(url, f"https://{HOST}/p/SLUG")
        return match.group(1)

    def canonical_url(self, external_id):
        return f"https://{HOST}/p/{external_id}"

    def plan(self, external_id, state):
        return Step(self.canonical_url(external_id), "page")

    def parse(self, response):
        if response.purpose == "count":
            count = json.loads(response.body)["count"]
            return ParseResult(supporters=count, method="count-json")
        title = re.search(rb"<h1>(.*?)</h1>", response.body)
        if title is None:
            raise LayoutChanged("no <h1> on the page")
        page_id = re.search(rb'data-id="(\\d+)"', response.body).group(1).decode()
        return ParseResult(
            title=title.group(1).decode(),
            status=Status.OPEN,
            raw_status="open",
            state={"page_id": page_id},
            next_step=Step(f"https://{HOST}/api/count/{page_id}.json", "count"),
        )


@hookimpl
def register_platforms(register):
    register(DemoSite())
'''


def uk_case_dir() -> Path:
    registry = PlatformRegistry.from_plugins(make_plugin_manager())
    return cases_dir(registry.get("uk-parliament")) / UK_CASE


def uk_body() -> bytes:
    return (uk_case_dir() / "body.json").read_bytes()


def serve_uk(server: LocalServer, body: bytes | None = None) -> None:
    server.route(
        JSON_PATH,
        Reply(
            200,
            body if body is not None else uk_body(),
            {
                "Content-Type": "application/json; charset=utf-8",
                "Cache-Control": "max-age=60, public",
                "ETag": 'W/"abc123"',
                "Set-Cookie": "_session=secret; path=/; HttpOnly",
                "CF-Ray": "8c1d2e3f4a5b6c7d-LHR",
                "X-Request-Id": "4f1e2d3c-0000",
                "X-Runtime": "0.012",
            },
        ),
        host=HOST,
    )


def write_config(tmp_path: Path, server: LocalServer, plugins_dir: Path | None = None) -> Path:
    overrides = ", ".join(f'"{host}" = "{server.address}"' for host in (HOST, DEMO_HOST))
    lines = [
        f'contact = "{CONTACT}"',
        f'plugins_dir = "{plugins_dir}"' if plugins_dir else "",
        "[fetch]",
        "retries = 0",
        f"host_overrides = {{ {overrides} }}",
        "[platforms.uk-parliament]",
        'spacing = "0s"',
    ]
    if plugins_dir:
        lines += ["[platforms.demo-site]", 'spacing = "0s"']
    config = tmp_path / "petitions.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def run(config: Path, *args: str, input: str | None = None) -> Result:
    group = click.Group()
    group.add_command(record)
    return CliRunner().invoke(group, ["record", *args], obj={"config": str(config)}, input=input)


@pytest.fixture
def setup(tmp_path: Path, local_server: LocalServer, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    return write_config(tmp_path, local_server), tmp_path / "cases"


def only_case(root: Path) -> Path:
    folders = [p for p in root.iterdir()]
    assert len(folders) == 1, folders
    return folders[0]


# -- helpers --------------------------------------------------------------------------------------


def test_clean_headers_keeps_only_the_allow_list():
    headers = {
        "Content-Type": "text/html",
        "Set-Cookie": "a=b",
        "Cookie": "c=d",
        "Date": "Mon, 01 Jan 2026 00:00:00 GMT",
        "Age": "12",
        "Server-Timing": "db;dur=53",
        "CF-Ray": "x",
        "X-Request-Id": "y",
        "ETag": '"v1"',
        "Location": "/elsewhere",
        "Content-Encoding": "gzip",
    }
    assert clean_headers(headers) == {"content-type": "text/html", "etag": '"v1"', "location": "/elsewhere"}


@pytest.mark.parametrize(
    ("content_type", "body", "extension"),
    [
        ("application/json; charset=utf-8", b"", "json"),
        ("application/vnd.api+json", b"", "json"),
        ("text/html; charset=utf-8", b"", "html"),
        ("application/rss+xml", b"", "xml"),
        ("text/xml", b"", "xml"),
        ("text/plain", b"{}", "txt"),
        (None, b' {"a": 1}', "json"),
        (None, b"<?xml version='1.0'?><a/>", "xml"),
        (None, b"<!doctype html>", "html"),
        ("", b"hello", "txt"),
    ],
)
def test_body_extension(content_type, body, extension):
    assert body_extension(content_type, body) == extension


def test_default_case_name_is_a_slug_and_the_utc_date(clock):
    assert default_case_name("712345", clock.now()) == "712345-2026-03-01"
    assert default_case_name("Save Our/Parks!", clock.now()) == "save-our-parks-2026-03-01"


# -- recording a UK Parliament petition -----------------------------------------------------------


def test_record_writes_a_clean_case_and_prints_the_parse(setup, local_server):
    config, cases = setup
    serve_uk(local_server)
    result = run(config, URL, "--cases-dir", str(cases))
    assert result.exit_code == 0, result.output

    folder = only_case(cases)
    assert re.fullmatch(rf"{PETITION_ID}-\d{{4}}-\d{{2}}-\d{{2}}", folder.name)
    assert sorted(p.name for p in folder.iterdir()) == ["body.json", "meta.json"]
    assert (folder / "body.json").read_bytes() == uk_body()
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["url"] == f"https://{HOST}{JSON_PATH}"
    assert meta["final_url"] == meta["url"]
    assert meta["status"] == 200
    assert meta["purpose"] == "petition"
    assert meta["petition_url"] == URL
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", meta["fetched_at"])
    assert "steps" not in meta and "state" not in meta
    # the server sent Set-Cookie, Date, Server, CF-Ray... only the allow-list is kept
    assert meta["headers"] == {
        "cache-control": "max-age=60, public",
        "content-type": "application/json; charset=utf-8",
        "etag": 'W/"abc123"',
    }
    saved = (folder / "meta.json").read_text()
    for volatile in ("secret", "set-cookie", "date", "server", "cf-ray", "request-id", "runtime"):
        assert volatile not in saved.lower().replace("fetched_at", "")

    printed = json.loads(result.stdout)
    want = json.loads((uk_case_dir() / "expected.json").read_text())
    assert printed["supporters"] == want["supporters"] and printed["title"] == want["title"]
    assert printed["platform"] == "uk-parliament" and printed["external_id"] == PETITION_ID
    assert not (folder / "expected.json").exists()
    assert "--approve" in result.stderr and "expected.json" in result.stderr


def test_user_agent_is_honest_with_the_configured_contact(setup, local_server):
    config, cases = setup
    serve_uk(local_server)
    assert run(config, URL, "--cases-dir", str(cases)).exit_code == 0
    (request,) = local_server.seen(JSON_PATH)
    assert request.headers["user-agent"].startswith("petition-aggregator/")
    assert CONTACT in request.headers["user-agent"]
    assert "cookie" not in request.headers
    assert local_server.hits("/robots.txt", host=HOST) == 1


def test_approved_case_loads_and_checks_with_the_same_values(setup, local_server):
    config, cases = setup
    serve_uk(local_server)
    result = run(config, URL, "--cases-dir", str(cases), "--name", "open-now", "--approve")
    assert result.exit_code == 0, result.output
    folder = cases / "open-now"
    expected = json.loads((folder / "expected.json").read_text())
    assert list(expected) == list(recording.EXPECTED_KEYS)
    bundled = json.loads((uk_case_dir() / "expected.json").read_text())
    assert {key: bundled[key] for key in expected} == expected

    platform = PlatformRegistry.from_plugins(make_plugin_manager()).get("uk-parliament")
    case = load_case(folder, platform)
    assert case.records[-1].external_id == PETITION_ID
    assert check_case(platform, case) == []
    assert "approved" in result.stderr


def test_direct_call_uses_the_given_clock(tmp_path, local_server, clock):
    serve_uk(local_server)
    settings = load_settings(str(write_config(tmp_path, local_server)))
    made = record_case(URL + "?utm_source=share", settings, cases_root=tmp_path / "cases", clock=clock)
    assert made.folder == tmp_path / "cases" / f"{PETITION_ID}-2026-03-01"
    meta = json.loads((made.folder / "meta.json").read_text())
    assert meta["fetched_at"] == "2026-03-01T12:00:00Z"
    assert meta["petition_url"] == URL  # tracking parameters are not saved
    assert made.replay.error is None and made.fetched


def test_approve_later_replays_the_saved_case_without_fetching(setup, local_server):
    config, cases = setup
    serve_uk(local_server)
    assert run(config, URL, "--cases-dir", str(cases), "--name", "later").exit_code == 0
    assert local_server.hits(JSON_PATH) == 1
    result = run(config, URL, "--cases-dir", str(cases), "--name", "later", "--approve")
    assert result.exit_code == 0, result.output
    assert local_server.hits(JSON_PATH) == 1
    assert "fetched nothing" in result.stderr
    assert json.loads((cases / "later" / "expected.json").read_text())["supporters"] == 104872
    # once approved, the case is complete: a further run refuses
    again = run(config, URL, "--cases-dir", str(cases), "--name", "later", "--approve")
    assert again.exit_code == 1 and "already exists" in again.stderr


@pytest.mark.parametrize(("answer", "saved"), [("y\n", True), ("n\n", False), ("\n", False)])
def test_interactive_prompt_approves_only_on_yes(setup, local_server, monkeypatch, answer, saved):
    config, cases = setup
    serve_uk(local_server)
    monkeypatch.setattr(recording, "_interactive", lambda: True)
    result = run(config, URL, "--cases-dir", str(cases), "--name", "asked", input=answer)
    assert result.exit_code == 0, result.output
    assert "Save this as the expected result? [y/N]" in result.stderr
    assert (cases / "asked" / "expected.json").exists() is saved
    json.loads(result.stdout)  # the prompt does not mix into the JSON


def test_a_404_is_a_valid_gone_case(setup, local_server):
    config, cases = setup
    local_server.route(
        JSON_PATH, Reply(404, b"<h1>Not found</h1>", {"Content-Type": "text/html; charset=utf-8"}), host=HOST
    )
    result = run(config, URL, "--cases-dir", str(cases), "--approve")
    assert result.exit_code == 0, result.output
    folder = only_case(cases)
    assert (folder / "body.html").read_bytes() == b"<h1>Not found</h1>"
    assert json.loads((folder / "meta.json").read_text())["status"] == 404
    expected = json.loads((folder / "expected.json").read_text())
    assert expected["status"] == "removed" and expected["raw_status"] == "404"


# -- refusals -------------------------------------------------------------------------------------


def test_robots_disallow_refuses_and_saves_nothing(setup, local_server):
    config, cases = setup
    serve_uk(local_server)
    local_server.route(
        "/robots.txt", Reply(200, "User-agent: *\nDisallow: /petitions/\n", {"Content-Type": "text/plain"})
    )
    result = run(config, URL, "--cases-dir", str(cases), "--approve")
    assert result.exit_code == 1
    assert "robots.txt" in result.stderr and "disallows" in result.stderr
    assert "nothing was saved" in result.stderr
    assert local_server.hits(JSON_PATH) == 0
    assert not cases.exists() or not any(cases.iterdir())
    assert result.stdout == ""


@pytest.mark.parametrize(
    "reply",
    [
        Reply(403, b"forbidden", {"Content-Type": "text/plain"}),
        Reply(503, b"down", {"Content-Type": "text/plain"}),
        Reply(
            200,
            b"<title>Just a moment...</title>",
            {"Content-Type": "text/html", "cf-mitigated": "challenge"},
        ),
    ],
)
def test_fetch_errors_exit_1_and_save_nothing(setup, local_server, reply):
    config, cases = setup
    local_server.route(JSON_PATH, reply, host=HOST)
    result = run(config, URL, "--cases-dir", str(cases))
    assert result.exit_code == 1
    assert "error:" in result.stderr and "nothing was saved" in result.stderr
    assert result.stdout == ""
    assert not cases.exists() or not any(cases.iterdir())


def test_an_existing_case_is_never_overwritten(setup, local_server):
    config, cases = setup
    serve_uk(local_server)
    folder = cases / "taken"
    folder.mkdir(parents=True)
    (folder / "body.json").write_text("{}")
    result = run(config, URL, "--cases-dir", str(cases), "--name", "taken", "--approve")
    assert result.exit_code == 1
    assert "already exists" in result.stderr and "never overwritten" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["body.json"]
    assert (folder / "body.json").read_text() == "{}"
    assert local_server.hits(JSON_PATH) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["https://example.com/petition/1"], "no platform recognises"),
        ([URL, "--platform", "no-such-platform"], "no platform named 'no-such-platform'"),
        ([f"https://{HOST}/petitions?state=open"], "is not a uk-parliament petition URL"),
        ([URL, "--name", "../escape"], "not a plain folder name"),
    ],
)
def test_bad_input_is_reported_clearly(setup, local_server, args, message):
    config, cases = setup
    result = run(config, *args, "--cases-dir", str(cases))
    assert result.exit_code == 1
    assert message in result.stderr
    assert local_server.requests == []
    assert not cases.exists()


# -- a multi-request platform from a local plugins folder -----------------------------------------


@pytest.fixture
def demo(tmp_path: Path, local_server: LocalServer, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    plugins = tmp_path / "plugins"
    (plugins / "demo_site").mkdir(parents=True)
    (plugins / "demo_site" / "__init__.py").write_text(DEMO_PLUGIN, encoding="utf-8")
    page = b'<html><h1>Save the Mill Road trees</h1><div data-id="4242"></div></html>'
    local_server.route(
        "/p/save-the-trees",
        Reply(200, page, {"Content-Type": "text/html; charset=utf-8", "Set-Cookie": "sid=1"}),
        host=DEMO_HOST,
    )
    local_server.route(
        "/api/count/4242.json",
        Reply(200, b'{"count": 1234}', {"Content-Type": "application/json", "Age": "3"}),
        host=DEMO_HOST,
    )
    return write_config(tmp_path, local_server, plugins), plugins, page


def test_multi_step_recording_saves_each_step_into_the_platform_cases(demo, local_server):
    config, plugins, page = demo
    result = run(config, f"https://{DEMO_HOST}/p/save-the-trees?ref=share", "--name", "open", "--approve")
    assert result.exit_code == 0, result.output

    folder = plugins / "demo_site" / "cases" / "open"  # the platform's own cases/ folder by default
    assert sorted(p.name for p in folder.iterdir()) == [
        "body.json",
        "expected.json",
        "meta.json",
        "step-1.html",
    ]
    assert (folder / "step-1.html").read_bytes() == page
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["url"] == f"https://{DEMO_HOST}/api/count/4242.json"
    assert meta["purpose"] == "count" and meta["headers"] == {"content-type": "application/json"}
    assert meta["petition_url"] == f"https://{DEMO_HOST}/p/save-the-trees"
    assert meta["steps"] == [
        {
            "url": f"https://{DEMO_HOST}/p/save-the-trees",
            "final_url": f"https://{DEMO_HOST}/p/save-the-trees",
            "status": 200,
            "headers": {"content-type": "text/html; charset=utf-8"},
            "purpose": "page",
            "body": "step-1.html",
        }
    ]
    printed = json.loads(result.stdout)
    assert printed["supporters"] == 1234 and printed["title"] == "Save the Mill Road trees"

    settings = load_settings(str(config))
    platform = PlatformRegistry.from_plugins(make_plugin_manager(settings.plugins_dir)).get("demo-site")
    case = load_case(folder, platform)
    assert [r.purpose for r in case.records] == ["page", "count"]
    assert check_case(platform, case) == []
    assert case.expected["supporters"] == 1234 and case.expected["status"] == "open"


def test_a_refused_page_is_saved_and_approved_as_an_error(demo, local_server, tmp_path):
    config, _plugins, _page = demo
    local_server.route(
        "/p/changed", Reply(200, b"<html>new layout</html>", {"Content-Type": "text/html"}), host=DEMO_HOST
    )
    settings = load_settings(str(config))
    made = record_case(
        f"https://{DEMO_HOST}/p/changed",
        settings,
        cases_root=tmp_path / "cases",
        name="layout-changed",
        clock=FakeClock(),
    )
    assert made.replay.error is not None
    path = recording.approve_case(made)
    assert json.loads(path.read_text()) == {"external_id": "changed", "error": "LayoutChanged"}
    assert sorted(p.name for p in made.folder.iterdir()) == ["body.html", "expected.json", "meta.json"]
    assert check_case(made.platform, load_case(made.folder, made.platform)) == []


class Looper(Platform):
    """A broken plugin that always asks for one more request."""

    name = "looper"
    hosts = (DEMO_HOST,)

    def external_id(self, url: str) -> str:
        return url.rstrip("/").rsplit("/", 1)[-1]

    def canonical_url(self, external_id: str) -> str:
        return f"https://{DEMO_HOST}/loop/{external_id}"

    def plan(self, external_id: str, state) -> Step:
        return Step(self.canonical_url(external_id))

    def parse(self, response: ResponseRecord) -> ParseResult:
        return ParseResult(next_step=Step(response.url))


def test_a_looping_plugin_is_stopped_and_saves_nothing(tmp_path, local_server):
    local_server.route("/loop/7", Reply(200, b"again", {"Content-Type": "text/plain"}), host=DEMO_HOST)
    registry = PlatformRegistry()
    registry.add(Looper(), "test")
    settings = load_settings(str(write_config(tmp_path, local_server)))
    with pytest.raises(LayoutChanged, match=f"more than {MAX_STEPS} requests"):
        record_case(
            f"https://{DEMO_HOST}/loop/7",
            settings,
            registry=registry,
            cases_root=tmp_path / "cases",
            clock=FakeClock(),
        )
    assert local_server.hits("/loop/7") == MAX_STEPS
    assert not (tmp_path / "cases").exists()


def test_a_site_read_by_a_named_extractor_is_recorded_with_it(tmp_path, local_server, monkeypatch):
    monkeypatch.chdir(tmp_path)
    host = "petition.fofg.example.org"
    local_server.route(
        "/organharvesting/",
        Reply(
            200,
            "<html><h1>Stop it</h1><p>Total Signatures to Date = 4138</p></html>",
            {"Content-Type": "text/html"},
        ),
        host=host,
    )
    config = tmp_path / "petitions.toml"
    config.write_text(
        f'[fetch]\nretries = 0\nhost_overrides = {{ "{host}" = "{local_server.address}" }}\n'
        f"[extractors.fofg]\nhosts = [\"{host}\"]\ncount_regex = 'Total Signatures to Date = ([\\d,]+)'\n"
    )
    result = run(
        config, f"https://{host}/organharvesting/", "--cases-dir", str(tmp_path / "cases"), "--approve"
    )
    assert result.exit_code == 0, result.output
    case = only_case(tmp_path / "cases")
    assert json.loads((case / "expected.json").read_text())["supporters"] == 4138
    assert json.loads((case / "meta.json").read_text())["state"]["extractor"]["count_regex"]
