"""Snapshots over HTTP: management, and the frozen index each one serves.

A snapshot's pages live under the project, at
``/api/v4/projects/:id/packages/pypi/snapshots/:name/simple/``, and its files
at ``.../snapshots/:name/files/:sha256/:filename``: the relative file URLs in
the pages (``../../files/...``) resolve there, so an installer pointed at the
snapshot downloads from it, even files since deleted from the live index.
"""

from typing import Annotated

import orjson
from fastapi import APIRouter, Body
from starlette.requests import Request
from starlette.responses import Response

from wheelkeep.api.dependencies import client_address, registry_of
from wheelkeep.api.index_responses import (
    file_response,
    is_public,
    not_acceptable,
    page_redirect,
    page_response,
)
from wheelkeep.api.project_access import project_for
from wheelkeep.domain.access import Permission
from wheelkeep.domain.errors import InvalidUpload, NotFound
from wheelkeep.domain.names import normalize_name
from wheelkeep.domain.negotiation import choose_format
from wheelkeep.services import snapshots

router = APIRouter(tags=["snapshots"])

SNAPSHOTS = "/api/v4/projects/{project_ref}/packages/pypi/snapshots"
SNAPSHOT = SNAPSHOTS + "/{snapshot}"


def _json(document: object, status_code: int = 200) -> Response:
    return Response(
        orjson.dumps(document), media_type="application/json", status_code=status_code
    )


@router.get(SNAPSHOTS)
def list_snapshots(request: Request, project_ref: str) -> Response:
    """The project's snapshots, oldest first."""
    registry = registry_of(request)
    _, project = project_for(registry, request, project_ref, Permission.READ)
    with registry.session() as session:
        found = snapshots.list_snapshots(session, project.id)
    return _json([snapshot.as_dict() for snapshot in found])


@router.post(SNAPSHOTS)
def create_snapshot(
    request: Request, project_ref: str, name: Annotated[str, Body(embed=True)]
) -> Response:
    """Freeze the project's index under a new name (needs write access)."""
    registry = registry_of(request)
    principal, project = project_for(registry, request, project_ref, Permission.WRITE)
    info = snapshots.create_snapshot(
        registry, principal, project.id, name, client_address(request)
    )
    return _json(info.as_dict(), status_code=201)


@router.delete(SNAPSHOT)
def delete_snapshot(request: Request, project_ref: str, snapshot: str) -> Response:
    """Drop a snapshot; installs pinned to it stop working (needs manage access)."""
    registry = registry_of(request)
    principal, project = project_for(registry, request, project_ref, Permission.MANAGE)
    snapshots.delete_snapshot(
        registry, principal, project.id, snapshot, client_address(request)
    )
    return Response(status_code=204)


# The frozen index. Handlers run in worker threads: database calls block.


@router.get(SNAPSHOT + "/simple/", include_in_schema=False)
@router.get(SNAPSHOT + "/simple", include_in_schema=False)
def snapshot_root(request: Request, project_ref: str, snapshot: str) -> Response:
    registry = registry_of(request)
    _, project = project_for(registry, request, project_ref, Permission.READ)
    if (moved := page_redirect(request)) is not None:
        return moved
    page_format = choose_format(request.headers.get("accept"))
    if page_format is None:
        return not_acceptable()
    with registry.session() as session:
        frozen = snapshots.find_snapshot(session, project.id, snapshot)
        page = snapshots.root_page(registry.pages, session, frozen, page_format)
    return page_response(request, page, public=is_public(project))


@router.get(SNAPSHOT + "/simple/{name}/", include_in_schema=False)
@router.get(SNAPSHOT + "/simple/{name}", include_in_schema=False)
def snapshot_package(
    request: Request, project_ref: str, snapshot: str, name: str
) -> Response:
    registry = registry_of(request)
    _, project = project_for(registry, request, project_ref, Permission.READ)
    try:
        normalized = normalize_name(name)
    except InvalidUpload:
        raise NotFound(f"Package {name!r} not found.") from None
    if (moved := page_redirect(request, normalized)) is not None:
        return moved
    page_format = choose_format(request.headers.get("accept"))
    if page_format is None:
        return not_acceptable()
    with registry.session() as session:
        frozen = snapshots.find_snapshot(session, project.id, snapshot)
        page = snapshots.package_page(
            registry.pages, session, frozen, normalized, page_format
        )
    return page_response(request, page, public=is_public(project))


@router.api_route(
    SNAPSHOT + "/files/{sha256}/{filename}",
    methods=["GET", "HEAD"],
    include_in_schema=False,
)
def snapshot_file(
    request: Request, project_ref: str, snapshot: str, sha256: str, filename: str
) -> Response:
    registry = registry_of(request)
    _, project = project_for(registry, request, project_ref, Permission.READ)
    with registry.session() as session:
        frozen = snapshots.find_snapshot(session, project.id, snapshot)
        download = snapshots.find_download(
            session, registry.blobs, frozen, sha256, filename
        )
    return file_response(download, public=is_public(project))
