"""Authentication of presented secrets and authorisation on projects and groups.

Status rules, as GitLab gives them: no credentials on a non-public project is
401 (clients send stored credentials only after that challenge); a valid token
that cannot see the project is 404, so a project's existence is not leaked; a
token that can see it but lacks the role or scope is 403; an unknown, expired
or revoked token is 401, except on a public project's read, which goes on as
anonymous so that a stale token in a configuration does not block public reads.

Authentication costs one indexed query: the token, its user, its group's path
and the user's memberships come back together, and every rule after that is
pure (:mod:`wheelkeep.domain.access`). A failed authentication is audited and
counted against the caller's address (:mod:`wheelkeep.services.throttle`).
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session, aliased

from wheelkeep.db.models import Group, Membership, Project, Token, User
from wheelkeep.domain.access import (
    ANONYMOUS,
    Decision,
    Grant,
    Permission,
    Principal,
    Role,
    Scope,
    TokenKind,
    Visibility,
    decide,
    username_fits,
)
from wheelkeep.domain.errors import (
    Forbidden,
    NotFound,
    RegistryError,
    Unauthenticated,
)
from wheelkeep.domain.tokens import digests_match, is_expired, secret_digest
from wheelkeep.services import audit
from wheelkeep.services.groups import GroupView, group_visible, view_group
from wheelkeep.services.projects import find_by_reference
from wheelkeep.services.registry import Registry

log = logging.getLogger(__name__)

# Recording every use would turn each read into a write; a minute is precise
# enough to tell a live token from a forgotten one.
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class Credentials:
    """What a client presented: a secret, and the user name sent with it."""

    secret: str | None = None
    username: str | None = None


NO_CREDENTIALS = Credentials()


class RejectedCredentials(Unauthenticated):
    """A secret was presented and refused; ``token_id`` names a known token."""

    def __init__(self, message: str, reason: str, token_id: int | None = None):
        super().__init__(message)
        self.reason = reason
        self.token_id = token_id


_TokenGroup = aliased(Group)
_MemberGroup = aliased(Group)


def authenticate(
    session: Session, secret: str | None, username: str | None = None
) -> Principal:
    """The principal a secret stands for; anonymous when none was sent."""
    if not secret:
        return ANONYMOUS
    digest = secret_digest(secret)
    rows = session.execute(
        select(
            Token,
            User.username.label("user_name"),
            User.is_admin,
            _TokenGroup.path.label("token_group_path"),
            Membership.role.label("member_role"),
            Membership.project_id.label("member_project_id"),
            _MemberGroup.path.label("member_group_path"),
        )
        .outerjoin(User, User.id == Token.user_id)
        .outerjoin(_TokenGroup, _TokenGroup.id == Token.group_id)
        .outerjoin(Membership, Membership.user_id == Token.user_id)
        .outerjoin(_MemberGroup, _MemberGroup.id == Membership.group_id)
        .where(Token.secret_sha256 == digest)
    ).all()
    if not rows or not digests_match(rows[0].Token.secret_sha256, digest):
        raise RejectedCredentials("Invalid token: it is unknown.", "unknown")
    token: Token = rows[0].Token
    _check_usable(token, username, datetime.now(UTC))
    _record_use(session, token, datetime.now(UTC))
    return _principal_of(token, rows)


def _check_usable(token: Token, username: str | None, now: datetime) -> None:
    if token.revoked_at is not None:
        raise RejectedCredentials("Invalid token: it was revoked.", "revoked", token.id)
    if is_expired(token.expires_at, now):
        raise RejectedCredentials("Invalid token: it has expired.", "expired", token.id)
    if not username_fits(username, token.kind, token.username):
        raise RejectedCredentials(
            "Invalid token: it does not belong to the user name sent with it.",
            "username mismatch",
            token.id,
        )


def _record_use(session: Session, token: Token, now: datetime) -> None:
    if token.last_used_at and now - token.last_used_at < LAST_USED_PRECISION:
        return
    session.execute(update(Token).where(Token.id == token.id).values(last_used_at=now))
    session.commit()


def _principal_of(token: Token, rows: Sequence[Row[*tuple[Any, ...]]]) -> Principal:
    first = rows[0]
    known = {scope.value for scope in Scope}
    scopes = frozenset(Scope(scope) for scope in token.scopes if scope in known)
    is_personal = token.kind is TokenKind.PERSONAL
    return Principal(
        actor=token.username or first.user_name or f"token-{token.id}",
        token_id=token.id,
        token_kind=token.kind,
        scopes=scopes,
        is_admin=bool(is_personal and first.is_admin),
        user_id=token.user_id,
        grants=_member_grants(rows) if is_personal else _token_grants(token, first),
    )


def _token_grants(token: Token, row: Row[*tuple[Any, ...]]) -> tuple[Grant, ...]:
    # Deploy and job tokens write at most; access tokens carry their bot's role.
    role = token.role or Role.WRITE
    if token.project_id is not None:
        return (Grant(role, project_id=token.project_id),)
    group_path = row.token_group_path
    if isinstance(group_path, str):
        return (Grant(role, group_path=group_path),)
    return ()


def _member_grants(rows: Sequence[Row[*tuple[Any, ...]]]) -> tuple[Grant, ...]:
    grants = []
    for row in rows:
        role = row.member_role
        if not isinstance(role, Role):
            continue
        if isinstance(row.member_project_id, int):
            grants.append(Grant(role, project_id=row.member_project_id))
        elif isinstance(row.member_group_path, str):
            grants.append(Grant(role, group_path=row.member_group_path))
    return tuple(grants)


def authorize(principal: Principal, project: Project, permission: Permission) -> None:
    """Raise unless the principal may act on the project with that permission."""
    decision = decide(
        principal, project.id, project.path, project.visibility, permission
    )
    if decision is Decision.CHALLENGE:
        raise Unauthenticated("Authentication required: send a token as password.")
    if decision is Decision.HIDDEN:
        raise NotFound("Project not found.")
    if decision is Decision.DENIED:
        raise Forbidden(
            f"This token may not {permission.value} in this project: it lacks the "
            "role or the scope."
        )


def identify(
    registry: Registry,
    credentials: Credentials,
    address: str | None,
    *,
    cached: bool = False,
) -> tuple[Principal, RejectedCredentials | None]:
    """Authenticate a request; a refused secret is recorded, not raised.

    The caller decides what a refusal means: most requests answer 401, a read
    of a public project goes on as anonymous. With ``cached``, a principal the
    read cache still holds answers without the database (reads only).
    """
    secret, username = credentials.secret, credentials.username
    if secret:
        registry.throttle.check(address)
    if cached and (known := registry.read_cache.known_principal(secret, username)):
        return known, None
    try:
        with registry.session() as session:
            principal = authenticate(session, secret, username)
    except RejectedCredentials as rejected:
        record_failure(registry, rejected, address)
        return ANONYMOUS, rejected
    registry.read_cache.remember_principal(secret, username, principal)
    return principal, None


def record_failure(
    registry: Registry, rejected: RejectedCredentials, address: str | None
) -> None:
    """Audit a failed authentication and count it against the address."""
    registry.throttle.record_failure(address)
    with registry.transaction() as session:
        audit.record(
            session,
            action="auth.failed",
            principal=ANONYMOUS,
            target=f"token {rejected.token_id}" if rejected.token_id else "unknown",
            address=address,
            reason=rejected.reason,
            token=rejected.token_id,
        )
    log.info(
        "auth.failed address=%s reason=%s token_id=%s",
        address,
        rejected.reason,
        rejected.token_id,
    )


def open_project(
    registry: Registry,
    credentials: Credentials,
    address: str | None,
    project_ref: str,
    permission: Permission,
) -> tuple[Principal, Project]:
    """Authenticate the request and authorise it on one project.

    Reads, the hot path, trust the read cache for who the caller is and what
    the reference names; every other permission asks the database.
    """
    reading = permission is Permission.READ
    principal, rejected = identify(registry, credentials, address, cached=reading)
    project = _find_project(registry, project_ref, cached=reading)
    if rejected is not None and not _reads_public(project, permission):
        raise rejected
    return principal, _authorized(principal, project, permission)


def known_readable_project(
    registry: Registry, credentials: Credentials, address: str | None, project_ref: str
) -> Project | None:
    """The project when memory alone shows the caller may read it, else None.

    The same decisions as :func:`open_project`, made only from the read cache;
    any miss or refusal answers None and the caller takes the full path,
    which refuses properly.
    """
    cache = registry.read_cache
    principal = cache.known_principal(credentials.secret, credentials.username)
    project = cache.known_project(project_ref)
    if principal is None or project is None:
        return None
    try:
        if credentials.secret:
            registry.throttle.check(address)
        authorize(principal, project, Permission.READ)
    except RegistryError:
        return None
    return project


def _find_project(
    registry: Registry, project_ref: str, *, cached: bool
) -> Project | None:
    if cached and (known := registry.read_cache.known_project(project_ref)):
        return known
    with registry.session() as session:
        project = find_by_reference(session, Project, project_ref)
        if project is not None:
            registry.read_cache.remember_project(session, project_ref, project)
    return project


def project_as(
    registry: Registry, principal: Principal, project_ref: str, permission: Permission
) -> Project:
    """A second project for a principal :func:`open_project` already identified."""
    project = _find_project(registry, project_ref, cached=False)
    return _authorized(principal, project, permission)


def _authorized(
    principal: Principal, project: Project | None, permission: Permission
) -> Project:
    if project is None:
        if principal.is_anonymous:
            raise Unauthenticated("Authentication required: send a token as password.")
        raise NotFound("Project not found.")
    authorize(principal, project, permission)
    return project


def _reads_public(project: Project | None, permission: Permission) -> bool:
    return (
        project is not None
        and permission is Permission.READ
        and project.visibility is Visibility.PUBLIC
    )


def require_api_scope(principal: Principal, *, read_only: bool) -> None:
    """The management API takes tokens with ``api``, or ``read_api`` for reads."""
    if principal.is_anonymous:
        raise Unauthenticated("Authentication required: send a token.")
    wanted = {Scope.API, Scope.READ_API} if read_only else {Scope.API}
    if not principal.scopes & wanted:
        raise Forbidden(
            "This token lacks the scope for the management API: "
            + ("api or read_api." if read_only else "api.")
        )


def check_on_project(
    principal: Principal, project: Project, permission: Permission
) -> None:
    """Like :func:`authorize`, for management calls made with a valid token."""
    try:
        authorize(principal, project, permission)
    except Unauthenticated:
        raise NotFound("Project not found.") from None


def open_group(
    registry: Registry, credentials: Credentials, address: str | None, group_ref: str
) -> tuple[Principal, GroupView]:
    """Authenticate the request and find what it may read beneath a group."""
    principal, rejected = identify(registry, credentials, address)
    with registry.session() as session:
        group = find_by_reference(session, Group, group_ref)
        view = view_group(session, principal, group) if group else None
    if rejected is not None and (
        group is None or group.visibility is not Visibility.PUBLIC
    ):
        raise rejected
    if view is None or not group_visible(principal, view):
        if principal.is_anonymous:
            raise Unauthenticated("Authentication required: send a token as password.")
        raise NotFound("Group not found.")
    return principal, view
