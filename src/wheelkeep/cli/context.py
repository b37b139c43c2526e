"""Opening the registry the command line points at."""

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from wheelkeep.config import Settings
from wheelkeep.domain.access import ALL_SCOPES, Principal
from wheelkeep.services.bootstrap import bootstrap
from wheelkeep.services.registry import Registry, open_registry

OVERRIDES: dict[str, Any] = {}

# Taken by the command itself and by ``serve``, so both spellings work:
# ``wheelkeep --data-dir D serve`` and ``wheelkeep serve --data-dir D``.
DataDirOption = Annotated[
    Path | None,
    typer.Option(
        help="Data folder (SQLite database and blobs).", envvar="WHEELKEEP_DATA_DIR"
    ),
]

# Commands act on the database directly, as the operator of the installation.
OPERATOR = Principal(actor="cli", scopes=ALL_SCOPES, is_admin=True)


def settings() -> Settings:
    return Settings(**OVERRIDES)


def open_bootstrapped() -> Registry:
    registry = open_registry(settings())
    bootstrap(registry)
    return registry


@contextlib.contextmanager
def opened() -> Iterator[Registry]:
    """The bootstrapped registry, closed again when the command is done."""
    registry = open_bootstrapped()
    try:
        yield registry
    finally:
        registry.engine.dispose()
