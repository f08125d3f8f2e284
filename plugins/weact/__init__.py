"""The bundled WeAct (Campact) platform plugin: ControlShift JSON first, the petition page as fallback."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import WeAct

__all__ = ["WeAct", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(WeAct())
