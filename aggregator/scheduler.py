"""The scheduler: a short APScheduler tick claims due petitions from the database and polls them."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Iterable
from datetime import UTC, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from .app import App
from .pipeline import poll_and_record
from .store import PollTask

log = logging.getLogger(__name__)

HOUSEKEEPING_EVERY = timedelta(hours=1)
#: share of a host's request budget the schedule may plan to use
BUDGET_SHARE = 0.8


class Scheduler:
    """Runs polls until asked to stop; finished polls are always stored before it exits."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.inflight: set[asyncio.Task[object]] = set()
        self.stopping = asyncio.Event()
        self._apscheduler = AsyncIOScheduler(timezone=UTC)

    async def tick(self) -> int:
        """Claim as many due petitions as there is room for and start polling them."""
        if self.stopping.is_set():
            return 0
        room = self.app.settings.schedule.concurrency - len(self.inflight)
        if room <= 0:
            return 0
        settings = self.app.settings.schedule
        tasks = await asyncio.to_thread(
            self.app.store.claim_due, self.app.clock.now(), min(room, settings.batch_size), settings.lease
        )
        for task in tasks:
            self._start(task)
        return len(tasks)

    def _start(self, task: PollTask) -> None:
        running = asyncio.create_task(self._poll(task), name=f"poll-{task.petition_id}")
        self.inflight.add(running)
        running.add_done_callback(self.inflight.discard)

    async def _poll(self, task: PollTask) -> None:
        try:
            await poll_and_record(self.app, task)
        except Exception:
            # The claim's lease brings the petition back later; the scheduler keeps going.
            log.exception("poll of petition %s failed unexpectedly; it will be retried", task.petition_id)

    async def housekeeping(self) -> None:
        """Prune the fetch log and stretch intervals where hosts are over their budget."""
        now = self.app.clock.now()
        cutoff = now - timedelta(days=self.app.settings.storage.fetch_log_days)
        pruned = await asyncio.to_thread(self.app.store.prune_fetch_log, cutoff)
        if pruned:
            log.info("pruned %d fetch log rows older than %s", pruned, cutoff.date())
        for platform, factor in self.platform_load().items():
            self.app.stretch[platform] = factor

    def platform_load(self) -> dict[str, float]:
        """How much each platform's intervals must stretch to stay within its per-host budget."""
        factors: dict[str, float] = {}
        for name, intervals in self.app.store.active_intervals().items():
            platform = self.app.registry.get(name)
            budget = self.app.settings.politeness(platform)
            capacity = budget.concurrency / max(budget.spacing.total_seconds(), 0.001) * BUDGET_SHARE
            needed = sum(
                count
                / self.app.interval(
                    platform, timedelta(seconds=s) if s else None, stretched=False
                ).total_seconds()
                for s, count in intervals
            )
            factor = max(1.0, needed / capacity)
            if factor > 1.0:
                log.warning(
                    "%s: %d petitions need %.2f requests/s but the per-host budget allows %.2f; "
                    "stretching their intervals x%.1f (lower their number or raise the budget in the config)",
                    name,
                    sum(c for _, c in intervals),
                    needed,
                    capacity,
                    factor,
                )
            factors[name] = factor
        return factors

    async def run(self, install_signals: bool = True) -> None:
        """Tick until SIGINT/SIGTERM (or `stop()`), then finish in-flight polls and exit."""
        loop = asyncio.get_running_loop()
        if install_signals:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, self.stop)
        settings = self.app.settings.schedule
        await self.housekeeping()
        self._apscheduler.add_job(
            self.tick,
            "interval",
            seconds=settings.tick.total_seconds(),
            max_instances=1,
            coalesce=True,
            next_run_time=self.app.clock.now(),
            id="tick",
        )
        self._apscheduler.add_job(
            self.housekeeping,
            "interval",
            seconds=HOUSEKEEPING_EVERY.total_seconds(),
            max_instances=1,
            coalesce=True,
            id="housekeeping",
        )
        self._apscheduler.start()
        log.info(
            "scheduler started: tick every %s, up to %d polls at once", settings.tick, settings.concurrency
        )
        try:
            await self.stopping.wait()
        finally:
            self._apscheduler.shutdown(wait=False)
            await self._drain(settings.shutdown_grace.total_seconds())
            if install_signals:
                for sig in (signal.SIGINT, signal.SIGTERM):
                    loop.remove_signal_handler(sig)

    def stop(self) -> None:
        """Stop claiming new work; in-flight polls finish and are stored."""
        if not self.stopping.is_set():
            log.info("stopping: finishing %d in-flight polls", len(self.inflight))
        self.stopping.set()

    async def _drain(self, grace: float) -> None:
        pending: Iterable[asyncio.Task[object]] = list(self.inflight)
        if not pending:
            return
        _, unfinished = await asyncio.wait(pending, timeout=grace)
        for task in unfinished:
            task.cancel()
        if unfinished:
            log.warning(
                "%d polls did not finish within %.0fs and were abandoned; their petitions are polled "
                "again when their claim expires",
                len(unfinished),
                grace,
            )
            await asyncio.gather(*unfinished, return_exceptions=True)
