"""The audit log: who did what, when, and from where."""

from sqlalchemy.orm import Session

from wheelkeep.db.models import AuditEvent
from wheelkeep.domain.access import Principal


def record(
    session: Session,
    *,
    action: str,
    principal: Principal,
    target: str,
    project_id: int | None = None,
    address: str | None = None,
    **details: object,
) -> None:
    """Add an audit event to the session's transaction."""
    session.add(
        AuditEvent(
            action=action,
            actor=principal.actor,
            token_id=principal.token_id,
            project_id=project_id,
            target=target,
            address=address,
            details=details,
        )
    )
