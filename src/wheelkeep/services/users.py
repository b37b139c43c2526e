"""Users (people and the instance's administrators) and their passwords.

Passwords are hashed with Argon2id (argon2-cffi's defaults). HTTP clients
authenticate with tokens only, as GitLab's package registry does; passwords are
kept for interactive sign-in.
"""

import logging
from urllib.parse import unquote

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from wheelkeep.db.models import User
from wheelkeep.domain.access import JOB_TOKEN_USERNAME, Principal
from wheelkeep.domain.errors import Forbidden, InvalidRequest, NotFound
from wheelkeep.domain.namespaces import check_path
from wheelkeep.services import audit
from wheelkeep.services.projects import MAX_ID, add_unique, parse_id

log = logging.getLogger(__name__)

# Names clients send as the Basic user name of a token, never a person's.
RESERVED_USERNAMES = frozenset({"__token__", JOB_TOKEN_USERNAME, "anonymous", "cli"})
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidRequest(
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters."
        )
    return PasswordHasher().hash(password)


def verify_password(user: User, password: str) -> bool:
    if user.password_hash is None:
        return False
    try:
        return PasswordHasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(
    session: Session,
    principal: Principal,
    username: str,
    password: str | None,
    *,
    is_admin: bool = False,
    address: str | None = None,
) -> User:
    """Add a user; only administrators do. The caller's transaction commits it."""
    if not principal.is_admin:
        raise Forbidden("Only an administrator creates users.")
    if "/" in username or check_path(username) != username:
        raise InvalidRequest(f"Invalid user name {username!r}.")
    if username.lower() in RESERVED_USERNAMES or "bot" in username.split("_"):
        raise InvalidRequest(f"The user name {username!r} is reserved.")
    user = User(
        username=username,
        password_hash=hash_password(password) if password is not None else None,
        is_admin=is_admin,
    )
    add_unique(session, user, f"The user name {username!r} is already taken.")
    audit.record(
        session,
        action="user.create",
        principal=principal,
        target=f"user {username}",
        address=address,
        admin=is_admin,
    )
    log.info("user.created id=%s admin=%s actor=%s", user.id, is_admin, principal.actor)
    return user


def find_user(session: Session, reference: str | int) -> User:
    """The user with that id or user name; NotFound otherwise."""
    number = parse_id(reference)
    if number is not None:
        user = session.get(User, number) if 0 < number <= MAX_ID else None
    else:
        name = unquote(str(reference))
        user = session.scalar(select(User).where(User.username == name))
    if user is None:
        raise NotFound("User not found.")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.id)))
