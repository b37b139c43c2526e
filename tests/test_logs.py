"""Log lines written in batches: late by at most the interval, never lost."""

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from wheelkeep.logs import BUFFER_BYTES, BatchedHandler


@pytest.fixture
def log_file(tmp_path: Path) -> Path:
    return tmp_path / "server.log"


def _logger(handler: logging.Handler) -> logging.Logger:
    logger = logging.getLogger(f"tests.logs.{id(handler)}")
    logger.propagate = False
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    return logger


@pytest.fixture
def slow(log_file: Path) -> Iterator[BatchedHandler]:
    """A handler whose own flushes come only every minute."""
    handler = BatchedHandler(60, log_file.open("w", buffering=BUFFER_BYTES))
    yield handler
    handler.close()


def test_info_waits_for_the_batch_and_close_writes_it(
    slow: BatchedHandler, log_file: Path
) -> None:
    _logger(slow).info("request.served path=/simple/")

    assert log_file.read_text() == ""
    slow.close()
    assert log_file.read_text() == "request.served path=/simple/\n"


def test_a_warning_is_written_at_once_with_what_came_before(
    slow: BatchedHandler, log_file: Path
) -> None:
    logger = _logger(slow)
    logger.info("first")
    logger.warning("second")

    assert log_file.read_text() == "first\nsecond\n"


def test_lines_are_written_within_the_interval(log_file: Path) -> None:
    handler = BatchedHandler(0.05, log_file.open("w", buffering=BUFFER_BYTES))
    try:
        _logger(handler).info("request.served")
        deadline = time.monotonic() + 10
        while not log_file.read_text() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert log_file.read_text() == "request.served\n"
    finally:
        handler.close()
