"""The ASGI application."""

import logging

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError

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
from wheelkeep.api.errors import registry_error_handler, validation_error_handler
from wheelkeep.api.paths import EncodedIdMiddleware
from wheelkeep.domain.errors import RegistryError
from wheelkeep.services.registry import Registry

log = logging.getLogger(__name__)


def create_app(registry: Registry) -> FastAPI:
    app = FastAPI(
        title="wheelkeep",
        version=__version__,
        description="Private Python package registry: management API.",
        openapi_url="/api/v4/openapi.json",
        docs_url="/api/v4/docs",
        redoc_url=None,
    )
    app.state.registry = registry
    app.add_exception_handler(RegistryError, registry_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    # The last added runs first: the memory path sees an encoded project path
    # (ai%2Fedge) as one segment, as the routes do.
    app.add_middleware(simple.MemoryPagesMiddleware)
    app.add_middleware(EncodedIdMiddleware)
    app.include_router(health.router)
    app.include_router(upload.router)
    app.include_router(simple.router)
    app.include_router(group_index.router)
    app.include_router(management.router)
    app.include_router(snapshots.router)
    app.include_router(platform.router)
    app.include_router(promotion.router)
    return app
