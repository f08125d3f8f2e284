"""A named extractor of the config, as the core hands it to a configurable platform in the poll state."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from aggregator import LayoutChanged
from aggregator.config import COUNT_SOURCES, ExtractorSettings
from aggregator.records import EXTRACTOR_STATE

__all__ = ["COUNT_SOURCES", "Extractor", "compiled"]


@lru_cache(maxsize=256)
def compiled(pattern: str) -> re.Pattern[str]:
    """A regular expression of an extractor, compiled once (case-sensitive, as written)."""
    return re.compile(pattern)


class Extractor(ExtractorSettings):
    """The config's `ExtractorSettings` (validated the same way), with what the readers ask of it."""

    @classmethod
    def from_state(cls, state: Mapping[str, Any], platform: str) -> Extractor:
        """The definition kept under `state["extractor"]`; `LayoutChanged` saying what to configure
        when it is missing, meant for another platform, or unusable."""
        raw = state.get(EXTRACTOR_STATE)
        if not isinstance(raw, Mapping) or not raw:
            raise LayoutChanged(
                f"no extractor reached the {platform} platform: describe the site in the config as "
                f'[extractors.NAME] with platform = "{platform}", its hosts = [...] and '
                f"{_needs(platform)}, then follow the petition with it (`petitions add URL "
                "--extractor NAME`, or by one of those hosts)"
            )
        try:
            definition = cls.model_validate({"platform": platform, **raw})
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(k) for k in error['loc']) or 'extractor'}: "
                + error["msg"].removeprefix("Value error, ")
                for error in exc.errors()
            )
            raise LayoutChanged(f"the extractor cannot be used: {problems}") from None
        if definition.platform != platform:
            raise LayoutChanged(
                f"this petition's extractor is for platform {definition.platform!r}, not {platform!r}: "
                f"follow it again with an [extractors.NAME] whose platform is {platform!r}"
            )
        return definition

    def goal_is_count(self, kind: str) -> bool:
        """Whether `count_<kind>` and `goal_<kind>` are the same selector, pattern or path."""
        count = getattr(self, f"count_{kind}")
        return bool(count) and count == getattr(self, f"goal_{kind}")

    @property
    def count_source(self) -> str:
        """The key of the one configured count source (generic extractors)."""
        return next(key for key in COUNT_SOURCES if getattr(self, key))


def _needs(platform: str) -> str:
    if platform == "signature-list":
        return "rows_css (one element per signer)"
    return "one of count_css, count_regex, count_json or count_jsonld"
