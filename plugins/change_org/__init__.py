"""The bundled change.org platform plugin: petition pages read from their embedded state."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import ChangeOrg

__all__ = ["ChangeOrg", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(ChangeOrg())
