"""Recorded cases: saved responses with their metadata and expected results, replayed offline."""

from __future__ import annotations

import inspect
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import ParseError
from .normalize import Normalized, normalize
from .platform import Platform, parse_safely
from .records import ParseResult, ResponseRecord

CASES_FOLDER = "cases"


@dataclass(frozen=True, slots=True)
class RecordedCase:
    """One case folder: `meta.json`, the body file(s) it names, and `expected.json`."""

    name: str
    path: Path
    records: tuple[ResponseRecord, ...]
    expected: Mapping[str, Any]
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Replay:
    """The outcome of parsing a chain of responses: the merged result, or the error raised."""

    platform: Platform
    external_id: str
    result: ParseResult | None
    normalized: Normalized | None
    error: ParseError | None

    def as_json(self) -> dict[str, Any]:
        """The normalized result as plain JSON, with the platform, id and any follow-up step."""
        data: dict[str, Any] = {
            "platform": self.platform.name,
            "external_id": self.external_id,
            "parser_version": self.platform.parser_version,
        }
        if self.error is not None:
            data["error"] = type(self.error).__name__
            data["message"] = str(self.error)
            return data
        assert self.normalized is not None and self.result is not None
        data.update(self.normalized.as_json())
        next_step = self.result.next_step
        data["next_step"] = next_step.url if next_step else None
        return data


def cases_dir(platform: Platform) -> Path:
    """The `cases/` folder beside the module that defines the platform's class."""
    return Path(inspect.getfile(type(platform))).parent / CASES_FOLDER


def _record(
    meta: Mapping[str, Any], folder: Path, default_body: str, external_id: str, state: Mapping[str, Any]
) -> ResponseRecord:
    body_name = meta.get("body", default_body)
    return ResponseRecord(
        url=meta["url"],
        final_url=meta.get("final_url") or meta["url"],
        status=int(meta.get("status", 200)),
        headers={k.lower(): str(v) for k, v in (meta.get("headers") or {}).items()},
        body=(folder / body_name).read_bytes() if body_name else b"",
        external_id=external_id,
        state=state,
        purpose=meta.get("purpose", "page"),
    )


def load_case(folder: Path, platform: Platform) -> RecordedCase:
    """Read one case folder. The last response is described at the top of `meta.json`; earlier
    steps of a multi-request poll are listed, in order, under `steps`."""
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    external_id = platform.external_id(meta.get("petition_url") or meta["url"])
    state = meta.get("state") or {}
    bodies = sorted(p.name for p in folder.glob("body.*"))
    records = [_record(step, folder, "", external_id, state) for step in meta.get("steps", [])]
    records.append(_record(meta, folder, bodies[0] if bodies else "", external_id, state))
    return RecordedCase(folder.name, folder, tuple(records), expected, meta)


def load_cases(platform: Platform, folder: Path | None = None) -> list[RecordedCase]:
    """Every case of a platform, sorted by name."""
    root = folder or cases_dir(platform)
    if not root.is_dir():
        return []
    return [load_case(p, platform) for p in sorted(root.iterdir()) if (p / "meta.json").is_file()]


def replay(platform: Platform, records: Sequence[ResponseRecord], external_id: str) -> Replay:
    """Parse a chain of responses as one poll would, merging each step's result over the last."""
    merged = ParseResult()
    state: dict[str, Any] = dict(records[0].state) if records else {}
    try:
        for record in records:
            result = parse_safely(platform, replace(record, state=dict(state)))
            merged = result.merged_over(merged)
            state.update(result.state or {})
        return Replay(platform, external_id, merged, normalize(merged, zone=platform.timezone), None)
    except ParseError as exc:
        return Replay(platform, external_id, None, None, exc)


def check_case(platform: Platform, case: RecordedCase) -> list[str]:
    """The differences between a case's expected values and what the platform reads now."""
    got = replay(platform, case.records, case.records[-1].external_id).as_json()
    problems = []
    for key, want in case.expected.items():
        if got.get(key) != want:
            problems.append(f"{case.name}: {key}: expected {want!r}, got {got.get(key)!r}")
    return problems
