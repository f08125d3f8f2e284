"""The bundled ControlShift platform plugin: 38 Degrees and other ControlShift hosts mapped in the config."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import ControlShift

__all__ = ["ControlShift", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(ControlShift())
