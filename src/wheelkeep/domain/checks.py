"""Checking a lock file against what the registry serves, for each profile.

For every package a profile's machine would install from the lock, the check
asks what the installer would do against this registry:

- with a lock file (uv.lock, pylock.toml), the installer takes the best of the
  files the lock lists for that machine and verifies its hash; the registry
  must serve that filename with that hash;
- with hashed requirements, pip picks the best file the registry offers for
  that machine and accepts it only if its hash is listed.

Anything that would make the install fail is a finding.
"""

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from wheelkeep.domain.distributions import ReleaseFile
from wheelkeep.domain.installs import Choice, choose_file
from wheelkeep.domain.locks import Lock, LockedFile, Pin
from wheelkeep.domain.profiles import Profile


class FindingKind(enum.StrEnum):
    PYTHON_EXCLUDED = "python-excluded"
    MISSING_RELEASE = "missing-release"
    MISSING_FILE = "missing-file"
    HASH_MISMATCH = "hash-mismatch"
    NO_FILE_FOR_PROFILE = "no-file-for-profile"


@dataclass(frozen=True)
class Finding:
    profile: str
    kind: FindingKind
    message: str
    package: str | None = None
    version: str | None = None
    filename: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "profile": self.profile,
            "kind": self.kind.value,
            "package": self.package,
            "version": self.version,
            "filename": self.filename,
            "message": self.message,
        }


@dataclass(frozen=True)
class ServedFile:
    sha256: str
    requires_python: str | None


@dataclass(frozen=True)
class ServedRelease:
    """The files the registry serves for one release."""

    files: Mapping[str, ServedFile]
    yanked: bool = False

    def candidates(self) -> list[ReleaseFile]:
        return [
            ReleaseFile(name, file.requires_python) for name, file in self.files.items()
        ]


@dataclass
class CheckReport:
    lock_format: str
    profiles: list[str]
    checked: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "format": self.lock_format,
            "profiles": self.profiles,
            "checked": self.checked,
            "findings": [finding.as_dict() for finding in self.findings],
            "notes": self.notes,
        }


ReleaseLookup = Callable[[Pin], ServedRelease | None]


def check_lock(
    lock: Lock,
    profiles: Iterable[Profile],
    served: ReleaseLookup,
    *,
    allow_sdist: bool = False,
) -> CheckReport:
    """Every reason the lock would fail to install on each profile."""
    chosen = list(profiles)
    report = CheckReport(lock.format.value, [p.name for p in chosen], notes=lock.notes)
    yanked: set[str] = set()
    for profile in chosen:
        if reason := lock.python_supported(profile):
            report.findings.append(
                Finding(profile.name, FindingKind.PYTHON_EXCLUDED, reason)
            )
            continue
        pins = lock.pins_for(profile)
        report.checked[profile.name] = len(pins)
        for pin in pins:
            release = served(pin)
            if release is not None and release.yanked:
                yanked.add(pin.label)
            report.findings.extend(_check_pin(profile, pin, release, allow_sdist))
    report.notes = [
        *report.notes,
        *(f"{label}: yanked in the registry" for label in sorted(yanked)),
    ]
    return report


def _check_pin(
    profile: Profile, pin: Pin, release: ServedRelease | None, allow_sdist: bool
) -> list[Finding]:
    def finding(kind: FindingKind, message: str, filename: str | None) -> Finding:
        return Finding(
            profile.name, kind, message, pin.name, str(pin.version), filename
        )

    if release is None:
        return [
            finding(
                FindingKind.MISSING_RELEASE,
                f"{pin.label} is not in the registry",
                None,
            )
        ]
    from_index = choose_file(profile, release.candidates(), allow_sdist=allow_sdist)
    if pin.files:
        return _check_locked_files(
            profile, pin, release, from_index, allow_sdist, finding
        )
    if from_index.filename is None:
        return [
            finding(
                FindingKind.NO_FILE_FOR_PROFILE,
                f"the registry has no file of {pin.label} for {profile.name}: "
                f"{from_index.reason}",
                None,
            )
        ]
    digest = release.files[from_index.filename].sha256
    if pin.hashes and digest not in pin.hashes:
        return [
            finding(
                FindingKind.HASH_MISMATCH,
                f"the registry serves {from_index.filename} with sha256 {digest}, "
                "which is not among the hashes listed",
                from_index.filename,
            )
        ]
    return []


def _check_locked_files(
    profile: Profile,
    pin: Pin,
    release: ServedRelease,
    from_index: Choice,
    allow_sdist: bool,
    finding: Callable[[FindingKind, str, str | None], Finding],
) -> list[Finding]:
    by_name: dict[str, LockedFile] = {file.filename: file for file in pin.files}
    # The lock does not record Requires-Python per file; the registry does.
    candidates = [
        ReleaseFile(
            name, release.files[name].requires_python if name in release.files else None
        )
        for name in by_name
    ]
    choice = choose_file(profile, candidates, allow_sdist=allow_sdist)
    if choice.filename is None:
        hint = (
            f"; the registry has {from_index.filename}: lock again"
            if from_index.filename
            else ""
        )
        return [
            finding(
                FindingKind.NO_FILE_FOR_PROFILE,
                f"the lock lists no file of {pin.label} for {profile.name}: "
                f"{choice.reason}{hint}",
                None,
            )
        ]
    locked = by_name[choice.filename]
    served_file = release.files.get(locked.filename)
    if served_file is None:
        return [
            finding(
                FindingKind.MISSING_FILE,
                f"{locked.filename} (what {profile.name} installs) is not in the "
                "registry",
                locked.filename,
            )
        ]
    if locked.sha256 is not None and locked.sha256 != served_file.sha256:
        return [
            finding(
                FindingKind.HASH_MISMATCH,
                f"the lock pins {locked.filename} to sha256 {locked.sha256}; the "
                f"registry serves sha256 {served_file.sha256}",
                locked.filename,
            )
        ]
    return []
