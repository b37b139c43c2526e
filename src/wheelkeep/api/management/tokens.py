"""Deploy tokens, project and group access tokens, and personal access tokens."""

from datetime import UTC, datetime

from fastapi import APIRouter, Response

from wheelkeep.api.management.auth import (
    Address,
    Caller,
    GroupRef,
    Page,
    PerPage,
    ProjectRef,
    RegistryDep,
    RowId,
    group_for,
    project_for,
    require_admin,
)
from wheelkeep.api.management.listing import paginate
from wheelkeep.api.management.projects import ERRORS
from wheelkeep.api.management.schemas import (
    AccessTokenIn,
    DeployTokenIn,
    PersonalTokenIn,
    TokenCreated,
    TokenOut,
    expiry,
    role_of_level,
    token_created,
    token_out,
)
from wheelkeep.db.models import Token
from wheelkeep.domain.access import Permission, Principal, Scope, TokenKind
from wheelkeep.domain.errors import NotFound
from wheelkeep.domain.tokens import TokenRequest
from wheelkeep.services.registry import Registry
from wheelkeep.services.tokens import (
    TokenFilter,
    create_token,
    list_tokens,
    revoke_token,
)
from wheelkeep.services.users import find_user

router = APIRouter()


def _on_project(
    registry: Registry, principal: Principal, project_ref: str, kind: TokenKind
) -> TokenFilter:
    """The project's tokens of that kind, once the caller may manage the project."""
    project = project_for(registry, principal, project_ref, Permission.MANAGE)
    return TokenFilter(project_id=project.id, kind=kind)


def _on_group(
    registry: Registry, principal: Principal, group_ref: str, kind: TokenKind
) -> TokenFilter:
    """The group's tokens of that kind, once the caller may manage the group."""
    group = group_for(registry, principal, group_ref, Permission.MANAGE)
    return TokenFilter(group_id=group.id, kind=kind)


def _listed(
    registry: Registry,
    wanted: TokenFilter,
    page: int,
    per_page: int,
    response: Response,
) -> list[TokenOut]:
    with registry.session() as session:
        tokens = list_tokens(session, wanted)
    now = datetime.now(UTC)
    return [token_out(t, now) for t in paginate(tokens, page, per_page, response)]


def _created(
    registry: Registry,
    principal: Principal,
    within: TokenFilter,
    body: DeployTokenIn | AccessTokenIn,
    address: str | None,
) -> TokenCreated:
    """Mint a token of ``within``'s kind on its project or group."""
    assert within.kind is not None
    request = TokenRequest(
        kind=within.kind,
        name=body.name,
        scopes=frozenset(Scope(scope) for scope in body.scopes),
        project_id=within.project_id,
        group_id=within.group_id,
        role=(
            role_of_level(body.access_level)
            if isinstance(body, AccessTokenIn)
            else None
        ),
        expires_at=expiry(body.expires_at),
    )
    return _minted(registry, principal, request, address)


def _minted(
    registry: Registry, principal: Principal, request: TokenRequest, address: str | None
) -> TokenCreated:
    created = create_token(registry, principal, request, address)
    return token_created(created.token, created.secret, datetime.now(UTC))


def _revoked(
    registry: Registry,
    principal: Principal,
    token_id: int,
    within: TokenFilter,
    address: str | None,
) -> Response:
    revoke_token(registry, principal, token_id, within, address)
    return Response(status_code=204)


# Deploy tokens ------------------------------------------------------------


@router.get(
    "/projects/{project_ref}/deploy_tokens", tags=["deploy tokens"], responses=ERRORS
)
def list_project_deploy_tokens(
    registry: RegistryDep,
    principal: Caller,
    project_ref: ProjectRef,
    response: Response,
    page: Page = 1,
    per_page: PerPage = 20,
) -> list[TokenOut]:
    wanted = _on_project(registry, principal, project_ref, TokenKind.DEPLOY)
    return _listed(registry, wanted, page, per_page, response)


