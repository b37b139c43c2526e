"""``wheelkeep serve``: run the registry."""

import logging
import os
import sys
from typing import Annotated, Any

import typer

from wheelkeep.cli import APP_FACTORY, context
from wheelkeep.config import ServerKind, Settings
from wheelkeep.logs import configure
from wheelkeep.services.bootstrap import bootstrap
from wheelkeep.services.registry import open_registry
from wheelkeep.storage.filesystem import FilesystemBlobStore

log = logging.getLogger(__name__)


def serve(
    data_dir: context.DataDirOption = None,
    host: Annotated[
        str | None, typer.Option(help="Address to listen on.", envvar="WHEELKEEP_HOST")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on.", envvar="WHEELKEEP_PORT")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Worker processes.", envvar="WHEELKEEP_WORKERS", min=1),
    ] = None,
    server: Annotated[
        ServerKind | None,
        typer.Option(help="ASGI server.", envvar="WHEELKEEP_SERVER"),
    ] = None,
) -> None:
    """Migrate the database, create the default project on first start, and serve."""
    overrides = {
        key: value
        for key, value in {
            "data_dir": data_dir,
            "host": host,
            "port": port,
            "workers": workers,
            "server": server,
        }.items()
        if value
    }
    context.OVERRIDES.update(overrides)
    settings = context.settings()
    configure(settings.log_level)
    _prepare(settings)
    # Workers build their application from the environment (see
    # create_app_from_environment), so the command line's choices go there.
    os.environ.update(_environment_of(context.OVERRIDES))
    # granian replaces this process (same id); uvicorn runs in it.
    os.environ["WHEELKEEP_SUPERVISOR_PID"] = str(os.getpid())
    log.info(
        "server.starting host=%s port=%s server=%s workers=%s data_dir=%s",
        settings.host,
        settings.port,
        settings.server,
        settings.workers,
        settings.data_dir.resolve(),
    )
    if settings.server is ServerKind.GRANIAN:
        _run_granian(settings)
    else:
        _run_uvicorn(settings)


def _prepare(settings: Settings) -> None:
    """Migrate, clear a crash's leftovers and bootstrap, once, before any worker."""
    registry = open_registry(settings)
    if isinstance(registry.blobs, FilesystemBlobStore):
        # No upload runs before the server starts: leftovers are from a crash.
        # Known shortcoming: a second server started on the same data folder
        # removes the uploads the first one is receiving at that moment.
        registry.blobs.clear_pending()
    result = bootstrap(registry)
    if result.created:
        log.info("admin.token_written path=%s", result.token_file)
    registry.engine.dispose()


def _environment_of(overrides: dict[str, Any]) -> dict[str, str]:
    return {f"WHEELKEEP_{key.upper()}": str(value) for key, value in overrides.items()}


def _run_uvicorn(settings: Settings) -> None:
    import uvicorn

    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_config=None,
        # wheelkeep.api.access_log writes the access lines.
        access_log=False,
        proxy_headers=False,
        server_header=False,
    )


def _run_granian(settings: Settings) -> None:
    """Replace this process with a small one that runs granian (see granian_main)."""
    command = [sys.executable, "-m", "wheelkeep.cli.granian_main"]
    command += [settings.host, str(settings.port), str(settings.workers)]
    sys.stderr.flush()
    os.execv(sys.executable, command)  # noqa: S606 - our own module, no shell
