"""The bundled MoveOn platform plugin: petitions on sign.moveon.org (and legacy petitions.moveon.org)."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import MoveOn

__all__ = ["MoveOn", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(MoveOn())
