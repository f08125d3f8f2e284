"""`petitions record URL`: fetch one petition politely and save it as a new recorded case to approve."""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from . import __version__
from .cases import Replay, cases_dir, replay
from .clock import Clock, SystemClock
from .config import Settings, load_settings
from .errors import AggregatorError, LayoutChanged, ParseError
from .fetcher import Fetcher
from .pipeline import MAX_STEPS
from .platform import Platform, parse_safely, url_host
from .plugins import PlatformRegistry, make_plugin_manager
from .records import EXTRACTOR_STATE, ResponseRecord

#: the only response headers saved with a case: no cookies, dates, server timings or request ids
KEPT_HEADERS = frozenset(
    {"content-type", "content-language", "cache-control", "etag", "last-modified", "location", "link"}
)
#: the keys of an approved `expected.json` (a refused page: `external_id` and `error`)
EXPECTED_KEYS = (
    *("external_id", "supporters", "status", "raw_status", "title"),
    *("goal", "closes_at", "outcomes", "flags"),
)
_CASE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True, slots=True)
class Recording:
    """A saved case folder and what the platform reads from it; `fetched` is False when an existing,
    not yet approved case was replayed for approval instead of fetched again."""

    folder: Path
    platform: Platform
    external_id: str
    petition_url: str
    replay: Replay
    fetched: bool = True


# -- small pure helpers -------------------------------------------------------------------------


def clean_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The response headers worth saving (lower-cased, allow-listed, sorted)."""
    kept = {key.lower(): value for key, value in headers.items() if key.lower() in KEPT_HEADERS}
    return dict(sorted(kept.items()))


def body_extension(content_type: str | None, body: bytes = b"") -> str:
    """`json`, `html`, `xml` or `txt`, from the content type (sniffed from the body when missing)."""
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    if kind in ("application/json", "text/json") or kind.endswith("+json"):
        return "json"
    if kind in ("text/html", "application/xhtml+xml"):
        return "html"
    if kind.endswith(("/xml", "+xml")):
        return "xml"
    if kind:
        return "txt"
    start = body.lstrip()[:5].lower()
    if start[:1] in (b"{", b"["):
        return "json"
    if start.startswith(b"<?xml"):
        return "xml"
    return "html" if start.startswith(b"<") else "txt"


def default_case_name(external_id: str, when: datetime) -> str:
    """A folder name: a slug of the external id and the UTC date, e.g. `712345-2026-06-15`."""
    slug = re.sub(r"[^a-z0-9]+", "-", external_id.lower()).strip("-")[:60].strip("-") or "case"
    return f"{slug}-{when.astimezone(UTC):%Y-%m-%d}"


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def expected_result(result: Replay) -> dict[str, Any]:
    """The approved values to write as `expected.json`: the shared keys, or the error for a refusal."""
    got = result.as_json()
    if result.error is not None:
        return {"external_id": result.external_id, "error": got["error"]}
    return {key: got.get(key) for key in EXPECTED_KEYS}


def resolve(registry: PlatformRegistry, url: str, platform_name: str | None) -> tuple[Platform, str]:
    """The platform (named, else claiming the URL) and the petition's external id."""
    platform = registry.get(platform_name) if platform_name else registry.for_url(url)
    return platform, platform.external_id(url)


def _petition_url(platform: Platform, external_id: str, url: str) -> str:
    """The canonical URL when it round-trips to the same id (no tracking parts saved), else the URL."""
    try:
        canonical = platform.canonical_url(external_id)
        if platform.external_id(canonical) == external_id:
            return canonical
    except (AggregatorError, NotImplementedError):
        pass
    return url


# -- fetching, saving, replaying ----------------------------------------------------------------


async def fetch_chain(
    fetcher: Fetcher, platform: Platform, external_id: str, state: Mapping[str, Any]
) -> list[ResponseRecord]:
    """Fetch the planned step and every `next_step` after it, as one poll would; headers cleaned.

    Each response is parsed with the headers that will be saved, so the chain followed here is the
    one a replay of the saved case follows. A parse error ends the chain: the case shows the refusal.
    """
    current: dict[str, Any] = dict(state)
    step = platform.plan(external_id, current)
    records: list[ResponseRecord] = []
    for _ in range(MAX_STEPS):
        fetched = await fetcher.get(
            step, platform=platform, external_id=external_id, state=current, validators=None
        )
        record = replace(fetched.record, headers=clean_headers(fetched.record.headers), state=dict(state))
        records.append(record)
        try:
            result = parse_safely(platform, replace(record, state=dict(current)))
        except ParseError:
            return records
        current.update(result.state or {})
        if result.next_step is None:
            return records
        step = result.next_step
    raise LayoutChanged(
        f"the {platform.name} plugin asked for more than {MAX_STEPS} requests for {external_id}; "
        "it may be looping"
    )


