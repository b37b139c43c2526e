"""Logging set-up: one line per event, a fixed event name and key=value fields.

A server writes a line for every request it answers. Writing each line to
stderr as it comes costs a system call, more than answering a cached index
page, so a server batches them: lines are written at least every
``flush_seconds``, at once for a warning or worse, and when the process exits
normally. A process killed outright loses at most that much of its log.
"""

import logging
import sys
import threading
import time
from typing import TextIO

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
BUFFER_BYTES = 64 * 1024


def configure(level: str = "INFO", flush_seconds: float = 0.0) -> None:
    """Log to stderr; with ``flush_seconds``, in batches that often."""
    handler: logging.Handler
    if flush_seconds > 0:
        handler = BatchedHandler(flush_seconds)
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


def write_out() -> None:
    """Write out what the root logger's batched handlers hold.

    For processes that end without the interpreter's exit handlers, as a
    server's workers do.
    """
    for handler in logging.getLogger().handlers:
        if isinstance(handler, BatchedHandler):
            handler.write_out()


class BatchedHandler(logging.StreamHandler[TextIO]):
    """Lines to a buffered copy of stderr, written out every ``interval`` s."""

    def __init__(self, interval: float, stream: TextIO | None = None) -> None:
        if stream is None:
            stream = open(  # noqa: SIM115 - lives as long as the process
                sys.stderr.fileno(),
                "w",
                buffering=BUFFER_BYTES,
                encoding="utf-8",
                errors="backslashreplace",
                closefd=False,
            )
        super().__init__(stream)
        self._interval = interval
        flusher = threading.Thread(target=self._flush_often, name="log-flush")
        flusher.daemon = True
        flusher.start()

    def flush(self) -> None:
        # Called by the base class after every line: batched instead.
        pass

    def emit(self, record: logging.LogRecord) -> None:
        super().emit(record)
        if record.levelno >= logging.WARNING:
            self.write_out()

    def write_out(self) -> None:
        self.acquire()
        try:
            if not self.stream.closed:
                self.stream.flush()
        finally:
            self.release()

    def close(self) -> None:
        # logging.shutdown, at a normal exit, ends here.
        self.write_out()
        super().close()

    def _flush_often(self) -> None:
        while True:
            time.sleep(self._interval)
            self.write_out()
