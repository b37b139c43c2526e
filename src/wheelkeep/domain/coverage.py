"""The platform coverage of a release: which interpreters and systems its wheels serve.

Every wheel's filename holds one or more tags (interpreter, ABI, platform);
the coverage lays them out as a matrix whose rows are interpreter and ABI
pairs, whose columns are platform tags and whose cells name the files that
carry that tag. Source distributions have no tags and are listed apart.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from packaging.tags import Tag
from packaging.utils import parse_wheel_filename

from wheelkeep.domain.distributions import ReleaseFile
from wheelkeep.domain.platforms import OperatingSystem, Platform, parse_platform

_INTERPRETER = re.compile(r"([a-z]+)(\d?)(\d*)")
# Implementation-specific tags first (CPython, PyPy), then generic Python.
_FAMILY_ORDER = {"cp": 0, "pp": 1, "py": 2}
# A version-specific ABI first, then the stable ABI, then none.
_ABI_ORDER = {"abi3": 1, "none": 2}


@dataclass(frozen=True)
class PythonTag:
    """One matrix row: an interpreter tag with an ABI tag."""

    interpreter: str
    abi: str

    @property
    def label(self) -> str:
        return f"{self.interpreter}-{self.abi}"

    def sort_key(self) -> tuple[int, str, int, int, int, str]:
        match = _INTERPRETER.fullmatch(self.interpreter)
        family, major, minor = match.groups() if match else (self.interpreter, "", "")
        return (
            _FAMILY_ORDER.get(family, len(_FAMILY_ORDER)),
            family,
            int(major or 0),
            int(minor or 0),
            _ABI_ORDER.get(self.abi, 0),
            self.abi,
        )


@dataclass
class Coverage:
    files: list[ReleaseFile]
    pythons: list[PythonTag] = field(default_factory=list)
    platforms: list[Platform] = field(default_factory=list)
    # (row label, platform tag) -> filenames carrying that tag
    cells: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    @property
    def wheels(self) -> list[ReleaseFile]:
        return [file for file in self.files if file.is_wheel]

    @property
    def sdists(self) -> list[ReleaseFile]:
        return [file for file in self.files if not file.is_wheel]

    def as_dict(self) -> dict[str, object]:
        return {
            "files": [_file_dict(file) for file in self.files],
            "matrix": {
                "pythons": [python.label for python in self.pythons],
                "platforms": [platform.tag for platform in self.platforms],
                "cells": [
                    {"python": python, "platform": platform, "files": files}
                    for (python, platform), files in self.cells.items()
                ],
            },
            "sdists": [file.filename for file in self.sdists],
        }


def coverage_of(files: Iterable[ReleaseFile]) -> Coverage:
    """Lay out the tags of a release's files as a matrix, in a stable order."""
    ordered = sorted(files, key=lambda file: (not file.is_wheel, file.filename))
    coverage = Coverage(ordered)
    pythons: set[PythonTag] = set()
    platforms: dict[str, Platform] = {}
    cells: dict[tuple[PythonTag, str], list[str]] = {}
    for file in coverage.wheels:
        for tag in wheel_tags(file.filename):
            python = PythonTag(tag.interpreter, tag.abi)
            pythons.add(python)
            platforms.setdefault(tag.platform, parse_platform(tag.platform))
            cells.setdefault((python, tag.platform), []).append(file.filename)
    coverage.pythons = sorted(pythons, key=PythonTag.sort_key)
    coverage.platforms = sorted(platforms.values(), key=Platform.sort_key)
    for python in coverage.pythons:
        for platform in coverage.platforms:
            if found := cells.get((python, platform.tag)):
                coverage.cells[(python.label, platform.tag)] = found
    return coverage


def wheel_tags(filename: str) -> list[Tag]:
    """A wheel's tags in a stable order (the filename's set is unordered)."""
    tags = parse_wheel_filename(filename)[3]
    return sorted(tags, key=lambda tag: (tag.interpreter, tag.abi, tag.platform))


def _file_dict(file: ReleaseFile) -> dict[str, object]:
    tags = wheel_tags(file.filename) if file.is_wheel else []
    return {
        "filename": file.filename,
        "kind": "bdist_wheel" if file.is_wheel else "sdist",
        "requires_python": file.requires_python,
        "tags": [_tag_dict(tag) for tag in tags],
    }


def _tag_dict(tag: Tag) -> dict[str, object]:
    platform = parse_platform(tag.platform)
    return {
        "interpreter": tag.interpreter,
        "abi": tag.abi,
        "platform": tag.platform,
        "os": platform.os.value,
        "arch": platform.arch,
        "libc": platform.libc.value if platform.libc else None,
        "libc_version": platform.min_version_text if platform.libc else None,
        "os_version": (
            platform.min_version_text if platform.os is OperatingSystem.MACOS else None
        ),
    }
