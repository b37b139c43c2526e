"""Profiles: the tags a machine supports, its markers, and the file it installs."""

import pytest
from packaging.tags import Tag

from wheelkeep.domain.distributions import ReleaseFile
from wheelkeep.domain.errors import InvalidRequest
from wheelkeep.domain.installs import choose_file
from wheelkeep.domain.profiles import Profile

JETSON = Profile.create(
    "jetson-orin-jp6", "3.10", ["manylinux_2_35_aarch64", "linux_aarch64"]
)
SERVER = Profile.create("server", "3.12", ["manylinux_2_28_x86_64"])


def test_supported_tags_in_pip_order() -> None:
    tags = JETSON.supported_tags

    assert tags[0] == Tag("cp310", "cp310", "manylinux_2_35_aarch64")
    assert tags.index(Tag("cp310", "cp310", "linux_aarch64")) == 20
    assert tags.index(Tag("cp310", "abi3", "manylinux_2_35_aarch64")) == 21
    assert Tag("cp39", "abi3", "manylinux2014_aarch64") in tags
    generic = [str(tag) for tag in tags[-13:]]
    assert generic == [
        "cp310-none-any",
        "py310-none-any",
        "py3-none-any",
        *(f"py3{minor}-none-any" for minor in range(9, -1, -1)),
    ]
    assert Tag("cp311", "cp311", "manylinux_2_35_aarch64") not in tags
    assert Tag("cp310", "cp310", "manylinux_2_36_aarch64") not in tags


def test_marker_environment_of_a_jetson() -> None:
    assert JETSON.marker_environment == {
        "implementation_name": "cpython",
        "implementation_version": "3.10.0",
        "os_name": "posix",
        "platform_machine": "aarch64",
        "platform_release": "",
        "platform_system": "Linux",
        "platform_version": "",
        "python_full_version": "3.10.0",
        "platform_python_implementation": "CPython",
        "python_version": "3.10",
        "sys_platform": "linux",
    }


@pytest.mark.parametrize(
    ("marker", "jetson", "server"),
    [
        ("platform_machine == 'aarch64'", True, False),
        ("platform_machine == 'x86_64' and python_version >= '3.12'", False, True),
        ("sys_platform == 'win32'", False, False),
        ("implementation_name == 'cpython' and platform_system == 'Linux'", True, True),
        ("python_full_version < '3.11'", True, False),
        # An extra of an unknown requester cannot be told: counted as true.
        ("extra == 'gpu'", True, True),
        (None, True, True),
    ],
)
def test_markers(marker: str | None, jetson: bool, server: bool) -> None:
    assert JETSON.matches_marker(marker) is jetson
    assert SERVER.matches_marker(marker) is server


def test_lock_file_markers_see_extras_and_groups() -> None:
    assert JETSON.matches_marker("'gpu' in extras", extras=["gpu"])
    assert not JETSON.matches_marker("'gpu' in extras")
    assert JETSON.matches_marker(
        "'dev' in dependency_groups", dependency_groups=["dev"]
    )


def test_full_python_version_is_kept() -> None:
    profile = Profile.create("jp6", "3.10.12", ["linux_aarch64"])

    assert profile.python_full_version == "3.10.12"
    assert profile.marker_environment["python_version"] == "3.10"
    assert profile.accepts_python(">=3.10.12")
    assert not profile.accepts_python(">=3.10.13")


@pytest.mark.parametrize(
    ("name", "python", "platforms", "message"),
    [
        ("bad name", "3.10", ["linux_aarch64"], "Invalid profile name"),
        ("jp6", "3", ["linux_aarch64"], "Invalid Python version"),
        ("jp6", "2.7", ["linux_aarch64"], "Invalid Python version"),
        ("jp6", "three", ["linux_aarch64"], "Invalid Python version"),
        ("jp6", "3.10", ["any"], "Unsupported platform tag"),
    ],
)
def test_invalid_profiles(
    name: str, python: str, platforms: list[str], message: str
) -> None:
    with pytest.raises(InvalidRequest, match=message):
        Profile.create(name, python, platforms)


RELEASE = [
    ReleaseFile("demo-1.0-cp310-cp310-linux_aarch64.whl"),
    ReleaseFile("demo-1.0-cp310-cp310-manylinux_2_35_aarch64.whl"),
    ReleaseFile("demo-1.0-cp312-cp312-manylinux_2_28_x86_64.whl"),
    ReleaseFile("demo-1.0.tar.gz"),
]


def test_best_ranked_wheel_is_chosen() -> None:
    assert (
        choose_file(JETSON, RELEASE).filename
        == "demo-1.0-cp310-cp310-manylinux_2_35_aarch64.whl"
    )
    assert (
        choose_file(SERVER, RELEASE).filename
        == "demo-1.0-cp312-cp312-manylinux_2_28_x86_64.whl"
    )


def test_a_newer_glibc_wheel_does_not_install() -> None:
    old_glibc = Profile.create("old", "3.12", ["manylinux_2_17_x86_64"])

    choice = choose_file(old_glibc, RELEASE)

    assert choice.filename is None
    assert choice.reason == (
        "no compatible wheel; the sdist demo-1.0.tar.gz would need building, "
        "and sdists are not counted"
    )
    assert choose_file(old_glibc, RELEASE, allow_sdist=True).filename == (
        "demo-1.0.tar.gz"
    )


def test_requires_python_is_respected() -> None:
    files = [
        ReleaseFile("demo-2.0-py3-none-any.whl", requires_python=">=3.11"),
        ReleaseFile("demo-2.0.tar.gz", requires_python=">=3.11"),
    ]

    choice = choose_file(JETSON, files, allow_sdist=True)

    assert choice.filename is None
    assert choice.reason == (
        "the compatible wheel demo-2.0-py3-none-any.whl requires Python >=3.11, "
        "not Python 3.10.0"
    )
    assert choose_file(SERVER, files).filename == "demo-2.0-py3-none-any.whl"


def test_a_worse_wheel_wins_when_the_better_excludes_the_python() -> None:
    files = [
        ReleaseFile("demo-2.0-cp310-cp310-manylinux_2_35_aarch64.whl", ">=3.11"),
        ReleaseFile("demo-2.0-py3-none-any.whl"),
    ]

    assert choose_file(JETSON, files).filename == "demo-2.0-py3-none-any.whl"


def test_nothing_at_all() -> None:
    choice = choose_file(
        SERVER, [ReleaseFile("demo-1.0-cp310-cp310-linux_aarch64.whl")]
    )

    assert (choice.filename, choice.reason) == (None, "no compatible wheel")
