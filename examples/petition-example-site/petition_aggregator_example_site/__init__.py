"""The imaginary petitions.example-site.org platform: an example external petition-aggregator plugin."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import ExampleSite

__all__ = ["ExampleSite"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(ExampleSite())
