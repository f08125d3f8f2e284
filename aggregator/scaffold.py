"""`petitions new-platform`: write a platform plugin, as a pip-installable distribution or a local folder."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import click

from . import __version__
from .config import load_settings
from .errors import AggregatorError
from .platform import PLUGIN_API_VERSION
from .plugins import PlatformRegistry, make_plugin_manager

#: the template files: `distribution/` for the root of `--dir`, `package/` for the plugin package
TEMPLATES = Path(__file__).parent / "scaffold_templates"
TEMPLATE_SUFFIX = ".tmpl"
#: template files written under another name (a dotfile would be skipped by package data globs)
RENAMED = {"gitignore": ".gitignore"}
NAME_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
MAX_NAME_LENGTH = 40
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


class ScaffoldError(AggregatorError):
    """A plugin cannot be written: a bad name, files in the way, no plugins folder."""


class _Failed(click.ClickException):
    """A command error printed as `error: ...` like the other `petitions` commands (exit status 1)."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"{click.style('error:', fg='red')} {self.format_message()}", err=True)


@dataclass(frozen=True, slots=True)
class PluginNames:
    """Every name derived from a platform's kebab-case name (`town-hall`)."""

    name: str

    @property
    def snake(self) -> str:
        """`town_hall`: the entry point's name and the local plugin folder."""
        return self.name.replace("-", "_")

    @property
    def package(self) -> str:
        """`petition_aggregator_town_hall`: the importable package of the distribution."""
        return f"petition_aggregator_{self.snake}"

    @property
    def distribution(self) -> str:
        """`petition-aggregator-town-hall`: the name on PyPI."""
        return f"petition-aggregator-{self.name}"

    @property
    def class_name(self) -> str:
        """`TownHall`: the platform class."""
        return "".join(part.capitalize() for part in self.name.split("-"))

    @property
    def host(self) -> str:
        """`town-hall.example.org`: the imaginary site the generated platform reads."""
        return f"{self.name}.example.org"

    def values(self) -> dict[str, str]:
        """The template placeholders and their values."""
        return {
            "name": self.name,
            "snake": self.snake,
            "package": self.package,
            "distribution": self.distribution,
            "class_name": self.class_name,
            "host": self.host,
            "api_version": str(PLUGIN_API_VERSION),
            "core_version": ".".join(__version__.split(".")[:2]),
        }


def plugin_names(name: str) -> PluginNames:
    """The names of a new platform, after checking its name is kebab-case and usable."""
    if not NAME_PATTERN.fullmatch(name):
        raise ScaffoldError(
            f"{name!r} is not a valid platform name: write it in kebab-case, lower-case letters and "
            "digits in words joined by single hyphens, starting with a letter (e.g. town-hall, "
            "my-site-2)"
        )
    if len(name) > MAX_NAME_LENGTH:
        raise ScaffoldError(
            f"{name!r} is too long for a platform name (at most {MAX_NAME_LENGTH} characters)"
        )
    names = PluginNames(name)
    if keyword.iskeyword(names.snake):
        raise ScaffoldError(f"{name!r} is a Python keyword; choose another platform name")
    return names


