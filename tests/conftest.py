"""Shared fixtures: databases (SQLite always, PostgreSQL when present or demanded), apps, clocks."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from aggregator.clock import FakeClock
from aggregator.localserver import LocalServer

POSTGRES_ENV = "PETITIONS_TEST_POSTGRES_URL"
POSTGRES_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_url() -> str | None:
    """The PostgreSQL server to test against; demanded by the env var, else used when it answers."""
    demanded = os.environ.get(POSTGRES_ENV)
    url = demanded or POSTGRES_DEFAULT
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return url
    except Exception as exc:
        if demanded:
            raise RuntimeError(
                f"{POSTGRES_ENV}={demanded} is set but the server does not answer: {exc}"
            ) from exc
        return None


POSTGRES_URL = _postgres_url()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL whose search path is a fresh schema, dropped afterwards."""
    if POSTGRES_URL is None:
        pytest.skip(f"no PostgreSQL on 127.0.0.1:5432 (set {POSTGRES_ENV} to demand one)")
    schema = f"pa_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """Each storage test runs on SQLite and on the real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    """A real HTTP server on 127.0.0.1 with no routes (see aggregator/localserver.py)."""
    with LocalServer() as server:
        yield server
