"""First start: what it creates, once, and that the audit log says so."""

from sqlalchemy import select

from wheelkeep.db.models import AuditEvent, Token
from wheelkeep.services.bootstrap import bootstrap
from wheelkeep.services.registry import Registry


def test_first_start_is_audited_once(registry: Registry) -> None:
    again = bootstrap(registry)

    with registry.session() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        token = session.scalars(select(Token)).one()
    assert not again.created
    assert [(e.action, e.actor, e.project_id) for e in events] == [
        ("project.create", "bootstrap", 1),
        ("user.create", "bootstrap", None),
        ("token.create", "bootstrap", None),
    ]
    assert events[2].details["token"] == token.id
    assert events[2].target == f"token {token.id} (personal 'initial admin token')"
    secret = (registry.settings.data_dir / "initial-admin-token").read_text().strip()
    assert secret not in repr([e.details for e in events])
