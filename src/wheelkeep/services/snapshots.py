"""Snapshots: named, immutable views of a project's index.

Taking a snapshot copies, in one statement per table, every package (name,
display name, PEP 792 status) and every file's index entry (filename, hashes,
size, upload time, Requires-Python, yank state, metadata digest) of the project
into snapshot tables. Its pages are rendered from those rows by the same code
as live pages, so a snapshot's page is byte-identical to the live page at the
moment it was taken, and stays so: later uploads, yanks and deletes touch only
the live tables. Blobs a snapshot refers to are kept until the snapshot is
deleted.
"""

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from packaging.version import Version
from sqlalchemy import (
    Integer,
    delete,
    func,
    insert,
    literal,
    select,
    union,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import CompoundSelect

from wheelkeep.db.models import (
    File,
    Package,
    PackageStatus,
    Release,
    Snapshot,
    SnapshotFile,
    SnapshotPackage,
)
from wheelkeep.domain.access import Principal
from wheelkeep.domain.distributions import FileKind
from wheelkeep.domain.errors import Conflict, InvalidRequest, NotFound
from wheelkeep.domain.index_pages import (
    IndexFile,
    PackagePage,
    PageFormat,
    render_package,
    render_root,
)
from wheelkeep.domain.names import NormalizedName
from wheelkeep.services import audit
from wheelkeep.services.files import METADATA_SUFFIX, Download
from wheelkeep.services.pages import Page, PageCache
from wheelkeep.services.projects import lock_project
from wheelkeep.services.registry import Registry
from wheelkeep.storage.base import BlobStore

log = logging.getLogger(__name__)

_SNAPSHOT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


@dataclass(frozen=True)
class SnapshotInfo:
    name: str
    project_id: int
    serial: int
    created_at: datetime
    created_by: str
    packages: int
    files: int

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "project_id": self.project_id,
            "serial": self.serial,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "packages": self.packages,
            "files": self.files,
        }


def check_snapshot_name(name: str) -> str:
    if not _SNAPSHOT_NAME.fullmatch(name):
        raise InvalidRequest(
            f"Invalid snapshot name {name!r}: use 1 to 100 letters, digits, '.', '-' "
            "or '_', starting with a letter or digit."
        )
    return name


def create_snapshot(
    registry: Registry,
    principal: Principal,
    project_id: int,
    name: str,
    address: str | None = None,
) -> SnapshotInfo:
    """Freeze the project's index as it is now under ``name``."""
    check_snapshot_name(name)
    with registry.transaction() as session:
        # Lock the project row as uploads, yanks and deletes do, so the copy
        # sees one state of the index and the serial recorded is its serial.
        serial = lock_project(session, project_id)
        if _find(session, project_id, name) is not None:
            raise Conflict(f"A snapshot named {name!r} exists already in this project.")
        snapshot = Snapshot(
            project_id=project_id, name=name, serial=serial, created_by=principal.actor
        )
        session.add(snapshot)
        session.flush()
        _copy_packages(session, project_id, snapshot.id)
        _copy_files(session, project_id, snapshot.id)
        info = _info(session, snapshot)
        audit.record(
            session,
            action="snapshot.create",
            principal=principal,
            project_id=project_id,
            target=name,
            address=address,
            serial=serial,
            files=info.files,
        )
    log.info(
        "snapshot.created project_id=%s name=%s serial=%s files=%s",
        project_id,
        name,
        serial,
        info.files,
    )
    return info


def _copy_packages(session: Session, project_id: int, snapshot_id: int) -> None:
    has_files = (
        select(File.id)
        .join(Release, File.release_id == Release.id)
        .where(Release.package_id == Package.id)
        .exists()
    )
    session.execute(
        insert(SnapshotPackage).from_select(
            ["snapshot_id", "name", "display_name", "status", "status_reason"],
            select(
                literal(snapshot_id, Integer),
                Package.name,
                Package.display_name,
                Package.status,
                Package.status_reason,
            ).where(Package.project_id == project_id, has_files),
        )
    )


