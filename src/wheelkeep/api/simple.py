"""The simple repository API, file downloads and PyPI's JSON API.

Each route exists twice: under a project (``/api/v4/projects/:id/packages/pypi``)
and at the short paths of the default project (``/simple/``, ``/files/``,
``/pypi/``). Pages are rendered by :mod:`wheelkeep.services.pages`.
"""

import orjson
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

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
from wheelkeep.domain.errors import InvalidUpload, NotFound, RegistryError
from wheelkeep.domain.names import normalize_name
from wheelkeep.domain.negotiation import choose_format
from wheelkeep.services import files, json_api, pages
from wheelkeep.services.access import known_readable_project, open_project
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
# Index pages already in memory are answered earlier, by MemoryPagesMiddleware.
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


class MemoryPagesMiddleware:
    """Answers index pages and downloads known in memory, before any routing.

    Index reads and downloads are the hot path. When the token, the project,
    and the page or file are all in memory, a request needs no database, and
    routing it through the framework and a worker thread cost several times
    more than the answer itself. Every other request (misses, refusals, other
    paths and methods) goes on to the routes, which take the same decisions
    with the database at hand.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            response = _answer_from_memory(Request(scope), scope["path"])
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _answer_from_memory(request: Request, path: str) -> Response | None:
    target = _memory_target(path)
    if target is None:
        return None
    project_ref, kind, parts = target
    if kind == "simple":
        return _from_memory(request, project_ref, parts[0] if parts else None)
    return _file_from_memory(request, project_ref, *parts)


def _memory_target(path: str) -> tuple[str, str, tuple[str, ...]] | None:
    """(project reference, "simple" or "files", the segments after it)."""
    if path.startswith("/api/v4/projects/"):
        reference, separator, rest = path.removeprefix("/api/v4/projects/").partition(
            "/packages/pypi/"
        )
        if not separator or "/" in reference:
            return None
    else:
        reference, rest = DEFAULT, path.removeprefix("/")
    kind, _, tail = rest.partition("/")
    segments = tuple(tail.split("/"))
    if kind == "simple" and segments == ("",):
        return reference, kind, ()
    if kind == "simple" and len(segments) == 2 and segments[0] and not segments[1]:
        return reference, kind, segments[:1]
    if kind == "files" and len(segments) == 2 and all(segments):
        return reference, kind, segments
    return None


def _known_readable_project(request: Request, project_ref: str) -> Project | None:
    """The project when memory alone shows the caller may read it, else None."""
    try:
        credentials = presented_credentials(request)
    except RegistryError:
        return None
    return known_readable_project(
        registry_of(request), credentials, client_address(request), project_ref
    )


def _from_memory(
    request: Request, project_ref: str, name: str | None
) -> Response | None:
    """An index page answered from memory alone, or None to take the full path.

    Pages are cached under normalised names only, so a hit also means the
    name needs no redirect.
    """
    project = _known_readable_project(request, project_ref)
    if project is None:
        return None
    page_format = choose_format(request.headers.get("accept"))
    if page_format is None:
        return None
    page = pages.cached_page(registry_of(request).pages, project.id, name, page_format)
    if page is None:
        return None
    return page_response(request, page, public=is_public(project))


def _file_from_memory(
    request: Request, project_ref: str, sha256: str, filename: str
) -> Response | None:
    """A download whose lookup is remembered at the current serial, or None."""
    project = _known_readable_project(request, project_ref)
    if project is None:
        return None
    registry = registry_of(request)
    serial = registry.pages.known_serial(project.id)
    if serial is None:
        return None
    download = registry.downloads.get(project.id, sha256, filename, serial)
    if download is None:
        return None
    return file_response(download, public=is_public(project))
