"""Releases: finding and adding them, yanking, unyanking and deleting their files.

Deleting a file keeps a tombstone of its filename, so the name can never be
reused with other bytes. Blobs no longer referenced (by a file of any project
or by a snapshot) are removed in the same unit of work.
"""

import logging
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wheelkeep.db.models import File, FileTombstone, Package, PackageStatus, Release
from wheelkeep.domain.access import Principal
from wheelkeep.domain.errors import NotFound
from wheelkeep.domain.names import canonical_version, normalize_name, parse_version
from wheelkeep.services import audit
from wheelkeep.services.blob_refs import forget_unused
from wheelkeep.services.projects import bump_serial
from wheelkeep.services.registry import Registry

log = logging.getLogger(__name__)

# A package in one of these states takes no new files (PEP 792).
CLOSED_STATUSES = (PackageStatus.ARCHIVED, PackageStatus.QUARANTINED)


@dataclass(frozen=True)
class ReleaseRef:
    project_id: int
    package: str
    version: str


def find_release(
    session: Session, ref: ReleaseRef, *, served_only: bool = False
) -> Release | None:
    """The release ``ref`` names, or None; InvalidUpload for an invalid name or version.

    With ``served_only``, a release the index does not offer counts as missing:
    one of a quarantined package, or one without files.
    """
    name = normalize_name(ref.package)
    canonical = canonical_version(parse_version(ref.version))
    query = (
        select(Release)
        .join(Package, Release.package_id == Package.id)
        .where(
            Package.project_id == ref.project_id,
            Package.name == name,
            Release.canonical_version == canonical,
        )
    )
    if served_only:
        query = query.where(Package.status != PackageStatus.QUARANTINED)
    release = session.scalar(query)
    if release is None or (served_only and not release.files):
        return None
    return release


def find_or_add_package(
    session: Session, project_id: int, name: str, display_name: str
) -> Package:
    """The project's package of that normalised name, added (active) if it has none.

    The caller decides what a package in one of ``CLOSED_STATUSES`` means.
    """
    package = session.scalar(
        select(Package).where(Package.project_id == project_id, Package.name == name)
    )
    if package is None:
        package = Package(
            project_id=project_id,
            name=name,
            display_name=display_name,
            status=PackageStatus.ACTIVE,
        )
        session.add(package)
        session.flush()
    return package


def find_or_add_release(
    session: Session,
    package: Package,
    version: str,
    canonical: str,
    summary: str | None,
) -> Release:
    """The package's release of that canonical version, added if it has none yet."""
    release = session.scalar(
        select(Release).where(
            Release.package_id == package.id, Release.canonical_version == canonical
        )
    )
    if release is None:
        release = Release(
            package_id=package.id,
            version=version,
            canonical_version=canonical,
            summary=summary,
        )
        session.add(release)
        session.flush()
    return release


def _find_release(session: Session, ref: ReleaseRef) -> Release:
    release = find_release(session, ref)
    if release is None:
        raise NotFound(f"No release {ref.package} {ref.version} in this project.")
    return release


def set_yanked(
    registry: Registry,
    principal: Principal,
    ref: ReleaseRef,
    *,
    yanked: bool,
    reason: str | None = None,
) -> None:
    """Yank (PEP 592) or unyank every file of a release."""
    with registry.transaction() as session:
        bump_serial(session, ref.project_id)
        release = _find_release(session, ref)
        release.yanked = yanked
        release.yanked_reason = reason if yanked else None
        audit.record(
            session,
            action="release.yank" if yanked else "release.unyank",
            principal=principal,
            project_id=ref.project_id,
            target=f"{release.package.name}=={release.version}",
            reason=reason,
        )
    registry.pages.invalidate(ref.project_id)


def delete_files(
    registry: Registry,
    principal: Principal,
    ref: ReleaseRef,
    filename: str | None = None,
    address: str | None = None,
) -> list[str]:
    """Delete one file of a release, or all of them; return the deleted names."""
    orphans: set[str] = set()
    with registry.transaction() as session:
        bump_serial(session, ref.project_id)
        release = _find_release(session, ref)
        files = [f for f in release.files if filename in (None, f.filename)]
        if not files:
            raise NotFound(f"No file {filename!r} in {ref.package} {ref.version}.")
        for file in files:
            session.add(
                FileTombstone(
                    project_id=ref.project_id,
                    filename=file.filename,
                    sha256=file.sha256,
                )
            )
            session.delete(file)
            orphans.update(d for d in (file.sha256, file.metadata_sha256) if d)
        session.flush()
        if not session.scalar(select(File.id).where(File.release_id == release.id)):
            session.execute(delete(Release).where(Release.id == release.id))
        audit.record(
            session,
            action="file.delete",
            principal=principal,
            project_id=ref.project_id,
            target=f"{ref.package}=={ref.version}",
            address=address,
            files=[file.filename for file in files],
        )
        # Still inside the write transaction: no upload can start referring to
        # these blobs between the check and the removal. Known shortcoming: if
        # the commit itself then failed, the files would stay listed without
        # their bytes (downloads 404) until deleted again.
        forget_unused(session, registry.blobs, orphans)
    registry.pages.invalidate(ref.project_id)
    return [file.filename for file in files]
