"""The JSON management API under ``/api/v4/``, in GitLab's shapes where it has one.

Every call takes a token with the ``api`` scope (``read_api`` is enough for
reads) in a ``PRIVATE-TOKEN`` header or as a Bearer token. FastAPI derives the
OpenAPI document, served at ``/api/v4/openapi.json``, from these routes.
"""

from collections.abc import Iterator

from fastapi import APIRouter, Depends
from starlette.requests import Request

from wheelkeep.api.dependencies import registry_of
from wheelkeep.api.management import (
    audit_events,
    groups,
    members,
    packages,
    projects,
    tokens,
    users,
)


def _forget_read_cache_after_changes(request: Request) -> Iterator[None]:
    # Index reads trust this process's read cache for a few seconds; a token
    # revoked or a membership changed here takes effect at once instead.
    yield
    if request.method not in ("GET", "HEAD"):
        registry_of(request).read_cache.forget()


router = APIRouter(
    prefix="/api/v4", dependencies=[Depends(_forget_read_cache_after_changes)]
)
for _module in (projects, groups, tokens, members, packages, users, audit_events):
    router.include_router(_module.router)
