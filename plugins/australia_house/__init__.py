"""The Australian House of Representatives e-petitions platform (aph.gov.au), bundled."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import AustraliaHouse

__all__ = ["AustraliaHouse", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(AustraliaHouse())