def render(text: str, values: dict[str, str]) -> str:
    """A template with each `{{placeholder}}` replaced; an unknown placeholder is an error."""

    def value(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise ScaffoldError(f"scaffold template uses an unknown placeholder {{{{{key}}}}}")
        return values[key]

    return _PLACEHOLDER.sub(value, text)


def _templates(folder: Path) -> Iterator[tuple[Path, str]]:
    """Each template file under a folder: its output path (relative) and its text."""
    if not folder.is_dir():
        raise ScaffoldError(f"the scaffold templates are missing ({folder}); reinstall petition-aggregator")
    for path in sorted(folder.rglob(f"*{TEMPLATE_SUFFIX}")):
        relative = path.relative_to(folder)
        target = relative.with_name(relative.name.removesuffix(TEMPLATE_SUFFIX))
        target = target.with_name(RENAMED.get(target.name, target.name))
        yield target, path.read_text(encoding="utf-8")


def distribution_files(names: PluginNames) -> dict[Path, str]:
    """The files of a standalone distribution, by path relative to its root."""
    values = names.values()
    files = {path: render(text, values) for path, text in _templates(TEMPLATES / "distribution")}
    for path, text in _templates(TEMPLATES / "package"):
        files[Path(names.package) / path] = render(text, values)
    return files


def local_files(names: PluginNames) -> dict[Path, str]:
    """The files of a bare plugin folder for `plugins_dir`, by path relative to that folder."""
    values = names.values()
    return {
        Path(names.snake) / path: render(text, values) for path, text in _templates(TEMPLATES / "package")
    }


def write_files(root: Path, files: dict[Path, str]) -> list[Path]:
    """Write every file under `root`; refuse (writing nothing) when any of them exists already."""
    existing = [root / path for path in files if (root / path).exists()]
    if existing:
        shown = ", ".join(str(path) for path in existing[:5])
        more = f" and {len(existing) - 5} more" if len(existing) > 5 else ""
        raise ScaffoldError(
            f"refusing to overwrite existing files: {shown}{more}; choose another --dir or move them away"
        )
    written = []
    for path, text in sorted(files.items()):
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def _check_unused(names: PluginNames, plugins_dir: str | None) -> None:
    """Refuse a name already taken by a loaded platform (the core would refuse to start)."""
    try:
        registry = PlatformRegistry.from_plugins(make_plugin_manager(plugins_dir))
    except AggregatorError:
        return  # a broken install is reported by the commands that need the plugins
    for entry in registry.entries():
        if entry.platform.name == names.name:
            raise ScaffoldError(
                f"a platform named {names.name!r} is already loaded (plugin {entry.plugin!r}); "
                "platform names must be unique: choose another name"
            )


def new_distribution(name: str, directory: Path) -> list[Path]:
    """Write a pip-installable distribution for platform `name` into `directory`."""
    names = plugin_names(name)
    if directory.exists() and not directory.is_dir():
        raise ScaffoldError(f"{directory} exists and is not a folder")
    files = distribution_files(names)
    _check_unused(names, None)
    return write_files(directory, files)


def new_local(name: str, plugins_dir: str) -> list[Path]:
    """Write a bare plugin folder for platform `name` into the configured local plugins folder."""
    names = plugin_names(name)
    if not plugins_dir:
        raise ScaffoldError(
            "no local plugins folder is configured: set plugins_dir in the config (for example "
            'plugins_dir = "plugins" in petitions.toml), or write a distribution with --dir PATH'
        )
    folder = Path(plugins_dir)
    if folder.exists() and not folder.is_dir():
        raise ScaffoldError(f"plugins_dir {plugins_dir!r} is not a folder; fix the setting")
    for taken in (folder / names.snake, folder / f"{names.snake}.py"):
        if taken.exists():
            raise ScaffoldError(f"{taken} exists already; remove it or choose another platform name")
    _check_unused(names, plugins_dir if folder.is_dir() else None)
    return write_files(folder, local_files(names))


def _next_steps(names: PluginNames, root: Path, local: bool) -> str:
    if local:
        return (
            f"`petitions plugins` now lists {names.name}. Edit {root / names.snake / 'platform.py'} "
            f"(see the TODOs) and {root / names.snake / 'README.md'}; check a case with\n"
            f"  petitions parse {root / names.snake / 'cases' / 'open' / 'body.json'} "
            f"--url https://{names.host}/api/petitions/1001.json"
        )
    return (
        "Next:\n"
        f"  cd {root}\n"
        '  pip install -e ".[test]"\n'
        "  pytest\n"
        f"then edit {names.package}/platform.py (see the TODOs) and README.md."
    )


@click.command("new-platform")
@click.argument("name")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write a pip-installable distribution into this folder.",
)
@click.option("--local", is_flag=True, help="Write a bare plugin folder into the configured plugins_dir.")
@click.pass_context
def new_platform(ctx: click.Context, name: str, directory: Path | None, local: bool) -> None:
    """Write a new platform plugin NAME (kebab-case) that passes its own tests as generated."""
    if (directory is None) == (not local):
        raise click.UsageError("pass either --dir PATH (a distribution) or --local (a plugins_dir folder)")
    try:
        if local:
            plugins_dir = load_settings((ctx.obj or {}).get("config")).plugins_dir
            written = new_local(name, plugins_dir)
            root = Path(plugins_dir)
        else:
            assert directory is not None
            written = new_distribution(name, directory)
            root = directory
    except AggregatorError as exc:
        raise _Failed(str(exc)) from None
    names = PluginNames(name)
    where = root / names.snake if local else root
    click.echo(f"wrote platform {name!r} into {where} ({len(written)} files):")
    for path in written:
        click.echo(f"  {path}")
    click.echo(_next_steps(names, root, local))
