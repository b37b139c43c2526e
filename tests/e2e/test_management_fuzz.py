"""A schema-driven fuzz run of the management API: no request may cause a 5xx.

Schemathesis reads the served OpenAPI document and sends generated requests
(valid and invalid) to every operation, as an administrator, against a server
process. The run is bounded (few examples per operation, fixed seed).
"""

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import Server, start_server, stop_server, tool

pytestmark = pytest.mark.e2e


@pytest.fixture
def fuzzed_server(tmp_path: Path) -> Iterator[Server]:
    # Generated credentials fail often; the throttle must not turn the run
    # into a wall of 429s.
    server = start_server(tmp_path, WHEELKEEP_AUTH_FAILURE_LIMIT="100000")
    yield server
    stop_server(server)


# Revoking personal access tokens may revoke the token the run authenticates
# with, after which every call is a 401: that operation runs last, alone.
REVOKE_OWN_KIND = (
    "delete_personal_access_token_api_v4_personal_access_tokens__token_id__delete"
)


def test_management_api_has_no_server_error(
    fuzzed_server: Server, tmp_path: Path
) -> None:
    first = _fuzz(fuzzed_server, tmp_path / "most", "--exclude-operation-id")
    last = _fuzz(fuzzed_server, tmp_path / "revoke", "--include-operation-id")

    assert first.returncode == 0, first.stdout[-6000:] + first.stderr[-2000:]
    assert last.returncode == 0, last.stdout[-6000:] + last.stderr[-2000:]
    assert "Authentication failed" not in first.stdout
    statuses = _server_statuses(fuzzed_server)
    assert "201" in statuses
    assert statuses.count("200") > 50
    assert [status for status in statuses if status.startswith("5")] == []


def _fuzz(
    server: Server, folder: Path, selection: str
) -> subprocess.CompletedProcess[str]:
    folder.mkdir()
    return subprocess.run(
        [
            tool("schemathesis"),
            "run",
            f"{server.url}/api/v4/openapi.json",
            selection,
            REVOKE_OWN_KIND,
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "8",
            "--seed",
            "20261203",
            "--header",
            f"PRIVATE-TOKEN: {server.token}",
            # Both declared schemes are given, so none is generated at random.
            "--header",
            f"Authorization: Bearer {server.token}",
            "--request-timeout",
            "30",
            "--report-dir",
            str(folder / "report"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=folder,
    )


def _server_statuses(server: Server) -> list[str]:
    """The status code of every request in the server's access log."""
    return re.findall(r' request "[^"]*" status=(\d+) ', server.log())
