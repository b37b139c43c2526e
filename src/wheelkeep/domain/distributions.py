"""Distribution files: what a filename says, and what the file itself holds.

A wheel must be a readable zip with exactly one ``.dist-info`` folder holding
METADATA, WHEEL and RECORD; an sdist must be a ``.tar.gz`` (or legacy ``.zip``)
with a ``PKG-INFO`` in its top folder. The core metadata found there is what the
index serves as the PEP 658 metadata file.
"""

import enum
import re
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from packaging.tags import Tag
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from wheelkeep.domain.errors import InvalidUpload
from wheelkeep.domain.names import canonical_version

# No real METADATA or PKG-INFO comes near this; a bigger one is a zip bomb.
MAX_METADATA_BYTES = 16 * 1024 * 1024
MAX_FILENAME_LENGTH = 255

_UNSAFE_FILENAME = re.compile(r"[\x00-\x1f\x7f/\\:]")


class FileKind(enum.StrEnum):
    """The ``filetype`` form field: which kind of distribution a file is."""

    WHEEL = "bdist_wheel"
    SDIST = "sdist"


@dataclass(frozen=True)
class DistributionFilename:
    """The facts a distribution's filename states."""

    filename: str
    kind: FileKind
    name: NormalizedName
    version: Version
    tags: frozenset[Tag]
    build: tuple[()] | tuple[int, str] = ()

    @property
    def identity(self) -> str:
        """The file this name stands for, however it is spelled.

        'Demo-1.0-py3-none-any.whl' and 'demo-1.0.0-py3-none-any.whl' name the
        same file: they may not hold different bytes, and deleting one retires
        every spelling.
        """
        version = canonical_version(self.version)
        if self.kind is FileKind.WHEEL:
            build = "".join(map(str, self.build))
            tags = ".".join(sorted(map(str, self.tags)))
            return f"{self.name}-{version}-{build}-{tags}.whl"
        extension = ".zip" if self.filename.endswith(".zip") else ".tar.gz"
        return f"{self.name}-{version}{extension}"


@dataclass(frozen=True)
class ReleaseFile:
    """A file of a release as installers weigh it: its name and Requires-Python."""

    filename: str
    requires_python: str | None = None

    @property
    def is_wheel(self) -> bool:
        return self.filename.endswith(".whl")


def parse_filename(filename: str) -> DistributionFilename:
    """Parse a wheel or sdist filename, refusing anything unsafe or malformed."""
    _check_safe(filename)
    if filename.endswith(".whl"):
        try:
            name, version, build, tags = parse_wheel_filename(filename)
        except (InvalidWheelFilename, InvalidVersion) as error:
            raise InvalidUpload(
                f"Invalid wheel filename {filename!r}: {error}"
            ) from None
        return DistributionFilename(
            filename, FileKind.WHEEL, name, version, tags, build
        )
    if filename.endswith((".tar.gz", ".zip")):
        try:
            name, version = parse_sdist_filename(filename)
        except (InvalidSdistFilename, InvalidVersion) as error:
            raise InvalidUpload(
                f"Invalid sdist filename {filename!r}: {error}"
            ) from None
        return DistributionFilename(
            filename, FileKind.SDIST, name, version, frozenset()
        )
    raise InvalidUpload(
        f"Invalid file extension in {filename!r}: use .whl for wheels and .tar.gz "
        "for source distributions."
    )


def _check_safe(filename: str) -> None:
    if not filename or len(filename) > MAX_FILENAME_LENGTH:
        raise InvalidUpload("Invalid filename: it must be 1 to 255 characters long.")
    if _UNSAFE_FILENAME.search(filename) or filename.startswith("."):
        raise InvalidUpload(
            f"Invalid filename {filename!r}: a filename may not contain path "
            "separators, control characters or start with a dot."
        )


