"""Groups: namespaces of projects that nest (``ai``, ``ai/edge``)."""

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from wheelkeep.db.models import Group, Project
from wheelkeep.domain.access import (
    Principal,
    Visibility,
    can_see,
    is_beneath,
)
from wheelkeep.domain.errors import NotFound
from wheelkeep.domain.namespaces import check_path, parent_of
from wheelkeep.services import audit
from wheelkeep.services.projects import (
    add_unique,
    check_may_create_in,
    find_by_reference,
    projects_beneath,
)

log = logging.getLogger(__name__)


def find_group(session: Session, reference: str | int) -> Group:
    """The group with that id or URL-encoded path; NotFound otherwise."""
    group = find_by_reference(session, Group, reference)
    if group is None:
        raise NotFound("Group not found.")
    return group


def create_group(
    session: Session,
    principal: Principal,
    path: str,
    visibility: Visibility,
    address: str | None = None,
) -> Group:
    """Add a group; its parent must exist. The caller's transaction commits it."""
    path = check_path(path)
    parent_path = parent_of(path)
    parent = None
    if parent_path is not None:
        parent = session.scalar(select(Group).where(Group.path == parent_path))
        if parent is None:
            raise NotFound(f"Parent group {parent_path!r} not found.")
    check_may_create_in(
        principal,
        parent_path,
        "Creating a group here needs the maintain role on its parent.",
    )
    group = Group(
        parent_id=parent.id if parent else None, path=path, visibility=visibility
    )
    add_unique(session, group, f"The path {path!r} is already taken.")
    audit.record(
        session,
        action="group.create",
        principal=principal,
        target=path,
        address=address,
        visibility=visibility.value,
    )
    log.info("group.created id=%s path=%s actor=%s", group.id, path, principal.actor)
    return group


@dataclass(frozen=True)
class GroupView:
    """A group as one principal sees it: the projects beneath it it may read.

    ``hidden`` tells whether other projects beneath it exist that this
    principal may not read; an anonymous miss then asks for credentials.
    """

    group: Group
    readable: list[Project]
    hidden: bool


def view_group(session: Session, principal: Principal, group: Group) -> GroupView:
    return _view(principal, group, projects_beneath(session, group.path))


def _view(principal: Principal, group: Group, projects: list[Project]) -> GroupView:
    readable: list[Project] = []
    for project in projects:
        role = principal.role_on(project.id, project.path)
        if can_see(principal, project.visibility, role):
            readable.append(project)
    return GroupView(group, readable, hidden=len(readable) < len(projects))


def group_visible(principal: Principal, view: GroupView) -> bool:
    """Members of the group or of a project in it see it, as GitLab shows them."""
    if view.readable:
        return True
    group = view.group
    return can_see(principal, group.visibility, principal.role_on_group(group.path))


def visible_groups(session: Session, principal: Principal) -> list[Group]:
    """The groups the principal can see, by id (two queries in all)."""
    groups = list(session.scalars(select(Group).order_by(Group.id)))
    projects = list(session.scalars(select(Project).order_by(Project.id)))
    return [
        group
        for group in groups
        if group_visible(
            principal,
            _view(
                principal,
                group,
                [p for p in projects if is_beneath(p.path, group.path)],
            ),
        )
    ]
