"""The platform coverage of a release, and what each profile would install."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from wheelkeep.db.models import File, Release
from wheelkeep.domain.coverage import Coverage, coverage_of
from wheelkeep.domain.distributions import ReleaseFile
from wheelkeep.domain.errors import InvalidUpload, NotFound
from wheelkeep.domain.installs import Choice, choose_file
from wheelkeep.domain.profiles import Profile
from wheelkeep.services.releases import ReleaseRef, find_release


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
    release_files = [ReleaseFile(f.filename, f.requires_python) for f in files]
    coverage = coverage_of(release_files)
    choices = [
        choose_file(profile, release_files, allow_sdist=allow_sdist)
        for profile in profiles
    ]
    return ReleaseCoverage(
        release.package.display_name, release.version, coverage, choices
    )


def _release_files(
    session: Session, project_id: int, package: str, version: str
) -> tuple[Release, list[File]]:
    ref = ReleaseRef(project_id, package, version)
    try:
        release = find_release(session, ref, served_only=True)
    except InvalidUpload:
        # A name or version no upload could have used: nothing is there.
        release = None
    if release is None:
        raise NotFound(f"No release {package} {version} in this project.")
    return release, list(release.files)
