"""Settings: TOML lookup, typed validation and errors that name the file, the line and the fix."""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from .errors import ConfigError
from .platform import Platform, Politeness
from .records import EXTRACTOR_STATE

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: Any) -> timedelta:
    """A duration written `30s`, `15m`, `1h` or `1d` (a bare number is seconds)."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return timedelta(seconds=value)
    match = _DURATION.match(str(value)) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"invalid duration {value!r}: write a number and a unit, e.g. 30s, 15m, 1h, 1d")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScheduleSettings(_Section):
    default_interval: Duration = timedelta(hours=1)
    tick: Duration = timedelta(seconds=15)
    batch_size: int = Field(200, ge=1)
    lease: Duration = timedelta(minutes=10)
    concurrency: int = Field(16, ge=1)
    shutdown_grace: Duration = timedelta(seconds=30)


class FetchSettings(_Section):
    connect_timeout: Duration = timedelta(seconds=10)
    read_timeout: Duration = timedelta(seconds=30)
    max_body_bytes: int = Field(10_000_000, ge=1024)
    max_redirects: int = Field(5, ge=0, le=20)
    jitter: float = Field(0.25, ge=0, le=1)
    retries: int = Field(2, ge=0, le=10)
    retry_backoff: Duration = timedelta(seconds=2)
    max_retry_after: Duration = timedelta(seconds=30)
    failure_backoff: Duration = timedelta(minutes=5)
    max_failure_backoff: Duration = timedelta(hours=12)
    respect_robots: bool = True
    robots_ttl: Duration = timedelta(days=1)
    allow_private_addresses: bool = False
    allowed_networks: list[str] = []
    host_overrides: dict[str, str] = {}

    def model_post_init(self, __context: Any) -> None:
        for network in self.allowed_networks:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError as exc:
                raise ValueError(f"allowed_networks: {exc}") from None
        for host, target in self.host_overrides.items():
            if not re.match(r"^[\w.\-\[\]:]+:\d+$", target):
                raise ValueError(f"host_overrides[{host!r}] = {target!r}: write HOST:PORT")


class StorageSettings(_Section):
    fetch_log_days: int = Field(30, ge=1)
    breakdown_interval: Duration = timedelta(days=1)


class WebSettings(_Section):
    """The dashboard and API server (`petitions serve`, and `petitions run` when `serve` is on)."""

    host: str = "127.0.0.1"
    port: int = Field(8765, ge=1, le=65535)
    #: serve the dashboard and API from `petitions run` as well
    serve: bool = True
    #: who may read: "public" (anyone who reaches the server) or "private" (signed-in users only)
    read: str = Field("public", pattern="^(public|private)$")
    #: an environment variable holding a token that may write (API clients: Authorization: Bearer)
    token_env: str = ""
    #: an environment variable holding the secret that signs session cookies (set it in production)
    secret_env: str = ""
    #: the address people use to reach the dashboard (links in emails), e.g. https://petitions.example.org
    public_url: str = ""


class CampaignSettings(_Section):
    """A tag declared as a campaign: the same ask on several platforms, summed as an upper bound."""

    title: str = ""
    description: str = ""


class GroupSettings(_Section):
    """A recipient group: the tags that select its petitions (none: all), its recipients and its time."""

    tags: list[str] = []
    recipients: list[str] = []
    time: str = Field("08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    timezone: str = "Europe/London"

    def model_post_init(self, __context: Any) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"timezone {self.timezone!r} is not a time zone name such as Europe/London"
            ) from None


class PlatformSettings(_Section):
    """Per-platform options; `concurrency` and `spacing` replace the platform's own per-host budget."""

    interval: Duration | None = None
    concurrency: int | None = Field(None, ge=1)
    spacing: Duration | None = None
    headers: dict[str, str] = {}
    #: secret request headers: header name -> the environment variable holding its value
    headers_env: dict[str, str] = {}

    def request_headers(self) -> dict[str, str]:
        """The opt-in headers, secret ones read from the environment now (never from the TOML)."""
        found = dict(self.headers)
        for header, variable in self.headers_env.items():
            value = os.environ.get(variable)
            if value is None:
                raise ConfigError(
                    f"header {header!r} is to be read from the environment variable {variable}, "
                    "which is not set: set it where the aggregator runs"
                )
            found[header] = value
        return found


