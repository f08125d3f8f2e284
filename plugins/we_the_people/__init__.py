"""The US White House "We the People" petitions platform (defunct, archive only), bundled."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import WeThePeople

__all__ = ["WeThePeople"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(WeThePeople())
