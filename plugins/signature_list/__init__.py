"""The bundled signature-list platform plugin: paged lists of signers counted row by row."""

from __future__ import annotations

from collections.abc import Callable

from aggregator import Platform, hookimpl

from .platform import SignatureList

__all__ = ["SignatureList", "register_platforms"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(SignatureList())
