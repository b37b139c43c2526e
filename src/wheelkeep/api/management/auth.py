"""Who calls the management API, and the checks every route shares."""

from typing import Annotated

from fastapi import Depends, Path, Query, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import Request

from wheelkeep.api.credentials import presented_credentials
from wheelkeep.api.dependencies import client_address, registry_of
from wheelkeep.db.models import Group, Project
from wheelkeep.domain.access import Permission, Principal
from wheelkeep.domain.errors import Forbidden, NotFound
from wheelkeep.services.access import check_on_project, identify, require_api_scope
from wheelkeep.services.groups import find_group, group_visible, view_group
from wheelkeep.services.projects import MAX_ID, find_project
from wheelkeep.services.registry import Registry

# Declared so the OpenAPI document shows how to authenticate; the secret is
# read by ``presented_credentials``, which also takes HTTP Basic.
_private_token = APIKeyHeader(
    name="PRIVATE-TOKEN", auto_error=False, scheme_name="PrivateToken"
)
_bearer = HTTPBearer(auto_error=False, scheme_name="Bearer")


def caller(
    request: Request,
    _header: Annotated[str | None, Security(_private_token)],
    _bearer_token: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> Principal:
    principal, rejected = identify(
        registry_of(request), presented_credentials(request), client_address(request)
    )
    if rejected is not None:
        raise rejected
    require_api_scope(principal, read_only=request.method in ("GET", "HEAD"))
    return principal


Caller = Annotated[Principal, Depends(caller)]
ProjectRef = Annotated[
    str, Path(description="Numeric id or URL-encoded path (ai%2Fedge).")
]
GroupRef = Annotated[str, Path(description="Numeric id or URL-encoded path (ai).")]
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
Page = Annotated[int, Query(ge=1, le=100_000, description="Page number.")]
PerPage = Annotated[int, Query(ge=1, le=100, description="Items per page.")]


def address_of(request: Request) -> str | None:
    return client_address(request)


Address = Annotated[str | None, Depends(address_of)]


def registry_dependency(request: Request) -> Registry:
    return registry_of(request)


RegistryDep = Annotated[Registry, Depends(registry_dependency)]


def project_for(
    registry: Registry, principal: Principal, project_ref: str, permission: Permission
) -> Project:
    with registry.session() as session:
        project = find_project(session, project_ref)
    check_on_project(principal, project, permission)
    return project


def group_for(
    registry: Registry, principal: Principal, group_ref: str, permission: Permission
) -> Group:
    """The group if the principal sees it and holds the permission on it."""
    with registry.session() as session:
        group = find_group(session, group_ref)
        visible = group_visible(principal, view_group(session, principal, group))
    if not visible:
        raise NotFound("Group not found.")
    if permission is Permission.READ:
        return group
    role = principal.role_on_group(group.path)
    if role is None or permission not in role.permissions:
        raise Forbidden(f"This needs the {permission.value} permission on the group.")
    if not principal.has_scope_for(permission):
        raise Forbidden("This token lacks the scope for this request.")
    return group


def require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("Only an administrator may do this.")
