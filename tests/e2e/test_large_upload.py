"""A large wheel streamed to a server process arrives whole (bench/upload_memory).

The benchmark itself measures memory and speed on 1 GiB; this runs the same
path on 64 MiB and checks only correctness, never time or memory.
"""

from pathlib import Path

import pytest
from bench.upload_memory import measure

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-large-upload")]


def test_a_64_mib_aarch64_wheel_is_stored_and_served_byte_identical(
    tmp_path: Path,
) -> None:
    result = measure(64, tmp_path)

    assert result.status_code == 200
    assert result.size > 64 * 1024 * 1024
    assert result.served_identical
