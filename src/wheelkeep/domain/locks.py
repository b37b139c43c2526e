"""Lock files and hashed requirements, read as the packages each machine installs.

Three formats are read:

- ``uv.lock``: packages with their source, files (``sdist``, ``wheels``) and
  hashes; which packages a machine installs follows from the dependency edges
  and their markers, walked from the project's own packages.
- ``pylock.toml`` (PEP 751): packages with a ``marker`` each, and
  ``wheels``/``sdist`` entries with ``hashes``.
- Hashed requirements (``name==version --hash=sha256:...``), as pip's
  ``--require-hashes`` mode uses them: pip picks a file from the index and
  refuses it unless its hash is listed.

Entries that do not come from a package index (the project itself, editable
and local paths, VCS checkouts, direct URLs) are not the registry's to serve:
they are skipped, each with a note.
"""

import enum
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from packaging.pylock import (
    Package as PylockPackage,
)
from packaging.pylock import (
    Pylock,
    PylockValidationError,
    is_valid_pylock_path,
)
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from wheelkeep.domain.errors import InvalidRequest
from wheelkeep.domain.profiles import Profile

# Where a uv.lock package comes from when it is the project or a local path.
_UV_LOCAL_SOURCES = ("editable", "virtual", "directory", "path")


class LockFormat(enum.StrEnum):
    UV = "uv.lock"
    PYLOCK = "pylock.toml"
    REQUIREMENTS = "requirements"


@dataclass(frozen=True)
class LockedFile:
    filename: str
    sha256: str | None

    @property
    def is_wheel(self) -> bool:
        return self.filename.endswith(".whl")


@dataclass(frozen=True)
class Pin:
    """A package at one version that a machine would install from an index.

    With ``files`` (lock files), the installer takes one of exactly those
    files; without (requirements), it picks a file from the index and accepts
    it only if its sha256 is in ``hashes``.
    """

    name: NormalizedName
    version: Version
    files: tuple[LockedFile, ...] = ()
    hashes: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


class Lock(Protocol):
    format: LockFormat
    notes: list[str]

    def python_supported(self, profile: Profile) -> str | None:
        """None if the lock installs on the profile's Python, else the reason."""

    def pins_for(self, profile: Profile) -> list[Pin]:
        """The index packages a machine described by the profile installs."""


def read_lock(filename: str, text: str) -> Lock:
    """Read a uv.lock, a pylock.toml or a requirements file, by name and content."""
    name = PurePosixPath(filename).name
    toml = _toml_or_none(text)
    if name == "uv.lock" or (toml is not None and _looks_like_uv_lock(toml)):
        if toml is None:
            raise InvalidRequest(f"{name} is not valid TOML.")
        return UvLock(toml)
    if is_valid_pylock_path(Path(name)) or (
        toml is not None and "lock-version" in toml
    ):
        if toml is None:
            raise InvalidRequest(f"{name} is not valid TOML.")
        return PylockFile(toml)
    return HashedRequirements(text)


def _toml_or_none(text: str) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def _looks_like_uv_lock(toml: Mapping[str, Any]) -> bool:
    return isinstance(toml.get("version"), int) and isinstance(
        toml.get("package"), list
    )


def _sha256_of(hash_text: str | None) -> str | None:
    """The hex digest of ``sha256:<hex>``; None for other algorithms."""
    if not hash_text:
        return None
    algorithm, _, digest = hash_text.partition(":")
    return digest.lower() if algorithm == "sha256" and digest else None


def _filename_of(entry: Mapping[str, Any]) -> str | None:
    location = entry.get("url") or entry.get("path") or entry.get("filename")
    if not isinstance(location, str):
        return None
    return unquote(PurePosixPath(urlsplit(location).path).name) or None


def _unhashed_notes(name: str, files: Iterable[LockedFile]) -> list[str]:
    return [
        f"{name}: {file.filename} has no sha256 in the lock; its bytes are not compared"
        for file in files
        if file.sha256 is None
    ]


def _check_python(requires_python: str | None, profile: Profile) -> str | None:
    if not requires_python or profile.accepts_python(requires_python):
        return None
    return (
        f"the lock requires Python {requires_python}, and the profile has "
        f"Python {profile.python_full_version}"
    )


# uv.lock


@dataclass
class _UvPackage:
    name: NormalizedName
    version: str | None
    source: Mapping[str, Any]
    dependencies: list[Mapping[str, Any]]
    optional: dict[str, list[Mapping[str, Any]]]
    groups: dict[str, list[Mapping[str, Any]]]
    resolution_markers: list[str]
    files: tuple[LockedFile, ...]

    @property
    def source_kind(self) -> str:
        return next(iter(self.source), "unknown")

    @property
    def is_local(self) -> bool:
        return self.source_kind in _UV_LOCAL_SOURCES


