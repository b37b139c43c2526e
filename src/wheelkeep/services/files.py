"""Finding a stored file (or its metadata file) for download."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from wheelkeep.db.models import File, Package, PackageStatus, Release
from wheelkeep.domain.distributions import FileKind
from wheelkeep.domain.errors import NotFound
from wheelkeep.storage.base import BlobStore, LocalBlob

METADATA_SUFFIX = ".metadata"


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
