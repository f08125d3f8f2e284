"""The bundled openPetition platform plugin (openpetition.de, .eu, .org): detail pages read as markup."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import OpenPetition

__all__ = ["OpenPetition", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(OpenPetition())
