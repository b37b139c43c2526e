"""Tokens: minted once, stored as a sha256, listed, revoked.

A secret looks like ``wkdt_<43 random url-safe characters>``; the prefix names
the kind so secret scanners can spot a leaked token. The registry keeps only the
sha256 of the secret, which is enough to find the token again: the secret has
256 bits of entropy, so a fast hash does not weaken it. The secret is returned
once, by :func:`create_token`, and never again.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wheelkeep.db.models import Group, Project, Token, User
from wheelkeep.domain.access import (
    JOB_TOKEN_USERNAME,
    Permission,
    Principal,
    Role,
    TokenKind,
    deploy_token_username,
)
from wheelkeep.domain.errors import Forbidden, NotFound
from wheelkeep.domain.tokens import (
    TokenRequest,
    check_token_request,
    secret_digest,
)
from wheelkeep.services import audit
from wheelkeep.services.registry import Registry

log = logging.getLogger(__name__)

PREFIXES = {
    TokenKind.PERSONAL: "wkpat_",
    TokenKind.DEPLOY: "wkdt_",
    TokenKind.PROJECT_ACCESS: "wkpat_",
    TokenKind.GROUP_ACCESS: "wkpat_",
    TokenKind.JOB: "wkjob_",
}
# Characters of the random part kept for display after the kind prefix.
SHOWN_CHARACTERS = 4


def mint_secret(kind: TokenKind) -> str:
    return PREFIXES[kind] + secrets.token_urlsafe(32)


def shown_prefix(kind: TokenKind, secret: str) -> str:
    return secret[: len(PREFIXES[kind]) + SHOWN_CHARACTERS]


@dataclass(frozen=True)
class CreatedToken:
    """A new token and its secret, which exists nowhere else after this."""

    token: Token
    secret: str


def create_token(
    registry: Registry,
    principal: Principal,
    request: TokenRequest,
    address: str | None = None,
) -> CreatedToken:
    """Mint a token after checking the request and the caller's right to mint it."""
    now = datetime.now(UTC)
    request = check_token_request(request, now)
    with registry.transaction() as session:
        _check_may_mint(session, principal, request)
        secret = mint_secret(request.kind)
        token = Token(
            kind=request.kind,
            name=request.name,
            secret_sha256=secret_digest(secret),
            prefix=shown_prefix(request.kind, secret),
            scopes=sorted(request.scopes),
            user_id=request.user_id,
            project_id=request.project_id,
            group_id=request.group_id,
            role=request.role,
            expires_at=request.expires_at,
            created_at=now,
        )
        session.add(token)
        session.flush()
        token.username = _username(session, token)
        audit_token(
            session,
            "token.create",
            principal,
            token,
            address,
            kind=token.kind.value,
            scopes=token.scopes,
            expires_at=token.expires_at.isoformat() if token.expires_at else None,
        )
    log.info(
        "token.created id=%s kind=%s prefix=%s actor=%s",
        token.id,
        token.kind.value,
        token.prefix,
        principal.actor,
    )
    return CreatedToken(token, secret)


def _username(session: Session, token: Token) -> str:
    if token.kind is TokenKind.DEPLOY:
        return deploy_token_username(token.id)
    if token.kind is TokenKind.JOB:
        return JOB_TOKEN_USERNAME
    if token.kind is TokenKind.PROJECT_ACCESS:
        return f"project_{token.project_id}_bot_{token.id}"
    if token.kind is TokenKind.GROUP_ACCESS:
        return f"group_{token.group_id}_bot_{token.id}"
    user = session.get(User, token.user_id)
    return user.username if user else f"token-{token.id}"


def audit_token(
    session: Session,
    action: str,
    principal: Principal,
    token: Token,
    address: str | None = None,
    **details: object,
) -> None:
    """Add an audit event about a token (never its secret)."""
    audit.record(
        session,
        action=action,
        principal=principal,
        project_id=token.project_id,
        target=f"token {token.id} ({token.kind.value} {token.name!r})",
        address=address,
        token=token.id,
        **details,
    )


