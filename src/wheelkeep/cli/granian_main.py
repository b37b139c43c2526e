"""The process granian's workers start from, kept small on purpose.

``wheelkeep serve --server granian`` prepares the data folder, then replaces
itself with this module: the parent of the workers then holds only granian
(about 30 MiB) instead of everything the command line imported (about 85 MiB).
Each worker builds the application from the environment, so this module
imports nothing of wheelkeep but its log format and the factory's name.

Usage (by ``wheelkeep serve`` only): ``python -m wheelkeep.cli.granian_main
HOST PORT WORKERS``.
"""

import sys
from typing import Any

from granian import Granian
from granian.constants import Interfaces, Loops

from wheelkeep.cli import APP_FACTORY
from wheelkeep.logs import FORMAT

WORKER_STOP_SECONDS = 30


def main(arguments: list[str]) -> None:
    host, port, workers = arguments
    Granian(
        APP_FACTORY,
        factory=True,
        address=host,
        port=int(port),
        interface=Interfaces.ASGI,
        workers=int(workers),
        loop=Loops.uvloop,
        # wheelkeep.api.access_log writes the access lines, for less.
        log_access=False,
        # A worker still starting when the server is told to stop ignores the
        # request; without a limit the server would wait for it for ever.
        workers_kill_timeout=WORKER_STOP_SECONDS,
        log_dictconfig=logging_config(),
    ).serve()


def logging_config() -> dict[str, Any]:
    """Granian's server and access loggers in the project's line format.

    Granian merges this over its defaults key by key, so the handler names
    must stay the ones its loggers refer to.
    """
    return {
        "formatters": {
            name: {"()": "logging.Formatter", "fmt": FORMAT}
            for name in ("generic", "access")
        },
        "handlers": {
            handler: {
                "class": "logging.StreamHandler",
                "formatter": formatter,
                "stream": "ext://sys.stderr",
            }
            for handler, formatter in (("console", "generic"), ("access", "access"))
        },
    }


if __name__ == "__main__":
    main(sys.argv[1:])
