"""Plugin loading (entry points and a local folder) and the registry of platforms they provide."""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import logging
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import pluggy

from . import hookspecs
from .errors import PluginError, UnsupportedURL
from .platform import PLUGIN_API_VERSION, Platform, url_host

ENTRY_POINT_GROUP = hookspecs.PROJECT
log = logging.getLogger(__name__)
LOCAL_PACKAGE = "petition_aggregator_local"


#: environment variables for debugging a broken install
TRACE_ENV = "PETITIONS_TRACE_HOOKS"
ONLY_ENV = "PETITIONS_PLUGINS_ONLY"
BLOCK_ENV = "PETITIONS_PLUGINS_BLOCK"


def _names(variable: str) -> set[str]:
    return {name.strip() for name in os.environ.get(variable, "").split(",") if name.strip()}


def make_plugin_manager(plugins_dir: str | Path | None = None) -> pluggy.PluginManager:
    """A plugin manager with every installed plugin and those in `plugins_dir`, hooks checked.

    `PETITIONS_PLUGINS_ONLY=a,b` loads only the named plugins, `PETITIONS_PLUGINS_BLOCK=a,b` skips
    them (entry-point names, or `local:NAME` for the local folder); `PETITIONS_TRACE_HOOKS=1` prints
    every hook call to stderr."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    only, blocked = _names(ONLY_ENV), _names(BLOCK_ENV)
    installed = {ep.name for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
    local = list(_local_plugin_modules(Path(plugins_dir))) if plugins_dir else []
    unknown = (only | blocked) - installed - {name for name, _ in local}
    if unknown:
        raise PluginError(
            f"{ONLY_ENV}/{BLOCK_ENV} name unknown plugins: {', '.join(sorted(unknown))}; "
            f"installed: {', '.join(sorted(installed))}"
        )
    for name in installed | {name for name, _ in local}:
        if name in blocked or (only and name not in only):
            pm.set_blocked(name)
    pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for name, module in local:
        if not pm.is_blocked(name):
            pm.register(module, name=name)
    if os.environ.get(TRACE_ENV):
        pm.trace.root.setwriter(lambda message: print(message, end="", file=sys.stderr))
        pm.enable_tracing()
    pm.check_pending()
    return pm


def _local_plugin_modules(folder: Path) -> Iterable[tuple[str, ModuleType]]:
    """Import every `*.py` file and package in a local plugins folder under a private namespace."""
    if not folder.is_dir():
        raise PluginError(f"plugins_dir {str(folder)!r} is not a folder; create it or fix the setting")
    for path in sorted(folder.iterdir()):
        if path.name.startswith(("_", ".")):
            continue
        if path.is_dir() and (path / "__init__.py").is_file():
            source = path / "__init__.py"
        elif path.suffix == ".py":
            source = path
        else:
            continue
        digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10]
        module_name = f"{LOCAL_PACKAGE}.{path.stem}_{digest}"
        module = sys.modules.get(module_name)
        if module is None:
            spec = importlib.util.spec_from_file_location(
                module_name, source, submodule_search_locations=[str(path)] if path.is_dir() else None
            )
            if spec is None or spec.loader is None:
                raise PluginError(f"cannot import local plugin {str(path)!r}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            try:
                spec.loader.exec_module(module)
            except Exception as exc:
                del sys.modules[module_name]
                raise PluginError(f"local plugin {str(path)!r} failed to import: {exc}") from exc
        yield f"local:{path.stem}", module


@dataclass(frozen=True, slots=True)
class RegisteredPlatform:
    """A platform and the plugin that registered it."""

    platform: Platform
    plugin: str


class PlatformRegistry:
    """The platforms by name, and which one claims a URL (config host map first)."""

    def __init__(self, host_map: Mapping[str, str] | None = None) -> None:
        self._by_name: dict[str, RegisteredPlatform] = {}
        self._host_map = {host.lower(): name for host, name in (host_map or {}).items()}

    @classmethod
    def from_plugins(
        cls, pm: pluggy.PluginManager, host_map: Mapping[str, str] | None = None
    ) -> PlatformRegistry:
        """Collect the platforms of every plugin, rejecting a name registered twice."""
        registry = cls(host_map)
        trace = pm.trace.root.get("hook")
        # each implementation is called on its own so that every platform is tied to its plugin
        for impl in pm.hook.register_platforms.get_hookimpls():
            trace(f"register_platforms [{impl.plugin_name}]")
            impl.function(register=lambda p, plugin=impl.plugin_name: registry.add(p, plugin))
        for host, name in registry._host_map.items():
            if name not in registry._by_name:
                raise PluginError(
                    f"the host map sends {host!r} to platform {name!r}, which no plugin provides; "
                    f"loaded platforms: {', '.join(registry.names()) or 'none'}"
                )
        return registry

    def add(self, platform: Platform, plugin: str = "direct") -> None:
        """Register one platform; a second platform with the same name is an error naming both."""
        if not isinstance(platform, Platform):
            raise PluginError(f"plugin {plugin!r} registered {platform!r}, which is not a Platform")
        name = getattr(platform, "name", "")
        if not name:
            raise PluginError(f"plugin {plugin!r} registered a platform without a name")
        if platform.api_version not in (None, PLUGIN_API_VERSION):
            raise PluginError(
                f"plugin {plugin!r} (platform {name!r}) was written for plugin API v{platform.api_version}, "
                f"but this petition-aggregator provides v{PLUGIN_API_VERSION}: install a release of the "
                f"plugin made for v{PLUGIN_API_VERSION}, or a petition-aggregator that provides "
                f"v{platform.api_version}"
            )
        if platform.api_version is None:
            log.warning(
                "plugin %r (platform %r) does not declare api_version; assuming v%d: add "
                "`api_version = %d` to the platform class",
                plugin,
                name,
                PLUGIN_API_VERSION,
                PLUGIN_API_VERSION,
            )
        existing = self._by_name.get(name)
        if existing is not None:
            raise PluginError(
                f"platform name {name!r} is registered by two plugins: {existing.plugin!r} and "
                f"{plugin!r}; uninstall one of them or rename its platform"
            )
        self._by_name[name] = RegisteredPlatform(platform, plugin)

    def names(self) -> list[str]:
        """The names of every registered platform, sorted."""
        return sorted(self._by_name)

    def entries(self) -> list[RegisteredPlatform]:
        """Every registered platform with its plugin, sorted by name."""
        return [self._by_name[name] for name in self.names()]

    def get(self, name: str) -> Platform:
        """The platform with this name, or an error listing the loaded ones."""
        try:
            return self._by_name[name].platform
        except KeyError:
            raise UnsupportedURL(
                f"no platform named {name!r} is loaded; loaded platforms: {', '.join(self.names())}"
            ) from None

    def for_url(self, url: str) -> Platform:
        """The platform that claims a URL, or an error naming the supported platforms."""
        if not url.lower().startswith(("http://", "https://")):
            raise UnsupportedURL(f"{url!r} is not an http(s) URL")
        mapped = self._host_map.get(url_host(url))
        if mapped:
            return self.get(mapped)
        for entry in self.entries():
            if entry.platform.claims(url):
                return entry.platform
        supported = ", ".join(
            f"{e.platform.name} ({', '.join(e.platform.hosts) or 'URL patterns'})" for e in self.entries()
        )
        raise UnsupportedURL(
            f"no platform recognises {url_host(url)!r} ({url}). Supported platforms: {supported}. "
            f"If the site runs the software of a supported platform, map its host in the config "
            f'([hosts] "{url_host(url)}" = "PLATFORM") or pass --platform PLATFORM; otherwise '
            f"install or write a platform plugin for it (see `petitions plugins`)."
        )


@lru_cache(maxsize=8)
def registry_for_worker(plugins_dir: str | None = None) -> PlatformRegistry:
    """A registry built once per process, so a worker process can load a platform by name."""
    return PlatformRegistry.from_plugins(make_plugin_manager(plugins_dir))


def platform_by_name(name: str, plugins_dir: str | None = None) -> Platform:
    """Load a platform by its name in any process (used by parse workers)."""
    return registry_for_worker(plugins_dir).get(name)
