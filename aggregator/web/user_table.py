"""The `user` table: people who may sign in to manage petitions (passwords stored as argon2 hashes)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from ..tables import UTCDateTime


class User(SQLModel, table=True):
    """A person who may sign in; only an argon2 hash of the password is kept."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=128, unique=True)
    password_hash: str = Field(max_length=512)
    created_at: datetime = Field(sa_type=UTCDateTime)
