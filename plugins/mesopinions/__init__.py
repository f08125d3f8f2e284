"""The bundled Mesopinions platform plugin: French petition pages read from their visible counter."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import Mesopinions

__all__ = ["Mesopinions", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(Mesopinions())
