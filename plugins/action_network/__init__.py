"""The bundled Action Network platform plugin: public petition pages and the OSDI API with a token."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import ActionNetwork

__all__ = ["ActionNetwork", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(ActionNetwork())
