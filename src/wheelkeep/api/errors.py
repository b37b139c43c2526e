"""Registry errors mapped to HTTP answers, in one place.

Bodies are plain text saying what is wrong: uv and pip print them. Known
shortcoming: ASGI gives no way to set the HTTP reason phrase, where PyPI puts
the reason, so twine shows only "400 Bad Request" unless run with --verbose.
"""

import logging

from fastapi.exceptions import RequestValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from wheelkeep.domain.errors import (
    Conflict,
    FileAlreadyExists,
    Forbidden,
    InvalidRequest,
    InvalidUpload,
    NotFound,
    RegistryError,
    TooManyAttempts,
    Unauthenticated,
    UploadTooLarge,
)

log = logging.getLogger(__name__)

STATUS_CODES: list[tuple[type[RegistryError], int]] = [
    (FileAlreadyExists, 400),
    (InvalidUpload, 400),
    (InvalidRequest, 400),
    (UploadTooLarge, 413),
    (NotFound, 404),
    (Conflict, 409),
    (Unauthenticated, 401),
    (Forbidden, 403),
    (TooManyAttempts, 429),
]

CHALLENGE = {"WWW-Authenticate": 'Basic realm="wheelkeep"'}


def status_of(error: RegistryError) -> int:
    for kind, status in STATUS_CODES:
        if isinstance(error, kind):
            return status
    return 400


async def registry_error_handler(request: Request, error: Exception) -> Response:
    assert isinstance(error, RegistryError)
    status = status_of(error)
    headers = _headers(error, status)
    log.info(
        "request.refused method=%s path=%s status=%s reason=%r",
        request.method,
        request.url.path,
        status,
        error.message,
    )
    if _is_management(request.url.path):
        return JSONResponse(
            {"message": error.message}, status_code=status, headers=headers
        )
    return PlainTextResponse(error.message + "\n", status_code=status, headers=headers)


def _is_management(path: str) -> bool:
    """The JSON management API answers errors in GitLab's ``{"message": ...}``."""
    return path.startswith("/api/v4/") and "/packages/pypi" not in path


def _headers(error: RegistryError, status: int) -> dict[str, str] | None:
    if status == 401:
        return CHALLENGE
    if isinstance(error, TooManyAttempts):
        return {"Retry-After": str(error.retry_after)}
    return None


async def validation_error_handler(request: Request, error: Exception) -> Response:
    """FastAPI's 422, without echoing the input: it may hold a password."""
    assert isinstance(error, RequestValidationError)
    details = [
        {"loc": list(item["loc"]), "msg": item["msg"], "type": item["type"]}
        for item in error.errors()
    ]
    log.info(
        "request.invalid method=%s path=%s errors=%s",
        request.method,
        request.url.path,
        len(details),
    )
    return JSONResponse({"detail": details}, status_code=422)
