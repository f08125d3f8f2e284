"""The Scottish Parliament petitions platform (petitions.parliament.scot), bundled."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import ScottishParliament

__all__ = ["ScottishParliament", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(ScottishParliament())