class UvLock:
    """A uv.lock: the universal resolution uv writes for a project."""

    format = LockFormat.UV

    def __init__(self, toml: Mapping[str, Any]) -> None:
        try:
            self.packages = [_uv_package(entry) for entry in toml["package"]]
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise InvalidRequest(f"Invalid uv.lock: {error}.") from None
        self.requires_python: str | None = toml.get("requires-python")
        members = toml.get("manifest", {}).get("members", [])
        self.notes: list[str] = []
        self._roots = self._find_roots({canonicalize_name(m) for m in members})
        for package in self.packages:
            if package.is_local or package.source_kind != "registry":
                self.notes.append(_uv_skip_note(package))
            else:
                self.notes.extend(_unhashed_notes(package.name, package.files))

    def _find_roots(self, members: set[NormalizedName]) -> list[int]:
        if members:
            return [i for i, p in enumerate(self.packages) if p.name in members]
        # Without a manifest the lock is for one project, which nothing needs.
        required = {
            canonicalize_name(edge["name"])
            for package in self.packages
            for edge in _all_edges(package)
        }
        return [i for i, p in enumerate(self.packages) if p.name not in required]

    def python_supported(self, profile: Profile) -> str | None:
        return _check_python(self.requires_python, profile)

    def pins_for(self, profile: Profile) -> list[Pin]:
        pins: list[Pin] = []
        for index in sorted(self._reachable(profile)):
            package = self.packages[index]
            if package.source_kind != "registry" or package.version is None:
                continue
            try:
                version = Version(package.version)
            except InvalidVersion:
                continue
            pins.append(Pin(package.name, version, package.files))
        return pins

    def _reachable(self, profile: Profile) -> set[int]:
        """Indexes of the packages installed on the profile, from the roots."""
        seen: set[tuple[int, frozenset[str]]] = set()
        queue = [(root, frozenset[str]()) for root in self._roots]
        while queue:
            index, extras = queue.pop()
            if (index, extras) in seen:
                continue
            seen.add((index, extras))
            package = self.packages[index]
            # The project's own packages bring every extra and group they
            # declare: any of them may be installed somewhere.
            edges = (
                _all_edges(package)
                if index in self._roots
                else _edges_with(package, extras)
            )
            for edge in edges:
                if not profile.matches_marker(edge.get("marker")):
                    continue
                wanted = frozenset(edge.get("extra", []))
                queue.extend(
                    (target, wanted) for target in self._targets(edge, profile)
                )
        return {index for index, _ in seen}

    def _targets(self, edge: Mapping[str, Any], profile: Profile) -> list[int]:
        name = canonicalize_name(edge["name"])
        found = [i for i, p in enumerate(self.packages) if p.name == name]
        if "version" in edge:
            found = [i for i in found if self.packages[i].version == edge["version"]]
        if "source" in edge:
            found = [i for i in found if self.packages[i].source == edge["source"]]
        if len(found) > 1:
            # A forked resolution: each version says which environments it is for.
            forked = [
                i
                for i in found
                if any(
                    profile.matches_marker(marker)
                    for marker in self.packages[i].resolution_markers
                )
            ]
            found = forked or found
        return found


def _uv_package(entry: Mapping[str, Any]) -> _UvPackage:
    package = _UvPackage(
        name=canonicalize_name(entry["name"]),
        version=entry.get("version"),
        source=entry.get("source", {}),
        dependencies=list(entry.get("dependencies", [])),
        optional=dict(entry.get("optional-dependencies", {})),
        groups=dict(entry.get("dev-dependencies", {})),
        resolution_markers=list(entry.get("resolution-markers", [])),
        files=_uv_files(entry),
    )
    for edge in _all_edges(package):
        if not isinstance(edge.get("name"), str):
            raise ValueError(f"a dependency of {package.name} has no name")
    return package


def _uv_files(entry: Mapping[str, Any]) -> tuple[LockedFile, ...]:
    files = [*entry.get("wheels", [])]
    if "sdist" in entry:
        files.append(entry["sdist"])
    locked = []
    for file in files:
        filename = _filename_of(file)
        if filename is not None:
            locked.append(LockedFile(filename, _sha256_of(file.get("hash"))))
    return tuple(locked)


def _all_edges(package: _UvPackage) -> list[Mapping[str, Any]]:
    edges = list(package.dependencies)
    for group in (*package.optional.values(), *package.groups.values()):
        edges.extend(group)
    return edges


def _edges_with(package: _UvPackage, extras: frozenset[str]) -> list[Mapping[str, Any]]:
    edges = list(package.dependencies)
    for extra in sorted(extras):
        edges.extend(package.optional.get(extra, []))
    return edges


def _uv_skip_note(package: _UvPackage) -> str:
    label = f"{package.name} {package.version or ''}".strip()
    location = package.source.get(package.source_kind)
    if package.source_kind in ("editable", "virtual") and location == ".":
        return f"{label}: the project itself; not checked"
    return f"{label}: from {package.source_kind} {location}; not checked"


# pylock.toml (PEP 751)


