"""Following petitions: a URL becomes a stored petition; CSV and TOML lists are imported line by line."""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from .app import App
from .config import parse_duration
from .errors import AggregatorError, UnsupportedURL
from .platform import url_host
from .tables import Petition


@dataclass(frozen=True, slots=True)
class Entry:
    """One petition to follow, as written in a command line or an import file."""

    url: str
    tags: tuple[str, ...] = ()
    interval: timedelta | None = None
    where: str = ""
    extractor: str | None = None


@dataclass
class Followed:
    """What happened to one entry."""

    entry: Entry
    petition: Petition | None = None
    created: bool = False
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


def follow(app: App, entry: Entry, platform_name: str | None = None) -> Followed:
    """Add one petition (or update its tags and interval); errors are returned, not raised."""
    try:
        url = entry.url.strip()
        extractor = entry.extractor
        if extractor:
            app.settings.extractor_state(extractor)  # an unknown name is a clear error
            platform = app.registry.get(app.settings.extractors[extractor].platform)
        else:
            platform = app.registry.get(platform_name) if platform_name else app.registry.for_url(url)
        if platform.uses_extractors and not extractor:
            extractor = app.settings.extractor_for(url_host(url))
            if extractor is None:
                raise UnsupportedURL(
                    f"{platform.name} reads pages as a named extractor says: add [extractors.NAME] with "
                    f'hosts = ["{url_host(url)}"] to the config, or pass --extractor NAME'
                )
        external_id = platform.external_id(url)
        canonical = platform.canonical_url(external_id)
        if not platform.claims(url) and _bare_host(canonical) != _bare_host(url):
            raise UnsupportedURL(
                f"{platform.name} builds its URLs on {url_host(canonical)}, so it cannot follow pages "
                f"on {url_host(url)}; map a host only to a platform that runs on many sites"
            )
        outcome = Followed(entry)
        if entry.interval is not None and entry.interval < platform.min_interval:
            outcome.warnings.append(
                f"interval {entry.interval} is below {platform.name}'s minimum useful interval "
                f"{platform.min_interval}; using {platform.min_interval}"
            )
        outcome.petition, outcome.created = app.store.add_petition(
            platform=platform.name,
            external_id=external_id,
            url=canonical,
            now=app.clock.now(),
            tags=entry.tags,
            interval=entry.interval,
            extractor=extractor if platform.uses_extractors else None,
        )
        return outcome
    except AggregatorError as exc:
        return Followed(entry, error=str(exc))


def _bare_host(url: str) -> str:
    return url_host(url).removeprefix("www.")


def read_entries(path: Path) -> Iterable[Entry | Followed]:
    """Entries of a CSV (`url,tags,interval`, tags separated by `;`) or TOML (`[[petition]]`) file.

    A bad line yields a `Followed` carrying its error, so the good lines can still be imported."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AggregatorError(f"{path}: cannot read the import file: {exc}") from None
    if path.suffix.lower() == ".toml":
        yield from _toml_entries(path, text)
    elif path.suffix.lower() == ".csv":
        yield from _csv_entries(path, text)
    else:
        raise AggregatorError(f"{path}: import files must end in .csv or .toml")


def _csv_entries(path: Path, text: str) -> Iterable[Entry | Followed]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "url" not in [f.strip().lower() for f in reader.fieldnames]:
        raise AggregatorError(f"{path}: the first line must be the header url,tags,interval")
    for row in reader:
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        where = f"{path}:{reader.line_num}"
        yield _entry(
            where,
            row.get("url", ""),
            row.get("tags", "").split(";"),
            row.get("interval", ""),
            row.get("extractor"),
        )


def _toml_entries(path: Path, text: str) -> Iterable[Entry | Followed]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AggregatorError(f"{path}: not valid TOML: {exc}") from None
    tables = data.get("petition", [])
    if not isinstance(tables, list):
        raise AggregatorError(f"{path}: write each petition as a [[petition]] table")
    for number, table in enumerate(tables, start=1):
        where = f"{path}: [[petition]] #{number}"
        if not isinstance(table, dict):
            yield Followed(Entry("", where=where), error=f"{where}: not a table")
            continue
        tags = table.get("tags", [])
        yield _entry(
            where,
            str(table.get("url", "")),
            tags if isinstance(tags, list) else [str(tags)],
            str(table.get("interval", "")),
            str(table["extractor"]) if table.get("extractor") else None,
        )


def _entry(where: str, url: str, tags: list[str], interval: str, extractor: str | None) -> Entry | Followed:
    entry = Entry(
        url=url,
        tags=tuple(t.strip() for t in tags if str(t).strip()),
        where=where,
        extractor=extractor or None,
    )
    if not url:
        return Followed(entry, error=f"{where}: no url")
    if interval:
        try:
            entry = replace(entry, interval=parse_duration(interval))
        except ValueError as exc:
            return Followed(entry, error=f"{where}: {exc}")
    return entry


def import_file(app: App, path: Path) -> list[Followed]:
    """Follow every petition in an import file; idempotent (existing petitions are updated)."""
    results = []
    for item in read_entries(path):
        if isinstance(item, Followed):
            results.append(item)
            continue
        outcome = follow(app, item)
        if outcome.error:
            outcome.error = f"{item.where}: {outcome.error}"
        results.append(outcome)
    return results


def resolve(app: App, reference: str) -> Petition:
    """A followed petition from its id or any of its URLs."""
    if reference.strip().isdigit():
        found = app.store.find(int(reference))
    else:
        platform = app.registry.for_url(reference)
        found = app.store.find(platform=platform.name, external_id=platform.external_id(reference))
    if found is None:
        raise UnsupportedURL(f"no followed petition matches {reference!r}; `petitions list` shows them")
    return found
