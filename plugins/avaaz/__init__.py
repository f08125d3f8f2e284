"""The bundled Avaaz platform plugin: community petitions and campaigns, counted by the stats JSON."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import Avaaz

__all__ = ["Avaaz", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(Avaaz())
