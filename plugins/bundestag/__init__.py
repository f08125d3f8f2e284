"""The German Bundestag e-petitions platform (epetitionen.bundestag.de), bundled."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import Bundestag

__all__ = ["Bundestag", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(Bundestag())
