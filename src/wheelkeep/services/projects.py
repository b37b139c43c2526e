"""Projects: finding them by numeric id or path (GitLab's ``:id``), creating them."""

import logging
from typing import TypeVar
from urllib.parse import unquote

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wheelkeep.db.models import Group, Project
from wheelkeep.domain.access import Permission, Principal, Visibility, can_see
from wheelkeep.domain.errors import Conflict, Forbidden, NotFound
from wheelkeep.domain.namespaces import ancestors_of, check_path, parent_of
from wheelkeep.services import audit

log = logging.getLogger(__name__)

DEFAULT_PROJECT_ID = 1
DEFAULT_PROJECT_PATH = "default"
# Ids are 64-bit integers in every database; a longer number names nothing.
MAX_ID = 2**63 - 1

# What GitLab's ``:id`` names: a project or a group.
Namespace = TypeVar("Namespace", Project, Group)


def parse_id(reference: str | int) -> int | None:
    """The numeric id a reference names, or None when it is a path."""
    if isinstance(reference, int):
        return reference
    if reference.isascii() and reference.isdecimal():
        return int(reference)
    return None


def find_by_reference(
    session: Session, model: type[Namespace], reference: str | int
) -> Namespace | None:
    """The project or group with that numeric id or URL-encoded path, or None."""
    number = parse_id(reference)
    if number is not None:
        return session.get(model, number) if 0 < number <= MAX_ID else None
    path = unquote(str(reference)).strip("/")
    return session.scalar(select(model).where(model.path == path))


def find_project(session: Session, reference: str | int) -> Project:
    """The project with that id or URL-encoded path; NotFound otherwise."""
    project = find_by_reference(session, Project, reference)
    if project is None:
        raise NotFound("Project not found.")
    return project


def current_serial(session: Session, project_id: int) -> int:
    serial = session.scalar(select(Project.serial).where(Project.id == project_id))
    if serial is None:
        raise NotFound("Project not found.")
    return serial


def lock_project(session: Session, project_id: int) -> int:
    """Take the write lock on the project's row first; return its serial.

    Every change to a project's index (upload, yank, delete, promotion,
    snapshot) starts here, so changes to one project run one at a time and a
    change sees one state of the index from its first read to its commit.
    NotFound when the project does not exist.
    """
    return _add_to_serial(session, project_id, 0)


def bump_serial(session: Session, project_id: int) -> int:
    """Take the write lock first, as :func:`lock_project`, and count one change.

    Returns the new serial, which every cached page of the project then misses.
    """
    return _add_to_serial(session, project_id, 1)


def _add_to_serial(session: Session, project_id: int, changes: int) -> int:
    # An UPDATE, even one that changes nothing, takes the row's write lock (on
    # SQLite, the database's) at once; reading first and writing later could
    # deadlock with another writer doing the same.
    serial = session.execute(
        update(Project)
        .where(Project.id == project_id)
        .values(serial=Project.serial + changes)
        .returning(Project.serial)
    ).scalar_one_or_none()
    if serial is None:
        raise NotFound("Project not found.")
    return serial


def projects_beneath(session: Session, group_path: str) -> list[Project]:
    """Every project in the group at ``group_path`` and its subgroups, by path."""
    prefix = group_path + "/"
    # LIKE may match case-insensitively on some backends; the exact test after
    # it keeps only true descendants.
    candidates = session.scalars(
        select(Project)
        .where(Project.path.startswith(prefix, autoescape=True))
        .order_by(Project.id)
    )
    return [project for project in candidates if project.path.startswith(prefix)]


def visible_projects(session: Session, principal: Principal) -> list[Project]:
    """The projects the principal can see, by id."""
    projects = session.scalars(select(Project).order_by(Project.id))
    return [
        project
        for project in projects
        if can_see(
            principal, project.visibility, principal.role_on(project.id, project.path)
        )
    ]


def create_project(
    session: Session,
    principal: Principal,
    path: str,
    visibility: Visibility,
    *,
    create_groups: bool = False,
    address: str | None = None,
) -> Project:
    """Add a project at ``group/name``; the caller's transaction commits it.

    The enclosing group must exist, unless ``create_groups`` asks for missing
    groups to be created (private) on the way, as the CLI does.
    """
    path = check_path(path)
    group_path = parent_of(path)
    group = None
    if group_path is not None:
        group = _enclosing_group(session, principal, group_path, create_groups)
    check_may_create_in(
        principal,
        group_path,
        "Creating a project here needs the maintain role on its group.",
    )
    project = Project(
        group_id=group.id if group else None,
        path=path,
        visibility=visibility,
        serial=0,
    )
    add_unique(session, project, f"The path {path!r} is already taken.")
    audit.record(
        session,
        action="project.create",
        principal=principal,
        project_id=project.id,
        target=path,
        address=address,
        visibility=visibility.value,
    )
    log.info(
        "project.created id=%s path=%s actor=%s", project.id, path, principal.actor
    )
    return project


def _enclosing_group(
    session: Session, principal: Principal, group_path: str, create: bool
) -> Group:
    group = session.scalar(select(Group).where(Group.path == group_path))
    if group is not None:
        return group
    if not create:
        raise NotFound(f"Group {group_path!r} not found.")
    parent: Group | None = None
    for path in [*ancestors_of(group_path), group_path]:
        found = session.scalar(select(Group).where(Group.path == path))
        if found is None:
            found = Group(
                parent_id=parent.id if parent else None,
                path=path,
                visibility=Visibility.PRIVATE,
            )
            session.add(found)
            session.flush()
            audit.record(
                session,
                action="group.create",
                principal=principal,
                target=path,
                visibility=found.visibility.value,
            )
        parent = found
    assert parent is not None
    return parent


def check_may_create_in(
    principal: Principal, group_path: str | None, refusal: str
) -> None:
    """Top level is for administrators; in a group, the maintain role on it.

    ``refusal`` is the Forbidden message, naming what was to be created.
    """
    if principal.is_admin:
        return
    role = principal.role_on_group(group_path) if group_path else None
    if role is None or Permission.MANAGE not in role.permissions:
        raise Forbidden(refusal)


def add_unique(session: Session, row: object, taken: str) -> None:
    """Add a row whose unique name may be in use; Conflict(``taken``) if it is."""
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(taken) from None
