"""The bundled iPetitions platform plugin: petition pages read from their visible counter."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import IPetitions

__all__ = ["IPetitions", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(IPetitions())
