"""Storage operations: add and find petitions, claim due ones, record polls as run-length series."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import EllipsisType
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from .normalize import Normalized, PreviousObservation
from .platform import url_host
from .store_reads import StoreReads
from .tables import Breakdown, FetchLog, FetchState, Observation, Outcome, Petition, PetitionTag
from .vocabulary import Health


@dataclass(frozen=True, slots=True)
class FetchMemory:
    """Conditional-GET memory for the URL that last answered a poll."""

    url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    parser_version: str | None = None


@dataclass(frozen=True, slots=True)
class PollTask:
    """A claimed petition: everything a poll needs, as plain picklable data."""

    petition_id: int
    platform: str
    external_id: str
    url: str
    state: dict[str, Any]
    extractor: str | None
    interval: timedelta | None
    previous: PreviousObservation | None
    validators: FetchMemory
    consecutive_failures: int
    health: str
    last_breakdown_at: datetime | None


@dataclass(frozen=True, slots=True)
class PollRecord:
    """What one poll produced, to be stored in a single transaction."""

    task: PollTask
    at: datetime
    next_check_at: datetime
    health: Health
    health_reason: str | None
    url: str
    http_status: int | None = None
    duration_ms: int = 0
    attempts: int = 1
    normalized: Normalized | None = None
    unchanged: bool = False
    parser_version: str | None = None
    endpoint: str | None = None
    validators: FetchMemory | None = None
    state: dict[str, Any] = field(default_factory=dict)
    breakdowns_due: bool = False

    @property
    def succeeded(self) -> bool:
        return self.normalized is not None or self.unchanged


def _key(row: Observation) -> tuple[Any, ...]:
    return (row.supporters, row.status, row.goal, row.parser_version)


class Store(StoreReads):
    """All reads and writes of the database, each in its own short transaction."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    # -- petitions -------------------------------------------------------------------------------

    def add_petition(
        self,
        *,
        platform: str,
        external_id: str,
        url: str,
        now: datetime,
        tags: Iterable[str] = (),
        interval: timedelta | None = None,
        extractor: str | None = None,
    ) -> tuple[Petition, bool]:
        """Add a petition, or update the tags and interval of the one already followed.

        Returns the petition and whether it was new (adding is idempotent)."""
        with self.session() as session:
            petition = session.exec(
                select(Petition).where(Petition.platform == platform, Petition.external_id == external_id)
            ).first()
            created = petition is None
            if petition is None:
                petition = Petition(
                    platform=platform, external_id=external_id, url=url, next_check_at=now, created_at=now
                )
                session.add(petition)
                session.flush()
            if interval is not None:
                petition.interval_seconds = int(interval.total_seconds())
            if extractor is not None:
                petition.extractor = extractor
            assert petition.id is not None
            existing = set(
                session.exec(select(PetitionTag.tag).where(PetitionTag.petition_id == petition.id))
            )
            for tag in sorted({t.strip() for t in tags if t.strip()} - existing):
                session.add(PetitionTag(petition_id=petition.id, tag=tag))
            session.commit()
            return petition, created

    def update_petition(
        self,
        petition_id: int,
        now: datetime,
        *,
        tags: Iterable[str] | None = None,
        interval: timedelta | EllipsisType | None = ...,
        paused: bool | None = None,
        archived: bool | None = None,
        check_by: datetime | None = None,
    ) -> Petition | None:
        """Change what the user manages on a petition (None or `...`: leave it). Resuming a paused or
        archived petition makes it due now; `check_by` brings the next check no later than that."""
        with self.session() as session:
            petition = session.get(Petition, petition_id)
            if petition is None:
                return None
            if interval is not ...:
                petition.interval_seconds = int(interval.total_seconds()) if interval else None
            for flag, value in (("paused", paused), ("archived", archived)):
                if value is not None:
                    if getattr(petition, flag) and not value:
                        petition.next_check_at = now
                    setattr(petition, flag, value)
            if check_by is not None:
                petition.next_check_at = min(petition.next_check_at, check_by)
            if tags is not None:
                wanted = {t.strip() for t in tags if t.strip()}
                session.execute(
                    sa.delete(PetitionTag).where(
                        col(PetitionTag.petition_id) == petition_id, col(PetitionTag.tag).not_in(wanted)
                    )
                )
                have = set(
                    session.exec(select(PetitionTag.tag).where(PetitionTag.petition_id == petition_id))
                )
                session.add_all(PetitionTag(petition_id=petition_id, tag=t) for t in sorted(wanted - have))
            session.add(petition)
            session.commit()
            return petition

    def mark_due(self, petition_ids: Sequence[int] | None, now: datetime) -> int:
        """Make petitions due now (all active ones when no ids are given)."""
        query = sa.update(Petition).values(next_check_at=now).where(col(Petition.archived).is_(False))
        if petition_ids is not None:
            query = query.where(col(Petition.id).in_(petition_ids))
        with self.engine.begin() as connection:
            return connection.execute(query).rowcount

    # -- scheduling ------------------------------------------------------------------------------

    def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[PollTask]:
        """Claim up to `limit` due petitions by moving their next check a lease ahead.

        One UPDATE ... RETURNING claims the rows atomically: SQLite takes its write lock for the
        statement, and on PostgreSQL the rows are picked with FOR UPDATE SKIP LOCKED, so several
        workers never claim the same petition. A crashed poll's petition is due again when the
        lease runs out."""
        due = (
            select(Petition.id)
            .where(
                Petition.next_check_at <= now,
                col(Petition.paused).is_(False),
                col(Petition.archived).is_(False),
            )
            .order_by(col(Petition.next_check_at))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claim = (
            sa.update(Petition)
            .where(col(Petition.id).in_(due.scalar_subquery()))
            .values(next_check_at=now + lease)
            .returning(col(Petition.id))
        )
        with self.session() as session:
            ids = list(session.execute(claim).scalars())
            if not ids:
                session.commit()
                return []
            petitions = list(
                session.exec(select(Petition).where(col(Petition.id).in_(ids)).order_by(col(Petition.id)))
            )
            tasks = self._tasks(session, petitions)
            session.commit()
            return tasks

    def _tasks(self, session: Session, petitions: list[Petition]) -> list[PollTask]:
        ids = [p.id for p in petitions]
        states = {
            s.petition_id: s
            for s in session.exec(select(FetchState).where(col(FetchState.petition_id).in_(ids)))
        }
        latest = self._latest_rows(session, ids)
        tasks = []
        for petition in petitions:
            assert petition.id is not None
            fetch = states.get(petition.id) or FetchState(petition_id=petition.id)
            last = latest.get(petition.id)
            tasks.append(
                PollTask(
                    petition_id=petition.id,
                    platform=petition.platform,
                    external_id=petition.external_id,
                    url=petition.url,
                    state=dict(petition.state or {}),
                    extractor=petition.extractor,
                    interval=timedelta(seconds=petition.interval_seconds)
                    if petition.interval_seconds
                    else None,
                    previous=PreviousObservation(last.supporters, last.status, last.goal, last.computed_goal)
                    if last
                    else None,
                    validators=FetchMemory(
                        fetch.validator_url,
                        fetch.etag,
                        fetch.last_modified,
                        fetch.body_hash,
                        fetch.parser_version,
                    ),
                    consecutive_failures=fetch.consecutive_failures,
                    health=fetch.health,
                    last_breakdown_at=petition.last_breakdown_at,
                )
            )
        return tasks

    # -- recording -------------------------------------------------------------------------------

    def record(self, poll: PollRecord, breakdown_interval: timedelta) -> None:
        """Store one poll atomically: series, outcomes, breakdowns, petition, fetch state and log."""
        task = poll.task
        with self.session() as session:
            petition = session.get(Petition, task.petition_id)
            if petition is None:
                return
            latest = self._latest_rows(session, [task.petition_id]).get(task.petition_id)
            if poll.normalized is not None:
                self._observe(session, petition, latest, poll)
            elif poll.unchanged and latest is not None:
                latest.last_seen_at = poll.at
                latest.polls += 1
            petition.state = poll.state if poll.succeeded else petition.state
            petition.next_check_at = poll.next_check_at
            self._fetch_state(session, poll)
            session.add(
                FetchLog(
                    petition_id=task.petition_id,
                    at=poll.at,
                    url=poll.url,
                    host=url_host(poll.url),
                    http_status=poll.http_status,
                    outcome="unchanged" if poll.unchanged else poll.health.value,
                    error=poll.health_reason if not poll.succeeded else None,
                    duration_ms=poll.duration_ms,
                    attempts=poll.attempts,
                )
            )
            session.commit()

    def _observe(
        self, session: Session, petition: Petition, latest: Observation | None, poll: PollRecord
    ) -> None:
        values = poll.normalized
        assert values is not None and petition.id is not None
        row = Observation(
            petition_id=petition.id,
            supporters=values.supporters,
            status=values.status.value,
            goal=values.goal,
            parser_version=poll.parser_version or "",
            first_seen_at=poll.at,
            last_seen_at=poll.at,
            method=values.method,
            endpoint=poll.endpoint,
            decreased=values.decreased,
            approximate=values.approximate,
            computed_goal=values.computed_goal,
        )
        if latest is not None and _key(latest) == _key(row):
            latest.last_seen_at = poll.at
            latest.polls += 1
        else:
            session.add(row)
        if values.title:
            petition.title = values.title
        petition.status = values.status.value
        known = {
            (o.kind, o.occurred_at)
            for o in session.exec(select(Outcome).where(Outcome.petition_id == petition.id))
        }
        for outcome in values.outcomes:
            if (outcome.kind, outcome.occurred_at) not in known:
                known.add((outcome.kind, outcome.occurred_at))
                session.add(
                    Outcome(
                        petition_id=petition.id,
                        kind=outcome.kind,
                        occurred_at=outcome.occurred_at,
                        recorded_at=poll.at,
                        source=poll.endpoint,
                        details=outcome.details,
                    )
                )
        if values.breakdowns and poll.breakdowns_due:
            petition.last_breakdown_at = poll.at
            session.add_all(
                Breakdown(
                    petition_id=petition.id,
                    observed_at=poll.at,
                    kind=b.kind,
                    key=b.key,
                    name=b.name,
                    count=b.count,
                )
                for b in values.breakdowns
            )

    @staticmethod
    def _fetch_state(session: Session, poll: PollRecord) -> None:
        state = session.get(FetchState, poll.task.petition_id) or FetchState(
            petition_id=poll.task.petition_id
        )
        state.last_attempt_at = poll.at
        state.health = poll.health.value
        state.health_reason = poll.health_reason
        if poll.succeeded:
            state.consecutive_failures = 0
            state.last_ok_at = poll.at
            state.backoff_until = None
            state.last_error = None
        else:
            state.consecutive_failures += 1
            state.backoff_until = poll.next_check_at
            state.last_error = poll.health_reason
        if poll.validators is not None:
            v = poll.validators
            state.validator_url, state.etag, state.last_modified = v.url, v.etag, v.last_modified
            state.body_hash, state.parser_version = v.body_hash, v.parser_version
        session.add(state)

    def prune_fetch_log(self, before: datetime) -> int:
        """Delete poll attempts older than the retention window."""
        with self.engine.begin() as connection:
            return connection.execute(sa.delete(FetchLog).where(col(FetchLog.at) < before)).rowcount
