"""The platform coverage of a release, and what each profile would install."""

from collections.abc import Sequence
from dataclasses import dataclass

from packaging.version import InvalidVersion
from sqlalchemy import select
from sqlalchemy.orm import Session

from wheelkeep.db.models import File, Package, PackageStatus, Release
from wheelkeep.domain.coverage import Coverage, ReleaseFile, coverage_of
from wheelkeep.domain.errors import InvalidUpload, NotFound
from wheelkeep.domain.installs import Candidate, Choice, choose_file
from wheelkeep.domain.names import canonical_version, normalize_name, parse_version
from wheelkeep.domain.profiles import Profile


@dataclass(frozen=True)
class ReleaseCoverage:
    package: str
    version: str
    coverage: Coverage
    choices: list[Choice]

    def as_dict(self) -> dict[str, object]:
        return {
            "package": self.package,
            "version": self.version,
            **self.coverage.as_dict(),
            "profiles": [choice.as_dict() for choice in self.choices],
        }


def release_coverage(
    session: Session,
    project_id: int,
    package: str,
    version: str,
    profiles: Sequence[Profile] = (),
    *,
    allow_sdist: bool = False,
) -> ReleaseCoverage:
    """The coverage matrix of a release; NotFound if the project has no such release."""
    release, files = _release_files(session, project_id, package, version)
    coverage = coverage_of(ReleaseFile(f.filename, f.requires_python) for f in files)
    candidates = [Candidate(f.filename, f.requires_python) for f in files]
    choices = [
        choose_file(profile, candidates, allow_sdist=allow_sdist)
        for profile in profiles
    ]
    return ReleaseCoverage(
        release.package.display_name, release.version, coverage, choices
    )


def _release_files(
    session: Session, project_id: int, package: str, version: str
) -> tuple[Release, list[File]]:
    missing = NotFound(f"No release {package} {version} in this project.")
    try:
        name = normalize_name(package)
        canonical = canonical_version(parse_version(version))
    except (InvalidUpload, InvalidVersion):
        raise missing from None
    release = session.scalar(
        select(Release)
        .join(Package, Release.package_id == Package.id)
        .where(
            Package.project_id == project_id,
            Package.name == name,
            Package.status != PackageStatus.QUARANTINED,
            Release.canonical_version == canonical,
        )
    )
    if release is None or not release.files:
        raise missing
    return release, list(release.files)
