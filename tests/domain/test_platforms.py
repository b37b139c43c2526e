"""Reading platform tags and expanding them as an installer on that system would."""

import pytest

from wheelkeep.domain.errors import InvalidRequest
from wheelkeep.domain.platforms import (
    Libc,
    OperatingSystem,
    Platform,
    check_profile_platforms,
    expand_platforms,
    parse_platform,
)

LINUX = OperatingSystem.LINUX


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        (
            "manylinux_2_35_aarch64",
            Platform("manylinux_2_35_aarch64", LINUX, "aarch64", Libc.GLIBC, (2, 35)),
        ),
        (
            "manylinux2014_x86_64",
            Platform("manylinux2014_x86_64", LINUX, "x86_64", Libc.GLIBC, (2, 17)),
        ),
        (
            "manylinux1_i686",
            Platform("manylinux1_i686", LINUX, "i686", Libc.GLIBC, (2, 5)),
        ),
        (
            "musllinux_1_2_x86_64",
            Platform("musllinux_1_2_x86_64", LINUX, "x86_64", Libc.MUSL, (1, 2)),
        ),
        ("linux_aarch64", Platform("linux_aarch64", LINUX, "aarch64")),
        ("linux_armv7l", Platform("linux_armv7l", LINUX, "armv7l")),
        (
            "macosx_11_0_arm64",
            Platform(
                "macosx_11_0_arm64", OperatingSystem.MACOS, "arm64", None, (11, 0)
            ),
        ),
        ("win_amd64", Platform("win_amd64", OperatingSystem.WINDOWS, "amd64")),
        ("win32", Platform("win32", OperatingSystem.WINDOWS, "x86")),
        ("any", Platform("any", OperatingSystem.ANY)),
        (
            "emscripten_3_1_58_wasm32",
            Platform("emscripten_3_1_58_wasm32", OperatingSystem.OTHER),
        ),
    ],
)
def test_parse_platform(tag: str, expected: Platform) -> None:
    assert parse_platform(tag) == expected


def test_windows_machine_names_follow_platform_machine() -> None:
    assert parse_platform("win_amd64").machine == "AMD64"
    assert parse_platform("win_arm64").machine == "ARM64"
    assert parse_platform("linux_aarch64").machine == "aarch64"


def test_glibc_level_brings_every_older_level_down_to_manylinux2014() -> None:
    expanded = expand_platforms(["manylinux_2_35_aarch64", "linux_aarch64"])

    assert expanded == [
        *(f"manylinux_2_{minor}_aarch64" for minor in range(35, 16, -1)),
        "manylinux2014_aarch64",
        "linux_aarch64",
    ]


def test_x86_64_goes_down_to_manylinux1_with_each_legacy_alias() -> None:
    expanded = expand_platforms(["manylinux_2_28_x86_64"])

    assert expanded[0] == "manylinux_2_28_x86_64"
    assert expanded[-2:] == ["manylinux_2_5_x86_64", "manylinux1_x86_64"]
    position = expanded.index
    assert position("manylinux2014_x86_64") == position("manylinux_2_17_x86_64") + 1
    assert position("manylinux2010_x86_64") == position("manylinux_2_12_x86_64") + 1
    assert len(expanded) == 24 + 3


def test_legacy_alias_expands_like_its_level() -> None:
    assert expand_platforms(["manylinux2014_x86_64"]) == expand_platforms(
        ["manylinux_2_17_x86_64"]
    )


def test_musl_and_macos_levels() -> None:
    assert expand_platforms(["musllinux_1_2_aarch64"]) == [
        "musllinux_1_2_aarch64",
        "musllinux_1_1_aarch64",
        "musllinux_1_0_aarch64",
    ]
    macos = expand_platforms(["macosx_12_0_arm64"])
    assert macos[:3] == [
        "macosx_12_0_arm64",
        "macosx_12_0_universal2",
        "macosx_11_0_arm64",
    ]


def test_profile_platforms_name_one_machine() -> None:
    assert (
        len(check_profile_platforms(["manylinux_2_35_aarch64", "linux_aarch64"])) == 2
    )
    with pytest.raises(InvalidRequest, match="one machine"):
        check_profile_platforms(["manylinux_2_35_aarch64", "manylinux_2_28_x86_64"])
    with pytest.raises(InvalidRequest, match="at least one"):
        check_profile_platforms([])
