"""The Welsh Senedd petitions platform (petitions.senedd.wales, deisebau.senedd.cymru), bundled."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import Senedd

__all__ = ["Senedd", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(Senedd())
