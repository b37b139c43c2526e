"""Publishing a file: validate everything, then store the blob and rows together.

The request body has already been streamed into a pending blob by the caller.
Steps: check the form; check the filename; check the digests; read and check
the file's own metadata; refuse a taken filename; keep the blob; record the
package, release and file in one transaction. Whatever fails, no row and no
blob of this upload is left behind.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from packaging.metadata import Metadata
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wheelkeep.db.models import File, Release
from wheelkeep.domain.access import Principal
from wheelkeep.domain.digests import check_sent_digests, sha256_of
from wheelkeep.domain.distributions import (
    DistributionFilename,
    parse_filename,
    read_core_metadata,
)
from wheelkeep.domain.errors import InvalidUpload
from wheelkeep.domain.metadata import parse_core_metadata
from wheelkeep.domain.names import canonical_version
from wheelkeep.domain.uploads import (
    UploadForm,
    check_filename_matches_form,
    check_form,
    check_metadata_matches,
    refuse_existing,
)
from wheelkeep.services import audit
from wheelkeep.services.blob_refs import forget_unused
from wheelkeep.services.filenames import TakenNames
from wheelkeep.services.projects import bump_serial, lock_project
from wheelkeep.services.registry import Registry
from wheelkeep.services.releases import (
    CLOSED_STATUSES,
    find_or_add_package,
    find_or_add_release,
)
from wheelkeep.storage.base import PendingBlob

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Published:
    filename: str
    sha256: str
    created: bool


@dataclass(frozen=True)
class _Checked:
    form: UploadForm
    dist: DistributionFilename
    metadata: Metadata
    raw_metadata: bytes


def publish(
    registry: Registry,
    principal: Principal,
    project_id: int,
    fields: Mapping[str, str],
    filename: str,
    pending: PendingBlob,
    address: str | None = None,
) -> Published:
    """Validate a received upload and record it; the caller discards ``pending``."""
    checked = _check(fields, filename, pending)
    sha256 = pending.digests.sha256
    with registry.session() as session:
        existing = _existing_upload(session, project_id, checked.dist, sha256)
    if existing is not None:
        return existing

    created_blob = registry.blobs.keep(pending)
    metadata_sha256, created_metadata = registry.blobs.put_bytes(checked.raw_metadata)
    try:
        with registry.transaction() as session:
            serial = bump_serial(session, project_id)
            existing = _existing_upload(session, project_id, checked.dist, sha256)
            if existing is not None:
                # A concurrent identical upload won: nothing changed, so the
                # serial must not move either.
                session.rollback()
                return existing
            _record(session, project_id, checked, pending, metadata_sha256, principal)
            _ensure_blobs(registry, pending, checked.raw_metadata)
            audit.record(
                session,
                action="file.upload",
                principal=principal,
                project_id=project_id,
                target=checked.dist.filename,
                address=address,
                sha256=sha256,
                serial=serial,
            )
    except BaseException:
        created = {sha256: created_blob, metadata_sha256: created_metadata}
        _forget_blobs(registry, project_id, [d for d, new in created.items() if new])
        raise
    registry.pages.invalidate(project_id)
    log.info(
        "file.uploaded project_id=%s filename=%s sha256=%s size=%s actor=%s",
        project_id,
        checked.dist.filename,
        sha256,
        pending.digests.size,
        principal.actor,
    )
    return Published(checked.dist.filename, sha256, created=True)


def _check(fields: Mapping[str, str], filename: str, pending: PendingBlob) -> _Checked:
    form = check_form(fields)
    dist = parse_filename(filename)
    check_filename_matches_form(form, dist)
    if pending.digests.size == 0:
        raise InvalidUpload(f"The file {filename!r} is empty.")
    check_sent_digests(pending.digests, form.sent_digests)
    raw = read_core_metadata(pending.path, dist)
    metadata = parse_core_metadata(raw, dist.filename)
    check_metadata_matches(metadata, dist)
    return _Checked(form, dist, metadata, raw)


def _existing_upload(
    session: Session, project_id: int, dist: DistributionFilename, sha256: str
) -> Published | None:
    """A no-op result for a retried identical upload; an error for other bytes.

    Another spelling of a taken or deleted name is refused as the name itself
    would be (see :mod:`wheelkeep.services.filenames`).
    """
    taken = TakenNames(session, project_id, dist.name).of(dist)
    if taken is None:
        return None
    if not taken.deleted and taken.sha256 == sha256:
        return Published(taken.filename, sha256, created=False)
    raise refuse_existing(taken.filename, deleted=taken.deleted)


def _record(
    session: Session,
    project_id: int,
    checked: _Checked,
    pending: PendingBlob,
    metadata_sha256: str,
    principal: Principal,
) -> None:
    release = _release(session, project_id, checked)
    digests = pending.digests
    session.add(
        File(
            project_id=project_id,
            release_id=release.id,
            filename=checked.dist.filename,
            kind=checked.dist.kind,
            python_version=checked.form.pyversion or "source",
            size=digests.size,
            sha256=digests.sha256,
            md5=digests.hexdigest("md5"),
            blake2_256=digests.hexdigest("blake2_256"),
            requires_python=(
                str(checked.metadata.requires_python)
                if checked.metadata.requires_python
                else None
            ),
            metadata_sha256=metadata_sha256,
            uploaded_by_token_id=principal.token_id,
        )
    )
    try:
        session.flush()
    except IntegrityError:
        raise refuse_existing(checked.dist.filename, deleted=False) from None


def _release(session: Session, project_id: int, checked: _Checked) -> Release:
    package = find_or_add_package(
        session, project_id, checked.dist.name, checked.metadata.name
    )
    if package.status in CLOSED_STATUSES:
        raise InvalidUpload(
            f"Package {package.display_name!r} is {package.status.value}: it takes no "
            "new uploads."
        )
    version = checked.dist.version
    return find_or_add_release(
        session,
        package,
        str(version),
        canonical_version(version),
        checked.metadata.summary,
    )


def _ensure_blobs(registry: Registry, pending: PendingBlob, metadata: bytes) -> None:
    """Put the blobs back if a concurrent failed upload removed them meanwhile.

    Wheels of one release often share the same METADATA bytes, so another
    upload may have created the metadata blob this one found, and removed it on
    failure. This runs while the transaction holds the write lock, and blobs
    are removed only under that lock, so after this they stay until the commit.
    """
    if registry.blobs.locate(pending.digests.sha256) is None:
        registry.blobs.keep(pending)
    if registry.blobs.locate(sha256_of(metadata)) is None:
        registry.blobs.put_bytes(metadata)


def _forget_blobs(registry: Registry, project_id: int, digests: list[str]) -> None:
    """Remove the blobs this upload created, unless a file or a snapshot uses them."""
    if not digests:
        return
    with registry.transaction() as session:
        # The write lock first makes the check and the removal atomic with
        # respect to other uploads' commits.
        lock_project(session, project_id)
        forget_unused(session, registry.blobs, digests)
