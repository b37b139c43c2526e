"""The JSON management API under ``/api/v4/``, in GitLab's shapes where it has one.

Every call takes a token with the ``api`` scope (``read_api`` is enough for
reads) in a ``PRIVATE-TOKEN`` header or as a Bearer token. FastAPI derives the
OpenAPI document, served at ``/api/v4/openapi.json``, from these routes.
"""

from fastapi import APIRouter

from wheelkeep.api.management import (
    audit_events,
    groups,
    members,
    packages,
    projects,
    tokens,
    users,
)

router = APIRouter(prefix="/api/v4")
for _module in (projects, groups, tokens, members, packages, users, audit_events):
    router.include_router(_module.router)
