"""The bundled Eko (ex-SumOfUs) platform plugin: action pages of both templates."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import Eko

__all__ = ["Eko", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(Eko())
