"""The audit log: who did what, when, and from where."""

from sqlalchemy import select
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


def list_events(
    session: Session,
    *,
    project_id: int | None = None,
    action: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditEvent]:
    """The newest events first, optionally of one project or one action."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if project_id is not None:
        query = query.where(AuditEvent.project_id == project_id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return list(session.scalars(query.limit(limit).offset(offset)))
