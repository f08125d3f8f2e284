"""The bundled generic platform plugin: any page read as a named extractor of the config says."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import Generic

__all__ = ["Generic", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(Generic())
