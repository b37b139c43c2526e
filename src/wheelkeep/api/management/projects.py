"""``/projects``: list, get and create projects."""

from fastapi import APIRouter, Response
from sqlalchemy import select

from wheelkeep.api.management.auth import (
    Address,
    Caller,
    Page,
    PerPage,
    ProjectRef,
    RegistryDep,
    project_for,
)
from wheelkeep.api.management.listing import paginate
from wheelkeep.api.management.schemas import Message, ProjectIn, ProjectOut, project_out
from wheelkeep.db.models import Group
from wheelkeep.domain.access import Permission
from wheelkeep.domain.errors import InvalidRequest, NotFound
from wheelkeep.services.projects import create_project, visible_projects

router = APIRouter(tags=["projects"])
ERRORS: dict[int | str, dict[str, object]] = {
    status: {"model": Message} for status in (400, 401, 403, 404, 409, 429)
}


def _groups_by_id(registry: RegistryDep) -> dict[int, Group]:
    with registry.session() as session:
        return {group.id: group for group in session.scalars(select(Group))}


@router.get("/projects", responses=ERRORS)
def list_projects(
    registry: RegistryDep,
    principal: Caller,
    response: Response,
    page: Page = 1,
    per_page: PerPage = 20,
) -> list[ProjectOut]:
    """The projects the caller can see."""
    with registry.session() as session:
        projects = visible_projects(session, principal)
    groups = _groups_by_id(registry)
    shown = paginate(projects, page, per_page, response)
    return [project_out(p, groups.get(p.group_id or 0)) for p in shown]


@router.get("/projects/{project_ref}", responses=ERRORS)
def get_project(
    registry: RegistryDep, principal: Caller, project_ref: ProjectRef
) -> ProjectOut:
    project = project_for(registry, principal, project_ref, Permission.READ)
    return project_out(project, _groups_by_id(registry).get(project.group_id or 0))


@router.post("/projects", status_code=201, responses=ERRORS)
def post_project(
    registry: RegistryDep, principal: Caller, body: ProjectIn, address: Address
) -> ProjectOut:
    """Create a project in the group ``namespace_id`` (top level: admins only)."""
    segment = body.path or body.name
    if segment is None:
        raise InvalidRequest("Give the project's path or name.")
    if "/" in segment:
        raise InvalidRequest("A path is one segment: name the group in namespace_id.")
    with registry.transaction() as session:
        group = None
        if body.namespace_id is not None:
            group = session.get(Group, body.namespace_id)
            if group is None:
                raise NotFound("Namespace not found.")
        path = f"{group.path}/{segment}" if group else segment
        project = create_project(
            session, principal, path, body.visibility, address=address
        )
    return project_out(project, group)
