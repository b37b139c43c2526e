"""``wheelkeep user`` and ``wheelkeep member``: people and their roles."""

import contextlib
import sys
from collections.abc import Iterator
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from wheelkeep.api.management.schemas import user_out
from wheelkeep.cli import context
from wheelkeep.cli.output import emit, listing
from wheelkeep.db.models import User
from wheelkeep.domain.access import Role
from wheelkeep.services.groups import find_group
from wheelkeep.services.members import Target, add_member, list_members, remove_member
from wheelkeep.services.projects import find_project
from wheelkeep.services.users import create_user, find_user, list_users

users = typer.Typer(help="Create and list users.", no_args_is_help=True)
members = typer.Typer(
    help="Give users roles on groups and projects.", no_args_is_help=True
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
ProjectOption = Annotated[
    str | None, typer.Option("--project", help="Project id or path.")
]
GroupOption = Annotated[str | None, typer.Option("--group", help="Group id or path.")]


@users.command("create")
def user_create(
    username: str,
    admin: Annotated[bool, typer.Option("--admin", help="An instance admin.")] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
    no_password: Annotated[
        bool, typer.Option("--no-password", help="No password: tokens only.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Create a user; the password is read from stdin or asked for."""
    password: str | None = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not no_password:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    registry = context.open_bootstrapped()
    with registry.transaction() as session:
        user = create_user(
            session, context.OPERATOR, username, password, is_admin=admin
        )
    data = user_out(user).model_dump(mode="json")
    emit(data, as_json=as_json, text=f"Created user {user.username} (id {user.id}).")


@users.command("list")
def user_list(as_json: JsonOption = False) -> None:
    registry = context.open_bootstrapped()
    with registry.session() as session:
        rows = [user_out(u).model_dump(mode="json") for u in list_users(session)]
    listing(
        rows, ["id", "username", "is_admin", "created_at"], "Users", as_json=as_json
    )


def _target(session: Session, project: str | None, group: str | None) -> Target:
    return Target(
        project=find_project(session, project) if project else None,
        group=find_group(session, group) if group else None,
    )


@contextlib.contextmanager
def _membership_change(
    username: str, project: str | None, group: str | None
) -> Iterator[tuple[Session, User, Target]]:
    """One transaction, with the user and the project or group it names."""
    with context.opened() as registry, registry.transaction() as session:
        target = _target(session, project, group)
        yield session, find_user(session, username), target


@members.command("add")
def member_add(
    username: str,
    role: Annotated[Role, typer.Option(help="read, write, maintain or owner.")],
    project: ProjectOption = None,
    group: GroupOption = None,
    as_json: JsonOption = False,
) -> None:
    """Give a user a role on a project, or on a group and all beneath it."""
    with _membership_change(username, project, group) as (session, user, target):
        add_member(session, context.OPERATOR, user, target, role)
    data = {"username": user.username, "target": target.label, "role": role.value}
    emit(data, as_json=as_json, text=f"{user.username} is {role} on {target.label}.")


@members.command("remove")
def member_remove(
    username: str,
    project: ProjectOption = None,
    group: GroupOption = None,
    as_json: JsonOption = False,
) -> None:
    with _membership_change(username, project, group) as (session, user, target):
        remove_member(session, context.OPERATOR, user, target)
    data = {"username": user.username, "target": target.label, "removed": True}
    emit(data, as_json=as_json, text=f"Removed {user.username} from {target.label}.")


@members.command("list")
def member_list(
    project: ProjectOption = None,
    group: GroupOption = None,
    as_json: JsonOption = False,
) -> None:
    with context.opened() as registry, registry.session() as session:
        target = _target(session, project, group)
        rows = [
            {"user_id": user.id, "username": user.username, "role": m.role.value}
            for user, m in list_members(session, target)
        ]
    columns = ["user_id", "username", "role"]
    listing(rows, columns, f"Members of {target.label}", as_json=as_json)
