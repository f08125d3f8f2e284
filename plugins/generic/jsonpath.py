"""A tiny, safe JSON path reader: `$.data.count`, `$.items[0].signatures`, `$["odd key"]` and nothing more."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_STEP = re.compile(r"""\.\s*([^.\[\]\s]+)|\[\s*(-?\d+)\s*\]|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]""")

Key = str | int


class PathError(ValueError):
    """A JSON path that cannot be read, or that leads nowhere in a document."""


@lru_cache(maxsize=256)
def parse_path(path: str) -> tuple[Key, ...]:
    """The keys and indexes of a path written `$.a.b[0].c` (the leading `$` or `$.` may be left out)."""
    text = path.strip()
    if text.startswith("$"):
        text = text[1:]
    elif text and not text.startswith((".", "[")):
        text = "." + text
    keys: list[Key] = []
    position = 0
    while position < len(text):
        found = _STEP.match(text, position)
        if found is None:
            raise PathError(
                f"cannot read the JSON path {path!r} at {text[position:]!r}: write it like $.data.count, "
                "$.items[0].count or $['a key']"
            )
        name, index, single, double = found.groups()
        if index is not None:
            keys.append(int(index))
        else:
            keys.append(next(k for k in (name, single, double) if k is not None))
        position = found.end()
    return tuple(keys)


def read_path(document: Any, path: str) -> Any:
    """The value at `path` in a decoded JSON document; `PathError` saying where the path stops."""
    value = document
    walked = "$"
    for key in parse_path(path):
        if isinstance(key, int):
            if not isinstance(value, list) or not -len(value) <= key < len(value):
                raise PathError(f"{walked} has no item [{key}]")
            value = value[key]
            walked += f"[{key}]"
        else:
            if not isinstance(value, dict) or key not in value:
                raise PathError(f"{walked} has no key {key!r}")
            value = value[key]
            walked += f".{key}"
    return value
