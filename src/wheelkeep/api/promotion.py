"""Promoting a release to another project over HTTP."""

from typing import Annotated

import orjson
from fastapi import APIRouter, Body
from starlette.requests import Request
from starlette.responses import Response

from wheelkeep.api.dependencies import client_address, registry_of
from wheelkeep.api.project_access import project_for
from wheelkeep.domain.access import Permission
from wheelkeep.services.access import project_as
from wheelkeep.services.promotion import promote

router = APIRouter(tags=["promotion"])

RELEASE = "/api/v4/projects/{project_ref}/packages/pypi/releases/{name}/{version}"


@router.post(RELEASE + "/promote")
def promote_release(
    request: Request,
    project_ref: str,
    name: str,
    version: str,
    to: Annotated[str, Body(embed=True, description="Target project id or path.")],
) -> Response:
    """Copy the release's files (same bytes and hashes) into the project ``to``.

    Needs read access to this project and write access to the target. Files
    the target already holds with the same bytes are left alone; a filename
    it holds with other bytes, or deleted before, refuses the whole promotion
    (409).
    """
    registry = registry_of(request)
    principal, source = project_for(registry, request, project_ref, Permission.READ)
    target = project_as(registry, principal, to, Permission.WRITE)
    result = promote(
        registry,
        principal,
        source.id,
        target.id,
        name,
        version,
        client_address(request),
    )
    return Response(orjson.dumps(result.as_dict()), media_type="application/json")