def _entry(record: ResponseRecord) -> dict[str, Any]:
    return {
        "url": record.url,
        "final_url": record.final_url,
        "status": record.status,
        "headers": dict(record.headers),
    }


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def save_case(
    folder: Path,
    records: Sequence[ResponseRecord],
    *,
    petition_url: str,
    fetched_at: datetime,
    state: Mapping[str, Any],
) -> None:
    """Write a new case folder: earlier steps as `step-N.<ext>`, the last response as `body.<ext>`,
    and `meta.json`. The folder must not exist; nothing is left behind when writing fails."""
    last = records[-1]
    meta: dict[str, Any] = _entry(last) | {"fetched_at": _iso(fetched_at), "purpose": last.purpose}
    if state:
        meta["state"] = dict(state)
    meta["petition_url"] = petition_url
    steps = []
    files: dict[str, bytes] = {}
    for number, record in enumerate(records[:-1], start=1):
        body = f"step-{number}.{body_extension(record.header('content-type'), record.body)}"
        files[body] = record.body
        steps.append(_entry(record) | {"purpose": record.purpose, "body": body})
    if steps:
        meta["steps"] = steps
    files[f"body.{body_extension(last.header('content-type'), last.body)}"] = last.body
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.mkdir()
    except FileExistsError:
        raise _exists(folder) from None
    except OSError as exc:
        raise AggregatorError(f"cannot create the case folder {folder}: {exc}") from None
    try:
        for name, body in files.items():
            (folder / name).write_bytes(body)
        _write_json(folder / "meta.json", meta)
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise AggregatorError(f"cannot write the case into {folder}: {exc}") from None


def replay_saved(folder: Path, platform: Platform, external_id: str) -> Replay:
    """Read a case folder's `meta.json` and bodies back from disk and parse them as one poll."""
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    state = meta.get("state") or {}
    bodies = sorted(p.name for p in folder.glob("body.*"))
    records = []
    for entry in [*meta.get("steps", []), meta]:
        body_name = entry.get("body") or (bodies[0] if entry is meta and bodies else "")
        records.append(
            ResponseRecord(
                url=entry["url"],
                final_url=entry.get("final_url") or entry["url"],
                status=int(entry.get("status", 200)),
                headers={k.lower(): str(v) for k, v in (entry.get("headers") or {}).items()},
                body=(folder / body_name).read_bytes() if body_name else b"",
                external_id=external_id,
                state=state,
                purpose=entry.get("purpose", "page"),
            )
        )
    return replay(platform, records, external_id)


def approve_case(recording: Recording) -> Path:
    """Write the replayed result as the case's `expected.json`."""
    path = recording.folder / "expected.json"
    try:
        _write_json(path, expected_result(recording.replay))
    except OSError as exc:
        raise AggregatorError(f"cannot write {path}: {exc}") from None
    return path


def _exists(folder: Path) -> AggregatorError:
    return AggregatorError(
        f"the case folder {folder} already exists; recorded cases are never overwritten: "
        "choose another --name, or delete the folder first"
    )


def _pending(folder: Path, platform: Platform, external_id: str) -> bool:
    """Whether a folder holds a saved, not yet approved case of this petition."""
    meta_path = folder / "meta.json"
    if not meta_path.is_file() or (folder / "expected.json").exists():
        return False
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        return bool(platform.external_id(meta.get("petition_url") or meta["url"]) == external_id)
    except (ValueError, KeyError, AggregatorError):
        return False


