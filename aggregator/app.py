"""The application object: settings, clock, plugins, database and HTTP fetcher, built once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import pluggy

from . import __version__
from .clock import Clock, SystemClock
from .config import Settings
from .database import make_engine
from .errors import ConfigError
from .fetcher import Fetcher
from .platform import Platform
from .plugins import PlatformRegistry, make_plugin_manager
from .store import Store


@dataclass
class App:
    """Everything a command, the scheduler or the demo needs, wired together."""

    settings: Settings
    clock: Clock
    plugin_manager: pluggy.PluginManager
    registry: PlatformRegistry
    store: Store
    transport: httpx.AsyncBaseTransport | None = None
    #: per-platform interval multipliers set by the scheduler when a host is over its budget
    stretch: dict[str, float] = field(default_factory=dict)
    _fetcher: Fetcher | None = field(default=None, repr=False)

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        clock: Clock | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        plugin_manager: pluggy.PluginManager | None = None,
    ) -> App:
        """Load the plugins, open (and migrate) the database."""
        pm = plugin_manager or make_plugin_manager(settings.plugins_dir or None)
        registry = PlatformRegistry.from_plugins(pm, settings.host_map())
        unknown = sorted(set(settings.platforms) - set(registry.names()))
        if unknown:
            raise ConfigError(
                f"{settings.source}: [platforms.{unknown[0]}] names no loaded platform; "
                f"loaded platforms: {', '.join(registry.names())}"
            )
        for name, extractor in settings.extractors.items():
            if extractor.platform not in registry.names():
                raise ConfigError(
                    f"{settings.source}: [extractors.{name}] platform = {extractor.platform!r} is not "
                    "loaded; use generic or signature-list"
                )
        store = Store(make_engine(settings.database_url))
        return cls(settings, clock or SystemClock(), pm, registry, store, transport)

    @property
    def fetcher(self) -> Fetcher:
        """The one shared HTTP fetcher, created on first use inside the running event loop."""
        if self._fetcher is None:
            self._fetcher = Fetcher(self.settings, self.clock, __version__, transport=self.transport)
        return self._fetcher

    def interval(self, platform: Platform, requested: timedelta | None, stretched: bool = True) -> timedelta:
        """The polling interval: the petition's, else the platform's, else the default; never below
        the platform's minimum useful interval; stretched when the host is over its budget."""
        options = self.settings.platform(platform.name)
        chosen = requested or options.interval or self.settings.schedule.default_interval
        chosen = max(chosen, platform.min_interval)
        return chosen * self.stretch.get(platform.name, 1.0) if stretched else chosen

    def thresholds(self, platform_name: str) -> Mapping[str, int]:
        """A platform's own milestones (none for a platform no longer loaded)."""
        if platform_name not in self.registry.names():
            return {}
        return self.registry.get(platform_name).thresholds

    async def aclose(self) -> None:
        """Close the HTTP client and the database pool."""
        if self._fetcher is not None:
            await self._fetcher.aclose()
            self._fetcher = None
        self.store.engine.dispose()
