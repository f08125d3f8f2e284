"""The House of Commons of Canada e-petitions platform (ourcommons.ca), bundled."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import CanadaCommons

__all__ = ["CanadaCommons", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(CanadaCommons())