@router.post(
    "/projects/{project_ref}/deploy_tokens",
    status_code=201,
    tags=["deploy tokens"],
    responses=ERRORS,
)
def post_project_deploy_token(
    registry: RegistryDep,
    principal: Caller,
    project_ref: ProjectRef,
    body: DeployTokenIn,
    address: Address,
) -> TokenCreated:
    """Create a deploy token; its secret is in the answer and nowhere else."""
    within = _on_project(registry, principal, project_ref, TokenKind.DEPLOY)
    return _created(registry, principal, within, body, address)


@router.delete(
    "/projects/{project_ref}/deploy_tokens/{token_id}",
    status_code=204,
    tags=["deploy tokens"],
    responses=ERRORS,
)
def delete_project_deploy_token(
    registry: RegistryDep,
    principal: Caller,
    project_ref: ProjectRef,
    token_id: RowId,
    address: Address,
) -> Response:
    within = _on_project(registry, principal, project_ref, TokenKind.DEPLOY)
    return _revoked(registry, principal, token_id, within, address)


@router.get(
    "/groups/{group_ref}/deploy_tokens", tags=["deploy tokens"], responses=ERRORS
)
def list_group_deploy_tokens(
    registry: RegistryDep,
    principal: Caller,
    group_ref: GroupRef,
    response: Response,
    page: Page = 1,
    per_page: PerPage = 20,
) -> list[TokenOut]:
    wanted = _on_group(registry, principal, group_ref, TokenKind.DEPLOY)
    return _listed(registry, wanted, page, per_page, response)


@router.post(
    "/groups/{group_ref}/deploy_tokens",
    status_code=201,
    tags=["deploy tokens"],
    responses=ERRORS,
)
def post_group_deploy_token(
    registry: RegistryDep,
    principal: Caller,
    group_ref: GroupRef,
    body: DeployTokenIn,
    address: Address,
) -> TokenCreated:
    """Create a deploy token on every project beneath the group."""
    within = _on_group(registry, principal, group_ref, TokenKind.DEPLOY)
    return _created(registry, principal, within, body, address)


@router.delete(
    "/groups/{group_ref}/deploy_tokens/{token_id}",
    status_code=204,
    tags=["deploy tokens"],
    responses=ERRORS,
)
def delete_group_deploy_token(
    registry: RegistryDep,
    principal: Caller,
    group_ref: GroupRef,
    token_id: RowId,
    address: Address,
) -> Response:
    within = _on_group(registry, principal, group_ref, TokenKind.DEPLOY)
    return _revoked(registry, principal, token_id, within, address)


# Project and group access tokens -------------------------------------------


@router.get(
    "/projects/{project_ref}/access_tokens", tags=["access tokens"], responses=ERRORS
)
def list_project_access_tokens(
    registry: RegistryDep,
    principal: Caller,
    project_ref: ProjectRef,
    response: Response,
    page: Page = 1,
    per_page: PerPage = 20,
) -> list[TokenOut]:
    wanted = _on_project(registry, principal, project_ref, TokenKind.PROJECT_ACCESS)
    return _listed(registry, wanted, page, per_page, response)


@router.post(
    "/projects/{project_ref}/access_tokens",
    status_code=201,
    tags=["access tokens"],
    responses=ERRORS,
)
def post_project_access_token(
    registry: RegistryDep,
    principal: Caller,
    project_ref: ProjectRef,
    body: AccessTokenIn,
    address: Address,
) -> TokenCreated:
    """Create a project access token: a bot with a role on this project."""
    within = _on_project(registry, principal, project_ref, TokenKind.PROJECT_ACCESS)
    return _created(registry, principal, within, body, address)


@router.delete(
    "/projects/{project_ref}/access_tokens/{token_id}",
    status_code=204,
    tags=["access tokens"],
    responses=ERRORS,
)
def delete_project_access_token(
    registry: RegistryDep,
    principal: Caller,
    project_ref: ProjectRef,
    token_id: RowId,
    address: Address,
) -> Response:
    within = _on_project(registry, principal, project_ref, TokenKind.PROJECT_ACCESS)
    return _revoked(registry, principal, token_id, within, address)