def _copy_files(session: Session, project_id: int, snapshot_id: int) -> None:
    session.execute(
        insert(SnapshotFile).from_select(
            [
                "snapshot_id",
                "package_name",
                "version",
                "filename",
                "kind",
                "size",
                "sha256",
                "requires_python",
                "metadata_sha256",
                "uploaded_at",
                "yanked",
                "yanked_reason",
            ],
            select(
                literal(snapshot_id, Integer),
                Package.name,
                Release.version,
                File.filename,
                File.kind,
                File.size,
                File.sha256,
                File.requires_python,
                File.metadata_sha256,
                File.uploaded_at,
                Release.yanked,
                Release.yanked_reason,
            )
            .join(Release, File.release_id == Release.id)
            .join(Package, Release.package_id == Package.id)
            .where(File.project_id == project_id),
        )
    )


def list_snapshots(session: Session, project_id: int) -> list[SnapshotInfo]:
    snapshots = session.scalars(
        select(Snapshot)
        .where(Snapshot.project_id == project_id)
        .order_by(Snapshot.created_at, Snapshot.id)
    )
    return [_info(session, snapshot) for snapshot in snapshots]


def _info(session: Session, snapshot: Snapshot) -> SnapshotInfo:
    def count(model: type[SnapshotFile] | type[SnapshotPackage]) -> int:
        return (
            session.scalar(select(func.count()).where(model.snapshot_id == snapshot.id))
            or 0
        )

    return SnapshotInfo(
        name=snapshot.name,
        project_id=snapshot.project_id,
        serial=snapshot.serial,
        created_at=snapshot.created_at,
        created_by=snapshot.created_by,
        packages=count(SnapshotPackage),
        files=count(SnapshotFile),
    )


def delete_snapshot(
    registry: Registry,
    principal: Principal,
    project_id: int,
    name: str,
    address: str | None = None,
) -> None:
    """Drop a snapshot, and the blobs only it still referred to."""
    with registry.transaction() as session:
        # The write lock first: no upload or promotion can start referring to
        # a blob between the check below and its removal.
        lock_project(session, project_id)
        snapshot = find_snapshot(session, project_id, name)
        orphans = _digests_only_in(session, snapshot.id)
        session.execute(
            delete(SnapshotFile).where(SnapshotFile.snapshot_id == snapshot.id)
        )
        session.execute(
            delete(SnapshotPackage).where(SnapshotPackage.snapshot_id == snapshot.id)
        )
        session.delete(snapshot)
        # Known shortcoming, as for deleted files: the blobs go before the
        # commit, so if the commit itself failed the snapshot would stay
        # listed without some of its bytes (those downloads 404).
        for digest in orphans:
            registry.blobs.delete(digest)
        removed = len(orphans)
        audit.record(
            session,
            action="snapshot.delete",
            principal=principal,
            project_id=project_id,
            target=name,
            address=address,
            blobs_removed=removed,
        )
    log.info(
        "snapshot.deleted project_id=%s name=%s blobs_removed=%s",
        project_id,
        name,
        removed,
    )


def _digests_only_in(session: Session, snapshot_id: int) -> set[str]:
    """Blobs (files and metadata files) no live file and no other snapshot uses.

    One set query rather than a lookup per digest: a snapshot of a large
    project refers to tens of thousands of blobs.
    """
    mine = union(
        select(SnapshotFile.sha256.label("digest")).where(
            SnapshotFile.snapshot_id == snapshot_id
        ),
        select(SnapshotFile.metadata_sha256).where(
            SnapshotFile.snapshot_id == snapshot_id,
            SnapshotFile.metadata_sha256.is_not(None),
        ),
    ).subquery()
    others = SnapshotFile.snapshot_id != snapshot_id
    # No NULL may reach NOT IN: it would make every comparison unknown.
    used: CompoundSelect[str] = union(
        select(File.sha256),
        select(File.metadata_sha256).where(File.metadata_sha256.is_not(None)),
        select(SnapshotFile.sha256).where(others),
        select(SnapshotFile.metadata_sha256).where(
            others, SnapshotFile.metadata_sha256.is_not(None)
        ),
    )
    query = select(mine.c.digest).where(mine.c.digest.not_in(used))
    return {digest for digest in session.scalars(query) if digest}


