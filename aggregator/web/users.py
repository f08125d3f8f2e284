"""Dashboard users: argon2 password hashes, checking a sign-in, and `petitions user add|list|remove`."""

from __future__ import annotations

import sys
from datetime import datetime

import click
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, select

from ..cli_common import app_of, console, fail, reports_errors
from ..clock import SystemClock
from .user_table import User

#: argon2id with the library's defaults (RFC 9106 low-memory profile)
HASHER = PasswordHasher()
#: verified when the user does not exist, so a wrong name costs as long as a wrong password
_DUMMY_HASH = HASHER.hash("not a password anyone has")
MIN_PASSWORD = 10


class UserError(ValueError):
    """A user cannot be added or changed as asked."""


def add_user(engine: sa.Engine, name: str, password: str, now: datetime, replace: bool = False) -> User:
    """Create a user (or set a new password with `replace`); the password is stored only hashed."""
    name = name.strip()
    if not name or len(name) > 128 or any(c.isspace() for c in name):
        raise UserError("a user name is 1 to 128 characters without spaces")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters")
    with Session(engine, expire_on_commit=False) as session:
        user = session.exec(select(User).where(User.name == name)).first()
        if user is not None and not replace:
            raise UserError(f"user {name!r} exists already (pass --replace to set a new password)")
        if user is None:
            user = User(name=name, password_hash="", created_at=now)
        user.password_hash = HASHER.hash(password)
        session.add(user)
        session.commit()
        return user


def list_users(engine: sa.Engine) -> list[User]:
    """Every user, by name."""
    with Session(engine) as session:
        return list(session.exec(select(User).order_by(col(User.name))))


def remove_user(engine: sa.Engine, name: str) -> bool:
    """Delete a user; whether one was there."""
    with engine.begin() as connection:
        return connection.execute(sa.delete(User).where(col(User.name) == name)).rowcount > 0


def check_password(engine: sa.Engine, name: str, password: str) -> bool:
    """Whether the name and password match a user; the hash is upgraded when its parameters are old.

    A hash is verified even for an unknown name, so timing does not tell which names exist."""
    with Session(engine) as session:
        user = session.exec(select(User).where(User.name == name)).first()
        try:
            HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return False
        if user is None:
            return False
        if HASHER.check_needs_rehash(user.password_hash):
            user.password_hash = HASHER.hash(password)
            session.add(user)
            session.commit()
        return True


def user_exists(engine: sa.Engine, name: str) -> bool:
    """Whether a user of this name (still) exists."""
    with Session(engine) as session:
        return session.exec(select(User.id).where(User.name == name)).first() is not None


def _engine(ctx: click.Context) -> sa.Engine:
    return app_of(ctx).store.engine


@click.group("user")
def user() -> None:
    """Manage the people who may sign in to the dashboard to add and edit petitions."""


@user.command("add")
@click.argument("name")
@click.option("--replace", is_flag=True, help="Set a new password if the user exists.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of standard input."
)
@click.pass_context
@reports_errors
def add_command(ctx: click.Context, name: str, replace: bool, password_stdin: bool) -> None:
    """Add a user (the password is asked for twice, never shown, and stored only as an argon2 hash)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        add_user(_engine(ctx), name, password, SystemClock().now(), replace=replace)
    except UserError as exc:
        fail(str(exc))
    console.print(f"user {name} can now sign in", markup=False, highlight=False)


@user.command("list")
@click.pass_context
@reports_errors
def list_command(ctx: click.Context) -> None:
    """List the users who may sign in."""
    users = list_users(_engine(ctx))
    if not users:
        console.print("No users yet: `petitions user add NAME` adds one.")
    for found in users:
        console.print(f"{found.name}  (since {found.created_at:%Y-%m-%d})", markup=False, highlight=False)


@user.command("remove")
@click.argument("name")
@click.pass_context
@reports_errors
def remove_command(ctx: click.Context, name: str) -> None:
    """Remove a user (their open sessions end at their next request)."""
    if not remove_user(_engine(ctx), name):
        fail(f"no user named {name!r}")
    console.print(f"user {name} removed", markup=False, highlight=False)
