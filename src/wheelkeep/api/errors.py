"""Registry errors mapped to HTTP answers, in one place.

Bodies are plain text saying what is wrong: uv and pip print them. Known
shortcoming: ASGI gives no way to set the HTTP reason phrase, where PyPI puts
the reason, so twine shows only "400 Bad Request" unless run with --verbose.
"""

import logging

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from wheelkeep.domain.errors import (
    Conflict,
    FileAlreadyExists,
    Forbidden,
    InvalidUpload,
    NotFound,
    RegistryError,
    Unauthenticated,
    UploadTooLarge,
)

log = logging.getLogger(__name__)

STATUS_CODES: list[tuple[type[RegistryError], int]] = [
    (FileAlreadyExists, 400),
    (InvalidUpload, 400),
    (UploadTooLarge, 413),
    (NotFound, 404),
    (Conflict, 409),
    (Unauthenticated, 401),
    (Forbidden, 403),
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
    headers = CHALLENGE if status == 401 else None
    log.info(
        "request.refused method=%s path=%s status=%s reason=%r",
        request.method,
        request.url.path,
        status,
        error.message,
    )
    return PlainTextResponse(error.message + "\n", status_code=status, headers=headers)
