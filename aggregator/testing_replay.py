"""Replaying recorded cases from a local server through the real fetcher and pipeline (kit and demo)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pluggy

from . import hookspecs
from .app import App
from .cases import RecordedCase
from .config import ExtractorSettings, FetchSettings, PlatformSettings, Settings
from .following import Entry, follow
from .localserver import LocalServer, Reply, Seen
from .pipeline import poll_and_record
from .platform import Platform, url_host
from .records import EXTRACTOR_STATE, ResponseRecord
from .store import PollRecord
from .tables import Observation
from .vocabulary import Health

#: the robots.txt `serve_case` answers on every host of a case unless told otherwise
ALLOW_ALL_ROBOTS = b"User-agent: *\nAllow: /\n"
#: recorded headers never replayed: the server sets its own length, encoding and validators
_DROPPED_HEADERS = frozenset(
    {"content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive", "etag"}
    | {"last-modified", "set-cookie", "location"}
)


def url_path(url: str) -> str:
    """The request target of a URL as a client sends it: the path (or `/`) and any query, no fragment."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


@dataclass
class ReplayedPage:
    """One recorded response served again. With a `base` count and a `step`, the count written in the
    body grows by `step` each server round (the demo's moving counts); the ETag follows the body."""

    record: ResponseRecord
    base: int | None
    step: int
    server_round: list[int]

    def body(self) -> bytes:
        if self.base is None or not self.step:
            return self.record.body
        count = self.base + self.step * self.server_round[0]
        text = self.record.body.decode("utf-8")
        for old, new in ((f"{self.base:,}", f"{count:,}"), (str(self.base), str(count))):
            text = re.sub(rf"(?<!\d)(?<!\d[.,]){re.escape(old)}(?!\d|[.,]\d)", new, text)
        return text.encode("utf-8")

    def reply(self, seen: Seen) -> Reply:
        body = self.body()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if seen.headers.get("if-none-match") == etag:
            return Reply(304, b"", {"ETag": etag})
        headers = {k: v for k, v in self.record.headers.items() if k.lower() not in _DROPPED_HEADERS}
        return Reply(self.record.status, body, {**headers, "ETag": etag})


def serve_case(
    server: LocalServer,
    case: RecordedCase,
    *,
    robots: bytes | None = ALLOW_ALL_ROBOTS,
    server_round: list[int] | None = None,
) -> dict[str, str]:
    """Route every response of `case` on `server` by virtual host and path, and return the
    `fetch.host_overrides` that send the case's hosts to the server.

    A record whose final URL differs from its URL is served as a 301 from the URL to the final URL.
    `robots` is answered as `/robots.txt` on each host (`None` leaves it unrouted: a 404, no rules).
    With `server_round` (a one-item list the caller advances), an open case's count grows each round.
    """
    base = case.expected.get("supporters")
    growing = server_round is not None and case.expected.get("status") == "open" and isinstance(base, int)
    rounds = server_round if server_round is not None else [0]
    hosts: set[str] = set()
    for record in case.records:
        step = max(7, (base or 0) // 300) if growing else 0
        page = ReplayedPage(record, base if growing else None, step, rounds)
        if record.final_url != record.url:
            moved = Reply(301, b"", {"Location": record.final_url})
            server.route(url_path(record.url), moved, host=url_host(record.url))
        server.route(url_path(record.final_url), page.reply, host=url_host(record.final_url))
        hosts |= {url_host(record.url), url_host(record.final_url)}
    if robots is not None:
        for host in hosts:
            server.route("/robots.txt", Reply(200, robots, {"Content-Type": "text/plain"}), host=host)
    return server.overrides(*sorted(hosts))


def _case_extractor(platform: Platform, case: RecordedCase) -> dict[str, Any] | None:
    """The named extractor a case of a configurable platform keeps in its state, if any."""
    extractor = (case.meta.get("state") or {}).get(EXTRACTOR_STATE)
    return dict(extractor) if platform.uses_extractors and isinstance(extractor, dict) else None


def poll_problem(platform: Platform, case: RecordedCase) -> str | None:
    """Why a poll of a freshly followed petition would not replay `case`, or None when it would:
    the case must start at the URL `platform.plan()` asks for and need no kept state (but the
    extractor of a configurable platform, which the replay puts in its config)."""
    first = case.records[0]
    extractor = _case_extractor(platform, case)
    kept = {
        k: v for k, v in (case.meta.get("state") or {}).items() if extractor is None or k != EXTRACTOR_STATE
    }
    if kept:
        return f"case {case.name!r} starts from kept state {kept!r}; a new petition has none"
    planned = platform.plan(first.external_id, {EXTRACTOR_STATE: extractor} if extractor else {}).url
    if planned != first.url:
        return f"case {case.name!r} does not start at plan()'s first request {planned} (parsed only)"
    return None


class _OnePlatform:
    """A plugin object registering one platform, so a replay loads nothing else."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    @hookspecs.hookimpl
    def register_platforms(self, register: Callable[[Platform], None]) -> None:
        register(self.platform)


def _plugin_manager(platform: Platform) -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(_OnePlatform(platform), name=f"testing:{platform.name}")
    pm.check_pending()
    return pm


@dataclass(frozen=True, slots=True)
class ReplayPoll:
    """What a replayed poll returned and the observation runs it left in the database."""

    record: PollRecord
    observations: list[Observation]


async def replay_poll(platform: Platform, case: RecordedCase, folder: Path) -> ReplayPoll:
    """Follow the case's petition in a new SQLite database in `folder` and poll it through the real
    fetcher and pipeline against a local server replaying the case (robots.txt allowing all, no
    spacing, no retries). A first "gone" answer is polled once more, as the scheduler would, since
    only a repeat marks a petition removed."""
    problem = poll_problem(platform, case)
    if problem:
        raise ValueError(f"cannot poll this case end to end: {problem}")
    external_id = case.records[-1].external_id
    database = Path(folder) / f"{case.name}.replay.db"
    for suffix in ("", "-wal", "-shm", "-journal"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    extractor = _case_extractor(platform, case)
    with LocalServer() as server:
        settings = Settings(
            database_url=f"sqlite:///{database}",
            contact="petition-aggregator testing kit (offline replay)",
            fetch=FetchSettings(host_overrides=serve_case(server, case), retries=0),
            platforms={platform.name: PlatformSettings(spacing=timedelta(0))},
            extractors={"case": ExtractorSettings(**extractor)} if extractor else {},
            source="testing kit settings",
        )
        app = App.open(settings, plugin_manager=_plugin_manager(platform))
        try:
            entry = Entry(
                platform.canonical_url(external_id), ("testing",), extractor="case" if extractor else None
            )
            followed = follow(app, entry, platform.name)
            if followed.petition is None or followed.petition.id is None:
                raise AssertionError(f"cannot follow {platform.canonical_url(external_id)}: {followed.error}")
            petition_id = followed.petition.id
            for _ in range(2):
                now = app.clock.now()
                app.store.mark_due([petition_id], now)
                tasks = app.store.claim_due(now, 1, settings.schedule.lease)
                record = await poll_and_record(app, tasks[0])
                if record.health is not Health.GONE or record.normalized is not None:
                    break
            return ReplayPoll(record, app.store.history(petition_id, 100))
        finally:
            await app.aclose()


async def poll_case(platform: Platform, case: RecordedCase, tmp_path: Path) -> PollRecord:
    """Poll `case` end to end (see `replay_poll`) and return the pipeline's `PollRecord`."""
    return (await replay_poll(platform, case, tmp_path)).record
