"""Alembic environment: runs migrations on the connection `migrate()` hands over."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from aggregator import tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from aggregator.web import user_table  # noqa: F401  (the user table of the dashboard)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through aggregator.migrations.migrate(engine)")
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
