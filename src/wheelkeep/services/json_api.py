"""PyPI's JSON API shape (``/pypi/<name>/json``), for tools that read it."""

from typing import Any
from urllib.parse import quote

from packaging.metadata import parse_email
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from wheelkeep.db.models import File, Package, PackageStatus, Release
from wheelkeep.domain.errors import NotFound
from wheelkeep.domain.index_pages import format_upload_time
from wheelkeep.domain.names import canonical_version
from wheelkeep.services.projects import current_serial
from wheelkeep.storage.base import BlobStore

_INFO_FIELDS = (
    "author",
    "author_email",
    "description",
    "description_content_type",
    "home_page",
    "license",
    "license_expression",
    "maintainer",
    "maintainer_email",
    "requires_python",
    "summary",
)


def package_json(
    session: Session,
    blobs: BlobStore,
    project_id: int,
    name: str,
    files_url: str,
    version: str | None = None,
) -> dict[str, Any]:
    """The JSON document for a package, or for one of its releases."""
    package = session.scalar(
        select(Package)
        .where(
            # Not validated: a name no upload could have used simply matches
            # nothing, and a read answers 404 rather than an upload's 400.
            Package.project_id == project_id,
            Package.name == canonicalize_name(name),
        )
        # Every release and file is in the document: three queries in all,
        # not one more per release.
        .options(selectinload(Package.releases).selectinload(Release.files))
    )
    if package is None or package.status is PackageStatus.QUARANTINED:
        raise NotFound(f"Package {name!r} not found.")
    releases = [r for r in package.releases if r.files]
    if not releases:
        raise NotFound(f"Package {name!r} not found.")
    releases.sort(key=lambda release: Version(release.version))
    chosen = _choose(releases, version)
    document: dict[str, Any] = {
        "info": _info(blobs, package, chosen),
        "last_serial": current_serial(session, project_id),
        "urls": [_file(file, chosen, files_url) for file in chosen.files],
        "vulnerabilities": [],
    }
    if version is None:
        document["releases"] = {
            release.version: [_file(file, release, files_url) for file in release.files]
            for release in releases
        }
    return document


def _choose(releases: list[Release], version: str | None) -> Release:
    if version is not None:
        try:
            canonical = canonical_version(Version(version))
        except InvalidVersion:
            raise NotFound(f"Version {version!r} not found.") from None
        for release in releases:
            if release.canonical_version == canonical:
                return release
        raise NotFound(f"Version {version!r} not found.")
    # As PyPI does: the newest final release not yanked, else the newest of all.
    for release in reversed(releases):
        if not release.yanked and not Version(release.version).is_prerelease:
            return release
    return releases[-1]


def _info(blobs: BlobStore, package: Package, release: Release) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    digest = next((f.metadata_sha256 for f in release.files if f.metadata_sha256), None)
    if digest is not None:
        raw = dict(parse_email(blobs.read_bytes(digest))[0])
    info: dict[str, Any] = {field: raw.get(field) for field in _INFO_FIELDS}
    info.update(
        name=package.display_name,
        version=release.version,
        classifiers=raw.get("classifiers", []),
        keywords=",".join(raw.get("keywords", [])),
        platform=",".join(raw.get("platforms", [])) or None,
        project_urls=raw.get("project_urls") or None,
        requires_dist=raw.get("requires_dist"),
        yanked=release.yanked,
        yanked_reason=release.yanked_reason,
    )
    return info


def _file(file: File, release: Release, files_url: str) -> dict[str, Any]:
    return {
        "filename": file.filename,
        "url": f"{files_url}{file.sha256}/{quote(file.filename)}",
        "digests": {
            "sha256": file.sha256,
            "md5": file.md5,
            "blake2b_256": file.blake2_256,
        },
        "md5_digest": file.md5,
        "size": file.size,
        "packagetype": file.kind.value,
        "python_version": file.python_version,
        "requires_python": file.requires_python,
        "upload_time": file.uploaded_at.strftime("%Y-%m-%dT%H:%M:%S"),
        "upload_time_iso_8601": format_upload_time(file.uploaded_at),
        "yanked": release.yanked,
        "yanked_reason": release.yanked_reason,
        "has_sig": False,
        "comment_text": "",
    }
