"""Who may read and write: signed session cookies, CSRF tokens, bearer tokens and rate-limited sign-in."""

from __future__ import annotations

import hmac
import logging
import os
import secrets
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool

from ..app import App
from .users import check_password, user_exists

log = logging.getLogger(__name__)

SESSION_COOKIE = "petitions_session"
SESSION_AGE = timedelta(days=14)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: no inline script or style anywhere: every script and style is a file under /static
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=True,  # titles and errors are scraped from other sites: never trusted markup
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_PROCESS_SECRET = secrets.token_bytes(32)


class LoginLimiter:
    """Failed sign-ins per client address and per user name in a sliding window."""

    def __init__(
        self, per_client: int = 20, per_user: int = 5, window: timedelta = timedelta(minutes=15)
    ) -> None:
        self.limits = {"client": per_client, "user": per_user}
        self.window = window
        self.failures: dict[str, deque[datetime]] = {}

    def _recent(self, key: str, now: datetime) -> deque[datetime]:
        times = self.failures.get(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, client: str, user: str, now: datetime) -> int | None:
        """Seconds to wait before another attempt, or None when one is allowed."""
        waits = []
        for kind, key in (("client", client), ("user", user.lower())):
            times = self._recent(f"{kind}:{key}", now)
            if len(times) >= self.limits[kind]:
                waits.append(int((times[0] + self.window - now).total_seconds()) + 1)
        return max(waits) if waits else None

    def failed(self, client: str, user: str, now: datetime) -> None:
        if len(self.failures) > 10_000:  # bounded memory: forget the keys whose window has passed
            self.failures = {k: v for k, v in self.failures.items() if self._recent(k, now)}
        for key in (f"client:{client}", f"user:{user.lower()}"):
            self.failures.setdefault(key, deque()).append(now)

    def succeeded(self, user: str) -> None:
        self.failures.pop(f"user:{user.lower()}", None)


@dataclass
class Auth:
    """The per-app signing key and sign-in limiter."""

    serializer: URLSafeTimedSerializer
    limiter: LoginLimiter = field(default_factory=LoginLimiter)


def aggregator_of(request: Request) -> App:
    """The aggregator `App` the web app serves."""
    return request.app.state.app  # type: ignore[no-any-return]


def _auth(request: Request) -> Auth:
    found: Auth | None = getattr(request.app.state, "auth", None)
    if found is None:
        web = aggregator_of(request).settings.web
        secret = os.environ.get(web.secret_env, "") if web.secret_env else ""
        if not secret:
            log.warning(
                "no session secret (%s): using a random one, so sign-ins end when the process stops; "
                "set [web] secret_env to an environment variable holding a long random string",
                f"${web.secret_env} is not set" if web.secret_env else "[web] secret_env is not set",
            )
        found = Auth(URLSafeTimedSerializer(secret or _PROCESS_SECRET, salt="petitions-session"))
        request.app.state.auth = found
    return found


def session_of(request: Request) -> dict[str, Any]:
    """The visitor's session (`csrf`, and `user` once signed in); a fresh one when none is valid."""
    cached: dict[str, Any] | None = getattr(request.state, "session", None)
    if cached is not None:
        return cached
    session: dict[str, Any] | None = None
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        try:
            loaded = _auth(request).serializer.loads(cookie, max_age=int(SESSION_AGE.total_seconds()))
            session = loaded if isinstance(loaded, dict) and isinstance(loaded.get("csrf"), str) else None
        except BadSignature:
            session = None
    if session is None:
        session = {"csrf": secrets.token_urlsafe(32)}
        request.state.session_changed = True
    request.state.session = session
    return session


def new_session(request: Request, user: str | None) -> None:
    """Replace the session (on sign-in and sign-out), with a new CSRF token."""
    request.state.session = {"csrf": secrets.token_urlsafe(32), **({"user": user} if user else {})}
    request.state.session_changed = True


