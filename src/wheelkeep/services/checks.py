"""Checking a lock file or hashed requirements against a project's index."""

import logging
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from wheelkeep.db.models import File, Package, PackageStatus, Release
from wheelkeep.domain.checks import CheckReport, ServedFile, ServedRelease, check_lock
from wheelkeep.domain.errors import InvalidRequest
from wheelkeep.domain.locks import Pin, read_lock
from wheelkeep.domain.names import canonical_version
from wheelkeep.services.profiles import find_profiles, list_profiles

log = logging.getLogger(__name__)


def check_lock_text(
    session: Session,
    project_id: int,
    filename: str,
    text: str,
    profile_names: Sequence[str] = (),
    *,
    allow_sdist: bool = False,
) -> CheckReport:
    """Check a lock for the named profiles (all profiles when none is named)."""
    lock = read_lock(filename, text)
    profiles = (
        find_profiles(session, profile_names)
        if profile_names
        else list_profiles(session)
    )
    if not profiles:
        raise InvalidRequest(
            "No environment profile to check for: add one with `wheelkeep profile add`."
        )
    lookup = _ServedReleases(session, project_id)
    report = check_lock(lock, profiles, lookup, allow_sdist=allow_sdist)
    log.info(
        "lock.checked project_id=%s format=%s profiles=%s findings=%s",
        project_id,
        report.lock_format,
        ",".join(report.profiles),
        len(report.findings),
    )
    return report


class _ServedReleases:
    """What the project serves for each pinned release, read once per release."""

    def __init__(self, session: Session, project_id: int) -> None:
        self._session = session
        self._project_id = project_id
        self._cache: dict[tuple[str, str], ServedRelease | None] = {}

    def __call__(self, pin: Pin) -> ServedRelease | None:
        key = (pin.name, canonical_version(pin.version))
        if key not in self._cache:
            self._cache[key] = self._load(*key)
        return self._cache[key]

    def _load(self, name: str, canonical: str) -> ServedRelease | None:
        rows = self._session.execute(
            select(File.filename, File.sha256, File.requires_python, Release.yanked)
            .join(Release, File.release_id == Release.id)
            .join(Package, Release.package_id == Package.id)
            .where(
                Package.project_id == self._project_id,
                Package.name == name,
                Package.status != PackageStatus.QUARANTINED,
                Release.canonical_version == canonical,
            )
        ).all()
        if not rows:
            return None
        return ServedRelease(
            files={
                row.filename: ServedFile(row.sha256, row.requires_python)
                for row in rows
            },
            yanked=rows[0].yanked,
        )
