"""Filenames and the contents of wheels and sdists."""

import io
import tarfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.tags import Tag
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.factories import Dist, sdist_bytes, wheel_bytes
from wheelkeep.domain.distributions import (
    FileKind,
    parse_filename,
    read_core_metadata,
)
from wheelkeep.domain.errors import InvalidUpload

PLATFORM_TAGS = [
    "py3-none-any",
    "cp310-cp310-linux_aarch64",
    "cp310-cp310-linux_x86_64",
    "cp310-cp310-manylinux_2_17_aarch64.manylinux2014_aarch64",
    "cp312-cp312-manylinux_2_28_x86_64",
    "cp311-cp311-musllinux_1_2_aarch64",
    "cp39-abi3-win_amd64",
    "cp313-cp313t-macosx_11_0_arm64",
]

names = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9._-]{0,20}[A-Za-z0-9])?", fullmatch=True)
versions = st.builds(
    lambda release, suffix: ".".join(map(str, release)) + suffix,
    st.lists(st.integers(0, 999), min_size=1, max_size=4),
    st.sampled_from(["", "a1", "b2", "rc3", ".post1", ".dev4", "rc1.post2.dev3"]),
)


@given(name=names, version=versions, tag=st.sampled_from(PLATFORM_TAGS))
def test_a_valid_wheel_filename_states_name_version_and_tags(
    name: str, version: str, tag: str
) -> None:
    stem = canonicalize_name(name).replace("-", "_")
    filename = f"{stem}-{version}-{tag}.whl"

    parsed = parse_filename(filename)

    assert parsed.kind is FileKind.WHEEL
    assert parsed.name == canonicalize_name(name)
    assert parsed.version == Version(version)
    interpreter, abi, platforms = tag.split("-")
    assert parsed.tags == {
        Tag(interpreter, abi, platform) for platform in platforms.split(".")
    }


@given(name=names, version=versions)
def test_a_valid_sdist_filename_states_name_and_version(
    name: str, version: str
) -> None:
    stem = canonicalize_name(name).replace("-", "_")

    parsed = parse_filename(f"{stem}-{version}.tar.gz")

    assert parsed.kind is FileKind.SDIST
    assert (parsed.name, parsed.version) == (canonicalize_name(name), Version(version))


@given(st.text(max_size=300))
def test_any_text_is_parsed_or_refused_with_a_reason(filename: str) -> None:
    try:
        parse_filename(filename)
    except InvalidUpload as error:
        message = error.message
    else:
        return
    assert message.startswith("Invalid")


@given(
    prefix=st.text(max_size=10),
    unsafe=st.sampled_from(["/", "\\", "\x00", "\n", "\x7f", ":"]),
    suffix=st.text(max_size=10),
)
def test_a_filename_with_a_separator_or_control_character_is_refused(
    prefix: str, unsafe: str, suffix: str
) -> None:
    with pytest.raises(InvalidUpload, match="path separators"):
        parse_filename(f"{prefix}demo{unsafe}{suffix}-1.0-py3-none-any.whl")


@pytest.mark.parametrize(
    "filename",
    [
        "../demo-1.0-py3-none-any.whl",
        "a/demo-1.0-py3-none-any.whl",
        "a\\demo-1.0-py3-none-any.whl",
        "demo-1.0-py3-none-any.whl\x00.txt",
        ".demo-1.0-py3-none-any.whl",
    ],
)
def test_path_traversal_is_refused(filename: str) -> None:
    with pytest.raises(InvalidUpload, match="Invalid filename"):
        parse_filename(filename)


@pytest.mark.parametrize(
    ("filename", "reason"),
    [
        ("demo-1.0.exe", "Invalid file extension"),
        ("demo-1.0.tar.bz2", "Invalid file extension"),
        ("demo-1.0-py3-none.whl", "Invalid wheel filename"),
        ("demo-one-py3-none-any.whl", "Invalid wheel filename"),
        ("demo.tar.gz", "Invalid sdist filename"),
        ("x" * 252 + ".whl", "1 to 255 characters"),
        ("", "1 to 255 characters"),
    ],
)
def test_malformed_filenames_are_refused(filename: str, reason: str) -> None:
    with pytest.raises(InvalidUpload, match=reason):
        parse_filename(filename)


def _write(tmp_path: Path, filename: str, data: bytes) -> Path:
    path = tmp_path / filename
    path.write_bytes(data)
    return path


def test_a_wheels_metadata_is_read(tmp_path: Path) -> None:
    dist = Dist(tag="cp310-cp310-linux_aarch64")
    path = _write(tmp_path, dist.wheel_filename, wheel_bytes(dist))

    raw = read_core_metadata(path, parse_filename(dist.wheel_filename))

    assert raw == dist.metadata()


