"""``/projects/:id/members`` and ``/groups/:id/members``, with GitLab's levels."""

from fastapi import APIRouter, Response

from wheelkeep.api.management.auth import (
    Address,
    Caller,
    GroupRef,
    ProjectRef,
    RegistryDep,
    group_for,
    project_for,
)
from wheelkeep.api.management.projects import ERRORS
from wheelkeep.api.management.schemas import (
    MemberIn,
    MemberOut,
    role_of_level,
    user_out,
)
from wheelkeep.db.models import Membership, User
from wheelkeep.domain.access import Permission, Principal
from wheelkeep.services.members import Target, add_member, list_members, remove_member
from wheelkeep.services.registry import Registry
from wheelkeep.services.users import find_user

router = APIRouter(tags=["members"])


def _out(user: User, membership: Membership) -> MemberOut:
    return MemberOut(
        **user_out(user).model_dump(),
        access_level=membership.role.access_level,
        role=membership.role,
    )


def _list(registry: Registry, target: Target) -> list[MemberOut]:
    with registry.session() as session:
        return [_out(user, member) for user, member in list_members(session, target)]


def _add(
    registry: Registry,
    principal: Principal,
    target: Target,
    body: MemberIn,
    address: str | None,
) -> MemberOut:
    role = role_of_level(body.access_level)
    with registry.transaction() as session:
        user = find_user(session, body.user_id)
        membership = add_member(session, principal, user, target, role, address)
    return _out(user, membership)


def _remove(
    registry: Registry,
    principal: Principal,
    target: Target,
    user_ref: str,
    address: str | None,
) -> None:
    with registry.transaction() as session:
        user = find_user(session, user_ref)
        remove_member(session, principal, user, target, address)


@router.get("/projects/{project_ref}/members", responses=ERRORS)
def list_project_members(
    registry: RegistryDep, principal: Caller, project_ref: ProjectRef
) -> list[MemberOut]:
    project = project_for(registry, principal, project_ref, Permission.READ)
    return _list(registry, Target(project=project))


@router.post("/projects/{project_ref}/members", status_code=201, responses=ERRORS)
def post_project_member(
    registry: RegistryDep,
    principal: Caller,
    project_ref: ProjectRef,
    body: MemberIn,
    address: Address,
) -> MemberOut:
    project = project_for(registry, principal, project_ref, Permission.MANAGE)
    return _add(registry, principal, Target(project=project), body, address)


@router.delete(
    "/projects/{project_ref}/members/{user_ref}", status_code=204, responses=ERRORS
)
def delete_project_member(
    registry: RegistryDep,
    principal: Caller,
    project_ref: ProjectRef,
    user_ref: str,
    address: Address,
) -> Response:
    project = project_for(registry, principal, project_ref, Permission.MANAGE)
    _remove(registry, principal, Target(project=project), user_ref, address)
    return Response(status_code=204)


@router.get("/groups/{group_ref}/members", responses=ERRORS)
def list_group_members(
    registry: RegistryDep, principal: Caller, group_ref: GroupRef
) -> list[MemberOut]:
    group = group_for(registry, principal, group_ref, Permission.READ)
    return _list(registry, Target(group=group))


@router.post("/groups/{group_ref}/members", status_code=201, responses=ERRORS)
def post_group_member(
    registry: RegistryDep,
    principal: Caller,
    group_ref: GroupRef,
    body: MemberIn,
    address: Address,
) -> MemberOut:
    group = group_for(registry, principal, group_ref, Permission.MANAGE)
    return _add(registry, principal, Target(group=group), body, address)


@router.delete(
    "/groups/{group_ref}/members/{user_ref}", status_code=204, responses=ERRORS
)
def delete_group_member(
    registry: RegistryDep,
    principal: Caller,
    group_ref: GroupRef,
    user_ref: str,
    address: Address,
) -> Response:
    group = group_for(registry, principal, group_ref, Permission.MANAGE)
    _remove(registry, principal, Target(group=group), user_ref, address)
    return Response(status_code=204)
