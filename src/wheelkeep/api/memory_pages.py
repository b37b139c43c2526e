"""Index pages and downloads answered from memory, before the framework.

Index reads and downloads are the hot path. When the token, the project, and
the page or file are all in memory, a request needs no database, and passing
it through the framework (its error, telemetry and body-limit middlewares, the
router, a worker thread) costs several times more than the answer itself. So
:func:`wheelkeep.api.app.create_app` puts this middleware around the whole
application, inside only the one that keeps an encoded project path
(``ai%2Fedge``) in one segment.

It takes the same decisions as the routes in :mod:`wheelkeep.api.simple`, with
the same functions, from memory alone; any miss or refusal goes on to the
routes unchanged, which decide with the database at hand. A change to how
reads are authorised belongs in both.
"""

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from wheelkeep.api.credentials import presented_credentials
from wheelkeep.api.dependencies import client_address
from wheelkeep.api.index_responses import file_response, is_public, page_response
from wheelkeep.db.models import Project
from wheelkeep.domain.errors import RegistryError
from wheelkeep.domain.negotiation import choose_format
from wheelkeep.services import pages
from wheelkeep.services.access import known_readable_project
from wheelkeep.services.projects import DEFAULT_PROJECT_ID
from wheelkeep.services.registry import Registry

DEFAULT = str(DEFAULT_PROJECT_ID)


class MemoryPagesMiddleware:
    """Answers GETs of index pages and files known in memory; passes the rest."""

    def __init__(self, app: ASGIApp, registry: Registry) -> None:
        self.app = app
        self.registry = registry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            target = memory_target(scope["path"])
            if target is not None:
                response = _answer(self.registry, Request(scope), target)
                if response is not None:
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)


Target = tuple[str, str, tuple[str, ...]]


def answer_from_memory(
    registry: Registry, request: Request, path: str
) -> Response | None:
    """The answer to a GET of ``path`` from memory alone, or None."""
    target = memory_target(path)
    return None if target is None else _answer(registry, request, target)


def _answer(registry: Registry, request: Request, target: Target) -> Response | None:
    project_ref, kind, parts = target
    if kind == "simple":
        name = parts[0] if parts else None
        return page_from_memory(registry, request, project_ref, name)
    return _file_from_memory(registry, request, project_ref, *parts)


def memory_target(path: str) -> Target | None:
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


def _known_readable_project(
    registry: Registry, request: Request, project_ref: str
) -> Project | None:
    """The project when memory alone shows the caller may read it, else None."""
    try:
        credentials = presented_credentials(request)
    except RegistryError:
        return None
    return known_readable_project(
        registry, credentials, client_address(request), project_ref
    )


def page_from_memory(
    registry: Registry, request: Request, project_ref: str, name: str | None
) -> Response | None:
    """An index page answered from memory alone, or None to take the full path.

    Pages are cached under normalised names only, so a hit also means the
    name needs no redirect.
    """
    project = _known_readable_project(registry, request, project_ref)
    if project is None:
        return None
    page_format = choose_format(request.headers.get("accept"))
    if page_format is None:
        return None
    page = pages.cached_page(registry.pages, project.id, name, page_format)
    if page is None:
        return None
    return page_response(request, page, public=is_public(project))


def _file_from_memory(
    registry: Registry, request: Request, project_ref: str, sha256: str, filename: str
) -> Response | None:
    """A download whose lookup is remembered at the current serial, or None."""
    project = _known_readable_project(registry, request, project_ref)
    if project is None:
        return None
    serial = registry.pages.known_serial(project.id)
    if serial is None:
        return None
    download = registry.downloads.get(project.id, sha256, filename, serial)
    if download is None:
        return None
    return file_response(download, public=is_public(project))
