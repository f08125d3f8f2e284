"""Database tables (SQLModel): petitions, the run-length observation series, outcomes, fetch state."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite hands back naive values)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given to the database: use UTC-aware times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _time(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


def _json(**kwargs: Any) -> Any:
    return Field(default_factory=dict, sa_type=sa.JSON, **kwargs)


class Petition(SQLModel, table=True):
    """A followed petition: where it lives, how often to poll it, and its latest known values."""

    __table_args__ = (
        sa.UniqueConstraint("platform", "external_id", name="uq_petition_platform_external_id"),
        sa.Index("ix_petition_due", "next_check_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=64)
    external_id: str = Field(max_length=512)
    url: str = Field(max_length=2048)
    title: str | None = None
    status: str = Field(default="unknown", max_length=16)
    interval_seconds: int | None = None
    paused: bool = False
    archived: bool = False
    next_check_at: datetime = _time()
    created_at: datetime = _time()
    last_breakdown_at: datetime | None = _time(default=None, nullable=True)
    state: dict[str, Any] = _json()
    #: the named extractor of the config used by configurable platforms (generic, signature-list)
    extractor: str | None = Field(default=None, max_length=64)


class PetitionTag(SQLModel, table=True):
    """A free label on a petition."""

    __tablename__ = "petition_tag"
    petition_id: int = Field(foreign_key="petition.id", primary_key=True, ondelete="CASCADE")
    tag: str = Field(primary_key=True, max_length=128, index=True)


class Observation(SQLModel, table=True):
    """A run of polls with the same (supporters, status, goal, parser_version)."""

    __table_args__ = (sa.Index("ix_observation_petition_time", "petition_id", "first_seen_at"),)
    id: int | None = Field(default=None, primary_key=True)
    petition_id: int = Field(foreign_key="petition.id", ondelete="CASCADE")
    supporters: int | None = Field(default=None, sa_type=sa.BigInteger)
    status: str = Field(max_length=16)
    goal: int | None = Field(default=None, sa_type=sa.BigInteger)
    parser_version: str = Field(max_length=32)
    first_seen_at: datetime = _time()
    last_seen_at: datetime = _time()
    polls: int = 1
    method: str | None = Field(default=None, max_length=64)
    endpoint: str | None = Field(default=None, max_length=2048)
    decreased: bool = False
    approximate: bool = False
    computed_goal: bool = False


class Outcome(SQLModel, table=True):
    """A dated fact: a response, a debate, a threshold reached."""

    __table_args__ = (sa.UniqueConstraint("petition_id", "kind", "occurred_at", name="uq_outcome"),)
    id: int | None = Field(default=None, primary_key=True)
    petition_id: int = Field(foreign_key="petition.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=64)
    occurred_at: datetime | None = _time(default=None, nullable=True)
    recorded_at: datetime = _time()
    source: str | None = Field(default=None, max_length=2048)
    details: dict[str, Any] = _json()


class Breakdown(SQLModel, table=True):
    """Supporters per country, region or constituency at one time (polled at a lower cadence)."""

    __table_args__ = (sa.Index("ix_breakdown_petition_time", "petition_id", "observed_at"),)
    id: int | None = Field(default=None, primary_key=True)
    petition_id: int = Field(foreign_key="petition.id", ondelete="CASCADE")
    observed_at: datetime = _time()
    kind: str = Field(max_length=32)
    key: str = Field(max_length=128)
    name: str = Field(max_length=512)
    count: int = Field(sa_type=sa.BigInteger)


class FetchState(SQLModel, table=True):
    """Per-petition fetch memory: validators, failures, backoff and the derived health."""

    __tablename__ = "fetch_state"
    petition_id: int = Field(foreign_key="petition.id", primary_key=True, ondelete="CASCADE")
    validator_url: str | None = Field(default=None, max_length=2048)
    etag: str | None = Field(default=None, max_length=512)
    last_modified: str | None = Field(default=None, max_length=128)
    body_hash: str | None = Field(default=None, max_length=64)
    parser_version: str | None = Field(default=None, max_length=32)
    consecutive_failures: int = 0
    backoff_until: datetime | None = _time(default=None, nullable=True)
    health: str = Field(default="ok", max_length=16)
    health_reason: str | None = None
    last_error: str | None = None
    last_ok_at: datetime | None = _time(default=None, nullable=True)
    last_attempt_at: datetime | None = _time(default=None, nullable=True)


class FetchLog(SQLModel, table=True):
    """One poll attempt: what was asked, what came back, how it was classified (bounded retention)."""

    __tablename__ = "fetch_log"
    __table_args__ = (sa.Index("ix_fetch_log_petition_time", "petition_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    petition_id: int = Field(foreign_key="petition.id", ondelete="CASCADE")
    at: datetime = _time(index=True)
    url: str = Field(max_length=2048)
    host: str = Field(max_length=255, index=True)
    http_status: int | None = None
    outcome: str = Field(max_length=16)
    error: str | None = None
    duration_ms: int = 0
    attempts: int = 1
