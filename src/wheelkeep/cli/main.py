"""Entry point of the ``wheelkeep`` command.

Management commands act on the configured database directly, so a fresh
installation needs no token to be managed. Every error the registry reports
becomes a message on stderr and exit code 1, here and nowhere else.
"""

import sys
from typing import Annotated

import typer

from wheelkeep import __version__
from wheelkeep.cli import (
    audit,
    context,
    namespaces,
    packages,
    platform,
    promote,
    serve,
    snapshots,
    tokens,
    users,
)
from wheelkeep.cli.output import errors
from wheelkeep.domain.errors import RegistryError

app = typer.Typer(
    name="wheelkeep",
    help="A self-hosted private Python package registry.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command(name="serve")(serve.serve)
app.add_typer(packages.app, name="package")
app.add_typer(namespaces.groups, name="group")
app.add_typer(namespaces.projects, name="project")
app.add_typer(users.users, name="user")
app.add_typer(users.members, name="member")
app.add_typer(tokens.app, name="token")
app.add_typer(audit.app, name="audit")
app.command(name="coverage")(platform.coverage)
app.command(name="check")(platform.check)
app.add_typer(platform.profiles_app, name="profile")
app.add_typer(snapshots.app, name="snapshot")
app.command(name="promote")(promote.promote)


def _version(value: bool) -> None:
    if value:
        print(f"wheelkeep {__version__}")
        raise typer.Exit


@app.callback()
def root(
    data_dir: context.DataDirOption = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True)
    ] = False,
) -> None:
    """Run and manage a wheelkeep registry."""
    if data_dir is not None:
        context.OVERRIDES["data_dir"] = data_dir


def main() -> None:
    try:
        app()
    except RegistryError as error:
        errors.print(f"[red]error:[/red] {error.message}")
        sys.exit(1)
