"""Who may do what: roles, scopes, visibility, and the rules that join them.

A principal (the caller of one request) holds *grants*: a role on one project,
or on a group and everything beneath it. What it may do on a project is the
best role its grants give there, narrowed by its token's scopes. A project's
visibility adds a floor: anyone reads a public project, and every principal
acting for a user reads an internal one.

Everything here is pure: the services load the rows, these rules decide.
"""

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Visibility(enum.StrEnum):
    PRIVATE = "private"
    INTERNAL = "internal"
    PUBLIC = "public"


class TokenKind(enum.StrEnum):
    PERSONAL = "personal"
    DEPLOY = "deploy"
    PROJECT_ACCESS = "project_access"
    GROUP_ACCESS = "group_access"
    JOB = "job"


class Scope(enum.StrEnum):
    """Token scopes, named as GitLab names them."""

    READ_PACKAGE_REGISTRY = "read_package_registry"
    WRITE_PACKAGE_REGISTRY = "write_package_registry"
    READ_API = "read_api"
    API = "api"


class Permission(enum.StrEnum):
    READ = "read"
    WRITE = "write"
    MANAGE = "manage"


class Role(enum.StrEnum):
    """A member's role on a group or project; each includes the ones before it."""

    READ = "read"
    WRITE = "write"
    MAINTAIN = "maintain"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        return _ROLE_ORDER.index(self)

    @property
    def permissions(self) -> frozenset[Permission]:
        return ROLE_PERMISSIONS[self]

    @property
    def access_level(self) -> int:
        """GitLab's number for the nearest role (reporter, developer, ...)."""
        return ACCESS_LEVELS[self]


_ROLE_ORDER = (Role.READ, Role.WRITE, Role.MAINTAIN, Role.OWNER)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.READ: frozenset({Permission.READ}),
    Role.WRITE: frozenset({Permission.READ, Permission.WRITE}),
    Role.MAINTAIN: frozenset(Permission),
    Role.OWNER: frozenset(Permission),
}

ACCESS_LEVELS = {Role.READ: 20, Role.WRITE: 30, Role.MAINTAIN: 40, Role.OWNER: 50}

# Which scopes are enough for each permission where the principal has the role.
# Write access to the registry includes reading it, as clients that publish
# also check what is there (twine --skip-existing, uv publish --check-url).
GRANTING_SCOPES: dict[Permission, frozenset[Scope]] = {
    Permission.READ: frozenset(Scope),
    Permission.WRITE: frozenset({Scope.WRITE_PACKAGE_REGISTRY, Scope.API}),
    Permission.MANAGE: frozenset({Scope.API}),
}

ALL_SCOPES = frozenset(Scope)
REGISTRY_SCOPES = frozenset({Scope.READ_PACKAGE_REGISTRY, Scope.WRITE_PACKAGE_REGISTRY})

# Scopes each kind of token may carry: deploy and job tokens reach only the
# package registry, never the management API.
ALLOWED_SCOPES: dict[TokenKind, frozenset[Scope]] = {
    TokenKind.PERSONAL: ALL_SCOPES,
    TokenKind.PROJECT_ACCESS: ALL_SCOPES,
    TokenKind.GROUP_ACCESS: ALL_SCOPES,
    TokenKind.DEPLOY: REGISTRY_SCOPES,
    TokenKind.JOB: REGISTRY_SCOPES,
}

JOB_TOKEN_USERNAME = "gitlab-ci-token"  # noqa: S105 - a user name, as GitLab CI sends it
DEPLOY_USERNAME_PREFIX = "wheelkeep+deploy-token-"


def deploy_token_username(token_id: int) -> str:
    return f"{DEPLOY_USERNAME_PREFIX}{token_id}"


