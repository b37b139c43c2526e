"""Who may do what: scopes, permissions and the rules that join them."""

import enum
from dataclasses import dataclass


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


# Which scopes are enough for each permission on a project the token reaches.
GRANTING_SCOPES: dict[Permission, frozenset[Scope]] = {
    Permission.READ: frozenset(
        {
            Scope.READ_PACKAGE_REGISTRY,
            Scope.WRITE_PACKAGE_REGISTRY,
            Scope.READ_API,
            Scope.API,
        }
    ),
    Permission.WRITE: frozenset({Scope.WRITE_PACKAGE_REGISTRY, Scope.API}),
    Permission.MANAGE: frozenset({Scope.API}),
}

ALL_SCOPES = frozenset(Scope)


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of one request."""

    actor: str
    token_id: int | None = None
    scopes: frozenset[Scope] = frozenset()
    is_admin: bool = False
    user_id: int | None = None
    project_id: int | None = None
    group_ids: frozenset[int] = frozenset()

    @property
    def is_anonymous(self) -> bool:
        return self.token_id is None

    def has_scope_for(self, permission: Permission) -> bool:
        return bool(self.scopes & GRANTING_SCOPES[permission])


ANONYMOUS = Principal(actor="anonymous")
