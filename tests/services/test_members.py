"""Who may change memberships: maintainers, within their own role."""

import pytest
from sqlalchemy import select

from tests.projects import create_project
from wheelkeep.cli.context import OPERATOR
from wheelkeep.db.models import Project, User
from wheelkeep.domain.access import ALL_SCOPES, Grant, Principal, Role
from wheelkeep.domain.errors import Forbidden
from wheelkeep.services.members import Target, add_member, list_members, remove_member
from wheelkeep.services.registry import Registry
from wheelkeep.services.users import create_user


@pytest.fixture
def target(registry: Registry) -> Target:
    project_id = create_project(registry, "ai/models")
    with registry.transaction() as session:
        project = session.get(Project, project_id)
        assert project is not None
        target = Target(project=project)
        for name, role in (("boss", Role.OWNER), ("keeper", Role.MAINTAIN)):
            user = create_user(session, OPERATOR, name, None)
            add_member(session, OPERATOR, user, target, role)
    return target


def maintainer(target: Target) -> Principal:
    assert target.project is not None
    grant = Grant(Role.MAINTAIN, project_id=target.project.id)
    return Principal(actor="keeper", scopes=ALL_SCOPES, grants=(grant,))


def roles(registry: Registry, target: Target) -> dict[str, Role]:
    with registry.session() as session:
        return {u.username: m.role for u, m in list_members(session, target)}


def user(registry: Registry, name: str) -> User:
    with registry.session() as session:
        return session.scalars(select(User).where(User.username == name)).one()


def test_a_maintainer_manages_members_up_to_their_own_role(
    registry: Registry, target: Target
) -> None:
    with registry.transaction() as session:
        newcomer = create_user(session, OPERATOR, "newcomer", None)
        add_member(session, maintainer(target), newcomer, target, Role.MAINTAIN)
        with pytest.raises(Forbidden, match="may not exceed your own"):
            add_member(session, maintainer(target), newcomer, target, Role.OWNER)

    assert roles(registry, target)["newcomer"] is Role.MAINTAIN


def test_a_maintainer_neither_demotes_nor_removes_an_owner(
    registry: Registry, target: Target
) -> None:
    boss = user(registry, "boss")

    with (
        pytest.raises(Forbidden, match="above your own"),
        registry.transaction() as session,
    ):
        add_member(session, maintainer(target), boss, target, Role.READ)
    with (
        pytest.raises(Forbidden, match="above your own"),
        registry.transaction() as session,
    ):
        remove_member(session, maintainer(target), boss, target)

    assert roles(registry, target)["boss"] is Role.OWNER
