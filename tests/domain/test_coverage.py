"""The coverage matrix: rows of interpreter and ABI, columns of platforms."""

from wheelkeep.domain.coverage import coverage_of
from wheelkeep.domain.distributions import ReleaseFile


def test_rows_and_columns_are_ordered() -> None:
    coverage = coverage_of(
        [
            ReleaseFile("demo-1.0.tar.gz"),
            ReleaseFile("demo-1.0-py3-none-any.whl"),
            ReleaseFile("demo-1.0-cp39-abi3-win_amd64.whl"),
            ReleaseFile("demo-1.0-cp312-cp312-macosx_11_0_arm64.whl"),
            ReleaseFile(
                "demo-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
            ),
            ReleaseFile("demo-1.0-cp312-cp312-musllinux_1_2_x86_64.whl"),
            ReleaseFile("demo-1.0-cp310-cp310-linux_aarch64.whl"),
        ]
    )

    assert [python.label for python in coverage.pythons] == [
        "cp39-abi3",
        "cp310-cp310",
        "cp312-cp312",
        "py3-none",
    ]
    assert [platform.tag for platform in coverage.platforms] == [
        "linux_aarch64",
        "manylinux2014_x86_64",
        "manylinux_2_17_x86_64",
        "musllinux_1_2_x86_64",
        "macosx_11_0_arm64",
        "win_amd64",
        "any",
    ]
    compressed = "demo-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    assert coverage.cells[("cp312-cp312", "manylinux_2_17_x86_64")] == [compressed]
    assert coverage.cells[("cp312-cp312", "manylinux2014_x86_64")] == [compressed]
    assert ("cp310-cp310", "any") not in coverage.cells
    assert [file.filename for file in coverage.sdists] == ["demo-1.0.tar.gz"]


def test_tag_facts_in_the_document() -> None:
    document = coverage_of(
        [
            ReleaseFile("demo-1.0-cp312-cp312-musllinux_1_2_x86_64.whl", ">=3.12"),
            ReleaseFile("demo-1.0-cp312-cp312-macosx_14_0_arm64.whl"),
        ]
    ).as_dict()

    files = document["files"]
    assert isinstance(files, list)
    assert files[0]["tags"] == [
        {
            "interpreter": "cp312",
            "abi": "cp312",
            "platform": "macosx_14_0_arm64",
            "os": "macos",
            "arch": "arm64",
            "libc": None,
            "libc_version": None,
            "os_version": "14.0",
        }
    ]
    assert files[1]["requires_python"] == ">=3.12"
    assert files[1]["tags"][0]["libc"] == "musl"
    assert files[1]["tags"][0]["libc_version"] == "1.2"


def test_a_release_of_only_an_sdist() -> None:
    coverage = coverage_of([ReleaseFile("demo-1.0.tar.gz")])

    assert coverage.pythons == []
    assert coverage.platforms == []
    assert coverage.as_dict()["sdists"] == ["demo-1.0.tar.gz"]
