"""The upload form's rules, and the agreement of form, filename and metadata."""

import pytest
from packaging.metadata import Metadata

from wheelkeep.domain.distributions import parse_filename
from wheelkeep.domain.errors import FileAlreadyExists, InvalidUpload
from wheelkeep.domain.uploads import (
    check_filename_matches_form,
    check_form,
    check_metadata_matches,
    refuse_existing,
)

FORM = {
    ":action": "file_upload",
    "protocol_version": "1",
    "metadata_version": "2.1",
    "name": "Demo",
    "version": "1.0",
    "filetype": "bdist_wheel",
    "pyversion": "py3",
    "sha256_digest": "ab" * 32,
}


def test_a_complete_form_is_read() -> None:
    form = check_form(FORM)

    assert (form.name, str(form.version), form.filetype.value) == (
        "demo",
        "1.0",
        "bdist_wheel",
    )
    assert form.sent_digests == {"sha256": "ab" * 32}


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        (":action", "submit", "Unsupported ':action' 'submit'"),
        (":action", None, "Unsupported ':action' None"),
        ("protocol_version", "2", "Unsupported 'protocol_version'"),
        ("metadata_version", "3.0", "Unsupported 'metadata_version' '3.0'"),
        ("metadata_version", None, "Unsupported 'metadata_version' ''"),
        ("name", None, "Missing form field 'name'"),
        ("version", " ", "Missing form field 'version'"),
        ("filetype", None, "Missing form field 'filetype'"),
        ("filetype", "bdist_egg", "Unsupported 'filetype' 'bdist_egg'"),
        ("name", "-bad-", "Invalid package name '-bad-'"),
        ("version", "one", "Invalid version 'one'"),
    ],
)
def test_a_bad_form_field_is_refused(
    field: str, value: str | None, reason: str
) -> None:
    fields = {key: v for key, v in FORM.items() if key != field}
    if value is not None:
        fields[field] = value

    with pytest.raises(InvalidUpload) as refused:
        check_form(fields)

    assert reason in refused.value.message


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"name": "other"}, "is for package 'demo', but the form says 'other'"),
        ({"version": "2.0"}, "is for version 1.0, but the form says 2.0"),
        ({"filetype": "sdist"}, "is a bdist_wheel, but the form's 'filetype'"),
    ],
)
def test_the_filename_must_agree_with_the_form(
    changes: dict[str, str], reason: str
) -> None:
    form = check_form({**FORM, **changes})

    with pytest.raises(InvalidUpload, match=reason):
        check_filename_matches_form(form, parse_filename("demo-1.0-py3-none-any.whl"))


def test_equal_spellings_of_name_and_version_agree() -> None:
    form = check_form({**FORM, "name": "DEMO", "version": "1.0.0"})

    check_filename_matches_form(form, parse_filename("demo-1.0-py3-none-any.whl"))


@pytest.mark.parametrize(
    ("name", "version", "reason"),
    [
        ("other", "1.0", "is for package 'other', but the filename says 'demo'"),
        ("demo", "1.1", "is for version 1.1, but the filename says 1.0"),
    ],
)
def test_the_metadata_must_agree_with_the_filename(
    name: str, version: str, reason: str
) -> None:
    metadata = Metadata.from_email(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n"
    )

    with pytest.raises(InvalidUpload, match=reason):
        check_metadata_matches(metadata, parse_filename("demo-1.0-py3-none-any.whl"))


@pytest.mark.parametrize("deleted", [True, False])
def test_a_taken_filename_says_file_already_exists(deleted: bool) -> None:
    error = refuse_existing("demo-1.0.tar.gz", deleted=deleted)

    assert isinstance(error, FileAlreadyExists)
    assert error.message.startswith("File already exists")
