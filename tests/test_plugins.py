"""Plugin loading: entry points, a local folder, duplicate names, misspelt hooks, docs per hook."""

from __future__ import annotations

import inspect
import re
import textwrap
from pathlib import Path

import click
import pluggy
import pytest
from click.testing import CliRunner

from aggregator import Platform, PluginError, UnsupportedURL, hookimpl, hookspecs
from aggregator.plugins import PlatformRegistry, make_plugin_manager, platform_by_name

ROOT = Path(__file__).resolve().parents[1]
LOCAL_PLUGIN = '''
"""A local test plugin."""
from aggregator import Platform, ParseResult, Step, hookimpl

class Example(Platform):
    name = "{name}"
    hosts = ("petitions.example.org",)

    def external_id(self, url):
        return url.rstrip("/").rsplit("/", 1)[-1]

    def canonical_url(self, external_id):
        return f"https://petitions.example.org/p/{{external_id}}"

    def plan(self, external_id, state):
        return Step(self.canonical_url(external_id))

    def parse(self, response):
        return ParseResult(supporters=1)

@hookimpl
def register_platforms(register):
    register(Example())
'''


def _local(tmp_path: Path, name: str = "example", filename: str = "example.py") -> Path:
    folder = tmp_path / "local_plugins"
    folder.mkdir(exist_ok=True)
    (folder / filename).write_text(LOCAL_PLUGIN.format(name=name))
    return folder


def hook_names() -> list[str]:
    return [
        name
        for name, _ in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(getattr(hookspecs, name), "petition_aggregator_spec")
    ]


def test_every_hook_is_documented_and_tested():
    docs = (ROOT / "docs" / "hooks.md").read_text()
    tests = "".join(p.read_text() for p in (ROOT / "tests").glob("test_*.py"))
    assert hook_names() == ["register_commands", "register_platforms"]
    for name in hook_names():
        assert re.search(rf"^## {name}$", docs, re.M), f"docs/hooks.md has no section for {name}"
        section = docs.split(f"## {name}\n", 1)[1].split("\n## ", 1)[0]
        for part in ("**Signature:**", "**Arguments:**", "**Example:**", "**Bundled plugins using it:**"):
            assert part in section, f"docs/hooks.md section {name} lacks {part}"
        assert f"def test_hook_{name}" in tests, f"no test named test_hook_{name}"


def test_hook_register_platforms_loads_bundled_plugins_through_entry_points():
    pm = make_plugin_manager()
    registry = PlatformRegistry.from_plugins(pm)
    plugins = {e.platform.name: e.plugin for e in registry.entries()}
    assert plugins["uk-parliament"] == "uk_parliament"
    assert plugins["change-org"] == "change_org"
    assert registry.for_url("https://petition.parliament.uk/petitions/700000").name == "uk-parliament"


def test_hook_register_commands_adds_a_command(tmp_path):
    pm = make_plugin_manager()

    class Commands:
        @hookimpl
        def register_commands(self, cli):
            @cli.command()
            def hello() -> None:
                click.echo("hello from a plugin")

    pm.register(Commands())
    group = click.Group()
    pm.hook.register_commands(cli=group)
    result = CliRunner().invoke(group, ["hello"])
    assert result.output == "hello from a plugin\n"


def test_local_plugins_folder_is_loaded(tmp_path):
    registry = PlatformRegistry.from_plugins(make_plugin_manager(_local(tmp_path)))
    assert registry.for_url("https://petitions.example.org/p/9").name == "example"


def test_duplicate_platform_names_name_both_plugins(tmp_path):
    folder = _local(tmp_path, name="uk-parliament")
    with pytest.raises(PluginError, match="'uk_parliament' and 'local:example'"):
        PlatformRegistry.from_plugins(make_plugin_manager(folder))


def test_misspelt_hook_fails_loudly(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "typo.py").write_text(
        textwrap.dedent("""
        from aggregator import hookimpl
        @hookimpl
        def register_platfroms(register):
            pass
    """)
    )
    with pytest.raises(pluggy.PluginValidationError, match="register_platfroms"):
        make_plugin_manager(folder)


def test_missing_plugins_folder_is_a_clear_error(tmp_path):
    with pytest.raises(PluginError, match="not a folder"):
        make_plugin_manager(tmp_path / "absent")


def test_host_map_sends_extra_hosts_to_a_platform():
    registry = PlatformRegistry.from_plugins(
        make_plugin_manager(), {"Petitions.Example.Net": "uk-parliament"}
    )
    assert registry.for_url("https://petitions.example.net/petitions/5").name == "uk-parliament"
    with pytest.raises(PluginError, match="no plugin provides"):
        PlatformRegistry.from_plugins(make_plugin_manager(), {"x.org": "nope"})


def test_unknown_host_error_names_platforms_and_options():
    registry = PlatformRegistry.from_plugins(make_plugin_manager())
    with pytest.raises(UnsupportedURL) as caught:
        registry.for_url("https://www.example.com/petition/1")
    message = str(caught.value)
    assert "uk-parliament" in message and "change-org" in message
    assert "--platform" in message and "[hosts]" in message


