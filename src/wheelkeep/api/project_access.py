"""Resolving the project a management route names, and checking the caller's right."""

from starlette.requests import Request

from wheelkeep.api.credentials import presented_secret
from wheelkeep.db.models import Project
from wheelkeep.domain.access import Permission, Principal
from wheelkeep.services.access import authenticate, authorize
from wheelkeep.services.projects import find_project
from wheelkeep.services.registry import Registry


def project_for(
    registry: Registry, request: Request, project_ref: str, permission: Permission
) -> tuple[Principal, Project]:
    """The caller and the project, once the caller may act on it that way."""
    with registry.session() as session:
        principal = authenticate(session, presented_secret(request))
        project = find_project(session, project_ref)
        authorize(principal, project, permission)
        return principal, project
