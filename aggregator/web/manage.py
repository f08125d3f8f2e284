"""Managing petitions after signing in: add many URLs with tags, edit tags and interval, pause, archive."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from ..app import App
from ..config import parse_duration
from ..following import Entry, follow
from ..tables import Petition
from .auth import aggregator_of, render, require_page_writer, safe_next

PAGE_SIZE = 100
#: URLs accepted in one paste
MAX_URLS = 500

router = APIRouter(include_in_schema=False)


def interval_of(petition: Petition) -> timedelta | None:
    """A petition's own polling interval, if it has one."""
    return timedelta(seconds=petition.interval_seconds) if petition.interval_seconds else None


def duration_text(value: timedelta | None) -> str:
    """A duration as the config writes it: 30m, 2h, 1d."""
    if value is None:
        return ""
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


@dataclass
class _Added:
    url: str
    id: int | None = None
    platform: str = ""
    external_id: str = ""
    created: bool = False
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


def _split_tags(text: str) -> tuple[str, ...]:
    return tuple(
        dict.fromkeys(t.strip().lstrip("#")[:128] for t in text.replace(";", ",").split(",") if t.strip())
    )


def _manage_page(
    request: Request, message: str = "", results: list[_Added] | None = None, **form: str
) -> Response:
    app = aggregator_of(request)
    params = request.query_params
    q, show = params.get("q", "")[:200], params.get("show", "active")
    try:
        page = max(1, int(params.get("page", "1")))
    except ValueError:
        page = 1
    petitions = app.store.petitions(include_archived=show != "active")
    if show == "archived":
        petitions = [p for p in petitions if p.archived]
    tags = app.store.tags([p.id for p in petitions if p.id is not None])
    needle = q.casefold().strip()
    if needle:
        petitions = [
            p
            for p in petitions
            if needle == str(p.id)
            or needle in f"{p.title or ''} {p.url} {' '.join(tags[p.id or 0])}".casefold()
        ]
    pages = max(1, math.ceil(len(petitions) / PAGE_SIZE))
    page = min(page, pages)
    rows = [
        {
            "id": p.id,
            "title": p.title,
            "url": p.url,
            "platform": p.platform,
            "status": p.status,
            "paused": p.paused,
            "archived": p.archived,
            "tags": tags[p.id or 0],
            "interval": duration_text(interval_of(p)),
        }
        for p in petitions[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    ]
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    context = {
        "rows": rows,
        "matched": len(petitions),
        "pages": pages,
        "page": page,
        "q": q,
        "show": show,
        "message": message,
        "results": results or [],
        "failed": sum(bool(r.error) for r in results or []),
        "form": {
            "urls": form.get("urls", ""),
            "tags": form.get("tags", ""),
            "interval": form.get("interval", ""),
        },
        "back": back if back.startswith("/manage") else "/manage",
    }
    return render(request, "manage.html", context)


MESSAGES = {
    "saved": "Tags and interval saved.",
    "paused": "Paused: it will not be polled until resumed.",
    "resumed": "Resumed: it will be polled at the next tick.",
    "archived": "Archived: polling stopped, history kept.",
    "restored": "Restored: it will be polled at the next tick.",
}


@router.get("/manage")
def manage(request: Request, user: str = Depends(require_page_writer)) -> Response:
    return _manage_page(request, MESSAGES.get(request.query_params.get("done", ""), ""))


@router.post("/manage/add")
def add(
    request: Request,
    user: str = Depends(require_page_writer),
    urls: str = Form(""),
    tags: str = Form(""),
    interval: str = Form(""),
) -> Response:
    app = aggregator_of(request)
    wanted = list(dict.fromkeys(urls.split()))
    if not wanted or len(wanted) > MAX_URLS:
        message = "Paste at least one URL." if not wanted else f"Paste at most {MAX_URLS} URLs at a time."
        return _manage_page(request, message, urls=urls, tags=tags, interval=interval)
    try:
        every = parse_duration(interval.strip()) if interval.strip() else None
    except ValueError as exc:
        return _manage_page(request, str(exc), urls=urls, tags=tags, interval=interval)
    results = []
    for url in wanted:
        outcome = follow(app, Entry(url, _split_tags(tags), every, where="web"))
        p = outcome.petition
        results.append(
            _Added(
                url,
                p.id if p else None,
                p.platform if p else "",
                p.external_id if p else "",
                outcome.created,
                outcome.error,
                outcome.warnings,
            )
        )
    keep = "" if not any(r.error for r in results) else "\n".join(r.url for r in results if r.error)
    return _manage_page(request, results=results, urls=keep, tags=tags, interval=interval)


def _done(back: str, word: str) -> RedirectResponse:
    """Back to the managing page the form was on, with a message."""
    parts = urlsplit(safe_next(back))
    path = parts.path if parts.path.startswith("/manage") else "/manage"
    params = [(k, v) for k, v in parse_qsl(parts.query) if k != "done"] + [("done", word)]
    return RedirectResponse(f"{path}?{urlencode(params)}", 303)


def _change(app: App, petition_id: int, **values: Any) -> None:
    if app.store.update_petition(petition_id, app.clock.now(), **values) is None:
        raise HTTPException(404, f"no petition #{petition_id}")


@router.post("/manage/{petition_id}/edit")
def edit(
    request: Request,
    petition_id: int,
    user: str = Depends(require_page_writer),
    tags: str = Form(""),
    interval: str = Form(""),
    back: str = Form("/manage"),
) -> Response:
    app = aggregator_of(request)
    try:
        every = parse_duration(interval.strip()) if interval.strip() else None
    except ValueError as exc:
        return _manage_page(request, f"#{petition_id}: {exc}")
    _change(app, petition_id, interval=every, tags=_split_tags(tags))
    return _done(back, "saved")


@router.post("/manage/{petition_id}/pause")
def pause(
    request: Request,
    petition_id: int,
    user: str = Depends(require_page_writer),
    paused: str = Form("1"),
    back: str = Form("/manage"),
) -> Response:
    app = aggregator_of(request)
    stop = paused == "1"
    _change(app, petition_id, paused=stop)
    return _done(back, "paused" if stop else "resumed")


@router.post("/manage/{petition_id}/archive")
def archive(
    request: Request,
    petition_id: int,
    user: str = Depends(require_page_writer),
    archived: str = Form("1"),
    back: str = Form("/manage"),
) -> Response:
    app = aggregator_of(request)
    stop = archived == "1"
    _change(app, petition_id, archived=stop)
    return _done(back, "archived" if stop else "restored")
