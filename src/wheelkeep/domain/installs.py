"""Which file of a release an installer on a profile's machine would pick.

As pip and uv do: among the wheels whose tags the machine supports and whose
Requires-Python its interpreter meets, the one with the most preferred tag;
a source distribution only when no wheel fits and building from source is
allowed.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from wheelkeep.domain.distributions import ReleaseFile
from wheelkeep.domain.profiles import Profile


@dataclass(frozen=True)
class Choice:
    """The file a profile installs, or None with the reason why nothing fits."""

    profile: Profile
    filename: str | None
    reason: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "profile": self.profile.name,
            "python": self.profile.describes,
            "file": self.filename,
            "reason": self.reason,
        }


def choose_file(
    profile: Profile, candidates: Iterable[ReleaseFile], *, allow_sdist: bool = False
) -> Choice:
    files = list(candidates)
    wheels = [c for c in files if c.is_wheel]
    ranked = sorted(
        (rank, wheel.filename, wheel)
        for wheel in wheels
        if (rank := profile.wheel_rank(wheel.filename)) is not None
    )
    usable = [
        wheel for _, _, wheel in ranked if profile.accepts_python(wheel.requires_python)
    ]
    if usable:
        return Choice(profile, usable[0].filename)
    sdists = [c for c in files if not c.is_wheel]
    buildable = [s for s in sdists if profile.accepts_python(s.requires_python)]
    if allow_sdist and buildable:
        return Choice(profile, buildable[0].filename)
    return Choice(profile, None, _why_none(profile, ranked, sdists, buildable))


def _why_none(
    profile: Profile,
    ranked: list[tuple[int, str, ReleaseFile]],
    sdists: list[ReleaseFile],
    buildable: list[ReleaseFile],
) -> str:
    python = f"Python {profile.python_full_version}"
    if ranked:
        wheel = ranked[0][2]
        return (
            f"the compatible wheel {wheel.filename} requires Python "
            f"{wheel.requires_python}, not {python}"
        )
    if buildable:
        return (
            f"no compatible wheel; the sdist {buildable[0].filename} would need "
            "building, and sdists are not counted"
        )
    if sdists:
        return (
            f"no compatible wheel; the sdist {sdists[0].filename} requires Python "
            f"{sdists[0].requires_python}, not {python}"
        )
    return "no compatible wheel"
