"""One poll from top to bottom: plan, fetch, parse (following steps), normalize, classify, store."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

from .app import App
from .errors import AggregatorError, LayoutChanged
from .health import SITE_DOWN_WINDOW, Verdict, classify, escalate, next_check_at
from .normalize import normalize
from .platform import parse_safely, url_host
from .records import EXTRACTOR_STATE, ParseResult, Step
from .store import FetchMemory, PollRecord, PollTask
from .vocabulary import Health

log = logging.getLogger(__name__)

#: requests one poll may make (a page, then a count endpoint, then list pages...)
MAX_STEPS = 30


async def poll(app: App, task: PollTask) -> PollRecord:
    """Poll one petition and return what to store. Never raises for a site's misbehaviour."""
    platform = app.registry.get(task.platform)
    now = app.clock.now()
    started = app.clock.monotonic()
    interval = app.interval(platform, task.interval)
    state: dict[str, Any] = dict(task.state)
    merged = ParseResult()
    memory: FetchMemory | None = None
    http_status: int | None = None
    attempts = 0
    unchanged = False
    parsed = 0
    step = Step(task.url)
    try:
        state.update(app.settings.extractor_state(task.extractor))
        step = platform.plan(task.external_id, state)
        for _ in range(MAX_STEPS):
            known = task.validators
            conditional = known.url == step.url and known.parser_version == platform.parser_version
            fetched = await app.fetcher.get(
                step,
                platform=platform,
                external_id=task.external_id,
                state=state,
                validators=known if conditional else None,
            )
            attempts += fetched.attempts
            http_status = fetched.record.status
            if fetched.unchanged and conditional:
                # what earlier steps of this poll read (a status on the page) still counts; the
                # unchanged last step keeps its values from the previous observation
                unchanged = parsed == 0
                memory = replace(
                    known, etag=fetched.validators.etag, last_modified=fetched.validators.last_modified
                )
                break
            result = parse_safely(platform, replace(fetched.record, state=dict(state)))
            parsed += 1
            merged = result.merged_over(merged)
            state.update(result.state or {})
            if result.next_step is None:
                v = fetched.validators
                memory = FetchMemory(step.url, v.etag, v.last_modified, v.body_hash, platform.parser_version)
                break
            step = result.next_step
        else:
            raise LayoutChanged(f"the poll needed more than {MAX_STEPS} requests; the plugin may be looping")
        normalized = None if unchanged else normalize(merged, task.previous, platform.timezone)
        verdict = Verdict(Health.OK)
        if normalized is not None and normalized.gone:
            verdict = Verdict(Health.GONE, f"the site answered {http_status} for {step.url}")
            if task.health != Health.GONE:
                # One 404 is not proof (a hiccup, a moderation step): only a repeat marks it removed.
                verdict = Verdict(Health.GONE, f"{verdict.reason}; marked removed if the next poll agrees")
                return _failed(app, task, now, started, interval, verdict, step.url, http_status, attempts)
        return PollRecord(
            task=task,
            at=now,
            next_check_at=next_check_at(now, interval, verdict, 0, app.settings.fetch),
            health=verdict.health,
            health_reason=verdict.reason,
            url=step.url,
            http_status=http_status,
            duration_ms=_elapsed_ms(app, started),
            attempts=max(attempts, 1),
            normalized=normalized,
            unchanged=unchanged,
            parser_version=platform.parser_version,
            endpoint=step.url,
            validators=memory,
            state={k: v for k, v in state.items() if k != EXTRACTOR_STATE},
            breakdowns_due=_breakdowns_due(app, task, now),
        )
    except AggregatorError as exc:
        verdict = classify(exc)
        if verdict.health is Health.RETRYING:
            host = url_host(step.url)
            since = now - SITE_DOWN_WINDOW
            outcomes = await asyncio.to_thread(app.store.host_outcomes, host, since)
            verdict = escalate(verdict, [*outcomes, verdict.health.value])
        status = getattr(exc, "http_status", None) or http_status
        return _failed(app, task, now, started, interval, verdict, step.url, status, attempts)


def _failed(
    app: App,
    task: PollTask,
    now: Any,
    started: float,
    interval: timedelta,
    verdict: Verdict,
    url: str,
    http_status: int | None,
    attempts: int,
) -> PollRecord:
    failures = task.consecutive_failures + 1
    return PollRecord(
        task=task,
        at=now,
        next_check_at=next_check_at(now, interval, verdict, failures, app.settings.fetch),
        health=verdict.health,
        health_reason=verdict.reason,
        url=url,
        http_status=http_status,
        duration_ms=_elapsed_ms(app, started),
        attempts=max(attempts, 1),
    )


def _elapsed_ms(app: App, started: float) -> int:
    return int((app.clock.monotonic() - started) * 1000)


def _breakdowns_due(app: App, task: PollTask, now: Any) -> bool:
    last = task.last_breakdown_at
    return last is None or now - last >= app.settings.storage.breakdown_interval


async def poll_and_record(app: App, task: PollTask) -> PollRecord:
    """Poll one petition and store the result in one transaction."""
    record = await poll(app, task)
    await asyncio.to_thread(app.store.record, record, app.settings.storage.breakdown_interval)
    _log(task, record)
    return record


def _log(task: PollTask, record: PollRecord) -> None:
    """One line per poll at INFO; a warning when the tracking health changes."""
    where = f"#{task.petition_id} {task.platform} {task.external_id}"
    if record.health.value != task.health:
        level = logging.INFO if record.health is Health.OK else logging.WARNING
        log.log(
            level,
            "%s: health %s -> %s%s",
            where,
            task.health,
            record.health.value,
            f" ({record.health_reason})" if record.health_reason else "",
        )
    elif record.normalized is not None:
        log.info("%s: %s supporters, %s", where, record.normalized.supporters, record.normalized.status.value)
    else:
        log.info("%s: %s", where, "unchanged" if record.unchanged else record.health_reason)


async def poll_many(
    app: App, tasks: Sequence[PollTask], on_done: Callable[[PollRecord], None] | None = None
) -> list[PollRecord]:
    """Poll several petitions concurrently (bounded by `schedule.concurrency`), storing each as it
    finishes so that an interruption loses no finished poll."""
    limit = asyncio.Semaphore(app.settings.schedule.concurrency)

    async def one(task: PollTask) -> PollRecord:
        async with limit:
            record = await poll_and_record(app, task)
        if on_done is not None:
            on_done(record)
        return record

    return list(await asyncio.gather(*(one(task) for task in tasks)))
