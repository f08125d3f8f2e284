"""Supporter counts from the many ways sites write numbers: separators, NBSP, K/M suffixes."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .errors import LayoutChanged

_SEPARATORS = "., '\u00a0\u202f\u2009\u2007"
_NUMBER = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:[" + re.escape(_SEPARATORS) + r"]\d{3})+|\d+)(?:[.,](\d+))?"
    r"\s*([kKmM]|mio\.?|million|thousand|tsd\.?)?(?![\w])"
)
_SCALES = {
    "k": 1_000,
    "thousand": 1_000,
    "tsd": 1_000,
    "m": 1_000_000,
    "mio": 1_000_000,
    "million": 1_000_000,
}


@dataclass(frozen=True, slots=True)
class Count:
    """An integer count and whether it was written in a rounded form such as `12K`."""

    value: int
    approximate: bool = False


def parse_count(raw: int | float | str) -> Count:
    """Read one supporter count. Raises `LayoutChanged` when the text holds no count.

    Groups of exactly three digits after `.`, `,`, space, NBSP or apostrophe are thousands
    (`3,713`, `470.240`, `36 967 717`); `12K` and `1,2 k` are approximate.
    """
    if isinstance(raw, bool):
        raise LayoutChanged(f"expected a count, got the boolean {raw!r}")
    if isinstance(raw, int):
        if raw < 0:
            raise LayoutChanged(f"a count cannot be negative: {raw}")
        return Count(raw)
    if isinstance(raw, float):
        if raw < 0 or raw != raw or not raw.is_integer():
            raise LayoutChanged(f"a count must be a whole number, got {raw!r}")
        return Count(int(raw))
    text = html.unescape(str(raw)).strip()
    match = _NUMBER.search(text)
    if match is None:
        raise LayoutChanged(f"no number in {text[:80]!r}")
    whole, fraction, suffix = match.groups()
    digits = re.sub("[" + re.escape(_SEPARATORS) + "]", "", whole)
    if suffix:
        scale = _SCALES[suffix.lower().rstrip(".")]
        value = float(f"{digits}.{fraction or 0}") * scale
        return Count(round(value), approximate=True)
    if fraction is None:
        return Count(int(digits))
    if len(fraction) == 3 and (len(whole) <= 3 or digits != whole):
        return Count(int(digits + fraction))
    if set(fraction) == {"0"}:
        return Count(int(digits))
    raise LayoutChanged(f"a count must be a whole number, got {match.group(0)!r}")
