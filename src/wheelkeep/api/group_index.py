"""A group's index: the simple API over every project beneath the group.

Served at ``/api/v4/groups/:id/-/packages/pypi/...`` and, as GitLab also
accepts it, without the ``/-/``. Only what the caller may read is listed.
"""

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from wheelkeep.api.credentials import presented_credentials
from wheelkeep.api.dependencies import client_address, registry_of
from wheelkeep.api.index_responses import (
    file_response,
    not_acceptable,
    page_redirect,
    page_response,
)
from wheelkeep.domain.access import Principal
from wheelkeep.domain.errors import InvalidUpload, NotFound, Unauthenticated
from wheelkeep.domain.names import normalize_name
from wheelkeep.domain.negotiation import choose_format
from wheelkeep.services import files
from wheelkeep.services.access import open_group
from wheelkeep.services.group_pages import group_package_page, group_root_page
from wheelkeep.services.groups import GroupView

router = APIRouter(include_in_schema=False)

GROUP_PATHS = (
    "/api/v4/groups/{group_ref}/-/packages/pypi",
    "/api/v4/groups/{group_ref}/packages/pypi",
)


def _view(request: Request, group_ref: str) -> tuple[Principal, GroupView]:
    return open_group(
        registry_of(request),
        presented_credentials(request),
        client_address(request),
        group_ref,
    )


def group_root(request: Request, group_ref: str) -> Response:
    registry = registry_of(request)
    _, view = _view(request, group_ref)
    if (moved := page_redirect(request)) is not None:
        return moved
    page_format = choose_format(request.headers.get("accept"))
    if page_format is None:
        return not_acceptable()
    with registry.session() as session:
        page = group_root_page(registry.pages, session, view, page_format)
    return page_response(request, page, public=False)


def group_package(request: Request, group_ref: str, name: str) -> Response:
    registry = registry_of(request)
    principal, view = _view(request, group_ref)
    try:
        normalized = normalize_name(name)
    except InvalidUpload:
        raise _miss(principal, view, f"Package {name!r} not found.") from None
    if (moved := page_redirect(request, normalized)) is not None:
        return moved
    page_format = choose_format(request.headers.get("accept"))
    if page_format is None:
        return not_acceptable()
    try:
        with registry.session() as session:
            page = group_package_page(
                registry.pages, session, view, normalized, page_format
            )
    except NotFound as error:
        raise _miss(principal, view, error.message) from None
    return page_response(request, page, public=False)


def _miss(principal: Principal, view: GroupView, message: str) -> Exception:
    """An anonymous miss where unreadable projects exist asks for credentials.

    Clients send stored credentials only after a 401; a 404 here would end an
    anonymous install that credentials would have satisfied.
    """
    if view.hidden and principal.is_anonymous:
        return Unauthenticated("Authentication required: send a token as password.")
    return NotFound(message)


def group_file(
    request: Request, group_ref: str, sha256: str, filename: str
) -> Response:
    registry = registry_of(request)
    principal, view = _view(request, group_ref)
    project_ids = [project.id for project in view.readable]
    try:
        with registry.session() as session:
            download = files.find_download(
                session, registry.blobs, project_ids, sha256, filename
            )
    except NotFound as error:
        raise _miss(principal, view, error.message) from None
    # What a group serves depends on who asks: never kept by shared caches.
    return file_response(download, public=False)


# Each handler runs in a worker thread: the database calls are blocking.
for _prefix in GROUP_PATHS:
    router.add_api_route(_prefix + "/simple/", group_root, methods=["GET"])
    router.add_api_route(_prefix + "/simple", group_root, methods=["GET"])
    router.add_api_route(_prefix + "/simple/{name}/", group_package, methods=["GET"])
    router.add_api_route(_prefix + "/simple/{name}", group_package, methods=["GET"])
    router.add_api_route(
        _prefix + "/files/{sha256}/{filename}", group_file, methods=["GET", "HEAD"]
    )