def test_non_platform_registration_is_refused():
    with pytest.raises(PluginError, match="not a Platform"):
        PlatformRegistry().add(object(), "bad")  # type: ignore[arg-type]


def test_platform_loads_by_name_in_a_worker_process():
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1) as pool:
        assert pool.submit(_name_in_worker, "uk-parliament").result(timeout=60) == "uk-parliament"


def _name_in_worker(name: str) -> str:
    platform = platform_by_name(name)
    assert isinstance(platform, Platform)
    return platform.name


def test_hook_register_commands_from_a_local_plugin_reach_the_cli(tmp_path):
    import subprocess
    import sys

    folder = tmp_path / "local"
    folder.mkdir()
    (folder / "greeter.py").write_text(
        textwrap.dedent("""
        import click
        from aggregator import hookimpl

        @hookimpl
        def register_commands(cli):
            @cli.command()
            def greet():
                click.echo("hello from a local plugin")
        """)
    )
    config = tmp_path / "petitions.toml"
    config.write_text(f'plugins_dir = "{folder}"\n')
    result = subprocess.run(
        [sys.executable, "-m", "aggregator", "--config", str(config), "greet"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "hello from a local plugin\n"


def test_following_a_foreign_host_needs_a_platform_that_runs_there(tmp_path):
    from aggregator.app import App
    from aggregator.config import Settings
    from aggregator.following import Entry, follow

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'p.db'}", plugins_dir=str(_local(tmp_path)))
    app = App.open(settings)
    refused = follow(app, Entry("https://other.example.net/p/3"), platform_name="example")
    assert "example builds its URLs on petitions.example.org" in refused.error
    accepted = follow(app, Entry("https://petitions.example.org/p/3"), platform_name="example")
    assert accepted.error is None and accepted.petition.url == "https://petitions.example.org/p/3"
    app.store.engine.dispose()


def test_public_api_is_pinned():
    import aggregator

    assert sorted(aggregator.__all__) == [
        "AggregatorError",
        "Breakdown",
        "ConfigError",
        "Count",
        "DataSource",
        "FetchError",
        "Health",
        "LayoutChanged",
        "ListedPetition",
        "Listing",
        "NotThisPlatform",
        "Outcome",
        "OutcomeKind",
        "PLUGIN_API_VERSION",
        "ParseError",
        "ParseResult",
        "Platform",
        "PluginError",
        "Politeness",
        "ResponseRecord",
        "Status",
        "Step",
        "UnsupportedURL",
        "__version__",
        "hookimpl",
        "parse_count",
        "parse_local",
        "to_utc",
        "url_host",
    ]
    for name in aggregator.__all__:
        assert hasattr(aggregator, name), name


def test_plugin_written_for_another_api_version_is_refused(tmp_path):
    folder = _local(tmp_path)
    source = (
        (folder / "example.py")
        .read_text()
        .replace('    name = "example"', '    name = "example"\n    api_version = 99')
    )
    (folder / "example.py").write_text(source)
    with pytest.raises(
        PluginError, match=r"written for plugin API v99, but this petition-aggregator provides v1"
    ):
        PlatformRegistry.from_plugins(make_plugin_manager(folder))


def test_plugin_without_api_version_is_loaded_with_a_warning(tmp_path, caplog):
    registry = PlatformRegistry.from_plugins(make_plugin_manager(_local(tmp_path)))
    assert "example" in registry.names()
    assert "does not declare api_version" in caplog.text


def test_bundled_platforms_declare_the_current_api_version():
    from aggregator import PLUGIN_API_VERSION

    for entry in PlatformRegistry.from_plugins(make_plugin_manager()).entries():
        assert entry.platform.api_version == PLUGIN_API_VERSION


def test_only_and_block_select_plugins(tmp_path, monkeypatch):
    monkeypatch.setenv("PETITIONS_PLUGINS_ONLY", "uk_parliament,local:example")
    registry = PlatformRegistry.from_plugins(make_plugin_manager(_local(tmp_path)))
    assert registry.names() == ["example", "uk-parliament"]
    monkeypatch.delenv("PETITIONS_PLUGINS_ONLY")
    monkeypatch.setenv("PETITIONS_PLUGINS_BLOCK", "change_org")
    assert "change-org" not in PlatformRegistry.from_plugins(make_plugin_manager()).names()
    monkeypatch.setenv("PETITIONS_PLUGINS_BLOCK", "chnage_org")
    with pytest.raises(PluginError, match="unknown plugins: chnage_org"):
        make_plugin_manager()


def test_hook_calls_can_be_traced(monkeypatch, capsys):
    monkeypatch.setenv("PETITIONS_TRACE_HOOKS", "1")
    PlatformRegistry.from_plugins(make_plugin_manager())
    assert "register_platforms" in capsys.readouterr().err