def record_case(
    url: str,
    settings: Settings,
    *,
    registry: PlatformRegistry | None = None,
    platform_name: str | None = None,
    name: str | None = None,
    cases_root: Path | None = None,
    approving: bool = False,
    clock: Clock | None = None,
    state: Mapping[str, Any] | None = None,
) -> Recording:
    """Fetch a petition through the real `Fetcher`, save it as a new case and replay the saved files.

    An existing case folder is never overwritten. With `approving`, an existing folder holding a
    not yet approved case of the same petition is replayed (nothing fetched) so it can be approved.
    """
    url = url.strip()
    if registry is None:
        registry = PlatformRegistry.from_plugins(
            make_plugin_manager(settings.plugins_dir or None), settings.host_map()
        )
    platform, external_id = resolve(registry, url, platform_name)
    petition_url = _petition_url(platform, external_id, url)
    clock = clock or SystemClock()
    started = clock.now()
    if name is not None and not _CASE_NAME.fullmatch(name):
        raise AggregatorError(
            f"--name {name!r} is not a plain folder name: use letters, digits, '.', '_' and '-'"
        )
    folder = (cases_root or cases_dir(platform)) / (name or default_case_name(external_id, started))
    if folder.exists():
        if approving and _pending(folder, platform, external_id):
            result = replay_saved(folder, platform, external_id)
            return Recording(folder, platform, external_id, petition_url, result, fetched=False)
        raise _exists(folder)
    initial = dict(state or {})
    if platform.uses_extractors and EXTRACTOR_STATE not in initial:
        # configurable platforms read pages as the named extractor for the host says
        initial.update(settings.extractor_state(settings.extractor_for(url_host(url))))

    async def fetch() -> list[ResponseRecord]:
        async with Fetcher(settings, clock, __version__) as fetcher:
            return await fetch_chain(fetcher, platform, external_id, initial)

    records = asyncio.run(fetch())
    save_case(folder, records, petition_url=petition_url, fetched_at=started, state=initial)
    result = replay_saved(folder, platform, external_id)
    return Recording(folder, platform, external_id, petition_url, result)


# -- the command ------------------------------------------------------------------------------


def _note(message: str) -> None:
    click.echo(message, err=True)


def _interactive() -> bool:
    """Whether to ask before approving: only when a person is at the terminal."""
    return sys.stdin.isatty()


def _approve_hint(
    recording: Recording,
    config: str | None,
    url: str,
    platform_name: str | None,
    name: str | None,
    cases_root: Path | None,
) -> str:
    command = ["petitions", *(["--config", config] if config else []), "record", url]
    if platform_name:
        command += ["--platform", platform_name]
    command += ["--name", name or recording.folder.name]
    if cases_root is not None:
        command += ["--cases-dir", str(cases_root)]
    command.append("--approve")
    return (
        "Not approved yet. Check the result above, then either run\n"
        f"  {shlex.join(command)}\n"
        "(it approves the saved responses without fetching again), or write "
        f"{recording.folder / 'expected.json'} by hand with the keys {', '.join(EXPECTED_KEYS)} "
        '(or {"external_id": ..., "error": ...} for a page the platform must refuse).'
    )


@click.command("record")
@click.argument("url")
@click.option("--platform", "platform_name", metavar="NAME", help="The platform (default: from the URL).")
@click.option("--name", metavar="CASE", help="The case folder name (default: the id and today's date).")
@click.option(
    "--cases-dir",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Where case folders go (default: the platform's own cases/ folder).",
)
@click.option("--approve", is_flag=True, help="Save the parse result as expected.json without asking.")
@click.pass_context
def record(
    ctx: click.Context,
    url: str,
    platform_name: str | None,
    name: str | None,
    cases_dir: Path | None,
    approve: bool,
) -> None:
    """Fetch a petition politely, save it as a new recorded case and print the parse result.

    Needs the internet. robots.txt, the honest User-Agent and the configured limits apply; cookies
    and volatile headers are not saved. A blocked or failed fetch saves nothing.
    """
    config = (ctx.obj or {}).get("config")
    try:
        settings = load_settings(config)
        recording = record_case(
            url, settings, platform_name=platform_name, name=name, cases_root=cases_dir, approving=approve
        )
    except AggregatorError as exc:
        _note(f"{click.style('error:', fg='red')} {exc}; nothing was saved")
        sys.exit(1)
    click.echo(json.dumps(recording.replay.as_json(), indent=2, ensure_ascii=False))
    if recording.fetched:
        _note(f"saved the case in {recording.folder}")
    else:
        _note(f"{recording.folder} was already recorded and not yet approved: replayed it, fetched nothing")
    if recording.replay.error is not None:
        _note(
            f"{click.style('warning:', fg='yellow')} {recording.platform.name} refuses this response "
            f"({recording.replay.error}); approve it only if the page must be refused"
        )
    if not approve and _interactive():
        approve = click.confirm("Save this as the expected result?", default=False, err=True)
    if approve:
        try:
            path = approve_case(recording)
        except AggregatorError as exc:
            _note(f"{click.style('error:', fg='red')} {exc}")
            sys.exit(1)
        _note(f"approved: wrote {path}")
    else:
        _note(_approve_hint(recording, config, url, platform_name, name, cases_dir))