def save_session(request: Request, response: Response) -> None:
    """Set the session cookie when the session is new or changed: signed, HttpOnly, SameSite=Lax."""
    if not getattr(request.state, "session_changed", False):
        return
    web = aggregator_of(request).settings.web
    response.set_cookie(
        SESSION_COOKIE,
        _auth(request).serializer.dumps(request.state.session),
        max_age=int(SESSION_AGE.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https" or web.public_url.startswith("https:"),
        path="/",
    )


def current_user(request: Request) -> str | None:
    """The signed-in user, if any (a user removed since signing in is signed out)."""
    if not hasattr(request.state, "user"):
        name = session_of(request).get("user")
        ok = isinstance(name, str) and user_exists(aggregator_of(request).store.engine, name)
        request.state.user = name if ok else None
    return request.state.user  # type: ignore[no-any-return]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def token_matches(request: Request, given: str) -> bool:
    """Whether a bearer token equals the one in the environment variable named by `web.token_env`."""
    web = aggregator_of(request).settings.web
    expected = os.environ.get(web.token_env, "") if web.token_env else ""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


async def csrf_ok(request: Request) -> bool:
    """Whether an unsafe request carries the session's CSRF token (form field or header)."""
    given = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if given is None and content_type.startswith(("application/x-www-form-urlencoded", "multipart/")):
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    expected = session_of(request)["csrf"]
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def require_reader(request: Request) -> None:
    """Reading is open to anyone when `[web] read = "public"`; else a user or the token is needed."""
    if aggregator_of(request).settings.web.read == "public" or current_user(request):
        return
    given = _bearer(request)
    if given is None or not token_matches(request, given):
        raise _unauthorized("sign in, or send Authorization: Bearer with the configured token")


async def require_writer(request: Request) -> str:
    """The signed-in user (whose unsafe requests must carry the CSRF token), or "token" for a client
    sending `Authorization: Bearer` with the token of the environment variable named by `token_env`."""
    given = _bearer(request)
    if given is not None:
        if token_matches(request, given):
            return "token"
        raise _unauthorized("the bearer token is not the configured one")
    user = current_user(request)
    if user is None:
        raise _unauthorized("sign in, or send Authorization: Bearer with the configured token")
    if request.method not in SAFE_METHODS and not await csrf_ok(request):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")
    return user


def _sign_in_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(target, safe='')}"


def require_page_reader(request: Request) -> None:
    """`require_reader` for pages: a visitor who must sign in is sent to the sign-in page."""
    try:
        require_reader(request)
    except HTTPException:
        raise HTTPException(303, "sign in to read", headers={"Location": _sign_in_url(request)}) from None


async def require_page_writer(request: Request) -> str:
    """`require_writer` for pages' forms: a visitor who is not signed in is sent to the sign-in page."""
    if _bearer(request) is None and current_user(request) is None:
        raise HTTPException(303, "sign in to write", headers={"Location": _sign_in_url(request)})
    return await require_writer(request)


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """A page: the template with the user and CSRF token, security headers and the session cookie."""
    page = TEMPLATES.get_template(template).render(
        request=request,
        user=current_user(request),
        csrf_token=session_of(request)["csrf"],
        csrf_field=CSRF_FIELD,
        read_public=aggregator_of(request).settings.web.read == "public",
        **context,
    )
    response = HTMLResponse(page, status_code=status, headers=SECURITY_HEADERS)
    save_session(request, response)
    return response


def safe_next(target: str | None) -> str:
    """A local path to return to after signing in; anything else (another site) becomes `/`."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or "\\" in target:
        return "/"
    return target


router = APIRouter(include_in_schema=False)


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    if current_user(request):
        return RedirectResponse(safe_next(next), 303)
    return render(request, "login.html", {"next": safe_next(next), "error": None, "name": ""})


@router.post("/login")
async def login(
    request: Request, name: str = Form(""), password: str = Form(""), next: str = Form("/")
) -> Response:
    if not await csrf_ok(request):
        error, status = "The form expired: please sign in again.", 403
    else:
        app, auth = aggregator_of(request), _auth(request)
        client = request.client.host if request.client else "unknown"
        now = app.clock.now()
        wait = auth.limiter.retry_after(client, name, now)
        if wait is not None:
            response = render(
                request,
                "login.html",
                {"next": safe_next(next), "name": name, "error": f"Too many attempts: wait {wait} s."},
                429,
            )
            response.headers["Retry-After"] = str(wait)
            return response
        if await run_in_threadpool(check_password, app.store.engine, name, password):
            auth.limiter.succeeded(name)
            new_session(request, name)
            request.state.user = name
            response = RedirectResponse(safe_next(next), 303)
            save_session(request, response)
            return response
        auth.limiter.failed(client, name, now)
        error, status = "Wrong name or password.", 401
    return render(request, "login.html", {"next": safe_next(next), "name": name, "error": error}, status)


@router.get("/logout")
def logout_page(request: Request) -> Response:
    return render(request, "logout.html", {})


@router.post("/logout")
async def logout(request: Request) -> Response:
    if not await csrf_ok(request):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")
    new_session(request, None)
    request.state.user = None
    response = RedirectResponse("/", 303)
    save_session(request, response)
    return response
