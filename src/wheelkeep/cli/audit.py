"""``wheelkeep audit``: read the audit log."""

from typing import Annotated

import typer

from wheelkeep.cli import context
from wheelkeep.cli.output import listing
from wheelkeep.services.audit import list_events
from wheelkeep.services.projects import find_project

app = typer.Typer(help="Read the audit log.", no_args_is_help=True)


@app.command("list")
def audit_list(
    project: Annotated[str | None, typer.Option(help="Project id or path.")] = None,
    action: Annotated[
        str | None, typer.Option(help="Only this action (auth.failed, ...).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The newest events first: who did what, when, from where."""
    registry = context.open_bootstrapped()
    with registry.session() as session:
        project_id = find_project(session, project).id if project else None
        events = list_events(session, project_id=project_id, action=action, limit=limit)
        rows = [
            {
                "id": event.id,
                "occurred_at": event.occurred_at.isoformat(),
                "action": event.action,
                "actor": event.actor,
                "token_id": event.token_id,
                "project_id": event.project_id,
                "target": event.target,
                "address": event.address,
                "details": event.details,
            }
            for event in events
        ]
    columns = ["occurred_at", "action", "actor", "target", "address"]
    listing(rows, columns, "Audit log", as_json=as_json)
