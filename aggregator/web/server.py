"""Serving the web app with uvicorn inside the running event loop, stopped with the scheduler."""

from __future__ import annotations

import asyncio
import logging

import uvicorn

from ..app import App
from . import create_app

log = logging.getLogger(__name__)


def url_of(app: App) -> str:
    """The address the dashboard answers on."""
    web = app.settings.web
    return web.public_url or f"http://{web.host}:{web.port}/"


async def serve(app: App, stopping: asyncio.Event) -> None:
    """Serve the dashboard and API until `stopping` is set (signals are left to the caller)."""
    web = app.settings.web
    config = uvicorn.Config(
        create_app(app), host=web.host, port=web.port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve())
    log.warning("dashboard on %s", url_of(app))
    try:
        await stopping.wait()
    finally:
        server.should_exit = True
        await task
