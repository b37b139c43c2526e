"""Authentication of presented secrets and authorisation on projects.

Status rules, as GitLab gives them: no credentials on a non-public project is
401 (clients send stored credentials only after that challenge); a valid token
that cannot see the project is 404, so a project's existence is not leaked; a
token that can see it but lacks the scope is 403; an unknown, expired or revoked
token is 401.
"""

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from wheelkeep.db.models import Project, Token, User, Visibility
from wheelkeep.domain.access import ANONYMOUS, Permission, Principal, Scope
from wheelkeep.domain.errors import Forbidden, NotFound, Unauthenticated
from wheelkeep.services.tokens import digests_match, is_expired, secret_digest

log = logging.getLogger(__name__)

# Recording every use would turn each read into a write; a minute is precise
# enough to tell a live token from a forgotten one.
LAST_USED_PRECISION = timedelta(minutes=1)


def authenticate(session: Session, secret: str | None) -> Principal:
    """The principal a secret stands for; anonymous when none was sent."""
    if not secret:
        return ANONYMOUS
    digest = secret_digest(secret)
    token = session.scalar(select(Token).where(Token.secret_sha256 == digest))
    if token is None or not digests_match(token.secret_sha256, digest):
        raise Unauthenticated("Invalid token: it is unknown to this registry.")
    now = datetime.now(UTC)
    if token.revoked_at is not None:
        raise Unauthenticated("Invalid token: it has been revoked.")
    if is_expired(token.expires_at, now):
        raise Unauthenticated("Invalid token: it has expired.")
    _record_use(session, token, now)
    return _principal_of(session, token)


def _record_use(session: Session, token: Token, now: datetime) -> None:
    if token.last_used_at and now - token.last_used_at < LAST_USED_PRECISION:
        return
    session.execute(update(Token).where(Token.id == token.id).values(last_used_at=now))
    session.commit()


def _principal_of(session: Session, token: Token) -> Principal:
    user = session.get(User, token.user_id) if token.user_id is not None else None
    known = {scope.value for scope in Scope}
    scopes = frozenset(Scope(scope) for scope in token.scopes if scope in known)
    return Principal(
        actor=f"token:{token.id}",
        token_id=token.id,
        scopes=scopes,
        is_admin=bool(user and user.is_admin),
        user_id=token.user_id,
        project_id=token.project_id,
        group_ids=frozenset({token.group_id}) if token.group_id else frozenset(),
    )


def authorize(principal: Principal, project: Project, permission: Permission) -> None:
    """Raise unless the principal may act on the project with that permission."""
    if principal.is_anonymous:
        if permission is Permission.READ and project.visibility is Visibility.PUBLIC:
            return
        raise Unauthenticated("Authentication required: send a token as password.")
    if not _reaches(principal, project):
        raise NotFound("Project not found.")
    if not principal.has_scope_for(permission):
        raise Forbidden(
            f"The token lacks a scope for {permission.value} access to this project."
        )


def _reaches(principal: Principal, project: Project) -> bool:
    if principal.is_admin:
        return True
    if principal.project_id == project.id:
        return True
    return project.group_id is not None and project.group_id in principal.group_ids
