"""``/audit_events`` (administrators) and ``/projects/:id/audit_events``."""

from fastapi import APIRouter, Response

from wheelkeep.api.management.auth import (
    Caller,
    Page,
    PerPage,
    ProjectRef,
    RegistryDep,
    project_for,
    require_admin,
)
from wheelkeep.api.management.projects import ERRORS
from wheelkeep.api.management.schemas import AuditEventOut, audit_out
from wheelkeep.domain.access import Permission
from wheelkeep.services.audit import list_events
from wheelkeep.services.registry import Registry

router = APIRouter(tags=["audit events"])


def _events(
    registry: Registry,
    project_id: int | None,
    page: int,
    per_page: int,
    response: Response,
) -> list[AuditEventOut]:
    with registry.session() as session:
        events = list_events(
            session,
            project_id=project_id,
            limit=per_page,
            offset=(page - 1) * per_page,
        )
    response.headers["X-Page"] = str(page)
    response.headers["X-Per-Page"] = str(per_page)
    return [audit_out(event) for event in events]


@router.get("/audit_events", responses=ERRORS)
def instance_audit_events(
    registry: RegistryDep,
    principal: Caller,
    response: Response,
    page: Page = 1,
    per_page: PerPage = 20,
) -> list[AuditEventOut]:
    """Every event, newest first (administrators only)."""
    require_admin(principal)
    return _events(registry, None, page, per_page, response)


@router.get("/projects/{project_ref}/audit_events", responses=ERRORS)
def project_audit_events(
    registry: RegistryDep,
    principal: Caller,
    project_ref: ProjectRef,
    response: Response,
    page: Page = 1,
    per_page: PerPage = 20,
) -> list[AuditEventOut]:
    """The project's events, newest first (maintainers)."""
    project = project_for(registry, principal, project_ref, Permission.MANAGE)
    return _events(registry, project.id, page, per_page, response)
