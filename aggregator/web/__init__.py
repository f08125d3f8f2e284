"""The web side: dashboard pages, JSON API, CSV exports and Prometheus metrics, as one ASGI app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..app import App

STATIC = Path(__file__).resolve().parent / "static"


def create_app(app: App) -> FastAPI:
    """The ASGI application serving one aggregator `App` (its database, settings and clock)."""
    from . import api, metrics, pages

    web = FastAPI(
        title="petition-aggregator",
        version=__version__,
        description="Supporter counts, statuses and their history, collected politely from petition sites.",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    web.state.app = app
    web.mount("/static", StaticFiles(directory=STATIC), name="static")
    web.include_router(api.router)
    web.include_router(metrics.router)
    web.include_router(pages.router)
    return web
