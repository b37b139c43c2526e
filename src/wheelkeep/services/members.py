"""Memberships: a user's role on a group (and all beneath it) or on a project."""

import logging
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from wheelkeep.db.models import Group, Membership, Project, User
from wheelkeep.domain.access import Permission, Principal, Role
from wheelkeep.domain.errors import Forbidden, InvalidRequest, NotFound
from wheelkeep.services import audit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    """The group or the project a membership is on; exactly one is set."""

    project: Project | None = None
    group: Group | None = None

    def __post_init__(self) -> None:
        if (self.project is None) == (self.group is None):
            raise InvalidRequest("Name either a project or a group.")

    @property
    def project_id(self) -> int | None:
        return self.project.id if self.project is not None else None

    @property
    def label(self) -> str:
        if self.project is not None:
            return f"project {self.project.path}"
        assert self.group is not None
        return f"group {self.group.path}"

    def role_of(self, principal: Principal) -> Role | None:
        if self.project is not None:
            return principal.role_on(self.project.id, self.project.path)
        assert self.group is not None
        return principal.role_on_group(self.group.path)

    def condition(self) -> ColumnElement[bool]:
        if self.project is not None:
            return Membership.project_id == self.project.id
        assert self.group is not None
        return Membership.group_id == self.group.id


def _check_may_manage(
    principal: Principal,
    target: Target,
    role: Role | None,
    current: Membership | None,
) -> None:
    """Maintainers manage members, but neither give nor touch a role above their own.

    ``role`` is the role to give, ``current`` the membership it replaces or
    removes: a maintainer may not demote or remove an owner.
    """
    if principal.is_admin:
        return
    own = target.role_of(principal)
    if own is None or Permission.MANAGE not in own.permissions:
        raise Forbidden(f"Managing the members of {target.label} needs maintain.")
    if role is not None and role.rank > own.rank:
        raise Forbidden("A member's role may not exceed your own.")
    if current is not None and current.role.rank > own.rank:
        raise Forbidden(
            "This member's role is above your own: it is not yours to change."
        )


def add_member(
    session: Session,
    principal: Principal,
    user: User,
    target: Target,
    role: Role,
    address: str | None = None,
) -> Membership:
    """Give the user the role on the target, replacing any role held there."""
    membership = _membership(session, user, target)
    _check_may_manage(principal, target, role, membership)
    if membership is None:
        membership = Membership(
            user_id=user.id,
            project_id=target.project_id,
            group_id=target.group.id if target.group else None,
            role=role,
        )
        session.add(membership)
    else:
        membership.role = role
    session.flush()
    _audit(session, "member.add", principal, user, target, address, role=role.value)
    log.info("member.added user_id=%s role=%s actor=%s", user.id, role, principal.actor)
    return membership


def remove_member(
    session: Session,
    principal: Principal,
    user: User,
    target: Target,
    address: str | None = None,
) -> None:
    membership = _membership(session, user, target)
    _check_may_manage(principal, target, None, membership)
    if membership is None:
        raise NotFound(f"{user.username} is not a member of {target.label}.")
    session.delete(membership)
    _audit(session, "member.remove", principal, user, target, address)
    log.info("member.removed user_id=%s actor=%s", user.id, principal.actor)


def _membership(session: Session, user: User, target: Target) -> Membership | None:
    return session.scalar(
        select(Membership).where(Membership.user_id == user.id, target.condition())
    )


def _audit(
    session: Session,
    action: str,
    principal: Principal,
    user: User,
    target: Target,
    address: str | None,
    **details: object,
) -> None:
    audit.record(
        session,
        action=action,
        principal=principal,
        project_id=target.project_id,
        target=f"{user.username} on {target.label}",
        address=address,
        **details,
    )


def list_members(session: Session, target: Target) -> list[tuple[User, Membership]]:
    rows = session.execute(
        select(User, Membership)
        .join(Membership, Membership.user_id == User.id)
        .where(target.condition())
        .order_by(User.id)
    ).all()
    return [(row.User, row.Membership) for row in rows]
