"""The simple repository API, file downloads and PyPI's JSON API.

Each route exists twice: under a project (``/api/v4/projects/:id/packages/pypi``)
and at the short paths of the default project (``/simple/``, ``/files/``,
``/pypi/``). Pages are rendered by :mod:`wheelkeep.services.pages`.
"""

import orjson
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from wheelkeep.api.credentials import presented_credentials
from wheelkeep.api.dependencies import client_address, registry_of
from wheelkeep.api.index_responses import (
    file_response,
    is_public,
    not_acceptable,
    page_redirect,
    page_response,
)
from wheelkeep.db.models import Project
from wheelkeep.domain.access import Permission
from wheelkeep.domain.errors import InvalidUpload, NotFound
from wheelkeep.domain.names import normalize_name
from wheelkeep.domain.negotiation import choose_format
from wheelkeep.services import files, json_api, pages
from wheelkeep.services.access import open_project
from wheelkeep.services.projects import DEFAULT_PROJECT_ID
from wheelkeep.services.registry import Registry

router = APIRouter(include_in_schema=False)

PROJECT = "/api/v4/projects/{project_ref}/packages/pypi"
DEFAULT = str(DEFAULT_PROJECT_ID)


def _readable_project(
    registry: Registry, request: Request, project_ref: str
) -> Project:
    _, project = open_project(
        registry,
        presented_credentials(request),
        client_address(request),
        project_ref,
        Permission.READ,
    )
    return project


def _root(request: Request, project_ref: str) -> Response:
    registry = registry_of(request)
    project = _readable_project(registry, request, project_ref)
    if (moved := page_redirect(request)) is not None:
        return moved
    page_format = choose_format(request.headers.get("accept"))
    if page_format is None:
        return not_acceptable()
    with registry.session() as session:
        page = pages.root_page(registry.pages, session, project, page_format)
    return page_response(request, page, public=is_public(project))


def _package(request: Request, project_ref: str, name: str) -> Response:
    registry = registry_of(request)
    project = _readable_project(registry, request, project_ref)
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
        page = pages.package_page(
            registry.pages, session, project, normalized, page_format
        )
    return page_response(request, page, public=is_public(project))


def _download(
    request: Request, project_ref: str, sha256: str, filename: str
) -> Response:
    registry = registry_of(request)
    project = _readable_project(registry, request, project_ref)
    with registry.session() as session:
        serial = registry.pages.serial(session, project.id)
        download = registry.downloads.get(project.id, sha256, filename, serial)
        if download is None:
            download = files.find_download(
                session, registry.blobs, [project.id], sha256, filename
            )
            registry.downloads.put(project.id, sha256, filename, serial, download)
    return file_response(download, public=is_public(project))


def _json(
    request: Request, project_ref: str, name: str, version: str | None
) -> Response:
    registry = registry_of(request)
    project = _readable_project(registry, request, project_ref)
    files_url = str(request.url_for("files_root", project_ref=project_ref))
    if project_ref == DEFAULT and not request.url.path.startswith("/api/"):
        files_url = str(request.url_for("default_files_root"))
    with registry.session() as session:
        document = json_api.package_json(
            session, registry.blobs, project.id, name, files_url, version
        )
    return Response(orjson.dumps(document), media_type="application/json")


# Each handler runs in a worker thread: the database calls are blocking.
# Index pages and files already in memory are answered earlier, by
# api.memory_pages.MemoryPagesMiddleware.
@router.get(PROJECT + "/simple/")
@router.get(PROJECT + "/simple", include_in_schema=False)
def project_root(request: Request, project_ref: str) -> Response:
    return _root(request, project_ref)


@router.get("/simple/")
@router.get("/simple")
def default_root(request: Request) -> Response:
    return _root(request, DEFAULT)


@router.get(PROJECT + "/simple/{name}/")
@router.get(PROJECT + "/simple/{name}")
def project_package(request: Request, project_ref: str, name: str) -> Response:
    return _package(request, project_ref, name)


@router.get("/simple/{name}/")
@router.get("/simple/{name}")
def default_package(request: Request, name: str) -> Response:
    return _package(request, DEFAULT, name)


@router.api_route(PROJECT + "/files/{sha256}/{filename}", methods=["GET", "HEAD"])
def project_file(
    request: Request, project_ref: str, sha256: str, filename: str
) -> Response:
    return _download(request, project_ref, sha256, filename)


@router.api_route("/files/{sha256}/{filename}", methods=["GET", "HEAD"])
def default_file(request: Request, sha256: str, filename: str) -> Response:
    return _download(request, DEFAULT, sha256, filename)


@router.get(PROJECT + "/files/", name="files_root")
def files_root(project_ref: str) -> Response:
    raise NotFound("Not found.")


@router.get("/files/", name="default_files_root")
def default_files_root() -> Response:
    raise NotFound("Not found.")


@router.get(PROJECT + "/pypi/{name}/json")
def project_json(request: Request, project_ref: str, name: str) -> Response:
    return _json(request, project_ref, name, None)


@router.get(PROJECT + "/pypi/{name}/{version}/json")
def project_version_json(
    request: Request, project_ref: str, name: str, version: str
) -> Response:
    return _json(request, project_ref, name, version)


@router.get("/pypi/{name}/json")
def default_json(request: Request, name: str) -> Response:
    return _json(request, DEFAULT, name, None)


@router.get("/pypi/{name}/{version}/json")
def default_version_json(request: Request, name: str, version: str) -> Response:
    return _json(request, DEFAULT, name, version)
