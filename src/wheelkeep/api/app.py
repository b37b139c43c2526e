"""The ASGI application."""

import contextlib
import gc
import logging
import os
import signal
import threading
import time
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.types import ASGIApp

from wheelkeep import __version__
from wheelkeep.api import (
    group_index,
    health,
    management,
    platform,
    promotion,
    simple,
    snapshots,
    upload,
)
from wheelkeep.api.access_log import AccessLogMiddleware
from wheelkeep.api.errors import registry_error_handler, validation_error_handler
from wheelkeep.api.memory_pages import MemoryPagesMiddleware
from wheelkeep.api.paths import EncodedIdMiddleware
from wheelkeep.config import Settings
from wheelkeep.domain.errors import RegistryError
from wheelkeep.logs import configure, write_out
from wheelkeep.services.registry import Registry, open_registry

log = logging.getLogger(__name__)

ORPHAN_STOP_SECONDS = 10


def create_app(registry: Registry) -> ASGIApp:
    """The whole application: the memory path around the framework's routes."""
    routes = create_routes(registry)
    # The encoded project path (ai%2Fedge) is kept in one segment for both;
    # the memory path answers before the framework's own layers.
    app: ASGIApp = EncodedIdMiddleware(MemoryPagesMiddleware(routes, registry))
    if registry.settings.access_log:
        app = AccessLogMiddleware(app)
    return app


def create_routes(registry: Registry) -> FastAPI:
    """Every route, with the framework's error handling and OpenAPI document."""
    app = FastAPI(
        title="wheelkeep",
        version=__version__,
        description="Private Python package registry: management API.",
        openapi_url="/api/v4/openapi.json",
        docs_url="/api/v4/docs",
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.registry = registry
    app.add_exception_handler(RegistryError, registry_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.include_router(health.router)
    app.include_router(upload.router)
    app.include_router(simple.router)
    app.include_router(group_index.router)
    app.include_router(management.router)
    app.include_router(snapshots.router)
    app.include_router(platform.router)
    app.include_router(promotion.router)
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    # A server's workers end without the interpreter's exit handlers.
    write_out()


def create_app_from_environment() -> ASGIApp:
    """The application of one server worker, configured from the environment.

    Each worker process opens its own registry (database engine, page cache,
    read cache): none of them can be shared across processes. Pages are cached
    by serial, so every worker shows a change as soon as it sees the new serial.
    """
    settings = Settings()
    configure(settings.log_level, settings.log_flush_seconds)
    if settings.supervisor_pid not in (None, os.getpid()):
        _stop_with_supervisor(settings.supervisor_pid)
    app = create_app(open_registry(settings, migrate_schema=False))
    # Everything built so far lives as long as the worker. Moving it out of
    # the collector's sight turns full collections from tens of milliseconds
    # (felt as latency spikes under load) into almost nothing.
    gc.freeze()
    return app


def _stop_with_supervisor(supervisor_pid: int) -> None:
    """Stop this worker, as its server would, once that server is gone.

    A server killed outright (SIGKILL, the out-of-memory killer) cannot stop
    its workers: they would go on holding the port, serving with nobody to
    stop them, and a restarted server could not listen.
    """

    def watch() -> None:
        while os.getppid() == supervisor_pid:
            time.sleep(1)
        log.warning("worker.orphaned supervisor_pid=%s", supervisor_pid)
        os.kill(os.getpid(), signal.SIGTERM)
        # A worker still starting up ignores SIGTERM: end it outright if the
        # graceful stop has not ended it by then.
        time.sleep(ORPHAN_STOP_SECONDS)
        log.warning("worker.orphan_killed supervisor_pid=%s", supervisor_pid)
        write_out()
        os._exit(1)

    threading.Thread(target=watch, name="supervisor-watch", daemon=True).start()
