"""``wheelkeep promote``: copy a release to another project, same bytes."""

from typing import Annotated

import typer

from wheelkeep.cli import context
from wheelkeep.cli.output import emit
from wheelkeep.cli.packages import OPERATOR, JsonOption
from wheelkeep.services.projects import find_project
from wheelkeep.services.promotion import promote as promote_release


def promote(
    package: str,
    version: str,
    source: Annotated[str, typer.Option("--from", help="Source project id or path.")],
    target: Annotated[str, typer.Option("--to", help="Target project id or path.")],
    as_json: JsonOption = False,
) -> None:
    """Copy every file of a release into another project (no re-upload).

    Files already there with the same bytes are left alone; a filename there
    with other bytes, or deleted there before, refuses the whole promotion.
    """
    with context.opened() as registry:
        with registry.session() as session:
            source_id = find_project(session, source).id
            target_id = find_project(session, target).id
        result = promote_release(
            registry, OPERATOR, source_id, target_id, package, version
        )
    copied = [f.filename for f in result.files if f.copied]
    text = (
        f"Promoted {result.package} {result.version} from {source} to {target}: "
        + (", ".join(copied) if copied else "already there, nothing copied")
        + "."
    )
    emit(result.as_dict(), as_json=as_json, text=text)
