"""The platform contract: what a plugin declares and the two pure methods the core calls."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

from .errors import LayoutChanged, ParseError, UnsupportedURL
from .records import DataSource, Listing, ParseResult, ResponseRecord, Step

#: the version of the plugin contract (this module, records, hooks) that this release provides;
#: raised when a change would break existing plugins
PLUGIN_API_VERSION = 1


@dataclass(frozen=True, slots=True)
class Politeness:
    """A platform's request budget per host: parallel requests and the minimum gap between them."""

    concurrency: int = 1
    spacing: timedelta = timedelta(seconds=2)


def url_host(url: str) -> str:
    """The lower-cased host of a URL, without port or trailing dot."""
    return (urlsplit(url.strip()).hostname or "").rstrip(".").lower()


class Platform:
    """Base class of a petition platform. Subclasses set the class attributes and implement
    `external_id`, `canonical_url`, `plan` and `parse`. A platform never touches the network,
    the database or the clock: it says what to fetch and how to read it.
    """

    name: ClassVar[str]
    #: the plugin API version the platform was written for (`PLUGIN_API_VERSION`); checked at load
    api_version: ClassVar[int | None] = None
    hosts: ClassVar[tuple[str, ...]] = ()
    url_patterns: ClassVar[tuple[str, ...]] = ()
    parser_version: ClassVar[str] = "1"
    #: counts the platform itself treats as milestones, by outcome kind (UK: 10,000 response, ...)
    thresholds: ClassVar[Mapping[str, int]] = {}
    #: the zone the site writes naive local times in
    timezone: ClassVar[str] = "UTC"
    min_interval: ClassVar[timedelta] = timedelta(minutes=15)
    politeness: ClassVar[Politeness] = Politeness()
    data_sources: ClassVar[tuple[DataSource, ...]] = ()
    #: True for platforms that read pages as a named extractor of the config says (generic,
    #: signature-list): they claim the hosts listed in those extractors rather than their own
    uses_extractors: ClassVar[bool] = False
    #: states this platform cannot have, for the contract suite (e.g. "victory" for parliaments)
    states_not_applicable: ClassVar[tuple[str, ...]] = ()

    def claims(self, url: str) -> bool:
        """Whether this platform recognises the URL by its host or one of its patterns."""
        if url_host(url) in self.hosts:
            return True
        return any(re.search(pattern, url) for pattern in self.url_patterns)

    def external_id(self, url: str) -> str:
        """The canonical id of the petition behind a URL (tracking and share parts stripped).

        Raise `UnsupportedURL` with a helpful message when the URL is not a petition page.
        """
        raise NotImplementedError

    def canonical_url(self, external_id: str) -> str:
        """The one URL that stands for the petition, built from its external id."""
        raise NotImplementedError

    def plan(self, external_id: str, state: Mapping[str, Any]) -> Step:
        """The first request of a poll; `state` is what earlier parses asked the core to keep."""
        raise NotImplementedError

    def parse(self, response: ResponseRecord) -> ParseResult:
        """Read one response. Pure: no I/O, no clock. Raise `NotThisPlatform` or `LayoutChanged`."""
        raise NotImplementedError

    def discovery(self, query: Mapping[str, str]) -> Step:
        """The first list page for `petitions discover` (query: `state` and platform filters).

        Platforms without a list of petitions keep this default, which says so."""
        raise UnsupportedURL(f"{self.name} has no petition list to discover from")

    def parse_listing(self, response: ResponseRecord) -> Listing:
        """The petitions on one list page and the step to the next page. Pure, like `parse`."""
        raise UnsupportedURL(f"{self.name} has no petition list to discover from")

    def unsupported(self, url: str, expected: str) -> UnsupportedURL:
        """An error for a URL on this platform's host that is not a petition page."""
        return UnsupportedURL(f"{url!r} is not a {self.name} petition URL; expected {expected}")


def parse_safely(platform: Platform, response: ResponseRecord) -> ParseResult:
    """`platform.parse()`, with a plugin's own crash on an odd response reported as a changed layout."""
    try:
        return platform.parse(response)
    except ParseError:
        raise
    except Exception as exc:
        raise LayoutChanged(
            f"the {platform.name} plugin failed on the response from {response.final_url} "
            f"({type(exc).__name__}: {exc}); the site may have changed: report it to the plugin's authors"
        ) from exc
