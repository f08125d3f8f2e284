"""A named extractor of the config, as the core hands it to a configurable platform in the poll state."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from aggregator import LayoutChanged, Status
from aggregator.records import EXTRACTOR_STATE

#: the keys that name where the count is, in the order they are described in the README
COUNT_SOURCES = ("count_css", "count_regex", "count_json", "count_jsonld")
_TEXT_KEYS = (
    *("count_css", "count_regex", "count_json", "title_css", "status_css", "status_regex"),
    *("goal_css", "goal_regex", "goal_json", "rows_css", "next_css"),
)


@lru_cache(maxsize=256)
def compiled(pattern: str) -> re.Pattern[str]:
    """A regular expression of an extractor, compiled once (case-sensitive, as written)."""
    return re.compile(pattern)


@dataclass(frozen=True, slots=True)
class Extractor:
    """The fields of `[extractors.NAME]` (see aggregator/config.py `ExtractorSettings`)."""

    platform: str = "generic"
    count_css: str | None = None
    count_regex: str | None = None
    count_json: str | None = None
    count_jsonld: bool = False
    title_css: str | None = None
    status_css: str | None = None
    status_regex: str | None = None
    status_map: Mapping[str, str] = field(default_factory=dict)
    goal_css: str | None = None
    goal_regex: str | None = None
    goal_json: str | None = None
    rows_css: str | None = None
    next_css: str | None = None
    page_param: str = "page"
    first_page: int = 0
    max_pages: int = 200

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
        definition = cls._read({"platform": platform, **raw})
        if definition.platform != platform:
            raise LayoutChanged(
                f"this petition's extractor is for platform {definition.platform!r}, not {platform!r}: "
                f"follow it again with an [extractors.NAME] whose platform is {platform!r}"
            )
        definition.check()
        return definition

    @classmethod
    def _read(cls, raw: Mapping[str, Any]) -> Extractor:
        values: dict[str, Any] = {}
        for key in _TEXT_KEYS:
            value = raw.get(key)
            if value is not None and not isinstance(value, str):
                raise LayoutChanged(f"extractor setting {key} must be text, not {value!r}")
            values[key] = value or None
        status_map = raw.get("status_map") or {}
        if not isinstance(status_map, Mapping):
            raise LayoutChanged(f"extractor setting status_map must be a table, not {status_map!r}")
        for number, least, default in (("first_page", 0, 0), ("max_pages", 1, 200)):
            value = raw.get(number, default)
            if not isinstance(value, int) or isinstance(value, bool) or value < least:
                raise LayoutChanged(
                    f"extractor setting {number} must be a whole number >= {least}, not {value!r}"
                )
            values[number] = value
        return cls(
            platform=str(raw.get("platform") or "generic"),
            count_jsonld=bool(raw.get("count_jsonld")),
            status_map={str(k): str(v) for k, v in status_map.items()},
            page_param=str(raw.get("page_param") or "page"),
            **values,
        )

    def check(self) -> None:
        """Refuse a definition this platform cannot read with (the config validates the same)."""
        for key in ("count_regex", "status_regex", "goal_regex"):
            pattern = getattr(self, key)
            if pattern is not None:
                try:
                    compiled(pattern)
                except re.error as exc:
                    raise LayoutChanged(
                        f"extractor setting {key} is not a valid regular expression: {exc}"
                    ) from None
        allowed = {status.value for status in Status}
        for word, status in self.status_map.items():
            if status not in allowed:
                raise LayoutChanged(
                    f"status_map[{word!r}] = {status!r} is not a status; use one of {', '.join(allowed)}"
                )
        if self.platform == "signature-list":
            if not self.rows_css:
                raise LayoutChanged("a signature-list extractor needs rows_css (one element per signer)")
            return
        given = [key for key in COUNT_SOURCES if getattr(self, key)]
        if len(given) != 1:
            raise LayoutChanged(
                f"a generic extractor needs exactly one of {', '.join(COUNT_SOURCES)} "
                f"(got {', '.join(given) or 'none'})"
            )

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
