"""Environment profiles: the machines a team installs on, and what each installs.

A profile is an interpreter (implementation and version) on a system (its
platform tags, for example ``manylinux_2_35_aarch64`` and ``linux_aarch64`` for
a Jetson on JetPack 6). From it come the wheel tags an installer on that
machine accepts, in its order of preference, and the environment that
dependency markers are evaluated against.
"""

import enum
import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property

from packaging.markers import (
    InvalidMarker,
    Marker,
    UndefinedComparison,
    UndefinedEnvironmentName,
)
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import InvalidWheelFilename, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from wheelkeep.domain.errors import InvalidRequest
from wheelkeep.domain.platforms import (
    OperatingSystem,
    Platform,
    check_profile_platforms,
    expand_platforms,
)

_PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")

# What each system reports as sys.platform, platform.system() and os.name.
_SYSTEM_MARKERS = {
    OperatingSystem.LINUX: ("linux", "Linux", "posix"),
    OperatingSystem.MACOS: ("darwin", "Darwin", "posix"),
    OperatingSystem.WINDOWS: ("win32", "Windows", "nt"),
}


class Implementation(enum.StrEnum):
    """Python implementations a profile can name.

    Only CPython: its wheel tags follow from the version alone, while PyPy's
    ABI tag also depends on the PyPy release, which a profile does not record.
    """

    CPYTHON = "cpython"


def check_profile_name(name: str) -> str:
    if not _PROFILE_NAME.fullmatch(name):
        raise InvalidRequest(
            f"Invalid profile name {name!r}: use 1 to 64 letters, digits, '.', '-' "
            "or '_', starting with a letter or digit."
        )
    return name


def check_python_version(text: str) -> Version:
    """A CPython 3 version with at least major and minor, such as 3.10 or 3.10.12."""
    try:
        version = Version(text)
    except InvalidVersion:
        version = None
    if version is None or version.major != 3 or len(version.release) < 2:
        raise InvalidRequest(
            f"Invalid Python version {text!r}: give major and minor, such as 3.10, "
            "or a full version such as 3.10.12."
        )
    return version


@dataclass(frozen=True)
class Profile:
    """A named target machine: interpreter, version and platform tags."""

    name: str
    implementation: Implementation
    python_version: str
    platforms: tuple[str, ...]

    @classmethod
    def create(
        cls,
        name: str,
        python_version: str,
        platforms: Iterable[str],
        implementation: Implementation = Implementation.CPYTHON,
    ) -> "Profile":
        """A checked profile; raises InvalidRequest on a bad name, version or tag."""
        tags = tuple(dict.fromkeys(tag.strip() for tag in platforms))
        check_profile_platforms(tags)
        check_python_version(python_version)
        return cls(check_profile_name(name), implementation, python_version, tags)

    @property
    def version(self) -> Version:
        return Version(self.python_version)

    @property
    def python_full_version(self) -> str:
        """Major, minor and micro; a profile giving only 3.10 stands for 3.10.0."""
        release = (*self.version.release, 0)[:3]
        return ".".join(str(part) for part in release)

    @property
    def describes(self) -> str:
        return f"{self.implementation.value} {self.python_version}"

    @cached_property
    def _system(self) -> Platform:
        return check_profile_platforms(self.platforms)[0]

    @cached_property
    def supported_tags(self) -> list[Tag]:
        """Every wheel tag this machine installs, most preferred first (as pip)."""
        major, minor = self.version.release[:2]
        interpreter = f"cp{major}{minor}"
        platforms = expand_platforms(self.platforms)
        return [
            *cpython_tags((major, minor), abis=[interpreter], platforms=platforms),
            *compatible_tags((major, minor), interpreter, platforms),
        ]

    @cached_property
    def _tag_ranks(self) -> dict[Tag, int]:
        ranks: dict[Tag, int] = {}
        for rank, tag in enumerate(self.supported_tags):
            ranks.setdefault(tag, rank)
        return ranks

    def wheel_rank(self, filename: str) -> int | None:
        """The preference of a wheel here (lower is better), or None if unusable."""
        try:
            tags = parse_wheel_filename(filename)[3]
        except (InvalidWheelFilename, InvalidVersion):
            return None
        ranks = [self._tag_ranks[tag] for tag in tags if tag in self._tag_ranks]
        return min(ranks) if ranks else None

    def accepts_python(self, requires_python: str | None) -> bool:
        """Whether this interpreter satisfies a file's Requires-Python."""
        if not requires_python:
            return True
        try:
            specifier = SpecifierSet(requires_python)
        except InvalidSpecifier:
            # pip ignores a file whose Requires-Python it cannot read.
            return False
        return specifier.contains(self.python_full_version, prereleases=True)

    @cached_property
    def marker_environment(self) -> dict[str, str]:
        """The values dependency markers see on this machine.

        ``platform_release`` and ``platform_version`` (kernel release and build)
        are not part of a profile and read as empty strings.
        """
        sys_platform, system, os_name = _SYSTEM_MARKERS[self._system.os]
        full = self.python_full_version
        return {
            "implementation_name": self.implementation.value,
            "implementation_version": full,
            "os_name": os_name,
            "platform_machine": self._system.machine or "",
            "platform_release": "",
            "platform_system": system,
            "platform_version": "",
            "python_full_version": full,
            "platform_python_implementation": "CPython",
            "python_version": f"{self.version.major}.{self.version.minor}",
            "sys_platform": sys_platform,
        }

    def matches_marker(
        self,
        marker: Marker | str | None,
        *,
        extras: Iterable[str] = (),
        dependency_groups: Iterable[str] = (),
    ) -> bool:
        """Whether a dependency marker holds here; what cannot be told counts as true.

        ``extras`` and ``dependency_groups`` are the sets lock file markers
        (PEP 751) test. A marker naming ``extra`` (an extra of an unknown
        requester) or anything else unknown counts as true: a check then
        reports a package that might be installed rather than skip it.
        """
        if marker is None or marker == "":
            return True
        environment: dict[str, str | AbstractSet[str]] = {
            **self.marker_environment,
            "extras": frozenset(extras),
            "dependency_groups": frozenset(dependency_groups),
        }
        try:
            parsed = marker if isinstance(marker, Marker) else Marker(marker)
            return parsed.evaluate_prepared(environment)
        except (InvalidMarker, UndefinedComparison, UndefinedEnvironmentName):
            return True

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "implementation": self.implementation.value,
            "python_version": self.python_version,
            "platforms": list(self.platforms),
        }
