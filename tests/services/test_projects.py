"""Creating groups, projects and users: taken names and who may create where."""

import pytest

from wheelkeep.cli.context import OPERATOR
from wheelkeep.domain.access import ALL_SCOPES, Grant, Principal, Role, Visibility
from wheelkeep.domain.errors import Conflict, Forbidden
from wheelkeep.services.groups import create_group
from wheelkeep.services.projects import create_project
from wheelkeep.services.registry import Registry
from wheelkeep.services.users import create_user

PRIVATE = Visibility.PRIVATE


def test_a_taken_path_or_user_name_is_a_conflict(registry: Registry) -> None:
    with registry.transaction() as session:
        create_group(session, OPERATOR, "ai", PRIVATE)
        create_project(session, OPERATOR, "ai/models", PRIVATE)
        create_user(session, OPERATOR, "dev", None)

    attempts = [
        lambda session: create_group(session, OPERATOR, "ai", PRIVATE),
        lambda session: create_project(session, OPERATOR, "ai/models", PRIVATE),
        lambda session: create_user(session, OPERATOR, "dev", None),
    ]
    for attempt in attempts:
        with (
            pytest.raises(Conflict, match="is already taken"),
            registry.transaction() as session,
        ):
            attempt(session)


def test_only_maintainers_of_a_group_create_in_it(registry: Registry) -> None:
    with registry.transaction() as session:
        create_group(session, OPERATOR, "ai", PRIVATE)
    writer = Principal(
        "w", scopes=ALL_SCOPES, grants=(Grant(Role.WRITE, group_path="ai"),)
    )
    keeper = Principal(
        "m", scopes=ALL_SCOPES, grants=(Grant(Role.MAINTAIN, group_path="ai"),)
    )

    with registry.transaction() as session:
        create_group(session, keeper, "ai/edge", PRIVATE)
        create_project(session, keeper, "ai/models", PRIVATE)
    refusals = [
        (lambda s: create_group(s, writer, "ai/x", PRIVATE), "on its parent"),
        (lambda s: create_project(s, writer, "ai/x", PRIVATE), "on its group"),
        (lambda s: create_group(s, keeper, "top", PRIVATE), "on its parent"),
        (lambda s: create_project(s, keeper, "top", PRIVATE), "on its group"),
    ]
    for attempt, words in refusals:
        with pytest.raises(Forbidden, match=words), registry.transaction() as s:
            attempt(s)