class PylockFile:
    """A PEP 751 lock file."""

    format = LockFormat.PYLOCK

    def __init__(self, toml: Mapping[str, Any]) -> None:
        try:
            self.lock = Pylock.from_dict(toml)
        except PylockValidationError as error:
            raise InvalidRequest(f"Invalid pylock.toml: {error}.") from None
        self.notes: list[str] = []
        for package in self.lock.packages:
            if package.is_direct:
                self.notes.append(_pylock_skip_note(package))
            elif package.version is None:
                self.notes.append(
                    f"{package.name}: no version in the lock; not checked"
                )
            else:
                self.notes.extend(_unhashed_notes(package.name, _pylock_files(package)))

    def python_supported(self, profile: Profile) -> str | None:
        specifier = self.lock.requires_python
        return _check_python(str(specifier) if specifier else None, profile)

    def pins_for(self, profile: Profile) -> list[Pin]:
        # Every extra and group the lock declares: any may be installed somewhere.
        extras = [*(self.lock.extras or ())]
        groups = [
            *(self.lock.dependency_groups or ()),
            *(self.lock.default_groups or ()),
        ]
        pins = []
        for package in self.lock.packages:
            if package.is_direct or package.version is None:
                continue
            if not profile.matches_marker(
                package.marker, extras=extras, dependency_groups=groups
            ):
                continue
            pins.append(Pin(package.name, package.version, _pylock_files(package)))
        return pins


def _pylock_files(package: PylockPackage) -> tuple[LockedFile, ...]:
    entries = [*(package.wheels or ())]
    if package.sdist is not None:
        entries.append(package.sdist)  # type: ignore[arg-type]
    return tuple(
        LockedFile(entry.filename, (entry.hashes.get("sha256") or "").lower() or None)
        for entry in entries
    )


def _pylock_skip_note(package: PylockPackage) -> str:
    label = f"{package.name} {package.version or ''}".strip()
    if package.vcs is not None:
        return f"{label}: from a {package.vcs.type} checkout; not checked"
    if package.directory is not None:
        return f"{label}: from the directory {package.directory.path}; not checked"
    return f"{label}: from a direct archive; not checked"


# Hashed requirements


@dataclass(frozen=True)
class _Requirement:
    pin: Pin
    marker: str | None


@dataclass
class HashedRequirements:
    """A requirements file whose every line pins a version and lists hashes."""

    text: str
    format: LockFormat = LockFormat.REQUIREMENTS
    notes: list[str] = field(default_factory=list)
    _requirements: list[_Requirement] = field(default_factory=list)

    def __post_init__(self) -> None:
        for number, line in _logical_lines(self.text):
            self._read_line(number, line)

    def python_supported(self, profile: Profile) -> str | None:
        return None

    def pins_for(self, profile: Profile) -> list[Pin]:
        return [
            requirement.pin
            for requirement in self._requirements
            if profile.matches_marker(requirement.marker)
        ]

    def _read_line(self, number: int, line: str) -> None:
        words = line.split()
        # As pip splits a line: the requirement ends at the first option.
        first_option = next(
            (i for i, word in enumerate(words) if word.startswith("-")), len(words)
        )
        requirement_text = " ".join(words[:first_option])
        options = words[first_option:]
        if not requirement_text:
            self.notes.append(f"line {number}: option {options[0]} ignored")
            return
        try:
            requirement = Requirement(requirement_text)
        except InvalidRequirement as error:
            raise InvalidRequest(
                f"Invalid requirement on line {number}: {error}"
            ) from None
        version = _pinned_version(requirement)
        if requirement.url or version is None:
            self.notes.append(
                f"line {number}: {requirement_text} is not pinned to a version "
                "with ==; not checked"
            )
            return
        pin = Pin(
            canonicalize_name(requirement.name),
            version,
            hashes=frozenset(_hash_options(options)),
        )
        if not pin.hashes:
            self.notes.append(f"line {number}: {pin.label} lists no sha256 hash")
        marker = str(requirement.marker) if requirement.marker else None
        self._requirements.append(_Requirement(pin, marker))


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines with comments removed and backslash continuations joined."""
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _strip_comment(raw)
        if not pending:
            start = number
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        joined = " ".join(part.strip() for part in pending).strip()
        pending = []
        if joined:
            yield start, joined
    if pending and (joined := " ".join(p.strip() for p in pending).strip()):
        yield start, joined


def _strip_comment(line: str) -> str:
    # A '#' starts a comment at the start of a line or after whitespace, so a
    # URL fragment (#sha256=...) is kept.
    for index, character in enumerate(line):
        if character == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].rstrip()
    return line.rstrip()


def _pinned_version(requirement: Requirement) -> Version | None:
    specifiers = list(requirement.specifier)
    if len(specifiers) != 1 or specifiers[0].operator not in ("==", "==="):
        return None
    text = specifiers[0].version
    if "*" in text:
        return None
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _hash_options(options: Sequence[str]) -> Iterator[str]:
    for index, option in enumerate(options):
        value: str | None = None
        if option.startswith("--hash="):
            value = option.removeprefix("--hash=")
        elif option == "--hash" and index + 1 < len(options):
            value = options[index + 1]
        if digest := _sha256_of(value):
            yield digest
