"""`petitions new-platform`: a distribution that passes its own tests, a local folder the core loads."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from aggregator.cases import check_case, load_cases
from aggregator.cli import cli
from aggregator.plugins import PlatformRegistry, make_plugin_manager
from aggregator.scaffold import PluginNames, distribution_files, new_platform


def invoke(*args: str, config: Path | None = None):
    group = click.Group()
    group.add_command(new_platform)
    return CliRunner().invoke(group, list(args), obj={"config": str(config) if config else None})


@pytest.fixture(autouse=True)
def _no_ambient_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PETITIONS_CONFIG", raising=False)


def _import_platform(root: Path, package: str, class_name: str):
    """The generated platform class, imported from its files under a unique module name."""
    name = f"{package}_{abs(hash(root))}"
    spec = importlib.util.spec_from_file_location(
        name, root / package / "__init__.py", submodule_search_locations=[str(root / package)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return getattr(module, class_name)


def test_dir_writes_a_pip_installable_distribution(tmp_path):
    result = invoke("new-platform", "town-hall", "--dir", str(tmp_path / "dist"))
    assert result.exit_code == 0, result.output
    root = tmp_path / "dist"
    package = root / "petition_aggregator_town_hall"
    for path in (
        "pyproject.toml",
        "README.md",
        ".gitignore",
        "tests/test_platform.py",
        "petition_aggregator_town_hall/__init__.py",
        "petition_aggregator_town_hall/platform.py",
        "petition_aggregator_town_hall/README.md",
    ):
        assert (root / path).is_file(), path
    assert sorted(p.name for p in (package / "cases").iterdir()) == ["closed", "gone-404", "open"]
    project = tomllib.loads((root / "pyproject.toml").read_text())
    assert project["project"]["name"] == "petition-aggregator-town-hall"
    assert project["project"]["dependencies"][0].startswith("petition-aggregator>=")
    entry_points = project["project"]["entry-points"]["petition_aggregator"]
    assert entry_points == {"town_hall": "petition_aggregator_town_hall"}
    assert "cases/**/*" in project["tool"]["setuptools"]["package-data"]["petition_aggregator_town_hall"]
    test_file = (root / "tests" / "test_platform.py").read_text()
    assert "from aggregator.testing import PlatformContract" in test_file
    assert "class TestTownHall(PlatformContract):\n    platform = TownHall()" in test_file
    assert "petitions record" in (root / "README.md").read_text()
    assert "{{" not in "".join(distribution_files(PluginNames("town-hall")).values())
    assert "pip install -e" in result.output


def test_generated_platform_reads_its_cases(tmp_path):
    assert invoke("new-platform", "x2-site", "--dir", str(tmp_path)).exit_code == 0
    platform = _import_platform(tmp_path, "petition_aggregator_x2_site", "X2Site")()
    assert platform.name == "x2-site" and platform.hosts == ("x2-site.example.org",)
    assert platform.api_version == 1 and platform.parser_version == "1"
    cases = load_cases(platform)
    assert {case.expected["status"] for case in cases} == {"open", "closed", "removed"}
    for case in cases:
        assert check_case(platform, case) == []
    assert platform.external_id("https://x2-site.example.org/petitions/0042?utm_source=x") == "42"
    assert platform.external_id("x2-site.example.org/api/petitions/42.json") == "42"


def test_generated_distribution_passes_its_own_tests(tmp_path):
    root = tmp_path / "petition-aggregator-town-hall"
    assert invoke("new-platform", "town-hall", "--dir", str(root)).exit_code == 0
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    }
    env["PYTHONPATH"] = os.pathsep.join([str(root), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout and "failed" not in done.stdout
    assert "skipped" not in done.stdout  # every case also polled end to end


def test_generated_code_is_lint_clean(tmp_path):
    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff is not installed")
    assert invoke("new-platform", "town-hall", "--dir", str(tmp_path)).exit_code == 0
    config = Path(__file__).resolve().parents[1] / "pyproject.toml"
    for command in (["check"], ["format", "--check"]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--config", str(config), str(tmp_path)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_local_writes_a_folder_the_core_loads(tmp_path):
    config = tmp_path / "petitions.toml"
    config.write_text('plugins_dir = "my-plugins"\n')
    result = invoke("new-platform", "town-hall", "--local", config=config)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "my-plugins" / "town_hall"
    for path in ("__init__.py", "platform.py", "README.md", "cases/open/meta.json"):
        assert (folder / path).is_file(), path
    assert not (folder / "pyproject.toml").exists()
    registry = PlatformRegistry.from_plugins(make_plugin_manager(tmp_path / "my-plugins"))
    assert registry.get("town-hall").hosts == ("town-hall.example.org",)
    listing = CliRunner().invoke(cli, ["--config", str(config), "plugins"], obj={})
    assert listing.exit_code == 0, listing.output
    assert "town-hall" in listing.output and "local:town_hall" in listing.output
    parsed = CliRunner().invoke(
        cli,
        [
            "--config",
            str(config),
            "parse",
            str(folder / "cases" / "open" / "body.json"),
            "--url",
            "https://town-hall.example.org/api/petitions/1001.json",
        ],
        obj={},
    )
    assert parsed.exit_code == 0, parsed.output
    assert json.loads(parsed.output)["supporters"] == 1234


def test_local_needs_a_configured_plugins_dir(tmp_path):
    result = invoke("new-platform", "town-hall", "--local")
    assert result.exit_code == 1
    assert "no local plugins folder is configured" in result.output
    assert "plugins_dir" in result.output
    assert list(tmp_path.iterdir()) == []


def test_local_refuses_an_existing_plugin_folder(tmp_path):
    config = tmp_path / "petitions.toml"
    config.write_text('plugins_dir = "plugins"\n')
    (tmp_path / "plugins" / "town_hall").mkdir(parents=True)
    (tmp_path / "plugins" / "town_hall" / "mine.txt").write_text("keep me")
    result = invoke("new-platform", "town-hall", "--local", config=config)
    assert result.exit_code == 1
    assert "exists already" in result.output
    assert [p.name for p in (tmp_path / "plugins" / "town_hall").iterdir()] == ["mine.txt"]


def test_dir_refuses_to_overwrite_and_writes_nothing(tmp_path):
    root = tmp_path / "dist"
    root.mkdir()
    (root / "README.md").write_text("my own readme")
    result = invoke("new-platform", "town-hall", "--dir", str(root))
    assert result.exit_code == 1
    assert "refusing to overwrite existing files" in result.output and "README.md" in result.output
    assert [p.name for p in root.iterdir()] == ["README.md"]
    assert (root / "README.md").read_text() == "my own readme"
    (root / "README.md").unlink()
    assert invoke("new-platform", "town-hall", "--dir", str(root)).exit_code == 0
    again = invoke("new-platform", "town-hall", "--dir", str(root))
    assert again.exit_code == 1 and "refusing to overwrite" in again.output


@pytest.mark.parametrize(
    "name",
    [
        "Town-Hall",
        "town_hall",
        "town hall",
        "-town",
        "town-",
        "town--hall",
        "1town",
        "tówn",
        "a" * 41,
        "class",
    ],
)
def test_bad_names_are_refused(tmp_path, name):
    result = invoke("new-platform", "--dir", str(tmp_path / "dist"), "--", name)
    assert result.exit_code == 1, result.output
    assert "platform name" in result.output or "keyword" in result.output
    assert not (tmp_path / "dist").exists()


def test_a_loaded_platform_name_is_refused(tmp_path):
    result = invoke("new-platform", "uk-parliament", "--dir", str(tmp_path / "dist"))
    assert result.exit_code == 1
    assert "already loaded" in result.output and "uk_parliament" in result.output


@pytest.mark.parametrize("args", [[], ["--local", "--dir", "somewhere"]])
def test_one_of_dir_or_local_is_required(args):
    result = invoke("new-platform", "town-hall", *args)
    assert result.exit_code == 2
    assert "--dir PATH" in result.output and "--local" in result.output
