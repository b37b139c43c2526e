"""What a valid token request looks like, for every kind of token."""

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from wheelkeep.domain.access import (
    ALLOWED_SCOPES,
    REGISTRY_SCOPES,
    Role,
    Scope,
    TokenKind,
)
from wheelkeep.domain.errors import InvalidRequest

# Job tokens stand for one CI job: they always expire, soon.
DEFAULT_JOB_TOKEN_LIFETIME = timedelta(hours=1)
MAX_NAME_LENGTH = 255

_DURATION = re.compile(r"(\d{1,6})([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class TokenRequest:
    """A token to mint: what it reaches, with which scopes, until when."""

    kind: TokenKind
    name: str
    scopes: frozenset[Scope]
    project_id: int | None = None
    group_id: int | None = None
    user_id: int | None = None
    role: Role | None = None
    expires_at: datetime | None = None


def check_token_request(request: TokenRequest, now: datetime) -> TokenRequest:
    """The request with defaults filled in; InvalidRequest when it breaks a rule."""
    if not request.name.strip() or len(request.name) > MAX_NAME_LENGTH:
        raise InvalidRequest("A token needs a name of 1 to 255 characters.")
    _check_target(request)
    scopes = request.scopes
    if request.kind is TokenKind.JOB and not scopes:
        scopes = REGISTRY_SCOPES
    if not scopes:
        raise InvalidRequest("A token needs at least one scope.")
    refused = scopes - ALLOWED_SCOPES[request.kind]
    if refused:
        raise InvalidRequest(
            f"A {request.kind.value} token cannot have the scopes "
            f"{', '.join(sorted(refused))}."
        )
    expires_at = request.expires_at
    if expires_at is None and request.kind is TokenKind.JOB:
        expires_at = now + DEFAULT_JOB_TOKEN_LIFETIME
    if expires_at is not None and expires_at <= now:
        raise InvalidRequest("The expiry date is in the past.")
    role = request.role
    if request.kind in (TokenKind.PROJECT_ACCESS, TokenKind.GROUP_ACCESS):
        role = role or Role.MAINTAIN
    elif role is not None:
        raise InvalidRequest("Only project and group access tokens have a role.")
    return TokenRequest(
        kind=request.kind,
        name=request.name.strip(),
        scopes=scopes,
        project_id=request.project_id,
        group_id=request.group_id,
        user_id=request.user_id,
        role=role,
        expires_at=expires_at,
    )


def _check_target(request: TokenRequest) -> None:
    on_project = request.project_id is not None
    on_group = request.group_id is not None
    on_user = request.user_id is not None
    expected = {
        TokenKind.PERSONAL: on_user and not on_project and not on_group,
        TokenKind.DEPLOY: (on_project != on_group) and not on_user,
        TokenKind.PROJECT_ACCESS: on_project and not on_group and not on_user,
        TokenKind.GROUP_ACCESS: on_group and not on_project and not on_user,
        TokenKind.JOB: on_project and not on_group,
    }[request.kind]
    if not expected:
        raise InvalidRequest(
            {
                TokenKind.PERSONAL: "A personal access token belongs to a user.",
                TokenKind.DEPLOY: "A deploy token belongs to one project or group.",
                TokenKind.PROJECT_ACCESS: "A project access token needs a project.",
                TokenKind.GROUP_ACCESS: "A group access token needs a group.",
                TokenKind.JOB: "A job token belongs to one project.",
            }[request.kind]
        )


def parse_duration(text: str) -> timedelta:
    """``90s``, ``30m``, ``1h``, ``7d`` or ``2w`` as a time span."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise InvalidRequest(
            f"Invalid duration {text!r}: write a number and s, m, h, d or w (1h)."
        )
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def secret_digest(secret: str) -> str:
    """What is stored of a secret: its sha256 (the secret has 256 random bits)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def digests_match(stored: str, presented: str) -> bool:
    return hmac.compare_digest(stored, presented)


def is_expired(expires_at: datetime | None, now: datetime) -> bool:
    return expires_at is not None and expires_at <= now
