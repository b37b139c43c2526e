"""Request and response bodies, shaped as GitLab's API shapes them."""

from datetime import UTC, date, datetime, time
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from wheelkeep.db.models import AuditEvent, Group, Project, Release, Token, User
from wheelkeep.domain.access import Role, Scope, Visibility
from wheelkeep.domain.errors import InvalidRequest
from wheelkeep.domain.namespaces import name_of

Name = Annotated[str, Field(min_length=1, max_length=255)]
ACCESS_LEVELS = {role.access_level: role for role in Role}


class Message(BaseModel):
    """Every error: what went wrong, in words."""

    message: str


class Namespace(BaseModel):
    id: int
    name: str
    path: str
    full_path: str
    kind: Literal["group"]
    parent_id: int | None


class ProjectOut(BaseModel):
    id: int
    name: str
    path: str
    path_with_namespace: str
    visibility: Visibility
    namespace: Namespace | None
    created_at: datetime


class ProjectIn(BaseModel):
    """Give ``path`` (or ``name``) and the enclosing group's ``namespace_id``."""

    name: Name | None = None
    path: Name | None = None
    namespace_id: int | None = Field(default=None, ge=1)
    visibility: Visibility = Visibility.PRIVATE


class GroupOut(BaseModel):
    id: int
    name: str
    path: str
    full_path: str
    parent_id: int | None
    visibility: Visibility
    created_at: datetime


class GroupIn(BaseModel):
    """``path`` is the last segment; ``parent_id`` names the enclosing group."""

    path: Name
    name: Name | None = None
    parent_id: int | None = Field(default=None, ge=1)
    visibility: Visibility = Visibility.PRIVATE


class TokenOut(BaseModel):
    """A deploy, personal or access token as listed (never its secret)."""

    id: int
    name: str
    username: str | None
    scopes: list[str]
    prefix: str | None = Field(description="The first characters of the secret.")
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked: bool
    expired: bool
    active: bool
    user_id: int | None = None
    access_level: int | None = None


class TokenCreated(TokenOut):
    token: str = Field(description="The secret, shown this once.")


class DeployTokenIn(BaseModel):
    name: Name
    scopes: list[Literal["read_package_registry", "write_package_registry"]] = Field(
        min_length=1, max_length=2
    )
    expires_at: datetime | date | None = None


class PersonalTokenIn(BaseModel):
    name: Name
    scopes: list[Scope] = Field(min_length=1, max_length=4)
    expires_at: datetime | date | None = None


class AccessTokenIn(PersonalTokenIn):
    access_level: int = Field(
        default=Role.MAINTAIN.access_level,
        description="20 read, 30 write, 40 maintain, 50 owner (GitLab's levels).",
    )


class PackageOut(BaseModel):
    """One release of a package: GitLab calls a (name, version) a package."""

    id: int
    name: str
    version: str
    package_type: Literal["pypi"] = "pypi"
    status: Literal["default"] = "default"
    created_at: datetime
    yanked: bool


class UserOut(BaseModel):
    id: int
    username: str
    name: str
    state: Literal["active"] = "active"
    is_admin: bool
    created_at: datetime


class UserIn(BaseModel):
    username: Name
    password: Annotated[str, Field(min_length=8, max_length=1024)] | None = None
    admin: bool = False


class MemberOut(UserOut):
    access_level: int
    role: Role


class MemberIn(BaseModel):
    user_id: Annotated[int, Field(ge=1)] | Name
    access_level: int = Field(description="20 read, 30 write, 40 maintain, 50 owner.")


class AuditEventOut(BaseModel):
    id: int
    author_id: int | None = Field(description="The token that acted, if any.")
    entity_id: int | None
    entity_type: Literal["Project", "Instance"]
    details: dict[str, Any]
    created_at: datetime


def role_of_level(level: int) -> Role:
    role = ACCESS_LEVELS.get(level)
    if role is None:
        raise InvalidRequest("access_level must be 20, 30, 40 or 50.")
    return role


def expiry(value: datetime | date | None) -> datetime | None:
    """GitLab takes a date (the token ends as that day starts, UTC) or a moment."""
    if value is None or isinstance(value, datetime):
        return value.replace(tzinfo=value.tzinfo or UTC) if value else None
    return datetime.combine(value, time(), tzinfo=UTC)


def project_out(project: Project, group: Group | None) -> ProjectOut:
    return ProjectOut(
        id=project.id,
        name=name_of(project.path),
        path=name_of(project.path),
        path_with_namespace=project.path,
        visibility=project.visibility,
        namespace=namespace_out(group) if group else None,
        created_at=project.created_at,
    )


def namespace_out(group: Group) -> Namespace:
    return Namespace(
        id=group.id,
        name=name_of(group.path),
        path=name_of(group.path),
        full_path=group.path,
        kind="group",
        parent_id=group.parent_id,
    )


def group_out(group: Group) -> GroupOut:
    return GroupOut(
        id=group.id,
        name=name_of(group.path),
        path=name_of(group.path),
        full_path=group.path,
        parent_id=group.parent_id,
        visibility=group.visibility,
        created_at=group.created_at,
    )


def token_out(token: Token, now: datetime) -> TokenOut:
    expired = token.expires_at is not None and token.expires_at <= now
    revoked = token.revoked_at is not None
    return TokenOut(
        id=token.id,
        name=token.name,
        username=token.username,
        scopes=list(token.scopes),
        prefix=token.prefix,
        created_at=token.created_at,
        expires_at=token.expires_at,
        last_used_at=token.last_used_at,
        revoked=revoked,
        expired=expired,
        active=not (revoked or expired),
        user_id=token.user_id,
        access_level=token.role.access_level if token.role else None,
    )


def token_created(token: Token, secret: str, now: datetime) -> TokenCreated:
    return TokenCreated(**token_out(token, now).model_dump(), token=secret)


def package_out(release: Release) -> PackageOut:
    return PackageOut(
        id=release.id,
        name=release.package.display_name,
        version=release.version,
        created_at=release.created_at,
        yanked=release.yanked,
    )


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        username=user.username,
        name=user.username,
        is_admin=user.is_admin,
        created_at=user.created_at,
    )


def audit_out(event: AuditEvent) -> AuditEventOut:
    return AuditEventOut(
        id=event.id,
        author_id=event.token_id,
        entity_id=event.project_id,
        entity_type="Project" if event.project_id is not None else "Instance",
        details={
            "action": event.action,
            "author_name": event.actor,
            "target_details": event.target,
            "ip_address": event.address,
            **event.details,
        },
        created_at=event.occurred_at,
    )
