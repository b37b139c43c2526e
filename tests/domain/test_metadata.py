"""Core metadata 1.0 to 2.5."""

import pytest

from wheelkeep.domain.errors import InvalidUpload
from wheelkeep.domain.metadata import parse_core_metadata

# A field each version introduced, so that every version's own fields are read.
FIELDS_BY_VERSION = {
    "1.0": "Platform: any",
    "1.1": "Classifier: Programming Language :: Python",
    "1.2": "Requires-Python: >=3.9",
    "2.0": "Requires-Dist: packaging>=24",
    "2.1": "Description-Content-Type: text/markdown",
    "2.2": "Dynamic: Requires-Dist",
    "2.3": "Provides-Extra: test",
    "2.4": "License-Expression: MIT",
    "2.5": "Import-Name: demo",
}


@pytest.mark.parametrize("version", sorted(FIELDS_BY_VERSION))
def test_every_metadata_version_from_1_0_to_2_5_is_accepted(version: str) -> None:
    raw = (
        f"Metadata-Version: {version}\nName: demo\nVersion: 1.0\n"
        f"{FIELDS_BY_VERSION[version]}\n\n"
    ).encode()

    metadata = parse_core_metadata(raw, "demo-1.0-py3-none-any.whl")

    assert (metadata.name, str(metadata.version)) == ("demo", "1.0")


def test_import_name_of_metadata_2_5_is_read() -> None:
    raw = b"Metadata-Version: 2.5\nName: demo\nVersion: 1.0\nImport-Name: demo.x\n\n"

    assert parse_core_metadata(raw, "f").import_names == ["demo.x"]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"Metadata-Version: 2.1\nVersion: 1.0\n\n", "name"),
        (b"Metadata-Version: 2.1\nName: demo\nVersion: one\n\n", "one"),
        (b"Metadata-Version: 2.1\nName: -demo-\nVersion: 1.0\n\n", "-demo-"),
        (b"Metadata-Version: 3.0\nName: demo\nVersion: 1.0\n\n", "3.0"),
        (b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nImport-Name: x\n\n", "2.5"),
        (b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Dist: [\n\n", "["),
        (b"\xff\xfe", "Invalid core metadata"),
    ],
)
def test_invalid_metadata_is_refused_with_the_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(InvalidUpload, match="Invalid core metadata") as refused:
        parse_core_metadata(raw, "demo-1.0-py3-none-any.whl")

    assert reason in refused.value.message
