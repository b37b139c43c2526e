"""``/groups``: list, get and create groups."""

from fastapi import APIRouter, Response

from wheelkeep.api.management.auth import (
    Address,
    Caller,
    GroupRef,
    Page,
    PerPage,
    RegistryDep,
    group_for,
)
from wheelkeep.api.management.listing import paginate
from wheelkeep.api.management.projects import ERRORS
from wheelkeep.api.management.schemas import GroupIn, GroupOut, group_out
from wheelkeep.db.models import Group
from wheelkeep.domain.access import Permission
from wheelkeep.domain.errors import InvalidRequest, NotFound
from wheelkeep.services.groups import create_group, visible_groups

router = APIRouter(tags=["groups"])


@router.get("/groups", responses=ERRORS)
def list_groups(
    registry: RegistryDep,
    principal: Caller,
    response: Response,
    page: Page = 1,
    per_page: PerPage = 20,
) -> list[GroupOut]:
    """The groups the caller can see."""
    with registry.session() as session:
        groups = visible_groups(session, principal)
    return [group_out(group) for group in paginate(groups, page, per_page, response)]


@router.get("/groups/{group_ref}", responses=ERRORS)
def get_group(
    registry: RegistryDep, principal: Caller, group_ref: GroupRef
) -> GroupOut:
    return group_out(group_for(registry, principal, group_ref, Permission.READ))


@router.post("/groups", status_code=201, responses=ERRORS)
def post_group(
    registry: RegistryDep, principal: Caller, body: GroupIn, address: Address
) -> GroupOut:
    """Create a group, under ``parent_id`` if given (top level: admins only)."""
    if "/" in body.path:
        raise InvalidRequest("A path is one segment: name the parent in parent_id.")
    with registry.transaction() as session:
        parent = None
        if body.parent_id is not None:
            parent = session.get(Group, body.parent_id)
            if parent is None:
                raise NotFound("Parent group not found.")
        path = f"{parent.path}/{body.path}" if parent else body.path
        group = create_group(session, principal, path, body.visibility, address)
    return group_out(group)