def username_fits(presented: str | None, kind: TokenKind, username: str | None) -> bool:
    """Whether the Basic user name sent with a secret fits the token.

    Most clients send ``__token__`` or a person's name, which is not checked.
    The two names that say what the token is must be right: ``gitlab-ci-token``
    only with a job token, a deploy token's user name only with that token.
    """
    if presented == JOB_TOKEN_USERNAME:
        return kind is TokenKind.JOB
    if presented is not None and presented.startswith(DEPLOY_USERNAME_PREFIX):
        return kind is TokenKind.DEPLOY and presented == username
    return True


@dataclass(frozen=True)
class Grant:
    """A role on one project (by id), or on a group and all beneath it (by path)."""

    role: Role
    project_id: int | None = None
    group_path: str | None = None

    def covers(self, project_id: int, project_path: str) -> bool:
        if self.project_id is not None:
            return self.project_id == project_id
        return self.group_path is not None and is_beneath(project_path, self.group_path)

    def covers_group(self, group_path: str) -> bool:
        return self.group_path is not None and (
            group_path == self.group_path or is_beneath(group_path, self.group_path)
        )


def is_beneath(path: str, group_path: str) -> bool:
    """Whether a project or group path lies inside the group at ``group_path``."""
    return path.startswith(group_path + "/")


@dataclass(frozen=True)
class Principal:
    """The caller of one request, however it authenticated.

    ``token_kind`` says what kind of secret it presented; a principal built
    from an OIDC job token later needs no stored token (``token_id`` None) and
    holds a write grant on its project, like a stored job token today.
    """

    actor: str
    authenticated: bool = True
    token_id: int | None = None
    token_kind: TokenKind | None = None
    scopes: frozenset[Scope] = frozenset()
    is_admin: bool = False
    user_id: int | None = None
    grants: tuple[Grant, ...] = ()

    @property
    def is_anonymous(self) -> bool:
        return not self.authenticated

    @property
    def acts_for_user(self) -> bool:
        """A person (or the operator), not a deploy, bot or job credential."""
        return self.authenticated and self.token_kind in (None, TokenKind.PERSONAL)

    def has_scope_for(self, permission: Permission) -> bool:
        return bool(self.scopes & GRANTING_SCOPES[permission])

    def role_on(self, project_id: int, project_path: str) -> Role | None:
        """The best role the principal's grants give on a project."""
        if self.is_admin:
            return Role.OWNER
        return _best(g.role for g in self.grants if g.covers(project_id, project_path))

    def role_on_group(self, group_path: str) -> Role | None:
        if self.is_admin:
            return Role.OWNER
        return _best(g.role for g in self.grants if g.covers_group(group_path))


ANONYMOUS = Principal(actor="anonymous", authenticated=False)


def _best(roles: Iterable[Role]) -> Role | None:
    return max(roles, key=lambda role: role.rank, default=None)


class Decision(enum.Enum):
    """The outcome of asking for a permission on a project, before HTTP."""

    ALLOWED = "allowed"
    CHALLENGE = "challenge"  # anonymous: ask for credentials (401)
    HIDDEN = "hidden"  # the project is not visible to this caller (404)
    DENIED = "denied"  # visible, but not this permission (403)


def can_see(principal: Principal, visibility: Visibility, role: Role | None) -> bool:
    if visibility is Visibility.PUBLIC or role is not None:
        return True
    return visibility is Visibility.INTERNAL and principal.acts_for_user


def decide(
    principal: Principal,
    project_id: int,
    project_path: str,
    visibility: Visibility,
    permission: Permission,
) -> Decision:
    """Whether the principal may act on the project with that permission."""
    if principal.is_anonymous:
        if permission is Permission.READ and visibility is Visibility.PUBLIC:
            return Decision.ALLOWED
        return Decision.CHALLENGE
    role = principal.role_on(project_id, project_path)
    if not can_see(principal, visibility, role):
        return Decision.HIDDEN
    granted = role.permissions if role else frozenset({Permission.READ})
    if permission in granted and principal.has_scope_for(permission):
        return Decision.ALLOWED
    return Decision.DENIED
