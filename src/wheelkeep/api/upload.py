"""The legacy upload API, as twine, uv publish, poetry, hatch, pdm and flit use it."""

import logging

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from wheelkeep.api.credentials import presented_credentials
from wheelkeep.api.dependencies import client_address, registry_of
from wheelkeep.api.upload_form import read_upload_form
from wheelkeep.domain.access import Permission, Principal
from wheelkeep.domain.errors import RegistryError
from wheelkeep.services.access import open_project
from wheelkeep.services.projects import DEFAULT_PROJECT_ID
from wheelkeep.services.registry import Registry
from wheelkeep.services.uploads import publish

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)


def _writable_project(
    registry: Registry, request: Request, project_ref: str
) -> tuple[Principal, int]:
    principal, project = open_project(
        registry,
        presented_credentials(request),
        client_address(request),
        project_ref,
        Permission.WRITE,
    )
    return principal, project.id


async def _upload(request: Request, project_ref: str) -> Response:
    registry = registry_of(request)
    # Refuse before reading a possibly huge body.
    principal, project_id = await run_in_threadpool(
        _writable_project, registry, request, project_ref
    )
    settings = registry.settings
    body = await read_upload_form(
        request,
        registry.blobs,
        settings.max_upload_bytes,
        settings.max_form_field_bytes,
    )
    assert body.pending is not None
    assert body.filename is not None
    try:
        result = await run_in_threadpool(
            publish,
            registry,
            principal,
            project_id,
            body.fields,
            body.filename,
            body.pending,
            client_address(request),
        )
    except RegistryError as error:
        log.info("upload.refused filename=%r reason=%r", body.filename, error.message)
        raise
    finally:
        body.pending.discard()
    message = "OK" if result.created else "OK: identical file already present"
    return PlainTextResponse(message + "\n")


@router.post("/api/v4/projects/{project_ref}/packages/pypi")
@router.post("/api/v4/projects/{project_ref}/packages/pypi/")
async def project_upload(request: Request, project_ref: str) -> Response:
    return await _upload(request, project_ref)


@router.post("/legacy/")
@router.post("/legacy")
async def default_upload(request: Request) -> Response:
    return await _upload(request, str(DEFAULT_PROJECT_ID))
