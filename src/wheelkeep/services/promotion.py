"""Promotion: copying a vetted release from one project to another.

The target gets new file rows that point at the same blobs: the bytes, hashes
and metadata files are those of the source, nothing is uploaded again. A
promoted file's upload time in the target is the moment of promotion, since
``upload-time`` says when a file entered *this* index (which is what uv's
``exclude-newer`` and pip's ``--uploaded-prior-to`` filter on); the source
keeps its own.

A filename already in the target with the same bytes is left as it is, so
promoting twice is harmless; with other bytes, or deleted from the target
before, the promotion is refused as a whole. Names are compared as uploads
compare them: another spelling of a name counts as the name.
"""

import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from wheelkeep.db.models import File, Release
from wheelkeep.domain.access import Principal
from wheelkeep.domain.distributions import parse_filename
from wheelkeep.domain.errors import Conflict, InvalidRequest, NotFound
from wheelkeep.services import audit
from wheelkeep.services.filenames import TakenNames
from wheelkeep.services.projects import bump_serial, lock_project
from wheelkeep.services.registry import Registry
from wheelkeep.services.releases import (
    CLOSED_STATUSES,
    ReleaseRef,
    find_or_add_package,
    find_or_add_release,
    find_release,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PromotedFile:
    filename: str
    sha256: str
    copied: bool


@dataclass(frozen=True)
class Promotion:
    package: str
    version: str
    source_project_id: int
    target_project_id: int
    files: list[PromotedFile]

    def as_dict(self) -> dict[str, object]:
        return {
            "package": self.package,
            "version": self.version,
            "from_project_id": self.source_project_id,
            "to_project_id": self.target_project_id,
            "files": [
                {"filename": f.filename, "sha256": f.sha256, "copied": f.copied}
                for f in self.files
            ],
        }


def promote(
    registry: Registry,
    principal: Principal,
    source_project_id: int,
    target_project_id: int,
    package: str,
    version: str,
    address: str | None = None,
) -> Promotion:
    """Copy every file of a release into the target project, or refuse it all."""
    if source_project_id == target_project_id:
        raise InvalidRequest("A release is promoted to another project, not its own.")
    with registry.transaction() as session:
        _lock_projects(session, source_project_id, target_project_id)
        release = _source_release(session, source_project_id, package, version)
        to_copy = _files_to_copy(session, target_project_id, release)
        if to_copy:
            _copy(registry, session, principal, target_project_id, release, to_copy)
            audit.record(
                session,
                action="release.promote",
                principal=principal,
                project_id=target_project_id,
                target=f"{release.package.name}=={release.version}",
                address=address,
                from_project_id=source_project_id,
                files={file.filename: file.sha256 for file in to_copy},
            )
        copied = {file.filename for file in to_copy}
        result = Promotion(
            package=release.package.display_name,
            version=release.version,
            source_project_id=source_project_id,
            target_project_id=target_project_id,
            files=[
                PromotedFile(f.filename, f.sha256, f.filename in copied)
                for f in sorted(release.files, key=lambda f: f.filename)
            ],
        )
    registry.pages.invalidate(target_project_id)
    log.info(
        "release.promoted package=%s version=%s from_project_id=%s to_project_id=%s "
        "copied=%s actor=%s",
        result.package,
        result.version,
        source_project_id,
        target_project_id,
        len(copied),
        principal.actor,
    )
    return result


def _lock_projects(session: Session, *project_ids: int) -> None:
    """Lock both project rows, lowest id first so two promotions cannot deadlock.

    Holding the source's lock keeps a concurrent delete there from removing
    the blobs this promotion is about to refer to.
    """
    for project_id in sorted(project_ids):
        lock_project(session, project_id)


def _source_release(
    session: Session, project_id: int, package: str, version: str
) -> Release:
    ref = ReleaseRef(project_id, package, version)
    release = find_release(session, ref, served_only=True)
    if release is None:
        raise NotFound(f"No release {package} {version} in the source project.")
    if release.yanked:
        raise Conflict(
            f"{release.package.display_name} {release.version} is yanked in the source "
            "project; unyank it first if it is really meant for the target."
        )
    return release


def _files_to_copy(session: Session, target_id: int, release: Release) -> list[File]:
    """The files the target lacks; refuses names it holds with other bytes.

    Another spelling of a name the target holds or deleted counts as that
    name, as it does for an upload.
    """
    taken_names = TakenNames(session, target_id, release.package.name)
    to_copy = []
    for file in release.files:
        taken = taken_names.of(parse_filename(file.filename))
        if taken is None:
            to_copy.append(file)
        elif taken.deleted:
            raise Conflict(
                f"{file.filename} was deleted from the target project and its name "
                "can never be reused; nothing was promoted."
            )
        elif taken.sha256 != file.sha256:
            raise Conflict(
                f"{file.filename} exists in the target project with other bytes; "
                "nothing was promoted."
            )
    return sorted(to_copy, key=lambda file: file.filename)


def _copy(
    registry: Registry,
    session: Session,
    principal: Principal,
    target_id: int,
    source: Release,
    files: list[File],
) -> None:
    bump_serial(session, target_id)
    release = _target_release(session, target_id, source)
    for file in files:
        for digest in (file.sha256, file.metadata_sha256):
            if digest and registry.blobs.locate(digest) is None:
                raise Conflict(
                    f"The stored bytes of {file.filename} are missing (blob {digest}); "
                    "nothing was promoted."
                )
        session.add(
            File(
                project_id=target_id,
                release_id=release.id,
                filename=file.filename,
                kind=file.kind,
                python_version=file.python_version,
                size=file.size,
                sha256=file.sha256,
                md5=file.md5,
                blake2_256=file.blake2_256,
                requires_python=file.requires_python,
                metadata_sha256=file.metadata_sha256,
                uploaded_by_token_id=principal.token_id,
            )
        )
    session.flush()


def _target_release(session: Session, target_id: int, source: Release) -> Release:
    package = find_or_add_package(
        session, target_id, source.package.name, source.package.display_name
    )
    if package.status in CLOSED_STATUSES:
        raise Conflict(
            f"Package {package.display_name!r} is {package.status.value} in the target "
            "project: it takes no new files."
        )
    return find_or_add_release(
        session, package, source.version, source.canonical_version, source.summary
    )