def _check_may_mint(
    session: Session, principal: Principal, request: TokenRequest
) -> None:
    """Admins mint anything; maintainers mint tokens on what they maintain.

    A project or group access token's role may not exceed the minting
    principal's own, so nobody hands out more than they hold.
    """
    if principal.is_admin:
        _check_targets_exist(session, request)
        return
    if request.kind is TokenKind.PERSONAL:
        if request.user_id != principal.user_id:
            raise Forbidden("Only an administrator mints tokens for other users.")
        _check_targets_exist(session, request)
        return
    role = _role_on_target(session, principal, request)
    if role is None or Permission.MANAGE not in role.permissions:
        raise Forbidden("Minting this token needs the maintain role on its target.")
    if request.role is not None and request.role.rank > role.rank:
        raise Forbidden("A token's role may not exceed the role of who mints it.")


def _check_targets_exist(session: Session, request: TokenRequest) -> None:
    if request.user_id is not None and session.get(User, request.user_id) is None:
        raise NotFound("User not found.")
    if request.project_id is not None and not session.get(Project, request.project_id):
        raise NotFound("Project not found.")
    if request.group_id is not None and session.get(Group, request.group_id) is None:
        raise NotFound("Group not found.")


def _role_on_target(
    session: Session, principal: Principal, request: TokenRequest
) -> Role | None:
    if request.project_id is not None:
        project = session.get(Project, request.project_id)
        if project is None:
            raise NotFound("Project not found.")
        return principal.role_on(project.id, project.path)
    group = session.get(Group, request.group_id) if request.group_id else None
    if group is None:
        raise NotFound("Group not found.")
    return principal.role_on_group(group.path)


@dataclass(frozen=True)
class TokenFilter:
    """Which tokens to list: those of one project, group, user or kind."""

    project_id: int | None = None
    group_id: int | None = None
    user_id: int | None = None
    kind: TokenKind | None = None
    include_revoked: bool = True


def list_tokens(session: Session, wanted: TokenFilter) -> list[Token]:
    query = select(Token).order_by(Token.id)
    if wanted.project_id is not None:
        query = query.where(Token.project_id == wanted.project_id)
    if wanted.group_id is not None:
        query = query.where(Token.group_id == wanted.group_id)
    if wanted.user_id is not None:
        query = query.where(Token.user_id == wanted.user_id)
    if wanted.kind is not None:
        query = query.where(Token.kind == wanted.kind)
    if not wanted.include_revoked:
        query = query.where(Token.revoked_at.is_(None))
    return list(session.scalars(query))


def revoke_token(
    registry: Registry,
    principal: Principal,
    token_id: int,
    within: TokenFilter | None = None,
    address: str | None = None,
) -> Token:
    """Revoke a token (for good); ``within`` limits which tokens qualify.

    Revoking an already revoked token changes nothing and is not an error.
    """
    with registry.transaction() as session:
        token = session.get(Token, token_id)
        if token is None or not _matches(token, within or TokenFilter()):
            raise NotFound("Token not found.")
        _check_may_revoke(session, principal, token)
        if token.revoked_at is None:
            token.revoked_at = datetime.now(UTC)
            audit_token(session, "token.revoke", principal, token, address)
    log.info("token.revoked id=%s actor=%s", token.id, principal.actor)
    return token


def _matches(token: Token, wanted: TokenFilter) -> bool:
    pairs = (
        (wanted.project_id, token.project_id),
        (wanted.group_id, token.group_id),
        (wanted.user_id, token.user_id),
        (wanted.kind, token.kind),
    )
    return all(want is None or want == have for want, have in pairs)


def _check_may_revoke(session: Session, principal: Principal, token: Token) -> None:
    if principal.is_admin:
        return
    if token.kind is TokenKind.PERSONAL:
        if token.user_id != principal.user_id:
            raise NotFound("Token not found.")
        return
    request = TokenRequest(
        kind=token.kind,
        name=token.name,
        scopes=frozenset(),
        project_id=token.project_id,
        group_id=token.group_id,
    )
    role = _role_on_target(session, principal, request)
    if role is None or Permission.MANAGE not in role.permissions:
        raise Forbidden("Revoking this token needs the maintain role on its target.")