COUNT_SOURCES = ("count_css", "count_regex", "count_json", "count_jsonld")
_STATUSES = ("pending", "open", "closed", "victory", "rejected", "removed", "unknown")


class ExtractorSettings(_Section):
    """A named description of where a page keeps its numbers, for the configurable platforms.

    `generic` reads one count with exactly one of `count_css`, `count_regex` (its first group),
    `count_json` (a JSON path such as `$.data.count`) or `count_jsonld` (schema.org
    InteractionCounter); `signature-list` counts the `rows_css` elements over pages."""

    platform: str = "generic"
    hosts: list[str] = []
    count_css: str | None = None
    count_regex: str | None = None
    count_json: str | None = None
    count_jsonld: bool = False
    title_css: str | None = None
    status_css: str | None = None
    status_regex: str | None = None
    status_map: dict[str, str] = {}
    goal_css: str | None = None
    goal_regex: str | None = None
    goal_json: str | None = None
    rows_css: str | None = None
    next_css: str | None = None
    page_param: str = "page"
    first_page: int = Field(0, ge=0)
    max_pages: int = Field(200, ge=1)

    def model_post_init(self, __context: Any) -> None:
        for name in ("count_regex", "status_regex", "goal_regex"):
            pattern = getattr(self, name)
            if pattern is not None:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(f"{name} is not a valid regular expression: {exc}") from None
        for word, status in self.status_map.items():
            if status not in _STATUSES:
                raise ValueError(f"status_map[{word!r}] = {status!r}: use one of {', '.join(_STATUSES)}")
        given = [name for name in COUNT_SOURCES if getattr(self, name)]
        if self.platform == "signature-list":
            if not self.rows_css:
                raise ValueError("a signature-list extractor needs rows_css (one element per signer)")
        elif len(given) != 1:
            raise ValueError(
                f"give exactly one of {', '.join(COUNT_SOURCES)} (got {', '.join(given) or 'none'})"
            )


class MailSettings(_Section):
    """The SMTP server that sends digests (`petitions digest --send`); password from the environment."""

    host: str = "localhost"
    port: int = Field(587, ge=1, le=65535)
    #: "starttls" (upgrade a plain connection, usually port 587), "ssl" (TLS from the start, usually 465)
    #: or "none" (no encryption: only for a relay on the same machine)
    security: str = Field("starttls", pattern="^(starttls|ssl|none)$")
    #: the login name; empty: do not authenticate
    username: str = ""
    #: the NAME of the environment variable holding the password (never the password itself)
    password_env: str = ""
    #: the From address, e.g. "Petition digest <digest@example.org>"
    sender: str = ""
    timeout: Duration = timedelta(seconds=30)


