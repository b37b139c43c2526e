"""Liveness and readiness for load balancers and orchestrators."""

from fastapi import APIRouter
from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse

from wheelkeep.api.dependencies import registry_of

router = APIRouter(tags=["health"])


@router.get("/-/health")
async def health() -> JSONResponse:
    """The process is up and answering."""
    return JSONResponse({"status": "ok"})


@router.get("/-/readiness")
def readiness(request: Request) -> JSONResponse:
    """The database answers and the blob store is usable."""
    registry = registry_of(request)
    checks: dict[str, str] = {}
    try:
        with registry.session() as session:
            session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:  # any failure means not ready
        checks["database"] = f"failed: {type(error).__name__}"
    try:
        registry.blobs.count_pending()
        checks["blobs"] = "ok"
    except OSError as error:
        checks["blobs"] = f"failed: {error.strerror}"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if ready else "failed", "checks": checks},
        status_code=200 if ready else 503,
    )
