"""The bundled CitizenGO platform plugin: petition pages keyed on their numeric node id."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import CitizenGo

__all__ = ["CitizenGo", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(CitizenGo())
