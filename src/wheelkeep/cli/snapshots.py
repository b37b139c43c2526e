"""``wheelkeep snapshot``: freeze a project's index under a name, list, delete."""

import typer

from wheelkeep.cli import context
from wheelkeep.cli.output import aligned, emit
from wheelkeep.cli.packages import OPERATOR, JsonOption, ProjectOption
from wheelkeep.services import snapshots
from wheelkeep.services.projects import DEFAULT_PROJECT_ID, find_project

app = typer.Typer(
    help="Named, immutable views of a project's index.", no_args_is_help=True
)


def _project_id(project: str) -> int:
    with context.opened() as registry, registry.session() as session:
        return find_project(session, project).id


@app.command()
def create(
    name: str,
    project: ProjectOption = str(DEFAULT_PROJECT_ID),
    as_json: JsonOption = False,
) -> None:
    """Freeze the project's index as it is now.

    The snapshot is served at
    /api/v4/projects/<id>/packages/pypi/snapshots/<name>/simple/ and never
    changes, whatever is uploaded, yanked or deleted later.
    """
    project_id = _project_id(project)
    with context.opened() as registry:
        info = snapshots.create_snapshot(registry, OPERATOR, project_id, name)
    emit(
        info.as_dict(),
        as_json=as_json,
        text=f"Created snapshot {info.name} of project {project_id} at serial "
        f"{info.serial}: {info.packages} packages, {info.files} files.",
    )


@app.command("list")
def list_(
    project: ProjectOption = str(DEFAULT_PROJECT_ID), as_json: JsonOption = False
) -> None:
    """List the project's snapshots, oldest first."""
    project_id = _project_id(project)
    with context.opened() as registry, registry.session() as session:
        found = snapshots.list_snapshots(session, project_id)
    emit([info.as_dict() for info in found], as_json=as_json)
    if not as_json:
        rows = [["name", "created", "serial", "packages", "files"]]
        rows += [
            [
                info.name,
                info.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                str(info.serial),
                str(info.packages),
                str(info.files),
            ]
            for info in found
        ]
        typer.echo("\n".join(aligned(rows)) if found else "No snapshots.")


@app.command()
def delete(
    name: str,
    project: ProjectOption = str(DEFAULT_PROJECT_ID),
    as_json: JsonOption = False,
) -> None:
    """Delete a snapshot; installs pointed at it stop working."""
    project_id = _project_id(project)
    with context.opened() as registry:
        snapshots.delete_snapshot(registry, OPERATOR, project_id, name)
    emit({"deleted": name}, as_json=as_json, text=f"Deleted snapshot {name}.")
