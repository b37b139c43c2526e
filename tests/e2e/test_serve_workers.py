"""``wheelkeep serve`` with several worker processes, on each ASGI server.

Each worker opens its own registry and caches; a change made through one
worker must show on every other at once (pages are cached by serial). Workers
never outlive their server.
"""

import os
import signal
from pathlib import Path

import httpx
import psutil
import pytest

from tests.e2e.conftest import Server, start_server, stop_server
from tests.factories import Dist, upload_fields, wheel_bytes

JSON = "application/vnd.pypi.simple.v1+json"


def _upload(server: Server, dist: Dist) -> None:
    content = wheel_bytes(dist)
    response = httpx.post(
        server.project_url(),
        data=upload_fields(dist, dist.wheel_filename, content),
        files={"content": (dist.wheel_filename, content)},
        auth=("__token__", server.token),
        timeout=30,
    )
    assert response.status_code == 200, response.text


def _listed_on_every_answer(server: Server, requests: int) -> set[tuple[str, ...]]:
    seen = set()
    with httpx.Client(auth=("__token__", server.token), timeout=30) as client:
        for _ in range(requests):
            # A new connection each time, so the requests spread over workers.
            response = client.get(
                f"{server.project_url()}/simple/demo/",
                headers={"Accept": JSON, "Connection": "close"},
            )
            assert response.status_code == 200, response.text
            seen.add(tuple(f["filename"] for f in response.json()["files"]))
    return seen


@pytest.mark.parametrize("kind", ["granian", "uvicorn"])
def test_every_worker_shows_each_upload(tmp_path: Path, kind: str) -> None:
    server = start_server(tmp_path, WHEELKEEP_SERVER=kind, WHEELKEEP_WORKERS="2")
    try:
        first, second = Dist(version="1.0"), Dist(version="2.0")
        _upload(server, first)
        assert _listed_on_every_answer(server, 12) == {(first.wheel_filename,)}

        _upload(server, second)
        assert _listed_on_every_answer(server, 12) == {
            (first.wheel_filename, second.wheel_filename)
        }
    finally:
        stop_server(server)


@pytest.mark.parametrize("kind", ["granian", "uvicorn"])
def test_workers_stop_when_their_server_is_killed(tmp_path: Path, kind: str) -> None:
    server = start_server(tmp_path, WHEELKEEP_SERVER=kind, WHEELKEEP_WORKERS="2")
    try:
        workers = psutil.Process(server.process.pid).children(recursive=True)
        assert len(workers) >= 2

        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)
        _, alive = psutil.wait_procs(workers, timeout=20)

        assert alive == []
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{server.url}/-/health", timeout=5)
    finally:
        stop_server(server)
