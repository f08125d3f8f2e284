"""Storage reads: petitions, tags, latest values, history, outcomes, fetch state and log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from .tables import FetchLog, FetchState, Observation, Outcome, Petition, PetitionTag


class StoreReads:
    """The read side of the store; each method runs in its own short session."""

    engine: sa.Engine

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @staticmethod
    def _latest_rows(session: Session, ids: Sequence[int | None]) -> dict[int, Observation]:
        newest = (
            select(Observation.petition_id, sa.func.max(Observation.id).label("id"))
            .where(col(Observation.petition_id).in_(ids))
            .group_by(col(Observation.petition_id))
            .subquery()
        )
        rows = session.exec(select(Observation).join(newest, col(Observation.id) == newest.c.id))
        return {row.petition_id: row for row in rows}

    def tags(self, petition_ids: Sequence[int]) -> dict[int, list[str]]:
        """The tags of several petitions."""
        found: dict[int, list[str]] = {pid: [] for pid in petition_ids}
        with self.session() as session:
            rows = session.exec(
                select(PetitionTag)
                .where(col(PetitionTag.petition_id).in_(petition_ids))
                .order_by(col(PetitionTag.tag))
            )
            for row in rows:
                found[row.petition_id].append(row.tag)
        return found

    def find(
        self, petition_id: int | None = None, *, platform: str = "", external_id: str = ""
    ) -> Petition | None:
        """One petition by id, or by platform and external id."""
        with self.session() as session:
            if petition_id is not None:
                return session.get(Petition, petition_id)
            return session.exec(
                select(Petition).where(Petition.platform == platform, Petition.external_id == external_id)
            ).first()

    def petitions(self, tag: str | None = None, include_archived: bool = False) -> list[Petition]:
        """Followed petitions, oldest first, optionally with a tag."""
        query = select(Petition).order_by(col(Petition.id))
        if tag:
            query = query.join(PetitionTag).where(PetitionTag.tag == tag)
        if not include_archived:
            query = query.where(col(Petition.archived).is_(False))
        with self.session() as session:
            return list(session.exec(query))

    def latest(self, petition_ids: Sequence[int]) -> dict[int, Observation]:
        """The newest observation of each petition."""
        with self.session() as session:
            return self._latest_rows(session, list(petition_ids))

    def fetch_states(self, petition_ids: Sequence[int]) -> dict[int, FetchState]:
        """The fetch state (health, failures, validators) of each petition."""
        with self.session() as session:
            rows = session.exec(select(FetchState).where(col(FetchState.petition_id).in_(petition_ids)))
            return {row.petition_id: row for row in rows}

    def history(self, petition_id: int, limit: int = 20) -> list[Observation]:
        """The newest observation runs of a petition, newest first."""
        with self.session() as session:
            return list(
                session.exec(
                    select(Observation)
                    .where(Observation.petition_id == petition_id)
                    .order_by(col(Observation.id).desc())
                    .limit(limit)
                )
            )

    def outcomes(self, petition_id: int) -> list[Outcome]:
        """A petition's outcomes in date order."""
        with self.session() as session:
            return list(
                session.exec(
                    select(Outcome)
                    .where(Outcome.petition_id == petition_id)
                    .order_by(col(Outcome.occurred_at))
                )
            )

    def fetch_log(self, petition_id: int, limit: int = 10) -> list[FetchLog]:
        """The newest poll attempts of a petition."""
        with self.session() as session:
            return list(
                session.exec(
                    select(FetchLog)
                    .where(FetchLog.petition_id == petition_id)
                    .order_by(col(FetchLog.id).desc())
                    .limit(limit)
                )
            )

    def host_outcomes(self, host: str, since: datetime) -> list[str]:
        """The outcomes of every poll of a host since a time (for site-wide outage detection)."""
        with self.session() as session:
            return list(
                session.exec(select(FetchLog.outcome).where(FetchLog.host == host, FetchLog.at >= since))
            )

    def active_intervals(self) -> dict[str, list[tuple[int | None, int]]]:
        """Per platform, how many active petitions use each interval (None: the default)."""
        query = (
            select(Petition.platform, Petition.interval_seconds, sa.func.count())
            .where(col(Petition.paused).is_(False), col(Petition.archived).is_(False))
            .group_by(col(Petition.platform), col(Petition.interval_seconds))
        )
        found: dict[str, list[tuple[int | None, int]]] = {}
        with self.session() as session:
            for platform, seconds, count in session.exec(query):
                found.setdefault(platform, []).append((seconds, count))
        return found
