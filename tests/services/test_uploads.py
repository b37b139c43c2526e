"""Publishing a received file: what is recorded, and races between uploads."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import stored_state
from tests.factories import Dist, upload_fields, wheel_bytes
from wheelkeep.db.models import File
from wheelkeep.domain.access import ALL_SCOPES, Principal
from wheelkeep.domain.digests import sha256_of
from wheelkeep.domain.errors import FileAlreadyExists, InvalidUpload
from wheelkeep.services.projects import current_serial
from wheelkeep.services.registry import Registry
from wheelkeep.services.uploads import Published, publish
from wheelkeep.storage.filesystem import FilesystemBlobStore

UPLOADER = Principal(actor="test", token_id=None, scopes=ALL_SCOPES, is_admin=True)


def send(registry: Registry, dist: Dist, content: bytes) -> Published:
    """Receive the bytes into a pending blob and publish them, as the API does."""
    pending = registry.blobs.begin()
    try:
        pending.write(content)
        pending.finish()
        fields = upload_fields(dist, dist.wheel_filename, content)
        return publish(registry, UPLOADER, 1, fields, dist.wheel_filename, pending)
    finally:
        pending.discard()


def serial(registry: Registry) -> int:
    with registry.session() as session:
        return current_serial(session, 1)


def in_parallel(calls: list[Callable[[], Published]]) -> list[Published | Exception]:
    """Run the calls at the same moment; return each result or error."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], Published]) -> Published | Exception:
        start.wait()
        try:
            return call()
        except Exception as error:
            return error

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_publishing_records_the_file_and_both_blobs(registry: Registry) -> None:
    dist = Dist(tag="cp310-cp310-linux_aarch64", requires_python=">=3.10")
    content = wheel_bytes(dist)

    result = send(registry, dist, content)

    assert result == Published(dist.wheel_filename, sha256_of(content), created=True)
    state = stored_state(registry)
    assert state.blobs == {sha256_of(content), sha256_of(dist.metadata())}
    assert (state.packages, state.releases, state.files, state.pending) == (1, 1, 1, 0)
    with registry.session() as session:
        file = session.scalars(select(File)).one()
    assert (file.size, file.requires_python, file.python_version) == (
        len(content),
        ">=3.10",
        "py3",
    )
    assert file.metadata_sha256 == sha256_of(dist.metadata())
    assert serial(registry) == 1


def test_a_refused_upload_leaves_no_trace(registry: Registry) -> None:
    send(registry, Dist(name="other"), wheel_bytes(Dist(name="other")))
    before = stored_state(registry)

    with pytest.raises(InvalidUpload):
        send(registry, Dist(), wheel_bytes(Dist(), omit=("RECORD",)))

    assert stored_state(registry) == before


def test_concurrent_identical_uploads_store_one_file(registry: Registry) -> None:
    dist = Dist()
    content = wheel_bytes(dist)

    results = in_parallel([lambda: send(registry, dist, content)] * 4)

    assert all(isinstance(result, Published) for result in results), results
    assert [r.created for r in results if isinstance(r, Published)].count(True) == 1
    state = stored_state(registry)
    assert (state.files, state.releases, state.uploads_audited) == (1, 1, 1)
    assert state.blobs == {sha256_of(content), sha256_of(dist.metadata())}
    assert state.pending == 0
    assert serial(registry) == 1


def test_concurrent_uploads_of_one_filename_with_other_bytes_store_one(
    registry: Registry,
) -> None:
    variants = [Dist(payload=f"VALUE = {n}\n".encode()) for n in range(4)]
    contents = [wheel_bytes(dist) for dist in variants]

    results = in_parallel(
        [
            lambda dist=dist, content=content: send(registry, dist, content)
            for dist, content in zip(variants, contents, strict=True)
        ]
    )

    winners = [r for r in results if isinstance(r, Published)]
    losers = [r for r in results if not isinstance(r, Published)]
    assert len(winners) == 1, results
    assert all(isinstance(error, FileAlreadyExists) for error in losers), losers
    assert all("File already exists" in str(error) for error in losers)
    state = stored_state(registry)
    assert state.files == 1
    assert state.blobs == {winners[0].sha256, sha256_of(variants[0].metadata())}
    assert state.pending == 0
    assert serial(registry) == 1


class PausingBlobStore(FilesystemBlobStore):
    """The real filesystem store, able to hold a thread once it stored a small blob.

    It lets a test force one exact interleaving of concurrent uploads.
    """

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.gates: dict[str, tuple[threading.Event, threading.Event]] = {}

    def gate(self, thread_name: str) -> tuple[threading.Event, threading.Event]:
        self.gates[thread_name] = (threading.Event(), threading.Event())
        return self.gates[thread_name]

    def put_bytes(self, data: bytes) -> tuple[str, bool]:
        result = super().put_bytes(data)
        gate = self.gates.get(threading.current_thread().name)
        if gate is not None:
            stored, release = gate
            stored.set()
            assert release.wait(timeout=10)
        return result


def test_a_failed_upload_does_not_remove_metadata_another_upload_relies_on(
    registry: Registry,
) -> None:
    # The wheels of one release for several platforms carry the same METADATA.
    # The loser of a race creates that metadata blob and removes it on failure,
    # after the other upload found it present and before that one commits.
    blobs = PausingBlobStore(registry.settings.data_dir)
    registry.blobs = blobs
    good = Dist(tag="cp310-cp310-linux_aarch64")
    loser = Dist(tag="cp310-cp310-linux_x86_64")
    winner = Dist(tag=loser.tag, summary="Another build of the same file name.")
    results: dict[str, Published | Exception] = {}

    def upload(dist: Dist) -> None:
        try:
            results[threading.current_thread().name] = send(
                registry, dist, wheel_bytes(dist)
            )
        except Exception as error:
            results[threading.current_thread().name] = error

    loser_stored, release_loser = blobs.gate("loser")
    good_stored, release_good = blobs.gate("good")
    threads = {
        name: threading.Thread(target=upload, args=(dist,), name=name)
        for name, dist in (("loser", loser), ("good", good))
    }
    threads["loser"].start()
    assert loser_stored.wait(timeout=10)
    send(registry, winner, wheel_bytes(winner))
    threads["good"].start()
    assert good_stored.wait(timeout=10)
    release_loser.set()
    threads["loser"].join(timeout=10)
    release_good.set()
    threads["good"].join(timeout=10)

    assert isinstance(results["loser"], FileAlreadyExists)
    assert isinstance(results["good"], Published)
    shared = sha256_of(good.metadata())
    assert shared in stored_state(registry).blobs
    with registry.session() as session:
        assert (
            session.scalar(
                select(File.metadata_sha256).where(File.filename == good.wheel_filename)
            )
            == shared
        )