class Settings(_Section):
    database_url: str = "sqlite:///petitions.db"
    contact: str = ""
    plugins_dir: str = ""
    schedule: ScheduleSettings = ScheduleSettings()
    fetch: FetchSettings = FetchSettings()
    storage: StorageSettings = StorageSettings()
    hosts: dict[str, str] = {}
    platforms: dict[str, PlatformSettings] = {}
    extractors: dict[str, ExtractorSettings] = {}
    web: WebSettings = WebSettings()
    #: campaigns by tag name
    campaigns: dict[str, CampaignSettings] = {}
    #: digest recipient groups by name (none: one implicit group "all")
    groups: dict[str, GroupSettings] = {}
    mail: MailSettings = MailSettings()
    source: str = Field("built-in defaults", exclude=True)

    def user_agent(self, version: str) -> str:
        """The honest User-Agent: project, version, and the contact from the config."""
        contact = self.contact or "contact not configured"
        return f"petition-aggregator/{version} (+https://pypi.org/project/petition-aggregator/; {contact})"

    def platform(self, name: str) -> PlatformSettings:
        """The options of one platform, defaults when the config has none."""
        return self.platforms.get(name, PlatformSettings())

    def host_map(self) -> dict[str, str]:
        """Hosts sent to a platform: the `[hosts]` table and the hosts of every named extractor."""
        mapped = {host.lower(): ex.platform for ex in self.extractors.values() for host in ex.hosts}
        mapped.update({host.lower(): name for host, name in self.hosts.items()})
        return mapped

    def extractor_for(self, host: str) -> str | None:
        """The name of the extractor that lists a host, if any."""
        for name, extractor in self.extractors.items():
            if host.lower() in (h.lower() for h in extractor.hosts):
                return name
        return None

    def extractor_state(self, name: str | None) -> dict[str, Any]:
        """The state entry that hands a named extractor's current definition to its platform."""
        if name is None:
            return {}
        extractor = self.extractors.get(name)
        if extractor is None:
            defined = ", ".join(sorted(self.extractors)) or "none"
            raise ConfigError(f"{self.source}: no [extractors.{name}] section (defined: {defined})")
        return {EXTRACTOR_STATE: extractor.model_dump(mode="json")}

    def politeness(self, platform: Platform) -> Politeness:
        """A platform's per-host budget, with `concurrency` / `spacing` from its config section."""
        options = self.platform(platform.name)
        own = platform.politeness
        return Politeness(
            concurrency=options.concurrency or own.concurrency,
            spacing=own.spacing if options.spacing is None else options.spacing,
        )


def find_config(explicit: str | None) -> Path | None:
    """`--config PATH`, else `$PETITIONS_CONFIG`, else `./petitions.toml`, else none (defaults)."""
    if explicit:
        return Path(explicit)
    from_env = os.environ.get("PETITIONS_CONFIG")
    if from_env:
        return Path(from_env)
    local = Path("petitions.toml")
    return local if local.is_file() else None


def load_settings(explicit: str | None = None, **overrides: Any) -> Settings:
    """Read and validate the settings; errors name the file, the line and what to write instead."""
    path = find_config(explicit)
    data: dict[str, Any] = {}
    text = ""
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except FileNotFoundError:
            raise ConfigError(f"{path}: config file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the config file: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    data.update(overrides)
    try:
        return Settings(**data, source=str(path) if path else "built-in defaults")
    except ValidationError as exc:
        raise ConfigError(_describe(exc, path, text)) from None


def _describe(exc: ValidationError, path: Path | None, text: str) -> str:
    """One line per invalid setting: file, line (when found), dotted key and the message."""
    lines = []
    for error in exc.errors():
        keys = [str(k) for k in error["loc"]]
        where = f"{path or 'settings'}"
        line = _line_of(text, keys)
        if line:
            where += f", line {line}"
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown setting (misspelt? see config.example.toml for every setting)"
        lines.append(f"{where}: {'.'.join(keys)}: {message}")
    return "\n".join(lines)


def _line_of(text: str, keys: list[str]) -> int | None:
    """The line where the last key of a dotted path is written, searched after its table header."""
    if not text or not keys:
        return None
    start = 0
    lines = text.splitlines()
    if len(keys) > 1:
        header = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(re.escape(k) for k in keys[:-1]) + r"\s*\]")
        for number, content in enumerate(lines):
            if header.match(content):
                start = number
                break
    key = re.compile(r"^\s*[\"']?" + re.escape(keys[-1]) + r"[\"']?\s*=")
    for number in range(start, len(lines)):
        if key.match(lines[number]):
            return number + 1
    return None