@router.get(
    "/groups/{group_ref}/access_tokens", tags=["access tokens"], responses=ERRORS
)
def list_group_access_tokens(
    registry: RegistryDep,
    principal: Caller,
    group_ref: GroupRef,
    response: Response,
    page: Page = 1,
    per_page: PerPage = 20,
) -> list[TokenOut]:
    wanted = _on_group(registry, principal, group_ref, TokenKind.GROUP_ACCESS)
    return _listed(registry, wanted, page, per_page, response)


@router.post(
    "/groups/{group_ref}/access_tokens",
    status_code=201,
    tags=["access tokens"],
    responses=ERRORS,
)
def post_group_access_token(
    registry: RegistryDep,
    principal: Caller,
    group_ref: GroupRef,
    body: AccessTokenIn,
    address: Address,
) -> TokenCreated:
    """Create a group access token: a bot with a role on everything beneath."""
    within = _on_group(registry, principal, group_ref, TokenKind.GROUP_ACCESS)
    return _created(registry, principal, within, body, address)


@router.delete(
    "/groups/{group_ref}/access_tokens/{token_id}",
    status_code=204,
    tags=["access tokens"],
    responses=ERRORS,
)
def delete_group_access_token(
    registry: RegistryDep,
    principal: Caller,
    group_ref: GroupRef,
    token_id: RowId,
    address: Address,
) -> Response:
    within = _on_group(registry, principal, group_ref, TokenKind.GROUP_ACCESS)
    return _revoked(registry, principal, token_id, within, address)


# Personal access tokens ----------------------------------------------------


@router.get(
    "/personal_access_tokens", tags=["personal access tokens"], responses=ERRORS
)
def list_personal_access_tokens(
    registry: RegistryDep,
    principal: Caller,
    response: Response,
    user_id: RowId | None = None,
    page: Page = 1,
    per_page: PerPage = 20,
) -> list[TokenOut]:
    """An administrator's list holds everyone's tokens; anyone else's their own."""
    owner = user_id if principal.is_admin else principal.user_id
    if owner is None and not principal.is_admin:
        return []
    wanted = TokenFilter(user_id=owner, kind=TokenKind.PERSONAL)
    return _listed(registry, wanted, page, per_page, response)


@router.get(
    "/personal_access_tokens/self", tags=["personal access tokens"], responses=ERRORS
)
def get_own_token(registry: RegistryDep, principal: Caller) -> TokenOut:
    """The token this request was made with."""
    with registry.session() as session:
        token = session.get(Token, principal.token_id) if principal.token_id else None
    if token is None:
        raise NotFound("Token not found.")
    return token_out(token, datetime.now(UTC))


@router.get(
    "/personal_access_tokens/{token_id}",
    tags=["personal access tokens"],
    responses=ERRORS,
)
def get_personal_access_token(
    registry: RegistryDep, principal: Caller, token_id: RowId
) -> TokenOut:
    with registry.session() as session:
        token = session.get(Token, token_id)
    if (
        token is None
        or token.kind is not TokenKind.PERSONAL
        or not (principal.is_admin or token.user_id == principal.user_id)
    ):
        raise NotFound("Token not found.")
    return token_out(token, datetime.now(UTC))


@router.delete(
    "/personal_access_tokens/{token_id}",
    status_code=204,
    tags=["personal access tokens"],
    responses=ERRORS,
)
def delete_personal_access_token(
    registry: RegistryDep, principal: Caller, token_id: RowId, address: Address
) -> Response:
    within = TokenFilter(kind=TokenKind.PERSONAL)
    return _revoked(registry, principal, token_id, within, address)


@router.post(
    "/users/{user_ref}/personal_access_tokens",
    status_code=201,
    tags=["personal access tokens"],
    responses=ERRORS,
)
def post_personal_access_token(
    registry: RegistryDep,
    principal: Caller,
    user_ref: str,
    body: PersonalTokenIn,
    address: Address,
) -> TokenCreated:
    """Mint a token for a user (administrators only, as in GitLab)."""
    require_admin(principal)
    with registry.session() as session:
        user = find_user(session, user_ref)
    request = TokenRequest(
        kind=TokenKind.PERSONAL,
        name=body.name,
        scopes=frozenset(body.scopes),
        user_id=user.id,
        expires_at=expiry(body.expires_at),
    )
    return _minted(registry, principal, request, address)
