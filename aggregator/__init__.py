"""petition-aggregator: follow petitions across platforms; this module is the public plugin API."""

from __future__ import annotations

from .counts import Count, parse_count
from .errors import (
    AggregatorError,
    ConfigError,
    FetchError,
    LayoutChanged,
    NotThisPlatform,
    ParseError,
    PluginError,
    UnsupportedURL,
)
from .hookspecs import hookimpl
from .platform import PLUGIN_API_VERSION, Platform, Politeness, url_host
from .records import (
    Breakdown,
    DataSource,
    ListedPetition,
    Listing,
    Outcome,
    ParseResult,
    ResponseRecord,
    Step,
)
from .times import parse_local, to_utc
from .vocabulary import Health, OutcomeKind, Status

__version__ = "0.1.0"

__all__ = [
    "PLUGIN_API_VERSION",
    "AggregatorError",
    "Breakdown",
    "ConfigError",
    "Count",
    "DataSource",
    "FetchError",
    "Health",
    "LayoutChanged",
    "ListedPetition",
    "Listing",
    "NotThisPlatform",
    "Outcome",
    "OutcomeKind",
    "ParseError",
    "ParseResult",
    "Platform",
    "PluginError",
    "Politeness",
    "ResponseRecord",
    "Status",
    "Step",
    "UnsupportedURL",
    "__version__",
    "hookimpl",
    "parse_count",
    "parse_local",
    "to_utc",
    "url_host",
]
