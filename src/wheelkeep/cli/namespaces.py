"""``wheelkeep group`` and ``wheelkeep project``: create and list them."""

from typing import Annotated

import typer
from sqlalchemy import select

from wheelkeep.api.management.schemas import group_out, project_out
from wheelkeep.cli import context
from wheelkeep.cli.output import emit, listing
from wheelkeep.db.models import Group, Project
from wheelkeep.domain.access import Visibility
from wheelkeep.services.groups import create_group
from wheelkeep.services.projects import create_project

groups = typer.Typer(help="Create and list groups.", no_args_is_help=True)
projects = typer.Typer(help="Create and list projects.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
VisibilityOption = Annotated[
    Visibility,
    typer.Option(help="Who may read: members only, any user, or anyone."),
]


@groups.command("create")
def group_create(
    path: Annotated[str, typer.Argument(help="Group path, such as ai or ai/edge.")],
    visibility: VisibilityOption = Visibility.PRIVATE,
    as_json: JsonOption = False,
) -> None:
    """Create a group; a subgroup's parent must exist."""
    registry = context.open_bootstrapped()
    with registry.transaction() as session:
        group = create_group(session, context.OPERATOR, path, visibility)
    data = group_out(group).model_dump(mode="json")
    emit(data, as_json=as_json, text=f"Created group {group.path} (id {group.id}).")


@groups.command("list")
def group_list(as_json: JsonOption = False) -> None:
    registry = context.open_bootstrapped()
    with registry.session() as session:
        rows = [
            group_out(group).model_dump(mode="json")
            for group in session.scalars(select(Group).order_by(Group.id))
        ]
    columns = ["id", "full_path", "visibility", "created_at"]
    listing(rows, columns, "Groups", as_json=as_json)


@projects.command("create")
def project_create(
    path: Annotated[str, typer.Argument(help="Project path: group/name.")],
    visibility: VisibilityOption = Visibility.PRIVATE,
    as_json: JsonOption = False,
) -> None:
    """Create a project; missing groups on its path are created, private."""
    registry = context.open_bootstrapped()
    with registry.transaction() as session:
        project = create_project(
            session, context.OPERATOR, path, visibility, create_groups=True
        )
        group = session.get(Group, project.group_id) if project.group_id else None
    data = project_out(project, group).model_dump(mode="json")
    emit(
        data, as_json=as_json, text=f"Created project {project.path} (id {project.id})."
    )


@projects.command("list")
def project_list(as_json: JsonOption = False) -> None:
    registry = context.open_bootstrapped()
    with registry.session() as session:
        groups_by_id = {g.id: g for g in session.scalars(select(Group))}
        rows = [
            project_out(p, groups_by_id.get(p.group_id or 0)).model_dump(mode="json")
            for p in session.scalars(select(Project).order_by(Project.id))
        ]
    columns = ["id", "path_with_namespace", "visibility", "created_at"]
    listing(rows, columns, "Projects", as_json=as_json)
