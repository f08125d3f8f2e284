"""The bundled GoPetition platform plugin: petition pages read from their visible counter."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import GoPetition

__all__ = ["GoPetition", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(GoPetition())
