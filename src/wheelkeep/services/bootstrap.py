"""First start: the default project and an admin token to begin with."""

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from wheelkeep.db.models import Project, Token, TokenKind, User, Visibility
from wheelkeep.domain.access import ALL_SCOPES, Principal
from wheelkeep.domain.tokens import secret_digest
from wheelkeep.services import audit
from wheelkeep.services.projects import DEFAULT_PROJECT_ID, DEFAULT_PROJECT_PATH
from wheelkeep.services.registry import Registry
from wheelkeep.services.tokens import audit_token, mint_secret, shown_prefix
from wheelkeep.services.users import create_user

log = logging.getLogger(__name__)

ADMIN_USERNAME = "admin"
TOKEN_FILE_NAME = "initial-admin-token"  # noqa: S105 - a file name, not a secret
# Who the audit log names for what the first start creates.
BOOTSTRAP = Principal(actor="bootstrap", scopes=ALL_SCOPES, is_admin=True)


@dataclass(frozen=True)
class BootstrapResult:
    created: bool
    token_file: Path


def bootstrap(registry: Registry) -> BootstrapResult:
    """Create the default project and the first admin token, once."""
    token_file = registry.settings.data_dir / TOKEN_FILE_NAME
    with registry.transaction() as session:
        if session.get(Project, DEFAULT_PROJECT_ID) is not None:
            return BootstrapResult(created=False, token_file=token_file)
        _add_default_project(session)
        admin = _admin(session)
        secret = mint_secret(TokenKind.PERSONAL)
        token = Token(
            kind=TokenKind.PERSONAL,
            name="initial admin token",
            secret_sha256=secret_digest(secret),
            prefix=shown_prefix(TokenKind.PERSONAL, secret),
            username=admin.username,
            scopes=sorted(ALL_SCOPES),
            user_id=admin.id,
        )
        session.add(token)
        session.flush()
        audit_token(
            session,
            "token.create",
            BOOTSTRAP,
            token,
            kind=token.kind.value,
            scopes=token.scopes,
        )
        _write_secret_file(token_file, secret)
    log.info(
        "bootstrap.created default_project_id=%s token_file=%s",
        DEFAULT_PROJECT_ID,
        token_file,
    )
    return BootstrapResult(created=True, token_file=token_file)


def _add_default_project(session: Session) -> None:
    session.add(
        Project(
            id=DEFAULT_PROJECT_ID,
            path=DEFAULT_PROJECT_PATH,
            visibility=Visibility.PRIVATE,
            serial=0,
        )
    )
    audit.record(
        session,
        action="project.create",
        principal=BOOTSTRAP,
        project_id=DEFAULT_PROJECT_ID,
        target=DEFAULT_PROJECT_PATH,
        visibility=Visibility.PRIVATE.value,
    )


def _admin(session: Session) -> User:
    admin = session.scalar(select(User).where(User.username == ADMIN_USERNAME))
    if admin is None:
        admin = create_user(session, BOOTSTRAP, ADMIN_USERNAME, None, is_admin=True)
    return admin


def _write_secret_file(path: Path, secret: str) -> None:
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secret + "\n")
