"""``wheelkeep serve``: run the registry."""

import logging
from typing import Annotated

import typer
import uvicorn

from wheelkeep.api.app import create_app
from wheelkeep.cli import context
from wheelkeep.logs import configure
from wheelkeep.services.bootstrap import bootstrap
from wheelkeep.services.registry import open_registry
from wheelkeep.storage.filesystem import FilesystemBlobStore

log = logging.getLogger(__name__)


def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on.", envvar="WHEELKEEP_HOST")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on.", envvar="WHEELKEEP_PORT")
    ] = None,
) -> None:
    """Migrate the database, create the default project on first start, and serve."""
    overrides = {
        key: value for key, value in {"host": host, "port": port}.items() if value
    }
    context.OVERRIDES.update(overrides)
    settings = context.settings()
    configure(settings.log_level)
    registry = open_registry(settings)
    if isinstance(registry.blobs, FilesystemBlobStore):
        # No upload runs before the server starts: leftovers are from a crash.
        # Known shortcoming: a second server started on the same data folder
        # removes the uploads the first one is receiving at that moment.
        registry.blobs.clear_pending()
    result = bootstrap(registry)
    if result.created:
        log.info("admin.token_written path=%s", result.token_file)
    log.info(
        "server.starting host=%s port=%s data_dir=%s",
        settings.host,
        settings.port,
        settings.data_dir.resolve(),
    )
    uvicorn.run(
        create_app(registry),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=True,
        proxy_headers=False,
        server_header=False,
    )