def read_core_metadata(path: Path, expected: DistributionFilename) -> bytes:
    """Return the raw core metadata file inside the distribution at ``path``."""
    if expected.kind is FileKind.WHEEL:
        return _read_wheel_metadata(path, expected)
    if expected.filename.endswith(".zip"):
        return _read_zip_sdist_metadata(path, expected)
    return _read_tar_sdist_metadata(path, expected)


def _read_wheel_metadata(path: Path, expected: DistributionFilename) -> bytes:
    try:
        with zipfile.ZipFile(path) as archive:
            dist_info = _single_dist_info(archive.namelist(), expected.filename)
            _check_dist_info_name(dist_info, expected)
            for required in ("METADATA", "WHEEL", "RECORD"):
                if f"{dist_info}/{required}" not in archive.NameToInfo:
                    raise InvalidUpload(
                        f"Invalid wheel {expected.filename!r}: {dist_info}/ has no "
                        f"{required} file."
                    )
            return _read_member(archive, f"{dist_info}/METADATA", expected.filename)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
        raise InvalidUpload(
            f"Invalid wheel {expected.filename!r}: not a readable zip file ({error})."
        ) from None


def _single_dist_info(names: list[str], filename: str) -> str:
    folders = {
        name.split("/", 1)[0]
        for name in names
        if name.split("/", 1)[0].endswith(".dist-info") and "/" in name
    }
    if len(folders) != 1:
        found = ", ".join(sorted(folders)) or "none"
        raise InvalidUpload(
            f"Invalid wheel {filename!r}: it must hold exactly one .dist-info "
            f"folder (found: {found})."
        )
    return folders.pop()


def _check_dist_info_name(dist_info: str, expected: DistributionFilename) -> None:
    stem = dist_info.removesuffix(".dist-info")
    name, _, version = stem.rpartition("-")
    try:
        same = canonicalize_name(name) == expected.name and (
            Version(version) == expected.version
        )
    except InvalidVersion:
        same = False
    if not same:
        raise InvalidUpload(
            f"Invalid wheel {expected.filename!r}: its folder {dist_info}/ does not "
            f"match the name and version in the filename."
        )


def _read_member(archive: zipfile.ZipFile, member: str, filename: str) -> bytes:
    info = archive.getinfo(member)
    if info.file_size > MAX_METADATA_BYTES:
        raise InvalidUpload(f"Invalid distribution {filename!r}: {member} is too big.")
    with archive.open(info) as handle:
        return handle.read(MAX_METADATA_BYTES + 1)


def _read_zip_sdist_metadata(path: Path, expected: DistributionFilename) -> bytes:
    try:
        with zipfile.ZipFile(path) as archive:
            member = _sdist_pkg_info([*archive.NameToInfo], expected.filename)
            return _read_member(archive, member, expected.filename)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
        raise InvalidUpload(
            f"Invalid sdist {expected.filename!r}: not a readable zip file ({error})."
        ) from None


def _read_tar_sdist_metadata(path: Path, expected: DistributionFilename) -> bytes:
    try:
        with tarfile.open(path, mode="r:gz") as archive:
            # Stop at the first top-level PKG-INFO: an sdist can be large, and
            # the metadata file normally comes early.
            for member in archive:
                parts = member.name.split("/")
                if len(parts) == 2 and parts[1] == "PKG-INFO" and member.isfile():
                    if member.size > MAX_METADATA_BYTES:
                        break
                    handle = archive.extractfile(member)
                    if handle is not None:
                        return handle.read()
    except (tarfile.TarError, OSError, EOFError) as error:
        raise InvalidUpload(
            f"Invalid sdist {expected.filename!r}: not a readable .tar.gz file "
            f"({error})."
        ) from None
    raise InvalidUpload(
        f"Invalid sdist {expected.filename!r}: it has no PKG-INFO in its top folder."
    )


def _sdist_pkg_info(names: list[str], filename: str) -> str:
    for name in names:
        parts = name.split("/")
        if len(parts) == 2 and parts[1] == "PKG-INFO":
            return name
    raise InvalidUpload(
        f"Invalid sdist {filename!r}: it has no PKG-INFO in its top folder."
    )
