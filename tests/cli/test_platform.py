"""``wheelkeep coverage``, ``profile`` and ``check`` as a user runs them."""

import json
from pathlib import Path

import pytest

from tests.api.test_platform import EXPECTED_COVERAGE, publish_release
from tests.cli.conftest import Cli
from tests.conftest import Api


def add_profiles(wheelkeep: Cli) -> None:
    wheelkeep(
        "profile", "add", "jetson-orin-jp6", "--python", "3.10",
        "--platform", "manylinux_2_35_aarch64", "--platform", "linux_aarch64",
    )  # fmt: skip
    wheelkeep(
        "profile", "add", "server", "--python", "3.12",
        "--platform", "manylinux_2_28_x86_64",
    )  # fmt: skip
    wheelkeep(
        "profile", "add", "legacy", "--python", "3.8",
        "--platform", "manylinux2014_x86_64",
    )  # fmt: skip


EXPECTED_MATRIX = """\
demo 1.0

interpreter  abi    linux_aarch64  manylinux_2_35_aarch64  manylinux_2_28_x86_64
cp310        cp310  1              2                       .
cp312        cp312  .              .                       3

platform                os     arch     requires
linux_aarch64           linux  aarch64  .
manylinux_2_35_aarch64  linux  aarch64  glibc 2.35
manylinux_2_28_x86_64   linux  x86_64   glibc 2.28

1      demo-1.0-cp310-cp310-linux_aarch64.whl
2      demo-1.0-cp310-cp310-manylinux_2_35_aarch64.whl
3      demo-1.0-cp312-cp312-manylinux_2_28_x86_64.whl
sdist  demo-1.0.tar.gz
"""

EXPECTED_PROFILES = """
profile          python        installs
jetson-orin-jp6  cpython 3.10  demo-1.0-cp310-cp310-manylinux_2_35_aarch64.whl
legacy           cpython 3.8   nothing: no compatible wheel; the sdist demo-1.0.tar.gz \
would need building, and sdists are not counted
server           cpython 3.12  demo-1.0-cp312-cp312-manylinux_2_28_x86_64.whl
"""


def test_coverage_matrix(api: Api, wheelkeep: Cli) -> None:
    publish_release(api)
    add_profiles(wheelkeep)

    assert wheelkeep("coverage", "demo", "1.0") == EXPECTED_MATRIX


def test_coverage_matrix_with_profiles(api: Api, wheelkeep: Cli) -> None:
    publish_release(api)
    add_profiles(wheelkeep)

    output = wheelkeep("coverage", "demo", "1.0", "--profiles")

    assert output == EXPECTED_MATRIX + EXPECTED_PROFILES


def test_coverage_json_matches_the_api(api: Api, wheelkeep: Cli) -> None:
    publish_release(api)
    add_profiles(wheelkeep)

    output = wheelkeep("coverage", "demo", "1.0", "--json", "--project", "default")

    assert json.loads(output) == EXPECTED_COVERAGE


def test_coverage_of_a_missing_release(api: Api, wheelkeep: Cli) -> None:
    publish_release(api)

    message = wheelkeep.error("coverage", "demo", "9.0")

    assert message == "No release demo 9.0 in this project."


def test_profiles_add_list_remove(wheelkeep: Cli) -> None:
    add_profiles(wheelkeep)

    listed = wheelkeep("profile", "list")
    wheelkeep("profile", "remove", "legacy")
    remaining = json.loads(wheelkeep("profile", "list", "--json"))

    assert listed == (
        "name             python        platforms\n"
        "jetson-orin-jp6  cpython 3.10  manylinux_2_35_aarch64, linux_aarch64\n"
        "legacy           cpython 3.8   manylinux2014_x86_64\n"
        "server           cpython 3.12  manylinux_2_28_x86_64\n"
    )
    assert [profile["name"] for profile in remaining] == ["jetson-orin-jp6", "server"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--platform", "manylinux_2_35_aarch64", "--platform", "win_amd64"],
            "one machine",
        ),
        (["--platform", "any"], "Unsupported platform tag 'any'"),
        (["--platform", "weird_thing"], "Unsupported platform tag"),
    ],
)
def test_profile_add_refuses_bad_platforms(
    wheelkeep: Cli, arguments: list[str], message: str
) -> None:
    error = wheelkeep.error("profile", "add", "bad", "--python", "3.10", *arguments)

    assert message in error


def test_check_prints_findings_and_fails(
    api: Api, wheelkeep: Cli, tmp_path: Path
) -> None:
    publish_release(api)
    add_profiles(wheelkeep)
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(
        "demo==1.0 --hash=sha256:" + "0" * 64 + "\n"
        "missing==2.0 --hash=sha256:" + "1" * 64 + "\n"
        "-e ./local\n"
    )

    output = wheelkeep(
        "check", str(requirements), "--profile", "server", "--profile", "legacy",
        code=1,
    )  # fmt: skip

    assert output.splitlines() == [
        "requirements.txt (requirements) against project 1",
        "note: line 3: option -e ignored",
        "FAIL  server: 2 problems, 2 packages",
        "      demo 1.0 [hash-mismatch] the registry serves "
        "demo-1.0-cp312-cp312-manylinux_2_28_x86_64.whl with sha256 "
        + served_sha256(api, "demo-1.0-cp312-cp312-manylinux_2_28_x86_64.whl")
        + ", which is not among the hashes listed",
        "      missing 2.0 [missing-release] missing 2.0 is not in the registry",
        "FAIL  legacy: 2 problems, 2 packages",
        "      demo 1.0 [no-file-for-profile] the registry has no file of demo 1.0 "
        "for legacy: no compatible wheel; the sdist demo-1.0.tar.gz would need "
        "building, and sdists are not counted",
        "      missing 2.0 [missing-release] missing 2.0 is not in the registry",
    ]


def served_sha256(api: Api, filename: str) -> str:
    page = api.get("/simple/demo/", Accept="application/vnd.pypi.simple.v1+json")
    return next(
        f["hashes"]["sha256"] for f in page.json()["files"] if f["filename"] == filename
    )
