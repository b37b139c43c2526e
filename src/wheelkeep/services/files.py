"""Finding a stored file (or its metadata file) for download."""

import threading
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from wheelkeep.db.models import File, Package, PackageStatus, Release
from wheelkeep.domain.distributions import FileKind
from wheelkeep.domain.errors import NotFound
from wheelkeep.storage.base import BlobStore, LocalBlob

METADATA_SUFFIX = ".metadata"
MAX_REMEMBERED_DOWNLOADS = 50_000


@dataclass(frozen=True)
class Download:
    filename: str
    sha256: str
    blob: LocalBlob
    is_metadata: bool


def find_download(
    session: Session,
    blobs: BlobStore,
    project_ids: list[int],
    sha256: str,
    filename: str,
) -> Download:
    """The file with that digest and name in one of the projects, or its metadata."""
    is_metadata = filename.endswith(METADATA_SUFFIX)
    stored_name = filename.removesuffix(METADATA_SUFFIX) if is_metadata else filename
    file = session.scalar(
        select(File)
        .join(Release, File.release_id == Release.id)
        .join(Package, Release.package_id == Package.id)
        .where(
            File.project_id.in_(project_ids),
            File.sha256 == sha256.lower(),
            File.filename == stored_name,
            Package.status != PackageStatus.QUARANTINED,
        )
        .limit(1)
    )
    if file is None:
        raise NotFound("File not found.")
    if is_metadata:
        if file.kind is not FileKind.WHEEL or file.metadata_sha256 is None:
            raise NotFound("This file has no metadata file.")
        digest = file.metadata_sha256
    else:
        digest = file.sha256
    blob = blobs.locate(digest)
    if blob is None:
        raise NotFound("File not found.")
    return Download(filename, digest, blob, is_metadata)


class DownloadCache:
    """Downloads already found, each valid while its project's serial is current.

    A filename never changes its bytes, and whatever takes a file away (a
    delete; a quarantine, when something comes to set one) must bump the
    serial. So a lookup made at serial N answers every request made while N
    is current, without the database.
    """

    def __init__(self, max_entries: int = MAX_REMEMBERED_DOWNLOADS) -> None:
        self._max_entries = max_entries
        self._entries: dict[tuple[int, str, str], tuple[int, Download]] = {}
        self._lock = threading.Lock()

    def get(
        self, project_id: int, sha256: str, filename: str, serial: int
    ) -> Download | None:
        entry = self._entries.get((project_id, sha256, filename))
        if entry is None or entry[0] != serial:
            return None
        return entry[1]

    def put(
        self, project_id: int, sha256: str, filename: str, serial: int, found: Download
    ) -> None:
        with self._lock:
            if len(self._entries) >= self._max_entries:
                # Crude but bounded: only a corpus larger than the limit,
                # read within one serial, gets here.
                self._entries.clear()
            self._entries[(project_id, sha256, filename)] = (serial, found)
