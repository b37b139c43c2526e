"""A blob store in a local folder.

Layout: ``blobs/ab/cd/<sha256>`` for stored blobs and ``tmp/`` for pending ones,
both under one root so that keeping a blob is a rename on the same filesystem.
Files are flushed to disk before they are renamed into place, so a crash leaves
either the whole blob or none of it.
"""

import contextlib
import os
import tempfile
from pathlib import Path

from wheelkeep.domain.digests import Digests, sha256_of
from wheelkeep.storage.base import BlobStore, LocalBlob, PendingBlob


class FilesystemPendingBlob(PendingBlob):
    def __init__(self, folder: Path) -> None:
        descriptor, name = tempfile.mkstemp(dir=folder, prefix="upload-")
        self._file = os.fdopen(descriptor, "wb")
        self._path = Path(name)
        self.digests = Digests()

    @property
    def path(self) -> Path:
        return self._path

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)
        self.digests.update(chunk)

    def finish(self) -> None:
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()

    def discard(self) -> None:
        self._file.close()
        self._path.unlink(missing_ok=True)


class FilesystemBlobStore(BlobStore):
    def __init__(self, root: Path) -> None:
        self._blobs = root / "blobs"
        self._pending = root / "tmp"
        self._blobs.mkdir(parents=True, exist_ok=True)
        self._pending.mkdir(parents=True, exist_ok=True)

    def _path_of(self, sha256: str) -> Path:
        return self._blobs / sha256[:2] / sha256[2:4] / sha256

    def begin(self) -> FilesystemPendingBlob:
        return FilesystemPendingBlob(self._pending)

    def keep(self, pending: PendingBlob) -> bool:
        # The pending file stays until discarded: keeping it again restores a
        # blob that was removed meanwhile.
        assert isinstance(pending, FilesystemPendingBlob)
        pending.finish()
        target = self._path_of(pending.digests.sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        # A hard link fails if the target exists, so two uploads of the same
        # bytes never replace each other's blob and only one reports it new.
        try:
            os.link(pending.path, target)
        except FileExistsError:
            created = False
        else:
            created = True
            _fsync_folder(target.parent)
        return created

    def put_bytes(self, data: bytes) -> tuple[str, bool]:
        pending = self.begin()
        try:
            pending.write(data)
            return sha256_of(data), self.keep(pending)
        finally:
            pending.discard()

    def locate(self, sha256: str) -> LocalBlob | None:
        path = self._path_of(sha256)
        try:
            return LocalBlob(path=path, size=path.stat().st_size)
        except FileNotFoundError:
            return None

    def read_bytes(self, sha256: str) -> bytes:
        return self._path_of(sha256).read_bytes()

    def delete(self, sha256: str) -> None:
        self._path_of(sha256).unlink(missing_ok=True)

    def list_digests(self) -> set[str]:
        return {path.name for path in self._blobs.glob("*/*/*") if path.is_file()}

    def count_pending(self) -> int:
        return sum(1 for _ in self._pending.iterdir())

    def clear_pending(self) -> int:
        """Remove pending blobs left by a crash; run only when no upload runs."""
        removed = 0
        for path in self._pending.iterdir():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed += 1
        return removed


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
