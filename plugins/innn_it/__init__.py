"""The bundled innn.it platform plugin: petition pages read from their `__NEXT_DATA__`."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import InnnIt

__all__ = ["InnnIt", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(InnnIt())
