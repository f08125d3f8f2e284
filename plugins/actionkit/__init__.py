"""The bundled ActionKit platform plugin: WeMove Europe, 350.org and other hosts mapped in the config."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import ActionKit

__all__ = ["ActionKit", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(ActionKit())
