"""The bundled Care2 / ThePetitionSite platform plugin: the petition page and the signatures.php count."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import Care2

__all__ = ["Care2", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(Care2())
