"""Signing in and writing: sessions, CSRF, bearer tokens, rate limits, private reading, users."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from aggregator.app import App
from aggregator.clock import FakeClock
from aggregator.config import Settings, WebSettings
from aggregator.web import create_app
from aggregator.web.auth import SESSION_COOKIE, safe_next
from aggregator.web.user_table import User
from aggregator.web.users import add_user, check_password, list_users, user

PASSWORD = "correct horse battery"
UK = "https://petition.parliament.uk/petitions/{}"


def _app(tmp_path, with_user: bool = True, **web) -> App:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}", web=WebSettings(**web))
    app = App.open(settings, clock=FakeClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC)))
    if with_user:
        add_user(app.store.engine, "alice", PASSWORD, app.clock.now())
    return app


def _client(app: App, base: str = "http://testserver") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(create_app(app)), base_url=base)


def _csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


async def _sign_in(
    client: httpx.AsyncClient, name: str = "alice", password: str = PASSWORD
) -> httpx.Response:
    page = await client.get("/login")
    return await client.post(
        "/login", data={"name": name, "password": password, "next": "/manage", "csrf_token": _csrf(page)}
    )


@pytest.fixture
def app(tmp_path):
    found = _app(tmp_path)
    yield found
    found.store.engine.dispose()


async def test_the_session_cookie_is_signed_httponly_and_samesite_lax(app):
    async with _client(app) as client:
        page = await client.get("/login")
        cookie = page.headers["set-cookie"]
        assert page.status_code == 200
        assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert "Secure" not in cookie
        assert "script-src 'self'" in page.headers["content-security-policy"]
    async with _client(app, "https://testserver") as client:
        assert "Secure" in (await client.get("/login")).headers["set-cookie"]


async def test_signing_in_reaches_managing_and_a_wrong_password_does_not(app):
    async with _client(app) as client:
        assert (await client.get("/manage")).headers["location"].startswith("/login?next=")
        wrong = await _sign_in(client, password="not the password")
        assert wrong.status_code == 401 and "Wrong name or password" in wrong.text
        right = await _sign_in(client)
        assert right.status_code == 303 and right.headers["location"] == "/manage"
        manage = await client.get("/manage")
        assert manage.status_code == 200 and "Add petitions" in manage.text and "alice" in manage.text


async def test_signing_in_without_the_csrf_token_is_refused(app):
    async with _client(app) as client:
        await client.get("/login")
        response = await client.post("/login", data={"name": "alice", "password": PASSWORD})
        assert response.status_code == 403
        assert (await client.get("/manage")).status_code == 303


async def test_writes_need_a_signed_in_user_and_the_csrf_token(app):
    form = {"urls": UK.format(700001), "tags": "nhs"}
    async with _client(app) as client:
        anonymous = await client.post("/manage/add", data=form)
        assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
        await _sign_in(client)
        without = await client.post("/manage/add", data=form)
        assert without.status_code == 403
        wrong = await client.post("/manage/add", data={**form, "csrf_token": "forged"})
        assert wrong.status_code == 403
        assert app.store.petitions() == []
        token = _csrf(await client.get("/manage"))
        added = await client.post("/manage/add", data={**form, "csrf_token": token})
        assert added.status_code == 200 and "added" in added.text
    assert [p.external_id for p in app.store.petitions()] == ["700001"]


async def test_a_bearer_token_from_the_environment_may_write(tmp_path, monkeypatch):
    monkeypatch.setenv("PETITIONS_WEB_TOKEN", "s3cret-token-of-some-length")
    app = _app(tmp_path, token_env="PETITIONS_WEB_TOKEN")
    form = {"urls": UK.format(700002)}
    async with _client(app) as client:
        bad = await client.post("/manage/add", data=form, headers={"Authorization": "Bearer nope"})
        assert bad.status_code == 401
        good = await client.post(
            "/manage/add", data=form, headers={"Authorization": "Bearer s3cret-token-of-some-length"}
        )
        assert good.status_code == 200
    assert len(app.store.petitions()) == 1


async def test_sign_in_attempts_are_rate_limited_per_user_and_per_client(app):
    clock = app.clock
    assert isinstance(clock, FakeClock)
    async with _client(app) as client:
        for _ in range(5):
            assert (await _sign_in(client, password="guess")).status_code == 401
        blocked = await _sign_in(client)  # even the right password waits
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
        assert "Too many attempts" in blocked.text
        clock.advance(timedelta(minutes=16))
        assert (await _sign_in(client)).status_code == 303
    async with _client(app) as client:
        for number in range(20):
            await _sign_in(client, name=f"nobody{number}", password="guess")
        add_user(app.store.engine, "bob", PASSWORD, clock.now())
        assert (await _sign_in(client, name="bob")).status_code == 429


async def test_private_reading_needs_a_user_or_the_token(tmp_path, monkeypatch):
    monkeypatch.setenv("READ_TOKEN", "reading-token-0123456789")
    app = _app(tmp_path, read="private", token_env="READ_TOKEN")
    async with _client(app) as client:
        for path in ("/", "/petitions/1", "/campaigns/x"):
            response = await client.get(path)
            assert response.status_code == 303 and response.headers["location"].startswith("/login"), path
        assert (await client.get("/static/app.css")).status_code == 200
        assert (await client.get("/login")).status_code == 200
        token = await client.get("/", headers={"Authorization": "Bearer reading-token-0123456789"})
        assert token.status_code == 200
        await _sign_in(client)
        assert (await client.get("/")).status_code == 200


async def test_signing_out_needs_the_csrf_token_and_ends_the_session(app):
    async with _client(app) as client:
        await _sign_in(client)
        assert (await client.post("/logout")).status_code == 403
        assert (await client.get("/manage")).status_code == 200
        token = _csrf(await client.get("/logout"))
        out = await client.post("/logout", data={"csrf_token": token})
        assert out.status_code == 303
        assert (await client.get("/manage")).status_code == 303


async def test_a_forged_cookie_is_ignored_and_a_removed_user_is_signed_out(app):
    async with _client(app) as client:
        await _sign_in(client)
        cookie = client.cookies[SESSION_COOKIE]
    async with _client(app) as client:
        client.cookies.set(SESSION_COOKIE, cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB"))
        assert (await client.get("/manage")).status_code == 303
    async with _client(app) as client:
        client.cookies.set(SESSION_COOKIE, cookie)
        assert (await client.get("/manage")).status_code == 200
        with Session(app.store.engine) as session:
            session.delete(session.exec(select(User)).one())
            session.commit()
        assert (await client.get("/manage")).status_code == 303


async def test_the_session_secret_comes_from_the_environment(tmp_path, monkeypatch, caplog):
    with caplog.at_level(logging.WARNING, "aggregator.web.auth"):
        async with _client(_app(tmp_path / "random")) as client:
            await client.get("/login")
    assert "no session secret" in caplog.text
    monkeypatch.setenv("SESSION_SECRET", "x" * 40)
    async with _client(_app(tmp_path, secret_env="SESSION_SECRET")) as client:
        await _sign_in(client)
        cookie = client.cookies[SESSION_COOKIE]
    async with _client(_app(tmp_path, False, secret_env="SESSION_SECRET")) as client:  # a restart
        client.cookies.set(SESSION_COOKIE, cookie)
        assert (await client.get("/manage")).status_code == 200
    monkeypatch.setenv("SESSION_SECRET", "y" * 40)  # a new secret ends the old sessions
    async with _client(_app(tmp_path, False, secret_env="SESSION_SECRET")) as client:
        client.cookies.set(SESSION_COOKIE, cookie)
        assert (await client.get("/manage")).status_code == 303


def test_next_targets_stay_on_this_site():
    assert safe_next("/petitions/3?x=1") == "/petitions/3?x=1"
    for target in ("//evil.example", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", ""):
        assert safe_next(target) == "/"


def test_passwords_are_stored_only_as_argon2_hashes(app):
    (found,) = list_users(app.store.engine)
    assert found.password_hash.startswith("$argon2id$") and PASSWORD not in found.password_hash
    assert check_password(app.store.engine, "alice", PASSWORD)
    assert not check_password(app.store.engine, "alice", PASSWORD + "!")
    assert not check_password(app.store.engine, "mallory", PASSWORD)


def test_petitions_user_add_list_remove(tmp_path):
    config = tmp_path / "petitions.toml"
    config.write_text(f'database_url = "sqlite:///{tmp_path / "cli.db"}"\n', encoding="utf-8")
    runner = CliRunner()
    obj = {"config": str(config)}
    added = runner.invoke(user, ["add", "carol", "--password-stdin"], input=PASSWORD + "\n", obj=obj)
    assert added.exit_code == 0, added.output
    again = runner.invoke(user, ["add", "carol", "--password-stdin"], input=PASSWORD + "\n", obj=obj)
    assert again.exit_code == 1 and "exists already" in again.output
    short = runner.invoke(user, ["add", "dave", "--password-stdin"], input="short\n", obj=obj)
    assert short.exit_code == 1 and "at least" in short.output
    prompted = runner.invoke(user, ["add", "erin"], input=f"{PASSWORD}\n{PASSWORD}\n", obj=obj)
    assert prompted.exit_code == 0, prompted.output
    listed = runner.invoke(user, ["list"], obj=obj)
    assert "carol" in listed.output and "erin" in listed.output
    assert runner.invoke(user, ["remove", "carol"], obj=obj).exit_code == 0
    assert "carol" not in runner.invoke(user, ["list"], obj=obj).output
