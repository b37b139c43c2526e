"""Platform awareness over HTTP: coverage matrices, profiles and lock checks."""

from typing import Annotated

import orjson
from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from wheelkeep.api.dependencies import registry_of
from wheelkeep.api.project_access import project_for, signed_in
from wheelkeep.domain.access import Permission
from wheelkeep.domain.errors import InvalidRequest
from wheelkeep.services.checks import check_lock_text
from wheelkeep.services.coverage import release_coverage
from wheelkeep.services.profiles import list_profiles

router = APIRouter(tags=["platforms"])

PROJECT = "/api/v4/projects/{project_ref}/packages/pypi"
# A lock file for thousands of packages stays well below this.
MAX_LOCK_BYTES = 16 * 1024 * 1024


def _json(document: object) -> Response:
    return Response(orjson.dumps(document), media_type="application/json")


@router.get(PROJECT + "/coverage/{name}/{version}")
def coverage(
    request: Request,
    project_ref: str,
    name: str,
    version: str,
    allow_sdist: bool = False,
) -> Response:
    """The release's wheel tags as a matrix, and the file each profile installs."""
    registry = registry_of(request)
    _, project = project_for(registry, request, project_ref, Permission.READ)
    with registry.session() as session:
        result = release_coverage(
            session,
            project.id,
            name,
            version,
            list_profiles(session),
            allow_sdist=allow_sdist,
        )
    return _json(result.as_dict())


@router.get("/api/v4/profiles")
def profiles(request: Request) -> Response:
    """The environment profiles this registry knows (any valid token may list them)."""
    registry = registry_of(request)
    signed_in(registry, request)
    with registry.session() as session:
        return _json([profile.as_dict() for profile in list_profiles(session)])


@router.post(
    PROJECT + "/check",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
    },
)
async def check(
    request: Request,
    project_ref: str,
    filename: str = "uv.lock",
    profile: Annotated[list[str] | None, Query()] = None,
    allow_sdist: bool = False,
) -> Response:
    """Check a uv.lock, pylock.toml or hashed requirements file sent as the body.

    ``filename`` tells the format when the content does not (requirements
    files); ``profile`` may repeat, and no profile means all of them. The
    answer has ``ok`` false when any profile would fail to install.
    """
    registry = registry_of(request)
    # Refuse before reading the body.
    _, project = await run_in_threadpool(
        project_for, registry, request, project_ref, Permission.READ
    )
    text = _lock_text(await request.body())

    def run() -> dict[str, object]:
        with registry.session() as session:
            report = check_lock_text(
                session,
                project.id,
                filename,
                text,
                profile or [],
                allow_sdist=allow_sdist,
            )
        return report.as_dict()

    return _json(await run_in_threadpool(run))


def _lock_text(body: bytes) -> str:
    if len(body) > MAX_LOCK_BYTES:
        raise InvalidRequest("The lock file is too large to check.")
    try:
        return body.decode()
    except UnicodeDecodeError:
        raise InvalidRequest("The lock file must be UTF-8 text.") from None
