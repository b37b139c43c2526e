"""``wheelkeep package``: yank, unyank and delete releases and files."""

from typing import Annotated

import typer

from wheelkeep.cli import context
from wheelkeep.cli.output import emit
from wheelkeep.services.projects import DEFAULT_PROJECT_ID, find_project
from wheelkeep.services.registry import Registry
from wheelkeep.services.releases import ReleaseRef, delete_files, set_yanked

app = typer.Typer(help="Yank, unyank and delete releases.", no_args_is_help=True)

ProjectOption = Annotated[
    str, typer.Option("--project", help="Project id or path.", show_default=True)
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
OPERATOR = context.OPERATOR


def _open(project: str, package: str, version: str) -> tuple[Registry, ReleaseRef]:
    registry = context.open_bootstrapped()
    with registry.session() as session:
        project_id = find_project(session, project).id
    return registry, ReleaseRef(project_id, package, version)


@app.command()
def yank(
    package: str,
    version: str,
    reason: Annotated[
        str | None, typer.Option(help="Why (shown to installers).")
    ] = None,
    project: ProjectOption = str(DEFAULT_PROJECT_ID),
    as_json: JsonOption = False,
) -> None:
    """Yank a release (PEP 592): installers skip it unless pinned exactly."""
    registry, ref = _open(project, package, version)
    set_yanked(registry, OPERATOR, ref, yanked=True, reason=reason)
    emit(
        {"package": package, "version": version, "yanked": True, "reason": reason},
        as_json=as_json,
        text=f"Yanked {package} {version}.",
    )


@app.command()
def unyank(
    package: str,
    version: str,
    project: ProjectOption = str(DEFAULT_PROJECT_ID),
    as_json: JsonOption = False,
) -> None:
    """Undo a yank."""
    registry, ref = _open(project, package, version)
    set_yanked(registry, OPERATOR, ref, yanked=False)
    emit(
        {"package": package, "version": version, "yanked": False},
        as_json=as_json,
        text=f"Unyanked {package} {version}.",
    )


@app.command()
def delete(
    package: str,
    version: str,
    file: Annotated[
        str | None, typer.Option("--file", help="Delete only this filename.")
    ] = None,
    project: ProjectOption = str(DEFAULT_PROJECT_ID),
    as_json: JsonOption = False,
) -> None:
    """Delete a release's files; their filenames can never be uploaded again."""
    registry, ref = _open(project, package, version)
    deleted = delete_files(registry, OPERATOR, ref, file)
    emit(
        {"package": package, "version": version, "deleted": deleted},
        as_json=as_json,
        text="Deleted " + ", ".join(deleted) + ".",
    )
