"""Initial schema: petitions, tags, run-length observations, outcomes, breakdowns, fetch state and log.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import aggregator.tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "petition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=512), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("interval_seconds", sa.Integer(), nullable=True),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("next_check_at", aggregator.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", aggregator.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_breakdown_at", aggregator.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "external_id", name="uq_petition_platform_external_id"),
    )
    with op.batch_alter_table("petition", schema=None) as batch_op:
        batch_op.create_index("ix_petition_due", ["next_check_at"], unique=False)

    op.create_table(
        "breakdown",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("observed_at", aggregator.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=512), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["petition.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("breakdown", schema=None) as batch_op:
        batch_op.create_index("ix_breakdown_petition_time", ["petition_id", "observed_at"], unique=False)

    op.create_table(
        "fetch_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("at", aggregator.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=False),
        sa.Column("host", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["petition.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("fetch_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fetch_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_fetch_log_host"), ["host"], unique=False)
        batch_op.create_index("ix_fetch_log_petition_time", ["petition_id", "at"], unique=False)

    op.create_table(
        "fetch_state",
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("validator_url", sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=True),
        sa.Column("etag", sqlmodel.sql.sqltypes.AutoString(length=512), nullable=True),
        sa.Column("last_modified", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("body_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("parser_version", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("backoff_until", aggregator.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("health", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("health_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("last_ok_at", aggregator.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_attempt_at", aggregator.tables.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["petition_id"], ["petition.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("petition_id"),
    )
    op.create_table(
        "observation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("supporters", sa.BigInteger(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("goal", sa.BigInteger(), nullable=True),
        sa.Column("parser_version", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("first_seen_at", aggregator.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", aggregator.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("polls", sa.Integer(), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("endpoint", sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=True),
        sa.Column("decreased", sa.Boolean(), nullable=False),
        sa.Column("approximate", sa.Boolean(), nullable=False),
        sa.Column("computed_goal", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["petition.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.create_index("ix_observation_petition_time", ["petition_id", "first_seen_at"], unique=False)

    op.create_table(
        "outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("occurred_at", aggregator.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recorded_at", aggregator.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["petition.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("petition_id", "kind", "occurred_at", name="uq_outcome"),
    )
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outcome_petition_id"), ["petition_id"], unique=False)

    op.create_table(
        "petition_tag",
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("tag", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["petition.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("petition_id", "tag"),
    )
    with op.batch_alter_table("petition_tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_petition_tag_tag"), ["tag"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("petition_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_petition_tag_tag"))

    op.drop_table("petition_tag")
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_petition_id"))

    op.drop_table("outcome")
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_index("ix_observation_petition_time")

    op.drop_table("observation")
    op.drop_table("fetch_state")
    with op.batch_alter_table("fetch_log", schema=None) as batch_op:
        batch_op.drop_index("ix_fetch_log_petition_time")
        batch_op.drop_index(batch_op.f("ix_fetch_log_host"))
        batch_op.drop_index(batch_op.f("ix_fetch_log_at"))

    op.drop_table("fetch_log")
    with op.batch_alter_table("breakdown", schema=None) as batch_op:
        batch_op.drop_index("ix_breakdown_petition_time")

    op.drop_table("breakdown")
    with op.batch_alter_table("petition", schema=None) as batch_op:
        batch_op.drop_index("ix_petition_due")

    op.drop_table("petition")
