"""What a wheel's platform tag says: operating system, machine and C library.

The families read here are the ones wheels for Linux, macOS and Windows use:
``manylinux_X_Y_<arch>`` (PEP 600) and its legacy aliases ``manylinux1``,
``manylinux2010`` and ``manylinux2014`` (PEP 513, 571, 599),
``musllinux_X_Y_<arch>`` (PEP 656), ``linux_<arch>`` (a build for one system,
as Jetson wheels are), ``macosx_X_Y_<arch>``, ``win32``/``win_<arch>`` and
``any``. Any other family is kept as it is and described as ``other``.
"""

import enum
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from packaging.tags import mac_platforms

from wheelkeep.domain.errors import InvalidRequest


class OperatingSystem(enum.StrEnum):
    LINUX = "linux"
    MACOS = "macos"
    WINDOWS = "windows"
    ANY = "any"
    OTHER = "other"


class Libc(enum.StrEnum):
    GLIBC = "glibc"
    MUSL = "musl"


# The glibc version each legacy manylinux name stands for (PEP 600).
LEGACY_MANYLINUX = {
    "manylinux1": (2, 5),
    "manylinux2010": (2, 12),
    "manylinux2014": (2, 17),
}
_LEGACY_BY_GLIBC = {version: name for name, version in LEGACY_MANYLINUX.items()}

# The oldest glibc a manylinux wheel can target: 2.17 (manylinux2014) where
# the architecture arrived with it, 2.5 on the two that had manylinux1.
_OLDEST_GLIBC_MINOR = {"x86_64": 5, "i686": 5}
_DEFAULT_OLDEST_GLIBC_MINOR = 17

_MANYLINUX = re.compile(r"manylinux_(\d+)_(\d+)_(\w+)")
_LEGACY = re.compile(r"(manylinux1|manylinux2010|manylinux2014)_(\w+)")
_MUSLLINUX = re.compile(r"musllinux_(\d+)_(\d+)_(\w+)")
_LINUX = re.compile(r"linux_(\w+)")
_MACOS = re.compile(r"macosx_(\d+)_(\d+)_(\w+)")
_WINDOWS = re.compile(r"win_(\w+)")

# Windows platform tags name machines differently from platform.machine().
_WINDOWS_MACHINES = {"amd64": "AMD64", "arm64": "ARM64", "ia64": "IA64"}


@dataclass(frozen=True)
class Platform:
    """The facts one platform tag states."""

    tag: str
    os: OperatingSystem
    arch: str | None = None
    libc: Libc | None = None
    # glibc or musl version for Linux tags, the oldest macOS for macOS tags.
    min_version: tuple[int, int] | None = None

    @property
    def min_version_text(self) -> str | None:
        if self.min_version is None:
            return None
        return f"{self.min_version[0]}.{self.min_version[1]}"

    @property
    def machine(self) -> str | None:
        """The ``platform_machine`` marker value of a system this tag runs on."""
        if self.os is OperatingSystem.WINDOWS and self.arch is not None:
            return _WINDOWS_MACHINES.get(self.arch, self.arch)
        return self.arch

    def sort_key(self) -> tuple[int, str, str, tuple[int, int], str]:
        """Linux, macOS, Windows, others, then ``any``; by machine; oldest first."""
        order = list(OperatingSystem)
        position = (
            len(order) if self.os is OperatingSystem.ANY else order.index(self.os)
        )
        return (
            position,
            self.arch or "",
            self.libc.value if self.libc else "",
            self.min_version or (0, 0),
            self.tag,
        )


def parse_platform(tag: str) -> Platform:
    """Read a platform tag; unknown families come back as ``other``."""
    if tag == "any":
        return Platform(tag, OperatingSystem.ANY)
    if tag == "win32":
        return Platform(tag, OperatingSystem.WINDOWS, arch="x86")
    if match := _MANYLINUX.fullmatch(tag):
        version = (int(match[1]), int(match[2]))
        return Platform(tag, OperatingSystem.LINUX, match[3], Libc.GLIBC, version)
    if match := _LEGACY.fullmatch(tag):
        version = LEGACY_MANYLINUX[match[1]]
        return Platform(tag, OperatingSystem.LINUX, match[2], Libc.GLIBC, version)
    if match := _MUSLLINUX.fullmatch(tag):
        version = (int(match[1]), int(match[2]))
        return Platform(tag, OperatingSystem.LINUX, match[3], Libc.MUSL, version)
    if match := _LINUX.fullmatch(tag):
        return Platform(tag, OperatingSystem.LINUX, match[1])
    if match := _MACOS.fullmatch(tag):
        version = (int(match[1]), int(match[2]))
        return Platform(tag, OperatingSystem.MACOS, match[3], None, version)
    if match := _WINDOWS.fullmatch(tag):
        return Platform(tag, OperatingSystem.WINDOWS, match[1])
    return Platform(tag, OperatingSystem.OTHER)


def expand_platforms(tags: Iterable[str]) -> list[str]:
    """Every platform tag a system described by ``tags`` installs, best first.

    As pip does for the system it runs on: a glibc level accepts every older
    one and the legacy aliases at their levels, a musl level every older musl,
    a macOS version every older release; ``linux_<arch>`` and Windows tags
    stand for themselves.
    """
    expanded: dict[str, None] = {}
    for tag in tags:
        expanded.update(dict.fromkeys(_compatible(parse_platform(tag))))
    return list(expanded)


def _compatible(platform: Platform) -> Iterator[str]:
    if platform.min_version is None or platform.arch is None:
        yield platform.tag
        return
    major, minor = platform.min_version
    if platform.libc is Libc.GLIBC:
        oldest = _OLDEST_GLIBC_MINOR.get(platform.arch, _DEFAULT_OLDEST_GLIBC_MINOR)
        for level in range(minor, oldest - 1, -1):
            yield f"manylinux_{major}_{level}_{platform.arch}"
            if legacy := _LEGACY_BY_GLIBC.get((major, level)):
                yield f"{legacy}_{platform.arch}"
    elif platform.libc is Libc.MUSL:
        for level in range(minor, -1, -1):
            yield f"musllinux_{major}_{level}_{platform.arch}"
    else:
        yield from mac_platforms((major, minor), platform.arch)


def check_profile_platforms(tags: Iterable[str]) -> list[Platform]:
    """The parsed tags of one profile: known families, one system, one machine."""
    platforms = [parse_platform(tag) for tag in tags]
    if not platforms:
        raise InvalidRequest("A profile needs at least one platform tag.")
    for platform in platforms:
        if platform.os in (OperatingSystem.ANY, OperatingSystem.OTHER):
            raise InvalidRequest(
                f"Unsupported platform tag {platform.tag!r}: use manylinux_X_Y_<arch>, "
                "manylinux2014_<arch>, musllinux_X_Y_<arch>, linux_<arch>, "
                "macosx_X_Y_<arch>, win32 or win_<arch> ('any' is always included)."
            )
    systems = {(platform.os, platform.machine) for platform in platforms}
    if len(systems) > 1:
        raise InvalidRequest(
            "A profile describes one machine: its platform tags must all name the "
            "same operating system and architecture (found "
            + ", ".join(sorted(f"{os.value} {machine}" for os, machine in systems))
            + ")."
        )
    return platforms