def _find(session: Session, project_id: int, name: str) -> Snapshot | None:
    return session.scalar(
        select(Snapshot).where(Snapshot.project_id == project_id, Snapshot.name == name)
    )


def find_snapshot(session: Session, project_id: int, name: str) -> Snapshot:
    snapshot = _find(session, project_id, name)
    if snapshot is None:
        raise NotFound(f"No snapshot named {name!r} in this project.")
    return snapshot


# Serving a snapshot. Its pages never change, so the cache keeps them under a
# key of their own (a name no package can have) rendered at the frozen serial.


def _cache_key(
    snapshot: Snapshot, name: str | None, page_format: PageFormat
) -> tuple[int, str, PageFormat]:
    return (snapshot.project_id, f"snapshot:{snapshot.id}:{name or ''}", page_format)


def root_page(
    cache: PageCache, session: Session, snapshot: Snapshot, page_format: PageFormat
) -> Page:
    def render() -> bytes:
        rows = session.execute(
            select(SnapshotPackage.name, SnapshotPackage.display_name)
            .where(SnapshotPackage.snapshot_id == snapshot.id)
            .order_by(SnapshotPackage.name)
        ).all()
        return render_root([(row.name, row.display_name) for row in rows], page_format)

    key = _cache_key(snapshot, None, page_format)
    return cache.get_or_render(key, snapshot.serial, page_format, render)


def package_page(
    cache: PageCache,
    session: Session,
    snapshot: Snapshot,
    name: NormalizedName,
    page_format: PageFormat,
) -> Page:
    key = _cache_key(snapshot, name, page_format)
    return cache.get_or_render(
        key,
        snapshot.serial,
        page_format,
        lambda: render_package(
            _load_package_page(session, snapshot, name), page_format
        ),
    )


def _load_package_page(
    session: Session, snapshot: Snapshot, name: NormalizedName
) -> PackagePage:
    # Built exactly as the live page is (services.pages.load_package_page), so
    # a snapshot serves the bytes the live index served when it was taken.
    package = session.scalar(
        select(SnapshotPackage).where(
            SnapshotPackage.snapshot_id == snapshot.id, SnapshotPackage.name == name
        )
    )
    if package is None:
        raise NotFound(f"Package {name!r} not found in this snapshot.")
    rows = list(
        session.scalars(
            select(SnapshotFile).where(
                SnapshotFile.snapshot_id == snapshot.id,
                SnapshotFile.package_name == name,
            )
        )
    )
    if package.status is PackageStatus.QUARANTINED:
        rows = []
    rows.sort(key=lambda row: (Version(row.version), row.filename))
    files = [
        IndexFile(
            filename=row.filename,
            sha256=row.sha256,
            size=row.size,
            upload_time=row.uploaded_at,
            requires_python=row.requires_python,
            yanked=row.yanked,
            yanked_reason=row.yanked_reason,
            core_metadata_sha256=(
                row.metadata_sha256 if row.filename.endswith(".whl") else None
            ),
        )
        for row in rows
    ]
    return PackagePage(
        name=package.name,
        status=package.status.value,
        status_reason=package.status_reason,
        files=files,
        versions=list(dict.fromkeys(row.version for row in rows)),
    )


def find_download(
    session: Session, blobs: BlobStore, snapshot: Snapshot, sha256: str, filename: str
) -> Download:
    """A file of the snapshot (or its metadata file), even if since deleted."""
    is_metadata = filename.endswith(METADATA_SUFFIX)
    stored_name = filename.removesuffix(METADATA_SUFFIX) if is_metadata else filename
    file = session.scalar(
        select(SnapshotFile)
        .join(
            SnapshotPackage,
            (SnapshotPackage.snapshot_id == SnapshotFile.snapshot_id)
            & (SnapshotPackage.name == SnapshotFile.package_name),
        )
        .where(
            SnapshotFile.snapshot_id == snapshot.id,
            SnapshotFile.sha256 == sha256.lower(),
            SnapshotFile.filename == stored_name,
            SnapshotPackage.status != PackageStatus.QUARANTINED,
        )
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
