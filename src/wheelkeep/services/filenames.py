"""Which filenames a project has taken, by a live file or by a deleted one.

Filenames are compared by the file they stand for, so another spelling of a
taken or deleted name (case, separators, '1.0' for '1.0.0') is taken as the
name itself is: uploads and promotions both refuse it.
"""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wheelkeep.db.models import File, FileTombstone, Package, Release
from wheelkeep.domain.distributions import DistributionFilename, parse_filename


@dataclass(frozen=True)
class TakenName:
    """The stored spelling of a taken name, and what holds it."""

    filename: str
    sha256: str
    deleted: bool


class TakenNames:
    """The names one package's files hold in a project, read once, by identity."""

    def __init__(self, session: Session, project_id: int, name: str) -> None:
        self._live: dict[str, TakenName] = {}
        self._deleted: dict[str, TakenName] = {}
        for filename, sha256 in _package_files(session, project_id, name):
            taken = TakenName(filename, sha256, deleted=False)
            self._live.setdefault(parse_filename(filename).identity, taken)
        for filename, sha256 in _tombstone_candidates(session, project_id, name):
            taken = TakenName(filename, sha256, deleted=True)
            self._deleted.setdefault(parse_filename(filename).identity, taken)

    def of(self, dist: DistributionFilename) -> TakenName | None:
        """The live file holding this file's name, else the deleted one, else None."""
        return self._live.get(dist.identity) or self._deleted.get(dist.identity)


def _package_files(
    session: Session, project_id: int, name: str
) -> list[tuple[str, str]]:
    rows = session.execute(
        select(File.filename, File.sha256)
        .join(Release, File.release_id == Release.id)
        .join(Package, Release.package_id == Package.id)
        .where(Package.project_id == project_id, Package.name == name)
    )
    return [(row.filename, row.sha256) for row in rows]


def _tombstone_candidates(
    session: Session, project_id: int, name: str
) -> list[tuple[str, str]]:
    """Deleted filenames that may be spellings of the package's name.

    A tombstone keeps only the filename, so every spelling of the name is
    folded to lower case and underscores in SQL; the pattern also matches
    other packages sharing the prefix, which the comparison by identity drops.
    """
    folded = func.lower(
        func.replace(func.replace(FileTombstone.filename, "-", "_"), ".", "_")
    )
    rows = session.execute(
        select(FileTombstone.filename, FileTombstone.sha256).where(
            FileTombstone.project_id == project_id,
            folded.like(name.replace("-", "_") + "_%"),
        )
    )
    return [(row.filename, row.sha256) for row in rows]
