"""A server process under bad and concurrent uploads, and killed mid-upload.

The stored state is read from the server's data folder by a registry opened
beside it, so the checks see exactly what the server wrote.
"""

import base64
import random
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from threading import Barrier
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import StoredState, stored_state
from tests.e2e.conftest import Server, kill_server, start_server, stop_server
from tests.factories import Dist, multipart_body, upload_fields, wheel_bytes
from wheelkeep.config import Settings
from wheelkeep.domain.digests import sha256_of
from wheelkeep.services.registry import open_registry

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-robustness")]

LIMIT = 4 * 1024 * 1024


def state_of(server: Server) -> StoredState:
    registry = open_registry(Settings(data_dir=server.data_dir))
    try:
        return stored_state(registry)
    finally:
        registry.engine.dispose()


def wait_until(condition: object, what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def noise(size: int) -> bytes:
    """Bytes that do not compress, so the file makes up most of the body."""
    return random.Random(size).randbytes(size)


def form(dist: Dist) -> tuple[bytes, str]:
    content = wheel_bytes(dist)
    fields = upload_fields(dist, dist.wheel_filename, content)
    return multipart_body(fields, dist.wheel_filename, content)


@contextmanager
def raw_upload(
    server: Server, body: bytes, content_type: str
) -> Iterator[socket.socket]:
    """A connection that has sent the upload's headers, declaring the whole body."""
    address = urlsplit(server.url)
    secret = base64.b64encode(f"__token__:{server.token}".encode()).decode()
    head = (
        f"POST /api/v4/projects/1/packages/pypi HTTP/1.1\r\n"
        f"Host: {address.netloc}\r\n"
        f"Authorization: Basic {secret}\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    connection = socket.create_connection((address.hostname, address.port))
    try:
        connection.sendall(head)
        yield connection
    finally:
        connection.close()


def upload(server: Server, dist: Dist, content: bytes) -> httpx.Response:
    return httpx.post(
        server.project_url(),
        data=upload_fields(dist, dist.wheel_filename, content),
        files={"content": (dist.wheel_filename, content)},
        auth=("__token__", server.token),
        timeout=30,
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("robustness")
    server = start_server(folder, WHEELKEEP_MAX_UPLOAD_BYTES=str(LIMIT))
    first = Dist(name="present")
    assert upload(server, first, wheel_bytes(first)).status_code == 200
    yield server
    stop_server(server)


def test_a_truncated_body_leaves_nothing_behind(server: Server) -> None:
    before = state_of(server)
    body, content_type = form(Dist(name="truncated", payload=noise(256 * 1024)))

    with raw_upload(server, body, content_type) as connection:
        connection.sendall(body[: len(body) // 2])
        wait_until(lambda: state_of(server).pending == 1, "the pending blob")

    wait_until(lambda: state_of(server).pending == 0, "the pending blob to go")
    assert state_of(server) == before
    wait_until(lambda: "client disconnected" in server.log(), "the refusal log")


@pytest.mark.parametrize("declared", [True, False])
def test_a_body_over_the_limit_is_answered_413(server: Server, declared: bool) -> None:
    before = state_of(server)
    body, content_type = form(Dist(name="huge", payload=noise(2 * LIMIT)))
    content = body if declared else iter([body[: LIMIT // 2], body[LIMIT // 2 :]])

    response = httpx.post(
        server.project_url(),
        content=content,
        headers={"Content-Type": content_type},
        auth=("__token__", server.token),
        timeout=30,
    )

    assert response.status_code == 413
    assert f"larger than this registry's limit of {LIMIT} bytes" in response.text
    assert ("content-length" in response.request.headers) is declared
    wait_until(lambda: state_of(server) == before, "the state to be as before")


def test_concurrent_identical_uploads_store_one_file(server: Server) -> None:
    dist = Dist(name="twice")
    content = wheel_bytes(dist)
    before = state_of(server)
    start = Barrier(2)

    def send() -> httpx.Response:
        start.wait()
        return upload(server, dist, content)

    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(lambda _: send(), range(2)))

    assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
    after = state_of(server)
    assert after.files == before.files + 1
    assert after.blobs - before.blobs == {
        sha256_of(content),
        sha256_of(dist.metadata()),
    }
    assert after.pending == 0


def test_concurrent_uploads_of_one_name_with_other_bytes_keep_one(
    server: Server,
) -> None:
    variants = [Dist(name="contested", payload=bytes([n]) * 64) for n in range(2)]
    contents = [wheel_bytes(dist) for dist in variants]
    before = state_of(server)
    start = Barrier(2)

    def send(index: int) -> httpx.Response:
        start.wait()
        return upload(server, variants[index], contents[index])

    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(send, range(2)))

    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 400], [r.text for r in responses]
    (loser,) = [r for r in responses if r.status_code == 400]
    assert "File already exists" in loser.text
    winner = contents[[r.status_code for r in responses].index(200)]
    after = state_of(server)
    assert after.files == before.files + 1
    metadata = sha256_of(variants[0].metadata())
    assert after.blobs - before.blobs == {sha256_of(winner), metadata}
    assert after.pending == 0


def test_a_server_killed_mid_upload_records_nothing_and_cleans_up_on_restart(
    tmp_path: Path,
) -> None:
    server = start_server(tmp_path / "killed")
    before = state_of(server)
    body, content_type = form(Dist(name="interrupted", payload=noise(256 * 1024)))
    try:
        with raw_upload(server, body, content_type) as connection:
            connection.sendall(body[: len(body) // 2])
            wait_until(lambda: state_of(server).pending == 1, "the pending blob")
            kill_server(server)
    finally:
        stop_server(server)

    killed = state_of(server)
    assert killed == StoredState(**{**before.__dict__, "pending": 1})

    restarted = start_server(tmp_path / "killed")
    try:
        assert state_of(restarted) == before
        dist = Dist(name="interrupted")
        assert upload(restarted, dist, wheel_bytes(dist)).status_code == 200
    finally:
        stop_server(restarted)
