"""The European Citizens' Initiative platform (register.eci.ec.europa.eu), bundled with the aggregator."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .discovery import discovery_step, parse_listing
from .platform import ECI

__all__ = ["ECI", "discovery_step", "parse_listing"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(ECI())