@pytest.mark.parametrize("missing", ["METADATA", "WHEEL", "RECORD"])
def test_a_wheel_without_a_required_dist_info_file_is_refused(
    tmp_path: Path, missing: str
) -> None:
    dist = Dist()
    path = _write(tmp_path, dist.wheel_filename, wheel_bytes(dist, omit=(missing,)))

    with pytest.raises(InvalidUpload, match=f"has no {missing} file"):
        read_core_metadata(path, parse_filename(dist.wheel_filename))


def test_a_corrupt_zip_is_refused(tmp_path: Path) -> None:
    dist = Dist()
    data = wheel_bytes(dist)
    path = _write(tmp_path, dist.wheel_filename, data[: len(data) // 2])

    with pytest.raises(InvalidUpload, match="not a readable zip"):
        read_core_metadata(path, parse_filename(dist.wheel_filename))


def test_a_wheel_with_two_dist_info_folders_is_refused(tmp_path: Path) -> None:
    dist = Dist()
    buffer = io.BytesIO(wheel_bytes(dist))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("other-2.0.dist-info/METADATA", b"")
    path = _write(tmp_path, dist.wheel_filename, buffer.getvalue())

    with pytest.raises(InvalidUpload, match=r"exactly one \.dist-info"):
        read_core_metadata(path, parse_filename(dist.wheel_filename))


@pytest.mark.parametrize(
    "folder", ["other-1.0.dist-info", "demo-2.0.dist-info", "demo.dist-info"]
)
def test_a_wheel_whose_dist_info_names_another_release_is_refused(
    tmp_path: Path, folder: str
) -> None:
    dist = Dist()
    data = wheel_bytes(dist, dist_info=folder)
    path = _write(tmp_path, dist.wheel_filename, data)

    with pytest.raises(InvalidUpload, match="does not match the name and version"):
        read_core_metadata(path, parse_filename(dist.wheel_filename))


def test_a_dist_info_folder_in_another_spelling_is_accepted(tmp_path: Path) -> None:
    dist = Dist(name="My.Pkg", version="1.0.0")
    data = wheel_bytes(dist, dist_info="My.Pkg-1.0.dist-info")
    path = _write(tmp_path, dist.wheel_filename, data)

    assert read_core_metadata(path, parse_filename(dist.wheel_filename))


def test_an_sdists_pkg_info_is_read(tmp_path: Path) -> None:
    dist = Dist()
    path = _write(tmp_path, dist.sdist_filename, sdist_bytes(dist))

    assert read_core_metadata(path, parse_filename(dist.sdist_filename)) == (
        dist.metadata()
    )


def test_an_sdist_without_pkg_info_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        data = b"print(1)\n"
        info = tarfile.TarInfo("demo-1.0/setup.py")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    path = _write(tmp_path, "demo-1.0.tar.gz", buffer.getvalue())

    with pytest.raises(InvalidUpload, match="no PKG-INFO"):
        read_core_metadata(path, parse_filename("demo-1.0.tar.gz"))


def test_a_corrupt_sdist_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "demo-1.0.tar.gz", b"\x1f\x8b not really gzip")

    with pytest.raises(InvalidUpload, match=r"not a readable \.tar\.gz"):
        read_core_metadata(path, parse_filename("demo-1.0.tar.gz"))


def _respell(name: str, draw: st.DrawFn) -> str:
    """Another spelling of a normalised name: case and separators changed."""
    separators = st.sampled_from(["-", "_", "."])
    parts = name.split("-")
    spelled = parts[0]
    for part in parts[1:]:
        spelled += draw(separators) + part
    return "".join(c.upper() if draw(st.booleans()) else c for c in spelled)


@given(
    name=names,
    version=st.sampled_from(["1.0", "1.0.0", "1"]),
    tag=st.sampled_from(PLATFORM_TAGS),
    data=st.data(),
)
def test_every_spelling_of_a_filename_has_one_identity(
    name: str, version: str, tag: str, data: st.DataObject
) -> None:
    normalized = canonicalize_name(name)
    spelled = _respell(normalized, data.draw).replace("-", "_")
    canonical = parse_filename(f"{normalized.replace('-', '_')}-1.0-{tag}.whl")

    respelled = parse_filename(f"{spelled}-{version}-{tag}.whl")

    assert respelled.identity == canonical.identity
    sdist = parse_filename(f"{spelled}-{version}.tar.gz")
    assert sdist.identity == parse_filename(f"{normalized}-1.0.tar.gz").identity


@pytest.mark.parametrize(
    "other",
    [
        "demo-1.0.1-py3-none-any.whl",
        "demo-1.0-1-py3-none-any.whl",
        "demo-1.0-py2.py3-none-any.whl",
        "demo-1.0-cp310-cp310-linux_aarch64.whl",
        "demo_x-1.0-py3-none-any.whl",
        "demo-1.0.zip",
    ],
)
def test_different_files_have_different_identities(other: str) -> None:
    assert parse_filename(other).identity != (
        parse_filename("demo-1.0-py3-none-any.whl").identity
    )
