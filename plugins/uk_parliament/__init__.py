"""The UK Parliament petitions platform (petition.parliament.uk), bundled with petition-aggregator."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import UKParliament

__all__ = ["UKParliament"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(UKParliament())
